import Foundation
import PKI
import Testing
@testable import Inventory

@Suite("The lean DER reader agrees with OpenSSL")
struct FastReaderTests {
    func derOf(_ pem: Data) throws -> Data { try Certificate(pem: pem).der }

    @Test func walkerMatchesOpenSSLForAChain() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        for name in ["root.crt", "inter.crt", "leaf.crt"] {
            let certificate = try chain.certificate(name)
            let fast = try #require(CertificateSummary(der: certificate.der), "the walker should read \(name)")
            #expect(fast == CertificateSummary(certificate), "\(name)")
        }
        let leaf = try #require(CertificateSummary(der: try chain.certificate("leaf.crt").der))
        #expect(leaf.subjectAltNames == [.dns("cms1.example.com"), .dns("join.example.com"), .ip("10.0.0.1")])
        #expect(leaf.position == .entity)
        #expect(CertificateSummary(der: try chain.certificate("inter.crt").der)?.position == .intermediate)
        #expect(CertificateSummary(der: try chain.certificate("root.crt").der)?.position == .root)
    }

    @Test func walkerMatchesOpenSSLForCertificatesOfThePKIEngine() throws {
        let caKey = try PrivateKey.generate(.p256)
        let ca = try Issuance.selfSigned(try CSRSpec.parse(line: "dbca CN:tplab.local O:\"Example Inc.\" C:FR"), key: caKey, days: 36_500)
        let key = try PrivateKey.generate(.rsa2048)
        let request = try Issuance.makeCSR(try CSRSpec.parse(line: "tac CN:cms1.example.com subjectAltName:cms1.example.com,10.1.2.3,admin@example.com"), key: key)
        var notes: [String] = []
        let leaf = try Issuance.sign(request, caCertificate: ca, caKey: caKey, days: 730, notes: &notes)
        for certificate in [ca, leaf] {
            let fast = try #require(CertificateSummary(der: certificate.der))
            #expect(fast == CertificateSummary(certificate))
            #expect(fast.sha256Fingerprint == certificate.sha256Fingerprint)
            #expect(fast.serialHex == certificate.serialHex)
        }
        // 100 years out: a GeneralizedTime, read to the second.
        #expect(CertificateSummary(der: ca.der)?.notAfter == ca.notAfter)
        #expect(ca.notAfter.timeIntervalSinceNow > 99 * 365 * 86_400)
    }

    @Test func serialsWithALeadingZeroByteAndSmallSerialsPrintAsOpenSSL() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        for serial in ["0x00FF", "0x01", "0x0A0B0C", "0x8000000000000000"] {
            try runTool(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                         "-keyout", "k.key", "-out", "s.crt", "-days", "30", "-subj", "/CN=serial", "-set_serial", serial], in: folder.path)
            let certificate = try Certificate(pem: try folder.read("s.crt"))
            let fast = try #require(CertificateSummary(der: certificate.der))
            #expect(fast.serialHex == certificate.serialHex, "serial \(serial)")
        }
    }

    @Test func whatTheWalkerDoesNotTakeOnStillReadsThroughOpenSSL() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try runTool(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "k.key", "-out", "odd.crt", "-days", "30", "-subj", "/CN=odd.example.com/businessCategory=Private Organization"], in: folder.path)
        let certificate = try Certificate(pem: try folder.read("odd.crt"))
        #expect(CertificateSummary(der: certificate.der) == nil)
        let read = try CertificateFileReader.read(path: folder.file("odd.crt"))
        #expect(read.certificates.count == 1)
        #expect(read.certificates.first?.subject.commonName == "odd.example.com")
        #expect(read.certificates.first == CertificateSummary(certificate))
    }

    @Test func aPEMFileWithKeysAndCertificatesSkipsTheKeysUnread() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        // An encrypted key needs a passphrase to decode: the reader must not try.
        try runTool(["openssl", "pkey", "-in", "leaf.key", "-aes256", "-passout", "pass:secret", "-out", "enc.key"], in: folder.path)
        let mixed = try folder.write("mixed.pem", try chain.pem("enc.key") + (try chain.pem("leaf.crt")) + (try chain.pem("leaf.csr")))
        let read = try CertificateFileReader.read(path: mixed)
        #expect(read.certificates.count == 1)
        #expect(read.otherItems == 2)
        #expect(read.format == .pem)
    }

    @Test func crlfBomAndTextAroundTheBlocksAreRead() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        let text = "\u{FEFF}" + "Bag Attributes\n    friendlyName: x\n" + (try chain.pem("leaf.crt")) + "subject=...\n" + (try chain.pem("root.crt"))
        let path = try folder.write("crlf.pem", text.replacingOccurrences(of: "\n", with: "\r\n"))
        let read = try CertificateFileReader.read(path: path)
        #expect(read.certificates.map(\.subject.commonName) == ["cms1.example.com", "Test Root CA"])
    }
}
