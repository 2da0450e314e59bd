import Deployment
import Foundation
import Orchestration
import TestSupport
import Testing

/// The CA's answers are linted when the run resumes after the CA: a certificate signed
/// with SHA-1, without serverAuth, or (the call bridge's, which it presents to the web
/// bridge 3 over C2W) without clientAuth, is refused in the workspace before anything is
/// sent, with the finding saying why CMS cares.
@Suite("The CA's answer is linted")
struct AnswerLintTests {
    /// Signs `csr` into `certificate` with the outside CA's issuing CA, as a careless CA
    /// would: `digest` and the extended key usage given.
    func badlySign(_ ca: OutsideCA, csr: String, into certificate: String, digest: String, eku: String) throws {
        TestSupport.write("extendedKeyUsage=\(eku)\nkeyUsage=critical,digitalSignature,keyEncipherment\n", to: ca.folder + "/bad.ext")
        let result = TestSupport.openssl(["x509", "-req", "-in", csr, "-CA", "inter.crt", "-CAkey", "inter.key", "-CAcreateserial",
                                          "-days", "365", "-\(digest)", "-copy_extensions", "copy", "-extfile", "bad.ext", "-out", certificate], in: ca.folder)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("SHA-1, a missing serverAuth, and a C2W certificate without clientAuth are refused before the certificate is sent",
          arguments: [("webadmin", "sha1", "serverAuth,clientAuth", "error sha1"), ("webadmin", "sha256", "clientAuth", "error no-server-auth"),
                      ("callbridge", "sha256", "serverAuth", "error no-client-auth")])
    func refused(service: String, digest: String, eku: String, finding: String) async throws {
        let fixture = try LabFixture(label: "lint-\(service)-\(digest)")
        let plan = try fixture.plan()
        let journal = try Journal.create(stateDirectory: fixture.stateDirectory, plan: plan)
        let outcome = try await fixture.executor(plan, journal: journal).run()
        guard case let .waiting(files, _) = outcome else {
            Issue.record("expected a wait, got \(outcome)")
            return
        }
        let ca = try OutsideCA()
        try ca.place(files, in: fixture.folder)
        try badlySign(ca, csr: fixture.folder + "/cms2/\(service).csr", into: fixture.folder + "/cms2/\(service).crt", digest: digest, eku: eku)
        let resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
        let log = EventLog()
        let failed = try await fixture.executor(plan, journal: resumption.journal).run(skipping: resumption.done) { log.add($0) }
        guard case let .failed(failures) = failed, let failure = failures.first(where: { $0.stepID == "local:signed.cms2.\(service)" }) else {
            Issue.record("expected the badly signed certificate to fail the run, got \(failed)")
            return
        }
        #expect(failure.reason.contains("cms2/\(service).crt is not the CA's answer to cms2/\(service).csr: \(finding)"), "\(failure.reason)")
        #expect(!log.started.contains("cms2:put.\(service).crt"), "nothing was sent")
        // openssl, the judge, sees what the lint saw.
        let text = TestSupport.openssl(["x509", "-in", fixture.folder + "/cms2/\(service).crt", "-noout", "-text"]).output
        let missing = eku.contains("serverAuth") ? "TLS Web Client Authentication" : "TLS Web Server Authentication"
        #expect(digest == "sha1" ? text.contains("sha1WithRSAEncryption") : !text.contains(missing))
    }
}
