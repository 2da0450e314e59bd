import Foundation
import TestSupport
import Testing
@testable import PKI

@Suite("pki verify: chains link by link, failures in plain words, agreeing with openssl verify")
struct VerifyTests {
    func bundle(_ f: Fixture, _ names: [String], as name: String) {
        TestSupport.write(names.map { TestSupport.read(f.path($0)) }.joined(), to: f.path(name))
    }

    @Test func goodChainThroughAnIntermediate() throws {
        let f = Fixture()
        f.opensslChain()
        bundle(f, ["inter.crt", "root.crt"], as: "ca-bundle.pem")
        let report = try f.workspace.verify("leaf.crt", against: "ca-bundle.pem")
        #expect(report.verified, "\(report.text)")
        #expect(report.links.map(\.link) == ["signed by the next", "signed by the next", "self-signed root"])
        #expect(report.text.contains("SUCCESS: certificate verified against CA bundle"))
        #expect(f.openssl(["verify", "-CAfile", "ca-bundle.pem", "leaf.crt"]).contains("leaf.crt: OK"))
    }

    @Test func unknownIssuerIsNamed() throws {
        let f = Fixture()
        f.opensslChain()
        let report = try f.workspace.verify("leaf.crt", against: "root.crt")
        #expect(!report.verified)
        #expect(report.failures.first?.contains("unknown issuer") == true)
        #expect(report.failures.first?.contains("CN=Test Issuing CA") == true)
        #expect(TestSupport.openssl(["verify", "-CAfile", "root.crt", "leaf.crt"], in: f.dir).status != 0)
    }

    @Test func expiredAndNotYetValid() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com")
        try f.csr("svc CN:svc.example.com")
        try f.sign("svc", by: "ca", days: 1)
        let later = Workspace(directory: f.dir, now: { Date().addingTimeInterval(3 * 86_400) })
        let expired = try later.verify("svc.crt", against: "ca.crt")
        #expect(expired.failures.contains { $0.contains("expired on") })
        let earlier = Workspace(directory: f.dir, now: { Date().addingTimeInterval(-86_400) })
        let early = try earlier.verify("svc.crt", against: "ca.crt")
        #expect(early.failures.contains { $0.contains("not valid before") })
        #expect(try f.workspace.verify("svc.crt", against: "ca.crt").verified)
    }

    @Test func sameNameDifferentKeyIsABadSignature() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com")
        try f.csr("svc CN:svc.example.com")
        try f.sign("svc", by: "ca")
        // A second CA with the same name but another key: the impostor.
        let other = Fixture()
        try other.selfSigned("ca CN:example.com")
        let report = try f.workspace.verify("svc.crt", against: other.path("ca.crt"))
        #expect(!report.verified)
        #expect(report.failures.contains { $0.contains("bad signature") || $0.contains("unknown issuer") })
        #expect(TestSupport.openssl(["verify", "-CAfile", other.path("ca.crt"), "svc.crt"], in: f.dir).status != 0)
    }

    @Test func anIssuerThatIsNotACAIsRefused() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com")
        try f.csr("mid CN:mid.example.com")
        try f.sign("mid", by: "ca")
        // A leaf signed by a non-CA certificate, made with openssl directly.
        f.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=leaf.example.com"])
        f.openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "mid.crt", "-CAkey", "mid.key", "-CAcreateserial", "-out", "leaf.crt", "-days", "30"])
        bundle(f, ["mid.crt", "ca.crt"], as: "b.pem")
        let report = try f.workspace.verify("leaf.crt", against: "b.pem")
        #expect(report.failures.contains { $0.contains("is not a CA") })
        #expect(TestSupport.openssl(["verify", "-CAfile", "b.pem", "leaf.crt"], in: f.dir).status != 0)
    }

    @Test func aSelfSignedCertificateNotInTheBundle() throws {
        let f = Fixture()
        try f.selfSigned("lonely CN:lonely.example.com")
        try f.selfSigned("ca CN:example.com")
        let report = try f.workspace.verify("lonely.crt", against: "ca.crt")
        #expect(report.failures.contains { $0.contains("not in the bundle") })
    }
}
