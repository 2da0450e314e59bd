import Foundation
import TestSupport
import Testing

/// `cmscerts expiry --deployment`: the certificates on a deployment's nodes, with the
/// service that uses each, read through the lab or SSH.
@Suite("cmscerts expiry on a deployment's nodes")
struct ExpiryDeploymentTests {
    @Test func readsTheNodesOfALabAndNamesTheServices() throws {
        let dir = TestSupport.temporaryDirectory("expdep") + "/lab"
        #expect(TestSupport.runProduct("cmscerts", ["lab", "init", dir]).status == 0)
        for command in ["pki selfsigned dbca CN:lab.example.com", "pki csr webadmin CN:cms1.lab.example.com",
                        "pki sign webadmin dbca", "webadmin certs webadmin.key webadmin.crt dbca.crt"] {
            let r = TestSupport.runProduct("cms-lab-node", ["--lab", dir, "--node", "cms1", "-c", command])
            #expect(r.status == 0 && !r.stdout.contains("FAILURE"), "\(command): \(r.output)")
        }
        let result = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", dir + "/deployment.yaml", "--format", "json"])
        #expect(result.status == 0, "\(result.output)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        let entity = try #require(rows.first { ($0["position"] as? String) == "entity" })
        #expect(entity["node"] as? String == "cms1")
        #expect((entity["service"] as? String)?.contains("webadmin") == true)
        #expect(entity["cn"] as? String == "cms1.lab.example.com" || result.stdout.contains("cms1.lab.example.com"))
    }

    @Test func anUnreachableNodeIsARowAndUnknown() throws {
        let dir = TestSupport.temporaryDirectory("expdep")
        TestSupport.write("""
            version: 1
            cms_version: "3.8"
            domain: example.com
            nodes:
              - {name: cms1, fqdn: cms1.example.com, address: 127.0.0.1, ssh: {host: 127.0.0.1, port: 1, user: admin}, services: [webadmin]}
            """, to: dir + "/deployment.yaml")
        let result = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", dir + "/deployment.yaml"])
        #expect(result.status == 3, "\(result.output)")
        #expect(result.stdout.contains("UNREADABLE"))
        #expect(result.stdout.contains("cannot be reached") || result.stdout.contains("refused"), "\(result.stdout)")
    }
}
