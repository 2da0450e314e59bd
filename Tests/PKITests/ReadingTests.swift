import Foundation
import TestSupport
import Testing
@testable import PKI

@Suite("Reading what openssl and CAs hand out")
struct ReadingTests {
    @Test func keysInEveryPEMForm() throws {
        let f = Fixture()
        f.openssl(["genrsa", "-traditional", "-out", "pkcs1.key", "2048"])
        f.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", "pkcs8.key"])
        f.openssl(["ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1.key"])
        f.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "p384.key", "-aes-256-cbc", "-pass", "pass:s3cret"])
        f.openssl(["genrsa", "-traditional", "-aes128", "-passout", "pass:s3cret", "-out", "legacy-enc.key", "2048"])
        #expect(TestSupport.read(f.path("pkcs1.key")).contains("BEGIN RSA PRIVATE KEY"))
        #expect(TestSupport.read(f.path("sec1.key")).contains("BEGIN EC PRIVATE KEY"))
        #expect(TestSupport.read(f.path("legacy-enc.key")).contains("Proc-Type: 4,ENCRYPTED"))

        #expect(try Loader.privateKey(path: f.path("pkcs1.key")).algorithmDescription == "RSA 2048")
        #expect(try Loader.privateKey(path: f.path("pkcs8.key")).algorithmDescription == "RSA 3072")
        #expect(try Loader.privateKey(path: f.path("sec1.key")).algorithmDescription == "ECDSA P-256")
        #expect(try Loader.privateKey(path: f.path("p384.key"), passphrase: "s3cret").algorithmDescription == "ECDSA P-384")
        #expect(try Loader.privateKey(path: f.path("legacy-enc.key"), passphrase: "s3cret").algorithmDescription == "RSA 2048")

        #expect { try Loader.privateKey(path: f.path("p384.key")) } throws: { ($0 as? PKIError)?.message.contains("encrypted private key") == true }
        #expect { try Loader.privateKey(path: f.path("p384.key"), passphrase: "wrong") } throws: { ($0 as? PKIError)?.message.contains("wrong passphrase") == true }
        #expect { try Loader.privateKey(path: f.path("legacy-enc.key"), passphrase: "wrong") } throws: { ($0 as? PKIError)?.message.contains("wrong passphrase") == true }
    }

    @Test func derKeyAndCertificate() throws {
        let f = Fixture()
        f.opensslChain()
        f.openssl(["x509", "-in", "leaf.crt", "-outform", "DER", "-out", "leaf.der"])
        f.openssl(["pkey", "-in", "leaf.key", "-outform", "DER", "-out", "leaf-key.der"])
        let file = try Loader.load(path: f.path("leaf.der"))
        #expect(file.format == .der)
        #expect(file.certificates.first?.subject.commonName == "cms1.example.com")
        let key = try Loader.load(path: f.path("leaf-key.der")).privateKeys.first
        #expect(key != nil)
        #expect(KeyMatch.matches(key!, file.certificates[0]))
    }

    @Test func opensslCSRIsRead() throws {
        let f = Fixture()
        f.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "o.key", "-out", "o.csr", "-subj", "/C=FR/O=Exemple/CN=cms.example.fr",
                   "-addext", "subjectAltName=DNS:cms.example.fr,DNS:join.example.fr"])
        let inspection = try f.workspace.inspect("o.csr")[0]
        #expect(inspection.subject == "C=FR, O=Exemple, CN=cms.example.fr")
        #expect(inspection.subjectAltNames == ["DNS:cms.example.fr", "DNS:join.example.fr"])
        #expect(try f.workspace.match(key: "o.key", against: "o.csr"))
    }

    @Test func pkcs7InPEMAndDER() throws {
        let f = Fixture()
        f.opensslChain()
        f.openssl(["crl2pkcs7", "-nocrl", "-certfile", "leaf.crt", "-certfile", "inter.crt", "-certfile", "root.crt", "-out", "chain.p7b"])
        f.openssl(["crl2pkcs7", "-nocrl", "-certfile", "inter.crt", "-certfile", "root.crt", "-outform", "DER", "-out", "chain.p7c"])
        let pem = try Loader.load(path: f.path("chain.p7b"))
        #expect(pem.certificates.count == 3)
        let der = try Loader.load(path: f.path("chain.p7c"))
        #expect(der.format == .pkcs7)
        #expect(der.certificates.map { $0.subject.commonName } == ["Test Issuing CA", "Test Root CA"])
    }

    @Test func pkcs12WithAndWithoutPassphrase() throws {
        let f = Fixture()
        f.opensslChain()
        f.openssl(["pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.crt", "-certfile", "inter.crt", "-out", "leaf.p12", "-passout", "pass:topsecret"])
        f.openssl(["pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.crt", "-out", "open.p12", "-passout", "pass:"])
        let file = try Loader.load(path: f.path("leaf.p12"), passphrase: "topsecret")
        #expect(file.format == .pkcs12)
        #expect(file.certificates.count == 2)
        #expect(file.privateKeys.count == 1)
        #expect(KeyMatch.matches(file.privateKeys[0], file.certificates[0]))
        #expect { try Loader.load(path: f.path("leaf.p12")) } throws: { ($0 as? PKIError)?.message.contains("protected by a passphrase") == true }
        #expect { try Loader.load(path: f.path("leaf.p12"), passphrase: "nope") } throws: { ($0 as? PKIError)?.message.contains("wrong passphrase") == true }
        #expect(try Loader.load(path: f.path("open.p12")).certificates.count == 1)
    }

    @Test func pemWithCRLFBOMAndTextAround() throws {
        let f = Fixture()
        f.opensslChain()
        let leaf = TestSupport.read(f.path("leaf.crt")), inter = TestSupport.read(f.path("inter.crt"))
        let messy = "\u{FEFF}Subject: CN=cms1\r\nissuer=whatever\r\n" + leaf.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\nBag Attributes\r\n" + inter.replacingOccurrences(of: "\n", with: "\r\n")
        TestSupport.write(messy, to: f.path("messy.pem"))
        let file = try Loader.load(path: f.path("messy.pem"))
        #expect(file.certificates.map { $0.subject.commonName } == ["cms1.example.com", "Test Issuing CA"])
        #expect(file.items.first?.line == 3)
    }

    @Test func lineNumbersPointAtBeginLines() throws {
        let f = Fixture()
        f.opensslChain()
        let leaf = TestSupport.read(f.path("leaf.crt"))
        let leafLines = leaf.split(separator: "\n").count
        TestSupport.write("header\n" + leaf + TestSupport.read(f.path("inter.crt")), to: f.path("b.pem"))
        let file = try Loader.load(path: f.path("b.pem"))
        #expect(file.items.map(\.line) == [2, 2 + leafLines])
    }
}
