import Foundation
import TestSupport
import Testing
@testable import PKI

@Suite("Bundles: built in CMS order, checked rule by rule")
struct BundleTests {
    func pile(_ f: Fixture, _ names: [String]) throws -> [SourcedCertificate] {
        try names.flatMap { name in
            try Loader.load(path: f.path(name)).items.compactMap { item in
                item.certificate.map { SourcedCertificate(certificate: $0, location: item.location) }
            }
        }
    }

    @Test func fullChainFromAShuffledPileWithDuplicatesAndAStranger() throws {
        let f = Fixture()
        f.opensslChain()
        try f.selfSigned("other CN:other.example.com")
        f.openssl(["x509", "-in", "root.crt", "-outform", "DER", "-out", "root.der"])
        let plan = try BundleBuilder.build(try pile(f, ["root.der", "inter.crt", "other.crt", "leaf.crt", "root.crt"]), mode: .fullChain)
        #expect(plan.members.map(\.certificate.subject.commonName) == ["cms1.example.com", "Test Issuing CA", "Test Root CA"])
        #expect(plan.members.map(\.position) == [.entity, .intermediate, .root])
        #expect(plan.duplicates.count == 1)
        #expect(plan.strangers.count == 1 && plan.strangers[0].reason.contains("other.example.com"))
        #expect(plan.isComplete)
        // Written form: LF only, no blank lines, one final newline, nothing but blocks.
        let text = plan.pemText
        #expect(!text.contains("\r") && !text.contains("\n\n") && text.hasSuffix("-----END CERTIFICATE-----\n"))
        TestSupport.write(text, to: f.path("full.pem"))
        #expect(BundleChecker.check(data: Data(text.utf8), name: "full.pem").passed)
        // openssl agrees: the leaf verifies with the rest of the file as its chain.
        TestSupport.write(plan.members.dropFirst().map(\.certificate.pem).joined(), to: f.path("rest.pem"))
        #expect(f.openssl(["verify", "-CAfile", "root.crt", "-untrusted", "rest.pem", "leaf.crt"]).contains("OK"))
        // And openssl reads the members back in the same order.
        let subjects = f.openssl(["storeutl", "-noout", "-text", "-certs", "full.pem"])
        let order = ["CN=cms1.example.com", "O=Test, CN=Test Issuing CA", "O=Test, CN=Test Root CA"].map { subjects.range(of: "Subject: " + $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order[0]! < order[1]! && order[1]! < order[2]!)
    }

    @Test func caBundleLeavesTheEntityOut() throws {
        let f = Fixture()
        f.opensslChain()
        let plan = try BundleBuilder.build(try pile(f, ["leaf.crt", "root.crt", "inter.crt"]), mode: .caBundle)
        #expect(plan.members.map(\.certificate.subject.commonName) == ["Test Issuing CA", "Test Root CA"])
        #expect(plan.warnings.contains { $0.contains("left out") })
        let noEntity = try BundleBuilder.build(try pile(f, ["root.crt", "inter.crt"]), mode: .caBundle)
        #expect(noEntity.members.map(\.certificate.subject.commonName) == ["Test Issuing CA", "Test Root CA"])
    }

    @Test func missingIssuerIsNamed() throws {
        let f = Fixture()
        f.opensslChain()
        let plan = try BundleBuilder.build(try pile(f, ["leaf.crt", "inter.crt"]), mode: .fullChain)
        #expect(!plan.isComplete)
        #expect(plan.missingIssuer == "O=Test, CN=Test Root CA")
    }

    @Test func fullChainNeedsExactlyOneEntity() throws {
        let f = Fixture()
        f.opensslChain()
        #expect(throws: PKIError.self) { try BundleBuilder.build(try pile(f, ["root.crt", "inter.crt"]), mode: .fullChain) }
        try f.selfSigned("ca CN:example.com")
        try f.csr("a CN:a.example.com"); try f.sign("a", by: "ca")
        #expect { try BundleBuilder.build(try pile(f, ["leaf.crt", "a.crt", "ca.crt"]), mode: .fullChain) } throws: {
            ($0 as? PKIError)?.message.contains("several entity certificates") == true
        }
    }

    // MARK: check

    func chainText(_ f: Fixture) -> (leaf: String, inter: String, root: String) {
        f.opensslChain()
        return (TestSupport.read(f.path("leaf.crt")), TestSupport.read(f.path("inter.crt")), TestSupport.read(f.path("root.crt")))
    }

    func rules(_ text: String, name: String = "b.pem", at now: Date = Date()) -> [String] {
        BundleChecker.check(data: Data(text.utf8), name: name, at: now).issues.map(\.rule)
    }

    @Test func aGoodBundlePasses() {
        let f = Fixture()
        let c = chainText(f)
        let report = BundleChecker.check(data: Data((c.leaf + c.inter + c.root).utf8), name: "full.pem")
        #expect(report.passed, "\(report.text)")
        #expect(report.text.contains("OK: full.pem follows every bundle rule"))
        #expect(BundleChecker.check(data: Data((c.inter + c.root).utf8), name: "ca.crt").passed)
    }

    @Test func wrongOrderIsFoundAndTheRightOneGiven() {
        let f = Fixture()
        let c = chainText(f)
        let report = BundleChecker.check(data: Data((c.root + c.inter + c.leaf).utf8), name: "b.pem")
        #expect(report.issues.contains { $0.rule == "order" })
        #expect(report.suggestedOrder?.count == 3)
        #expect(report.suggestedOrder?.first?.contains("cms1.example.com") == true)
        let leafLines = c.leaf.split(separator: "\n").count
        let orderIssue = report.issues.first { $0.rule == "order" }
        #expect(orderIssue?.line != nil)
        _ = leafLines
    }

    @Test func crlfBlankLinesTextAndNewlines() {
        let f = Fixture()
        let c = chainText(f)
        #expect(rules((c.leaf + c.inter + c.root).replacingOccurrences(of: "\n", with: "\r\n")) == ["crlf"])
        let blank = rules(c.leaf + "\n" + c.inter + c.root)
        #expect(blank == ["blank-line"])
        let leafLines = c.leaf.split(separator: "\n").count
        let report = BundleChecker.check(data: Data((c.leaf + "\n" + c.inter + c.root).utf8), name: "b.pem")
        #expect(report.issues.first?.line == leafLines + 1)
        #expect(rules("subject=CN = cms1\n" + c.leaf + c.inter + c.root) == ["text-outside-blocks"])
        #expect(rules(c.leaf + c.inter + String(c.root.dropLast())) == ["no-final-newline"])
        #expect(rules(c.leaf + c.inter + c.root + "\n\n") == ["extra-final-newlines"])
        #expect(rules("\u{FEFF}" + c.leaf + c.inter + c.root) == ["bom"])
        #expect(rules(c.leaf.replacingOccurrences(of: "-----END CERTIFICATE-----", with: "-----END CERTIFICATE-----  ") + c.inter + c.root) == ["trailing-space"])
    }

    @Test func privateKeyInsideExpiredMemberDuplicateMissingIssuer() throws {
        let f = Fixture()
        let c = chainText(f)
        let key = TestSupport.read(f.path("leaf.key"))
        #expect(rules(c.leaf + key + c.inter + c.root) == ["private-key"])
        #expect(rules(c.leaf + c.inter + c.inter + c.root) == ["duplicate"])
        #expect(rules(c.leaf + c.inter) == ["missing-issuer"])
        let future = Date().addingTimeInterval(400 * 86_400)
        #expect(rules(c.leaf + c.inter + c.root, at: future) == ["expired"])
        #expect(rules(c.leaf + c.inter + c.root, name: "bundle.txt") == ["extension"])
    }

    @Test func damagedAndTruncatedMembers() {
        let f = Fixture()
        let c = chainText(f)
        let truncated = String(c.root.prefix(c.root.count - 40)) + "\n"
        #expect(rules(c.leaf + c.inter + truncated).contains("damaged"))
        let broken = c.inter.replacingOccurrences(of: "MII", with: "!!!")
        #expect(rules(c.leaf + broken + c.root).contains("damaged"))
    }
}
