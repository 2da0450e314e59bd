import Foundation
import TestSupport
import Testing
@testable import PKI

@Suite("CSRs and the built-in CA, judged by openssl")
struct IssuanceTests {
    @Test(arguments: KeyType.allCases)
    func csrVerifiesAndCarriesWhatStep1Asked(_ keyType: KeyType) throws {
        let f = Fixture()
        try f.csr(#"web CN:cms1.example.com OU:"IT Ops" O:"Example Inc." ST:Bucks L:Wycombe C:GB subjectAltName:join.example.com,10.0.0.5"#, key: keyType)
        let text = f.openssl(["req", "-in", "web.csr", "-verify", "-noout", "-text"])
        #expect(text.contains("verify OK") || text.contains("Certificate request self-signature verify OK"))
        #expect(text.contains("C = GB, ST = Bucks, L = Wycombe, O = Example Inc., OU = IT Ops, CN = cms1.example.com"))
        #expect(text.contains("DNS:cms1.example.com, DNS:join.example.com, IP Address:10.0.0.5"))
        #expect(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(text.contains("Digital Signature"))
        #expect(text.contains("sha256With") || text.contains("ecdsa-with-SHA256"))
        if keyType.rawValue.hasPrefix("rsa") {
            #expect(text.contains("Key Encipherment"))
            #expect(text.contains("Public-Key: (\(keyType.rawValue.dropFirst(3)) bit)"))
        } else {
            #expect(text.contains(keyType == .p256 ? "NIST CURVE: P-256" : "NIST CURVE: P-384"))
        }
        // The key: 0600, and openssl says it is sound and matches the CSR.
        let attributes = try FileManager.default.attributesOfItem(atPath: f.path("web.key"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        f.openssl(["pkey", "-in", "web.key", "-check", "-noout"])
        let keyPub = f.openssl(["pkey", "-in", "web.key", "-pubout"])
        let csrPub = f.openssl(["req", "-in", "web.csr", "-pubkey", "-noout"])
        #expect(keyPub == csrPub)
    }

    @Test func theArticlesStep3GivesCertificatesOpenSSLAccepts() throws {
        let f = Fixture()
        try f.selfSigned("dbca CN:tplab.local")
        try f.csr("dbserver CN:cmscore1.example.com subjectAltName:cmscore2.example.com,cmscore3.example.com")
        try f.csr("dbclient CN:postgres")
        try f.sign("dbserver", by: "dbca")
        try f.sign("dbclient", by: "dbca")
        let verdict = f.openssl(["verify", "-CAfile", "dbca.crt", "dbserver.crt", "dbclient.crt"])
        #expect(verdict.contains("dbserver.crt: OK") && verdict.contains("dbclient.crt: OK"))

        let server = f.openssl(["x509", "-in", "dbserver.crt", "-noout", "-text"])
        #expect(server.contains("DNS:cmscore1.example.com, DNS:cmscore2.example.com, DNS:cmscore3.example.com"))
        #expect(server.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(server.contains("CA:FALSE"))
        #expect(server.contains("X509v3 Subject Key Identifier"))
        #expect(server.contains("X509v3 Authority Key Identifier"))
        #expect(server.contains("Issuer: CN = tplab.local"))
        let client = f.openssl(["x509", "-in", "dbclient.crt", "-noout", "-subject"])
        #expect(client.contains("CN = postgres"))

        let ca = f.openssl(["x509", "-in", "dbca.crt", "-noout", "-text"])
        #expect(ca.contains("CA:TRUE"))
        #expect(ca.contains("Certificate Sign, CRL Sign"))

        // A 128-bit random serial: 16 bytes, the top bit set, different every time.
        let serial1 = f.openssl(["x509", "-in", "dbserver.crt", "-noout", "-serial"]).split(separator: "=")[1].trimmingCharacters(in: .whitespacesAndNewlines)
        let serial2 = f.openssl(["x509", "-in", "dbclient.crt", "-noout", "-serial"]).split(separator: "=")[1].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(serial1.count == 32 && serial2.count == 32 && serial1 != serial2)
    }

    @Test func validityIsTheDaysAsked() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com", days: 30)
        try f.csr("svc CN:svc.example.com")
        try f.sign("svc", by: "ca", days: 10)
        // Still valid in 9 days, no longer in 11 (openssl's own clock check).
        #expect(TestSupport.openssl(["x509", "-in", "svc.crt", "-noout", "-checkend", "\(9 * 86_400)"], in: f.dir).status == 0)
        #expect(TestSupport.openssl(["x509", "-in", "svc.crt", "-noout", "-checkend", "\(11 * 86_400)"], in: f.dir).status == 1)
        let certificate = try Loader.certificates(path: f.path("svc.crt"))[0]
        #expect(certificate.daysLeft() == 9)
    }

    @Test func signingPastTheCAsEndIsSaid() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com", days: 10)
        try f.csr("svc CN:svc.example.com")
        let result = try f.workspace.prepareSign(basename: "svc", caBasename: "ca", days: 365).perform()
        #expect(result.notes.contains { $0.contains("outlive its CA") })
    }

    @Test func signRefusesANonCA() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com")
        try f.csr("a CN:a.example.com")
        try f.sign("a", by: "ca")
        try f.csr("b CN:b.example.com")
        #expect(throws: PKIError.self) { try f.workspace.prepareSign(basename: "b", caBasename: "a") }
    }

    @Test func signRefusesATamperedCSR() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com")
        try f.csr("a CN:a.example.com")
        // Flip one byte inside the signature (the end of the DER) and write it back.
        var der = try CertificateRequest(pem: Data(TestSupport.read(f.path("a.csr")).utf8)).der
        der[der.count - 5] ^= 0xFF
        let pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + der.base64EncodedString(options: .lineLength64Characters) + "\n-----END CERTIFICATE REQUEST-----\n"
        TestSupport.write(pem, to: f.path("a.csr"))
        do {
            _ = try f.workspace.prepareSign(basename: "a", caBasename: "ca").perform()
            Issue.record("signed a tampered CSR")
        } catch let error as PKIError {
            #expect(error.message.contains("signature does not verify"))
        }
    }

    @Test func inspectReadsWhatOpenSSLReads() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com")
        try f.csr("svc CN:svc.example.com subjectAltName:10.1.1.1,ops@example.com")
        try f.sign("svc", by: "ca")
        let inspection = try f.workspace.inspect("svc.crt")[0]
        let fingerprint = f.openssl(["x509", "-in", "svc.crt", "-noout", "-fingerprint", "-sha256"])
        #expect(fingerprint.contains(inspection.sha256Fingerprint))
        let serial = f.openssl(["x509", "-in", "svc.crt", "-noout", "-serial"])
        #expect(serial.contains(inspection.serial!))
        #expect(inspection.subjectAltNames == ["DNS:svc.example.com", "IP:10.1.1.1", "email:ops@example.com"])
        #expect(inspection.keyUsage == ["digitalSignature", "keyEncipherment"])
        #expect(inspection.extendedKeyUsage == ["serverAuth", "clientAuth"])
        #expect(inspection.basicConstraints == "CA:FALSE")
        #expect(inspection.selfSigned == false)
        #expect(inspection.keyType == "RSA 2048")
        #expect(inspection.signatureAlgorithm == "sha256WithRSAEncryption")
        #expect(inspection.issuer == "CN=example.com")
        let endDate = f.openssl(["x509", "-in", "svc.crt", "-noout", "-enddate"])
        let certificate = try Loader.certificates(path: f.path("svc.crt"))[0]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
        let text = endDate.split(separator: "=")[1].trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "  ", with: " ")
        #expect(formatter.date(from: text) == certificate.notAfter)

        let csrInspection = try f.workspace.inspect("svc.csr")[0]
        #expect(csrInspection.kind == .csr)
        #expect(csrInspection.signatureValid == true)
        #expect(csrInspection.subjectAltNames.first == "DNS:svc.example.com")
        let ca = try f.workspace.inspect("ca.crt")[0]
        #expect(ca.selfSigned == true)
        #expect(ca.basicConstraints == "CA:TRUE")
    }

    @Test func matchPairsKeysWithTheirCertificatesOnly() throws {
        let f = Fixture()
        try f.selfSigned("ca CN:example.com")
        try f.csr("a CN:a.example.com")
        try f.csr("b CN:b.example.com")
        try f.sign("a", by: "ca")
        #expect(try f.workspace.match(key: "a.key", against: "a.crt"))
        #expect(try f.workspace.match(key: "a.key", against: "a.csr"))
        #expect(try !f.workspace.match(key: "b.key", against: "a.crt"))
        #expect(try !f.workspace.match(key: "b.key", against: "a.csr"))
    }
}
