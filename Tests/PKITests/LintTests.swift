import Foundation
import TestSupport
import Testing
@testable import PKI

/// Each lint finding shown by a certificate `openssl` makes, and a clean one that shows none.
@Suite("Lint: what a CMS engineer checks by eye")
struct LintTests {
    let f = Fixture()

    init() {
        f.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
                   "-subj", "/CN=Lint CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    /// A certificate for `cn` signed by the test CA, with these extensions.
    func issue(_ name: String, cn: String = "web.example.com", san: String? = "DNS:web.example.com",
               eku: String? = "serverAuth,clientAuth", days: Int = 90, key: String = "rsa:2048", digest: String = "-sha256") throws -> Certificate {
        var ext = "basicConstraints=CA:FALSE\n"
        if let san { ext += "subjectAltName=\(san)\n" }
        if let eku { ext += "extendedKeyUsage=\(eku)\n" }
        TestSupport.write(ext, to: f.path(name + ".ext"))
        f.openssl(["req", "-newkey", key, "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=\(cn)"])
        f.openssl(["x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-out", name + ".crt",
                   "-days", "\(days)", digest, "-extfile", name + ".ext"])
        return try Loader.certificates(path: f.path(name + ".crt"))[0]
    }

    func codes(_ findings: [LintFinding]) -> [String] { findings.map(\.code) }

    @Test func aCleanCertificateShowsNothing() throws {
        let clean = try issue("clean")
        #expect(Lint.certificate(clean).isEmpty)
        #expect(Lint.certificate(clean, role: .c2w).isEmpty)
        #expect(Lint.certificate(clean, requiredNames: ["web.example.com"]).isEmpty)
        #expect(Lint.certificate(try Loader.certificates(path: f.path("ca.crt"))[0]).isEmpty, "a CA: its key and signature only")
    }

    @Test func eachFindingHasACertificateThatShowsIt() throws {
        #expect(codes(Lint.certificate(try issue("nosan", san: nil))) == ["no-san"])
        #expect(codes(Lint.certificate(try issue("cn", san: "DNS:other.example.com"))) == ["cn-not-in-san"])
        #expect(codes(Lint.certificate(try issue("short", key: "rsa:1024"))) == ["rsa-short"])
        #expect(codes(Lint.certificate(try issue("sha1", digest: "-sha1"))) == ["sha1"])
        #expect(codes(Lint.certificate(try issue("client", eku: "clientAuth"))) == ["no-server-auth"])
        #expect(codes(Lint.certificate(try issue("serveronly", eku: "serverAuth"), role: .c2w)) == ["no-client-auth"])
        #expect(codes(Lint.certificate(try issue("serveronly2", eku: "serverAuth"), role: .databaseServer)) == ["no-client-auth"])
        #expect(codes(Lint.certificate(try issue("long", days: 800))) == ["validity-too-long"])
        #expect(codes(Lint.certificate(try issue("join"), requiredNames: ["join.example.com"])) == ["missing-san"])
        // Each finding says why CMS cares.
        let finding = try #require(Lint.certificate(try issue("nosan2", san: nil)).first)
        #expect(finding.severity == .error && finding.message.contains("RFC 6125"))
    }

    @Test func theDatabaseClientNeedsNoSANButClientAuth() throws {
        let client = try issue("dbclient", cn: "postgres", san: nil, eku: "clientAuth")
        #expect(Lint.certificate(client).isEmpty, "CN postgres: the database client's role is inferred")
        let wrong = try issue("dbclient2", cn: "postgres", san: nil, eku: "serverAuth")
        #expect(codes(Lint.certificate(wrong)) == ["no-client-auth"])
    }

    @Test func wildcardsCoverOneLabel() throws {
        #expect(Lint.covers("*.example.com", "join.example.com"))
        #expect(!Lint.covers("*.example.com", "example.com"))
        #expect(!Lint.covers("*.example.com", "a.b.example.com"))
        let wildcard = try issue("wild", cn: "*.example.com", san: "DNS:*.example.com")
        #expect(Lint.certificate(wildcard, requiredNames: ["join.example.com", "cms1.example.com"]).isEmpty)
    }

    @Test func aCSRIsLintedBeforeItIsSigned() throws {
        f.openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "bare.key", "-out", "bare.csr", "-subj", "/CN=web.example.com"])
        let request = try #require(try Loader.load(path: f.path("bare.csr")).requests.first)
        #expect(codes(Lint.request(request)) == ["no-san"])
        // pki csr as the MMP has it: no subjectAltName given, none in the CSR (the lint says
        // so); given, the CN is added to it and the CSR passes.
        try f.csr("bare2 CN:web.example.com")
        #expect(codes(Lint.request(try #require(try Loader.load(path: f.path("bare2.csr")).requests.first))) == ["no-san"])
        try f.csr("webadmin CN:web.example.com subjectAltName:admin.example.com")
        let ours = try #require(try Loader.load(path: f.path("webadmin.csr")).requests.first)
        #expect(Lint.request(ours).isEmpty)
        // inspect shows the findings with the rest.
        let text = try f.workspace.inspect("bare.csr")[0].text
        #expect(text.contains("Lint                : error no-san:"), "\(text)")
    }
}
