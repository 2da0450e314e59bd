import Foundation
import Inventory
import PKI
import TestSupport
import Testing
@testable import Wizard

/// A folder of 10,000 certificates: the dashboard reads every one (no cap), through the
/// same Inventory scan as `cmscerts expiry`, and shows the same certificates.
@Suite("The dashboard on a folder of 10,000 certificates", .serialized)
struct DashboardScaleTests {
    static let count = 10_000

    /// 10,000 certificates signed in-process by one CA with one P-256 leaf key (the key is
    /// reused: only the signing costs), 100 files per sub-folder; a few expired.
    static func makeFolder() throws -> String {
        let folder = TestSupport.temporaryDirectory("scale")
        let caKey = try PrivateKey.generate(.p256), leafKey = try PrivateKey.generate(.p256)
        let ca = try Issuance.selfSigned(CSRSpec(basename: "ca", subject: SubjectFields(commonName: "Scale Test CA")), key: caKey)
        let now = Date()
        for index in 0..<count {
            if index % 100 == 0 {
                try FileManager.default.createDirectory(atPath: folder + String(format: "/%03d", index / 100), withIntermediateDirectories: true)
            }
            let csr = try Issuance.makeCSR(CSRSpec(basename: "c", subject: SubjectFields(commonName: "host\(index).example.com")), key: leafKey)
            var notes: [String] = []
            // Some issued long ago (expired by now), most valid.
            let issued = index % 50 == 0 ? now.addingTimeInterval(-400 * 86_400) : now
            let certificate = try Issuance.sign(csr, caCertificate: ca, caKey: caKey, days: 365, now: issued, notes: &notes)
            try Data(certificate.pem.utf8).write(to: URL(fileURLWithPath: folder + String(format: "/%03d/%05d.crt", index / 100, index)))
        }
        return folder
    }

    @Test(.timeLimit(.minutes(10))) func theDashboardAndExpiryJSONGiveTheSameCertificates() async throws {
        // Signing 10,000 and waiting for the CLI are blocking work: off the test pool's
        // two threads, which the other suites' async tests need meanwhile.
        let folder = try await TestSupport.offThePool { try Self.makeFolder() }
        defer { try? FileManager.default.removeItem(atPath: folder) }

        // cmscerts expiry --format json: every row's fingerprint.
        let cli = try await TestSupport.offThePool { TestSupport.run(TestSupport.productPath("cmscerts"), ["expiry", "--format", "json", folder]) }
        #expect(cli.status == 2, "some are expired: critical")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [[String: Any]])
        let expected = json.compactMap { $0["sha256"] as? String }
        #expect(expected.count == Self.count)

        // The dashboard's scan of the same folder (a workspace with no deployment), in batches.
        let policy = try ExpiryPolicy()
        nonisolated(unsafe) var batches: [Int] = []
        let scan = await DashboardState.scan(target: nil, workspace: folder, skipLabNodes: false, policy: policy, now: Date(), connections: .none) { batches.append($0.count) }
        #expect(batches.count > 1 && batches.reduce(0, +) == Self.count, "the count grows while it reads: \(batches)")
        var dashboard = DashboardState()
        dashboard.generation = 1
        _ = dashboard.loaded(1, scan.rows, Date(), scan.nodes, try WizardFixture().state)
        #expect(dashboard.rows?.count == Self.count)
        let same = dashboard.groups.fingerprints == Set(expected) && Set(expected).count == Self.count
        #expect(same, "the same certificates")
        #expect(dashboard.lines.count == Self.count, "one line each: nothing capped")
        let counts = dashboard.shown.counts
        #expect(counts.inUse == Self.count && counts.critical == Self.count / 50)
        // Worst first: the expired ones on top.
        #expect(dashboard.lines.prefix(Self.count / 50).allSatisfy { $0.row?.status == .expired })
    }
}
