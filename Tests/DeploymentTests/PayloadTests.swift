import Foundation
import PKI
import Testing
@testable import Deployment

/// Each step carries what it works on as data, made where its command is made: the CSR of
/// every key it makes, the files by role of every service it configures, so that no
/// reader parses the command text back.
@Suite("Step payloads")
struct PayloadTests {
    /// Every plan of every fixture: a step that makes a key carries the CSR its command
    /// types, a step that gives a service files names exactly the files its command does.
    @Test(arguments: [Fixtures.three3x, Fixtures.combined29, Fixtures.five29, Fixtures.singleLocalSAN, Fixtures.wildcard3x])
    func payloadsSayWhatTheCommandsSay(_ yaml: String) throws {
        let d = try Fixtures.load(yaml)
        // The set-up, and a renewal under new names where the estate has certificates in use.
        var plans = [try Planner.plan(d, flow: .fresh)]
        if yaml == Fixtures.three3x { plans.append(try Planner.plan(d, flow: .renewNewNames, current: Fixtures.state3x(d, withCSRs: true))) }
        for plan in plans {
            var specs = 0, services = 0
            for step in plan.steps {
                if step.kind == .mmp && (step.command.hasPrefix("pki csr ") || step.command.hasPrefix("pki selfsigned ")) {
                    let spec = try #require(step.payload?.spec, "\(step.id) carries its CSR")
                    #expect(step.command == spec.mmpCommand() || step.command == MMP.selfSigned(spec), "\(step.id)")
                    specs += 1
                }
                if case .makeKeyAndCSR(let spec, _, _, _)? = step.local { #expect(step.payload?.spec == spec, "\(step.id)") }
                let words = step.command.split(separator: " ").map(String.init)
                if step.kind == .mmp, words.contains("certs") || words.contains("trust") {
                    let files = try #require(step.payload?.files, "\(step.id) carries its files")
                    // `tls sip trust` is the call bridge's.
                    #expect(words.first == (files.service == "callbridge" && words.first == "tls" ? "tls" : files.service), "\(step.id)")
                    #expect(Set(files.allFiles) == Set(words.filter { $0.contains(".") }), "\(step.id): \(files) vs \(step.command)")
                    services += 1
                }
            }
            #expect(specs + plan.steps.filter { $0.local.map { if case .makeKeyAndCSR = $0 { true } else { false } } ?? false }.count > 0)
            #expect(services > 0)
        }
    }

    /// The digest is made without the payloads (they repeat what the commands say), so a
    /// plan journaled before payloads existed has the digest of the same plan made now,
    /// and its JSON, without them, still loads.
    @Test func plansFromBeforePayloadsStillLoadAndKeepTheirDigest() throws {
        let plan = try Planner.plan(try Fixtures.load(Fixtures.three3x), flow: .fresh)
        #expect(plan.steps.contains { $0.payload != nil })
        var old = plan
        for i in old.steps.indices { old.steps[i].payload = nil }
        #expect(old.computeDigest() == plan.digest)
        let json = old.canonicalJSON()
        #expect(!json.contains("\"payload\""))
        let decoded = try JSONDecoder().decode(Plan.self, from: Data(json.utf8))
        #expect(decoded.digest == plan.digest && decoded.steps.allSatisfy { $0.payload == nil })
        let now = try JSONDecoder().decode(Plan.self, from: Data(plan.canonicalJSON().utf8))
        #expect(now == plan, "the payloads survive JSON")
    }
}
