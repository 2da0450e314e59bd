import Foundation
import TestSupport
import Testing

/// The runbook's local commands are real: every `cmscerts ...` line a plan prints for this
/// machine runs as printed, and what it makes is judged by openssl.
@Suite("The runbook's local cmscerts commands run as printed")
struct RunbookCommandTests {
    static let deployment = """
        version: 1
        cms_version: "3.8"
        domain: example.com
        join_url: join.example.com
        strategy: perService
        keys: local
        key_type: p256
        nodes:
          - {name: cms1, fqdn: cms1.example.com, address: 10.9.0.1, services: [webadmin, callbridge, webbridge3], database: primary}
          - {name: cms2, fqdn: cms2.example.com, address: 10.9.0.2, services: [callbridge], database: joined}
          - {name: cms3, fqdn: cms3.example.com, address: 10.9.0.3, services: [callbridge], database: joined}
        """

    @Test func everyLocalStepRunsAndOpenSSLAcceptsTheResult() throws {
        let dir = TestSupport.temporaryDirectory("runbook")
        TestSupport.write(Self.deployment, to: dir + "/deployment.yaml")
        let json = TestSupport.runProduct("cmscerts", ["plan", "deployment.yaml", "--offline", "--format", "json"], in: dir)
        #expect(json.status == 0, "\(json.output)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let steps = try #require(plan["steps"] as? [[String: Any]])
        let local = steps.filter { $0["node"] == nil || $0["node"] is NSNull }

        // The customer's CA, outside cmscerts: a root that signs what the plan waits for.
        TestSupport.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca-bundle.crt",
                             "-days", "365", "-subj", "/CN=Customer Root", "-addext", "basicConstraints=critical,CA:TRUE"], in: dir)
        TestSupport.write("extendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n", to: dir + "/leaf.ext")

        var ran = 0
        for step in local {
            let command = try #require(step["command"] as? String)
            let kind = step["kind"] as? String
            if kind == "localPKI" {
                #expect(command.hasPrefix("cmscerts "), "\(command)")
                let arguments = try shellWords(String(command.dropFirst("cmscerts ".count)))
                let result = TestSupport.runProduct("cmscerts", arguments, in: dir)
                #expect(result.status == 0, "\(command): \(result.output)")
                ran += 1
            } else if kind == "check", let writes = step["writes"] as? [[String: Any]] {
                // A person's task: sign what the plan waits for with the customer's CA.
                for file in writes.compactMap({ $0["name"] as? String }) where file.hasSuffix(".crt") && file != "ca-bundle.crt" {
                    let csr = String(file.dropLast(4)) + ".csr"
                    let r = TestSupport.openssl(["x509", "-req", "-in", csr, "-CA", "ca-bundle.crt", "-CAkey", "ca.key", "-CAcreateserial",
                                                 "-out", file, "-days", "90", "-extfile", "leaf.ext"], in: dir)
                    #expect(r.status == 0, "signing \(csr): \(r.output)")
                }
            }
        }
        #expect(ran >= 8, "key+CSR per service, the built-in CA, database CSRs and signatures, the full chain")
        // The built-in CA's database certificates verify, the full chain checks out.
        let db = TestSupport.openssl(["verify", "-CAfile", "db/dbca.crt", "db/dbserver.crt", "db/dbclient.crt"], in: dir)
        #expect(db.status == 0, "\(db.output)")
        let chains = try FileManager.default.subpathsOfDirectory(atPath: dir).filter { $0.hasSuffix("-fullchain.crt") }
        #expect(!chains.isEmpty)
        for chain in chains {
            #expect(TestSupport.runProduct("cmscerts", ["bundle", "check", chain], in: dir).status == 0, "\(chain)")
        }
        let keys = try FileManager.default.subpathsOfDirectory(atPath: dir).filter { $0.hasSuffix(".key") && $0 != "ca.key" }
        for key in keys {
            let mode = try FileManager.default.attributesOfItem(atPath: dir + "/" + key)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key)")
            #expect(TestSupport.openssl(["pkey", "-in", key, "-noout", "-text"], in: dir).stdout.contains("NIST CURVE: P-256"), "\(key)")
        }
    }

    /// Splits a command line as a shell would: spaces, and double quotes around values.
    func shellWords(_ line: String) throws -> [String] {
        var words: [String] = [], current = "", quoted = false, has = false
        for ch in line {
            if ch == "\"" { quoted.toggle(); has = true }
            else if ch == " " && !quoted { if has { words.append(current) }; current = ""; has = false }
            else { current.append(ch); has = true }
        }
        if has { words.append(current) }
        return words
    }
}
