import Foundation
import Testing
@testable import Deployment

/// The deployment file's new inputs: listeners, the far ends' chains, CUCM's host, the
/// uploader, and the database count, each refused with its line and the fix.
@Suite("Estate inputs in the deployment file")
struct EstateFileTests {
    func issues(_ yaml: String) -> [DeploymentIssue] { Fixtures.issues(yaml) }

    func expectIssue(_ yaml: String, path: String, line: Int, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let found = issues(yaml)
        #expect(found.contains { $0.path == path && $0.line == line && $0.message.contains(text) },
                "expected \(path) at line \(line) with '\(text)'; got \(found)", sourceLocation: sourceLocation)
    }

    /// One 3.8 node running `services`, with `listen` (a flow mapping) and `top` lines.
    func file(services: String = "[webadmin, callbridge, webbridge3, turn]", listen: String? = nil, top: String = "") -> String {
        """
        version: 1
        cms_version: "3.8"
        domain: example.com
        join_url: join.example.com
        \(top)nodes:
          - name: n1
            fqdn: n1.example.com
            address: 10.0.0.1
            services: \(services)
            database: primary
        \(listen.map { "    listen: \($0)\n" } ?? "")
        """
    }

    @Test("listeners: interfaces a-d, ports 1-65535, a service the node runs; each planned before the service starts")
    func listeners() throws {
        expectIssue(file(listen: "{webadmin: \"e:445\"}"), path: "nodes[0].listen.webadmin", line: 11, containing: "'e' is not an interface: the MMP's interfaces are a, b, c and d")
        expectIssue(file(listen: "{webadmin: \"a:0\"}"), path: "nodes[0].listen.webadmin", line: 11, containing: "port 0 is out of range: give 1 to 65535")
        expectIssue(file(listen: "{webbridge3: \"a443\"}"), path: "nodes[0].listen.webbridge3", line: 11, containing: "write it as e.g. a:443")
        expectIssue(file(listen: "{turn: a a}"), path: "nodes[0].listen.turn", line: 11, containing: "names an interface twice")
        expectIssue(file(listen: "{turn_tls: 70000}"), path: "nodes[0].listen.turn_tls", line: 11, containing: "port 70000 is out of range")
        expectIssue(file(listen: "{xmpp: a}"), path: "nodes[0].listen.xmpp", line: 11, containing: "n1 does not run xmpp: remove listen.xmpp or add xmpp to its services")
        expectIssue(file(listen: "{webadmn: a}"), path: "nodes[0].listen.webadmn", line: 11, containing: "unknown key 'webadmn'")

        let d = try DeploymentFile.load(yaml: file(listen: "{webadmin: \"a:445\", callbridge: a b, webbridge3: \"a:443\", c2w: \"a:4443\", turn: a b, turn_tls: 447}"))
        #expect(try DeploymentFile.load(yaml: DeploymentFile.yaml(for: d)) == d, "written and read back equal")
        let plan = try Planner.plan(d, flow: .fresh)
        let ids = plan.steps.map(\.id)
        func before(_ a: String, _ b: String) -> Bool { (ids.firstIndex(of: a) ?? .max) < (ids.firstIndex(of: b) ?? -1) }
        #expect(plan.step("n1:webadmin.listen-webadmin")?.command == "webadmin listen a 445")
        #expect(plan.step("n1:callbridge.listen-callbridge")?.command == "callbridge listen a b")
        #expect(plan.step("n1:webbridge3.listen-webbridge3")?.command == "webbridge3 https listen a:443")
        #expect(plan.step("n1:webbridge3.listen-c2w")?.command == "webbridge3 c2w listen a:4443")
        #expect(plan.step("n1:turn.listen-turn")?.command == "turn listen a b")
        #expect(plan.step("n1:turn.listen-turn_tls")?.command == "turn tls 447")
        #expect(before("n1:webadmin.listen-webadmin", "n1:webadmin.enable") && before("n1:callbridge.listen-callbridge", "n1:callbridge.restart"))
        // Renewals leave the listeners as they are.
        let renewal = try Planner.plan(d, flow: .renewDatabase)
        #expect(!renewal.steps.contains { $0.command.contains(" listen ") })
    }

    @Test("the far ends' chains, CUCM's host and the uploader's Rev are inputs with their line")
    func farEnds() throws {
        expectIssue(file(top: "cucm_host: cucm-admin.example.com\n"), path: "cucm_host", line: 5, containing: "add sip_trust_bundle: cucm-ca.crt")
        expectIssue(file(top: "sip_trust_bundle: ca-bundle.crt\n"), path: "sip_trust_bundle", line: 5, containing: "ca_bundle's name already")
        expectIssue(file(top: "rev_bundle: rev/ca.crt\n"), path: "rev_bundle", line: 5, containing: "not a file name the MMP takes")
        expectIssue(file(top: "sip_trust_bundle: -r.crt\n"), path: "sip_trust_bundle", line: 5, containing: "not a file name the MMP takes")
        expectIssue(file(top: "sip_trust_bundle: \"a;b.crt\"\n"), path: "sip_trust_bundle", line: 5, containing: "not a file name the MMP takes")
        expectIssue(file(services: "[webadmin, callbridge, uploader]"), path: "nodes[0].services[2]", line: 9, containing: "add rev_bundle: rev-ca.crt")
        expectIssue(file(services: "[turn, streamer]"), path: "nodes[0].services[1]", line: 9, containing: "add callbridge to a node")
        let lone = file(services: "[webadmin, webbridge]").replacingOccurrences(of: "\"3.8\"", with: "\"2.9\"")
        expectIssue(lone, path: "nodes[0].services[1]", line: 9, containing: "webbridge takes calls from the call bridges and trusts their certificates: add callbridge to a node")

        let d = try DeploymentFile.load(yaml: file(top: "cucm_host: cucm-admin.example.com\nsip_trust_bundle: cucm-ca.crt\n"))
        let plan = try Planner.plan(d, flow: .fresh)
        #expect(plan.step("n1:csr.webadmin")?.command.contains("subjectAltName:n1.example.com,cucm-admin.example.com") == true, "TAC 222766")
        #expect(plan.step("n1:callbridge.tls-sip-trust")?.command == "tls sip trust cucm-ca.crt")
        #expect(plan.step("local:await.cucm-ca.crt") != nil && plan.step("n1:put.cucm-ca.crt") != nil)
    }

    @Test("five database nodes are refused: three join, further nodes connect (TAC 210530)")
    func databaseCount() {
        var yaml = "version: 1\ncms_version: \"3.8\"\ndomain: example.com\nnodes:\n"
        for i in 1...5 {
            yaml += "  - {name: n\(i), fqdn: n\(i).example.com, address: 10.0.0.\(i), services: [callbridge], database: \(i == 1 ? "primary" : "joined")}\n"
        }
        expectIssue(yaml, path: "nodes", line: 4, containing: "it needs 1 or 3 (TAC 210530: three nodes join the cluster, further nodes connect to it) (nodes[3] and after: make them connected)")
    }

    @Test("2.9 plans webbridge3 beside webbridge, each with its own certificate, both trusted by the call bridge")
    func bothWebBridges() throws {
        let yaml = file(services: "[webadmin, callbridge, webbridge, webbridge3]").replacingOccurrences(of: "\"3.8\"", with: "\"2.9\"")
        let plan = try Planner.plan(try DeploymentFile.load(yaml: yaml), flow: .fresh)
        #expect(plan.step("n1:webbridge.trust")?.command == "webbridge trust callbridge-trust.crt")
        #expect(plan.step("n1:webbridge3.https-certs")?.command == "webbridge3 https certs webbridge3.key webbridge3-fullchain.crt")
        #expect(plan.step("n1:callbridge.trust-c2w")?.command == "callbridge trust c2w ca-bundle.crt")
        #expect(plan.step("local:fullchain.n1.webbridge3") != nil, "Web Bridge 3 takes a full chain on 2.9 too")
    }
}
