import Foundation
import TestSupport
import Testing

/// `cmscerts expiry --deployment F --endpoints`: every endpoint the file lists, probed
/// live and compared with the certificate its service is configured with on the node.
@Suite("cmscerts expiry --endpoints", .serialized)
struct ExpiryEndpointsTests {
    /// A lab whose cms1 has web admin and the call bridge configured, each with its own
    /// certificate signed by the lab's dbca.
    func configuredLab() throws -> String {
        let dir = TestSupport.temporaryDirectory("expend") + "/lab"
        let made = TestSupport.runProduct("cmscerts", ["lab", "init", dir])
        try #require(made.status == 0, "\(made.output)")
        for command in ["pki selfsigned dbca CN:lab.example.com",
                        "pki csr webadmin CN:cms1.lab.example.com", "pki sign webadmin dbca",
                        "webadmin certs webadmin.key webadmin.crt dbca.crt",
                        "pki csr callbridge CN:cms1.lab.example.com", "pki sign callbridge dbca",
                        "callbridge certs callbridge.key callbridge.crt dbca.crt"] {
            let r = TestSupport.runProduct("cms-lab-node", ["--lab", dir, "--node", "cms1", "-c", command])
            try #require(r.status == 0 && !r.stdout.contains("FAILURE"), "\(command): \(r.output)")
        }
        return dir
    }

    /// The lab's deployment file with `endpoints` added, written beside it.
    func deployment(in dir: String, name: String, endpoints: [String]) -> String {
        let path = dir + "/" + name
        let text = TestSupport.read(dir + "/deployment.yaml") + "endpoints:\n" + endpoints.map { "  - \($0)\n" }.joined()
        TestSupport.write(text, to: path)
        return path
    }

    @Test func eachEndpointIsComparedWithItsConfiguredCertificateAndTakesPartInTheExitCode() throws {
        let dir = try configuredLab()
        let node = dir + "/nodes/cms1"
        // Web admin presents what it is configured with; the call bridge's port presents
        // web admin's certificate (a renewal never applied); nothing listens for TURN.
        let webadmin = try TLSServer(directory: node, cert: "webadmin.crt", key: "webadmin.key")
        defer { webadmin.stop() }
        let stale = try TLSServer(directory: node, cert: "webadmin.crt", key: "webadmin.key")
        defer { stale.stop() }
        let closed = try TestSupport.freePort()
        let file = deployment(in: dir, name: "endpoints.yaml", endpoints: [
            "{node: cms1, service: webadmin, port: \(webadmin.port), host: 127.0.0.1}",
            "{node: cms1, service: callbridge, port: \(stale.port), host: 127.0.0.1, sni: cms1.lab.example.com}",
            "{node: cms1, service: turn, port: \(closed), host: 127.0.0.1}",
        ])

        let result = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", file, "--endpoints", "--format", "json"])
        #expect(result.status == 3, "unreadable outranks the mismatch's warning: \(result.output)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.output)")
        let endpoints = rows.filter { $0["source"] as? String == "endpoint" }
        #expect(endpoints.count == 3, "\(endpoints)")
        func row(_ port: Int) -> [String: Any]? {
            endpoints.first { ($0["file"] as? String)?.hasPrefix("127.0.0.1:\(port)") == true }
        }
        let match = try #require(row(webadmin.port))
        #expect(match["node"] as? String == "cms1" && match["service"] as? String == "webadmin")
        #expect((match["problems"] as? [String])?.isEmpty == true, "\(match)")
        #expect(match["status"] as? String == "ok")
        let mismatch = try #require(row(stale.port))
        #expect(mismatch["file"] as? String == "127.0.0.1:\(stale.port)@cms1.lab.example.com")
        let problems = (mismatch["problems"] as? [String]) ?? []
        #expect(problems.contains { $0.contains("not the one configured") && $0.contains("cms1:callbridge.crt") }, "\(mismatch)")
        let unreadable = try #require(row(closed))
        #expect(unreadable["status"] as? String == "unreadable" && unreadable["service"] as? String == "turn")

        // The table says the same to a person.
        let table = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", file, "--endpoints"])
        #expect(table.status == 3)
        #expect(table.stdout.contains("not the one configured"), "\(table.stdout)")

        // Only the endpoint that presents its configured certificate: all is well.
        let good = deployment(in: dir, name: "good.yaml", endpoints: ["{node: cms1, service: webadmin, port: \(webadmin.port), host: 127.0.0.1}"])
        let ok = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", good, "--endpoints", "--format", "json"])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.stdout.contains("\"source\":\"endpoint\""))
        // Without --endpoints the file's endpoints are not probed.
        let nodesOnly = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", file, "--format", "json"])
        #expect(nodesOnly.status == 0, "\(nodesOnly.output)")
        #expect(!nodesOnly.stdout.contains("\"source\":\"endpoint\""))
    }

    @Test func endpointsWithoutADeploymentOrWithNoneListedIsAUsageError() throws {
        let alone = TestSupport.runProduct("cmscerts", ["expiry", "--endpoints"])
        #expect(alone.status == 3)
        #expect(alone.stderr.contains("--endpoints probes the endpoints a deployment file lists: give --deployment deployment.yaml"), "\(alone.output)")
        let dir = TestSupport.temporaryDirectory("expend") + "/lab"
        #expect(TestSupport.runProduct("cmscerts", ["lab", "init", dir]).status == 0)
        let none = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", dir + "/deployment.yaml", "--endpoints"])
        #expect(none.status == 3)
        #expect(none.stderr.contains("lists no endpoints"), "\(none.output)")
    }
}
