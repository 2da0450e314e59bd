import Deployment
import Foundation
import Orchestration
import TestSupport
import Testing

/// The CA's answers are linted when the run resumes after the CA: a certificate signed
/// with SHA-1, or without serverAuth, is refused in the workspace before anything is
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

    @Test("SHA-1 and a missing serverAuth are refused before the certificate is sent", arguments: [("sha1", "serverAuth,clientAuth", "error sha1"), ("sha256", "clientAuth", "error no-server-auth")])
    func refused(digest: String, eku: String, finding: String) async throws {
        let fixture = try LabFixture(label: "lint-\(digest)")
        let plan = try fixture.plan()
        let journal = try Journal.create(stateDirectory: fixture.stateDirectory, plan: plan)
        let outcome = await try fixture.executor(plan, journal: journal).run()
        guard case let .waiting(files, _) = outcome else {
            Issue.record("expected a wait, got \(outcome)")
            return
        }
        let ca = try OutsideCA()
        try ca.place(files, in: fixture.folder)
        try badlySign(ca, csr: fixture.folder + "/cms2/webadmin.csr", into: fixture.folder + "/cms2/webadmin.crt", digest: digest, eku: eku)
        let resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
        let log = EventLog()
        let failed = await try fixture.executor(plan, journal: resumption.journal).run(skipping: resumption.done) { log.add($0) }
        guard case let .failed(failures) = failed, let failure = failures.first(where: { $0.stepID == "local:signed.cms2.webadmin" }) else {
            Issue.record("expected the badly signed certificate to fail the run, got \(failed)")
            return
        }
        #expect(failure.reason.contains("cms2/webadmin.crt is not the CA's answer to cms2/webadmin.csr: \(finding)"), "\(failure.reason)")
        #expect(!log.started.contains("cms2:put.webadmin.crt"), "nothing was sent")
        // openssl, the judge, sees what the lint saw.
        let text = TestSupport.openssl(["x509", "-in", fixture.folder + "/cms2/webadmin.crt", "-noout", "-text"]).output
        #expect(digest == "sha1" ? text.contains("sha1WithRSAEncryption") : !text.contains("TLS Web Server Authentication"))
    }
}
