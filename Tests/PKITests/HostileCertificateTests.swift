import Foundation
import TestSupport
import Testing
@testable import PKI

/// Certificates a stranger hands us: names with RFC 4514 specials and terminal escapes,
/// dates that are not times, damaged blocks beside a good certificate. `openssl` makes
/// each one; the reader must read them as OpenSSL does and say so in safe words.
@Suite("Hostile certificate files")
struct HostileCertificateTests {
    let f = Fixture()
    init() { HostileFiles.make(in: f.dir) }

    @Test func namesAreEscapedAsRFC4514AndOpenSSLAgree() throws {
        let certificate = try Loader.certificates(path: f.path("escape.pem"))[0]
        #expect(certificate.subject.description == "CN=a\\1B[2Jb, O=Org Zero\\, LLC, OU=\\+sales\\;\\<eu\\>")
        #expect(certificate.displayName == "CN=a\\1B[2Jb")
        // OpenSSL's RFC 2253 form (reversed order, no spaces) escapes the same values.
        let judge = f.openssl(["x509", "-in", "escape.pem", "-noout", "-subject", "-nameopt", "RFC2253"])
        #expect(judge.contains("OU=\\+sales\\;\\<eu\\>,O=Org Zero\\, LLC,CN=a\\1B[2Jb"), "\(judge)")
        // The value itself is kept as it is, for matching and for JSON.
        #expect(certificate.subject.commonName == HostileFiles.escapeCN)
    }

    @Test func rfc4514EdgeCases() {
        #expect(DistinguishedName.escape("#hash") == "\\#hash")
        #expect(DistinguishedName.escape(" lead and trail ") == "\\ lead and trail\\ ")
        #expect(DistinguishedName.escape("a\"b\\c") == "a\\\"b\\\\c")
        #expect(DistinguishedName.escape("nul\u{0}") == "nul\\00")
        #expect(DistinguishedName.escape("c1\u{9B}") == "c1\\C2\\9B", "the UTF-8 bytes of a C1 control, as hex pairs")
        #expect(DistinguishedName.escape("Société Générale") == "Société Générale")
        #expect(DistinguishedName.escape("mid#dle") == "mid#dle")
    }

    @Test func inspectionTextHoldsNoControlCharacter() throws {
        let text = try f.workspace.inspect("escape.pem").map(\.text).joined()
        #expect(HostileFiles.controlBytes(in: text).isEmpty)
        #expect(text.contains("DNS:x\\x07y.example.com"))
        #expect(text.contains("CN=a\\1B[2Jb"))
    }

    @Test func unreadableDatesAreUnknownNotExpired() throws {
        #expect(f.openssl(["x509", "-inform", "DER", "-in", "badtime.der", "-noout", "-enddate"]).contains("Bad time value"))
        for name in ["badtime.der", "badtime.pem"] {
            let certificate = try Loader.certificates(path: f.path(name))[0]
            #expect(!certificate.timesAreReadable)
            #expect(!certificate.isExpired() && !certificate.isNotYetValid())
            #expect(certificate.notAfterText.contains("unknown"))
            let inspection = try f.workspace.inspect(name)[0]
            #expect(inspection.validity == "unknown")
            #expect(inspection.notAfter == nil && inspection.daysLeft == nil)
            #expect(inspection.text.contains("Validity            : unknown"))
            let summary = try CertificateFileReader.read(path: f.path(name)).certificates[0]
            #expect(!summary.timesAreReadable)
        }
        let good = try CertificateFileReader.read(path: f.path("good.pem")).certificates[0]
        #expect(good.timesAreReadable)
        // A bundle check names it; a chain check refuses it for what it is.
        let check = BundleChecker.check(data: try Data(contentsOf: URL(fileURLWithPath: f.path("badtime.pem"))), name: "badtime.pem")
        #expect(check.issues.contains { $0.rule == "unreadable-time" })
        #expect(!check.issues.contains { $0.rule == "expired" })
        let report = try f.workspace.verify("badtime.pem", against: "badtime.pem")
        #expect(report.text.contains("validity dates cannot be read"))
        #expect(!report.text.contains("expired on"))
    }

    @Test func oneReaderOneAnswerForKeysBesideTheCertificate() throws {
        // A PRIVATE KEY block that is no key: every reader of certificates reads the
        // certificate (the key is met, not decoded)...
        let inspected = try f.workspace.inspect("bogus-key.pem")
        #expect(inspected.count == 1 && inspected[0].commonName == "good.example.com")
        let fast = try CertificateFileReader.read(path: f.path("bogus-key.pem"))
        #expect(fast.certificates.count == 1 && fast.otherItems == 1)
        let pile = try f.workspace.loadPile(["bogus-key.pem"])
        #expect(pile.certificates.count == 1)
        #expect(pile.leftOut == ["the private key in bogus-key.pem line 20 is left out: a key never goes into a bundle"] || pile.leftOut.count == 1)
        // ...while a command that uses the key says it is damaged.
        #expect(throws: PKIError.self) { try Loader.privateKey(path: f.path("bogus-key.pem")) }
    }

    @Test func oneReaderOneAnswerForADamagedCSR() throws {
        // A damaged CSR block: inspect shows CSRs, so it refuses; the fast reader of
        // expiry refuses the same file with the same words.
        var inspectError = ""
        do { _ = try f.workspace.inspect("bad-csr.pem") } catch let e as PKIError { inspectError = e.message }
        var expiryError = ""
        do { _ = try CertificateFileReader.read(path: f.path("bad-csr.pem")) } catch let e as PKIError { expiryError = e.message }
        #expect(inspectError.contains("CSR block is damaged"))
        #expect(inspectError == expiryError)
    }
}
