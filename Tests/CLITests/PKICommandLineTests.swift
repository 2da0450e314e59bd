import Foundation
import TestSupport
import Testing

/// The `cmscerts` binary as a user runs it: outputs, files and exit codes (0 ok, 1 a
/// check failed, 2 bad input), judged by `openssl`.
@Suite("cmscerts pki and bundle on the command line")
struct PKICommandLineTests {
    let dir = TestSupport.temporaryDirectory("cli")

    @discardableResult
    func cmscerts(_ args: [String], input: String? = nil, env: [String: String]? = nil) -> ProcessResult {
        TestSupport.runProduct("cmscerts", args, in: dir, input: input.map { Data($0.utf8) }, environment: env)
    }

    @Test func theArticlesStep3IsDoneWhenOpenSSLAcceptsIt() {
        #expect(cmscerts(["pki", "selfsigned", "dbca", "CN:tplab.local"]).status == 0)
        let server = cmscerts(["pki", "csr", "dbserver", "CN:cmscore1.example.com", "subjectAltName:cmscore2.example.com,cmscore3.example.com"])
        #expect(server.status == 0)
        #expect(server.stdout.contains("Note: the CN cmscore1.example.com was added to subjectAltName"))
        #expect(server.stdout.contains("Created key file dbserver.key and CSR dbserver.csr"))
        #expect(cmscerts(["pki", "csr", "dbclient", "CN:postgres"]).status == 0)
        #expect(cmscerts(["pki", "sign", "dbserver", "dbca"]).status == 0)
        #expect(cmscerts(["pki", "sign", "dbclient", "dbca"]).status == 0)
        let verify = TestSupport.openssl(["verify", "-CAfile", "dbca.crt", "dbserver.crt", "dbclient.crt"], in: dir)
        #expect(verify.status == 0, "\(verify.output)")
        let text = TestSupport.openssl(["x509", "-in", "dbserver.crt", "-noout", "-text"], in: dir).stdout
        #expect(text.contains("DNS:cmscore1.example.com, DNS:cmscore2.example.com, DNS:cmscore3.example.com"))
        #expect(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        // Step 4 through the same binary.
        #expect(cmscerts(["pki", "match", "dbserver.key", "dbserver.crt"]).stdout.contains("SUCCESS: Key and certificate pair match"))
        #expect(cmscerts(["pki", "verify", "dbserver.crt", "dbca.crt"]).stdout.contains("SUCCESS"))
        #expect(cmscerts(["pki", "list"]).stdout == "User supplied certificates and keys:\ndbca.crt\ndbca.key\ndbclient.crt\ndbclient.csr\ndbclient.key\ndbserver.crt\ndbserver.csr\ndbserver.key\n")
        let json = cmscerts(["pki", "inspect", "dbclient.crt", "--json"])
        #expect(json.status == 0)
        let decoded = try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.first?["commonName"] as? String == "postgres")
    }

    @Test func csrOptionsKeyTypeFolderAndDryRun() {
        let dry = cmscerts(["pki", "csr", "tac", "CN:a.example.com", "--key", "p384", "--dir", "sub", "--dry-run"])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("Would write \(dir)/sub/tac.key (private key (ECDSA P-384), mode 600)") || dry.stdout.contains("sub/tac.key (private key (ECDSA P-384), mode 600)"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/sub/tac.key"))
        #expect(cmscerts(["pki", "csr", "tac", "CN:a.example.com", "O:Example Inc.", "--key", "p384", "--dir", "sub"]).status == 0)
        let text = TestSupport.openssl(["req", "-in", "sub/tac.csr", "-noout", "-text", "-verify"], in: dir).output
        #expect(text.contains("NIST CURVE: P-384"))
        #expect(text.contains("O = Example Inc., CN = a.example.com"))
    }

    @Test func bundleBuildShowsTheOrderAndWritesOnlyWithYes() {
        #expect(cmscerts(["pki", "selfsigned", "root", "CN:Root CA"]).status == 2, "a CN with a space is refused")
        #expect(cmscerts(["pki", "selfsigned", "root", "CN:root.example.com"]).status == 0)
        #expect(cmscerts(["pki", "csr", "web", "CN:web.example.com"]).status == 0)
        #expect(cmscerts(["pki", "sign", "web", "root"]).status == 0)
        let noYes = cmscerts(["bundle", "build", "root.crt", "web.crt", "--out", "full.pem"])
        #expect(noYes.status == 2)
        #expect(noYes.stdout.contains("1. entity"))
        #expect(noYes.stdout.contains("2. root"))
        #expect(noYes.stderr.contains("add --yes"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/full.pem"))
        let yes = cmscerts(["bundle", "build", "root.crt", "web.crt", "web.key", "--out", "full.pem", "--yes"])
        #expect(yes.status == 0, "\(yes.output)")
        #expect(yes.stderr.contains("private key in web.key"))
        let written = TestSupport.read(dir + "/full.pem")
        #expect(written.components(separatedBy: "BEGIN CERTIFICATE").count == 3)
        #expect(!written.contains("PRIVATE KEY"))
        #expect(cmscerts(["bundle", "check", "full.pem"]).status == 0)
        let ca = cmscerts(["bundle", "build", "web.crt", "root.crt", "--ca-only", "--out", "ca.pem", "--yes"])
        #expect(ca.status == 0)
        #expect(TestSupport.read(dir + "/ca.pem") == TestSupport.read(dir + "/root.crt"))
    }

    @Test func bundleBuildRefusesAnIncompleteChain() {
        #expect(cmscerts(["pki", "selfsigned", "root", "CN:root.example.com"]).status == 0)
        #expect(cmscerts(["pki", "csr", "web", "CN:web.example.com"]).status == 0)
        #expect(cmscerts(["pki", "sign", "web", "root"]).status == 0)
        let r = cmscerts(["bundle", "build", "web.crt", "--out", "x.pem", "--yes"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("its issuer 'CN=root.example.com' is in none of the files"))
        #expect(cmscerts(["bundle", "build", "web.crt", "--out", "x.pem", "--yes", "--allow-incomplete"]).status == 0)
    }

    @Test func bundleCheckJSONListsRulesWithLines() {
        #expect(cmscerts(["pki", "selfsigned", "root", "CN:root.example.com"]).status == 0)
        #expect(cmscerts(["pki", "csr", "web", "CN:web.example.com"]).status == 0)
        #expect(cmscerts(["pki", "sign", "web", "root"]).status == 0)
        let root = TestSupport.read(dir + "/root.crt"), web = TestSupport.read(dir + "/web.crt")
        TestSupport.write((root + "\n" + web).replacingOccurrences(of: "\n", with: "\r\n"), to: dir + "/bad.pem")
        let r = cmscerts(["bundle", "check", "bad.pem", "--json"])
        #expect(r.status == 1)
        let object = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let rules = (object?["issues"] as? [[String: Any]])?.compactMap { $0["rule"] as? String } ?? []
        #expect(Set(rules) == ["crlf", "blank-line", "order"])
    }
}
