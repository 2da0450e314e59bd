import Foundation
import TestSupport
import Testing
@testable import PKI

/// Shared fixtures: a folder, and the text `openssl` prints about a file.
struct Fixture {
    let dir = TestSupport.temporaryDirectory("pki")
    var workspace: Workspace { Workspace(directory: dir) }

    func path(_ name: String) -> String { dir + "/" + name }

    /// `openssl <args>` in the fixture folder; records an issue when it fails.
    @discardableResult
    func openssl(_ args: [String], expectSuccess: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let result = TestSupport.openssl(args, in: dir)
        if expectSuccess && result.status != 0 {
            Issue.record("openssl \(args.joined(separator: " ")) failed: \(result.output)", sourceLocation: sourceLocation)
        }
        return result.output
    }

    func csr(_ line: String, key: KeyType = .rsa2048) throws {
        _ = try workspace.prepareCSR(try CSRSpec.parse(line: line), keyType: key).perform()
    }

    func selfSigned(_ line: String, days: Int = 3650, key: KeyType = .rsa2048) throws {
        _ = try workspace.prepareSelfSigned(try CSRSpec.parse(line: line), keyType: key, days: days).perform()
    }

    func sign(_ name: String, by ca: String, days: Int = 365) throws {
        _ = try workspace.prepareSign(basename: name, caBasename: ca, days: days).perform()
    }

    /// A three-level chain made by `openssl` itself: root -> intermediate -> leaf.
    func opensslChain(leafCN: String = "cms1.example.com", leafDays: Int = 365) {
        openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.crt", "-days", "3650",
                 "-subj", "/O=Test/CN=Test Root CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr", "-subj", "/O=Test/CN=Test Issuing CA"])
        TestSupport.write("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n", to: path("ca.ext"))
        openssl(["x509", "-req", "-in", "inter.csr", "-CA", "root.crt", "-CAkey", "root.key", "-CAcreateserial", "-out", "inter.crt", "-days", "1825", "-extfile", "ca.ext"])
        openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=\(leafCN)"])
        TestSupport.write("basicConstraints=CA:FALSE\nsubjectAltName=DNS:\(leafCN)\nextendedKeyUsage=serverAuth,clientAuth\n", to: path("leaf.ext"))
        openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "inter.crt", "-CAkey", "inter.key", "-CAcreateserial", "-out", "leaf.crt", "-days", "\(leafDays)", "-extfile", "leaf.ext"])
    }
}
