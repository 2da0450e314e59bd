import Foundation
import PKI
import Testing
import Yams
@testable import Deployment

/// Step 2 made editable: the certificate overrides and the endpoints of the deployment
/// file, read, checked, written back and planned.
@Suite("Certificate overrides and endpoints in the deployment file")
struct OverrideTests: IssueChecking {
    @Test("overrides and endpoints are read with their values")
    func reads() throws {
        let d = try Fixtures.load(Fixtures.overrides3x)
        #expect(d.nodes[0].certificates == [
            .callbridge: CertificateOverride(basename: "cms1-cb", sans: ["cms1.example.com", "cms2.example.com"]),
            .webadmin: CertificateOverride(commonName: "admin.example.com"),
        ])
        #expect(d.nodes[2].certificates[.turn] == CertificateOverride(basename: "turn-edge", commonName: "turn.example.com", sans: []))
        #expect(d.endpoints == [
            DeploymentEndpoint(node: "cms1", service: .webadmin, port: 445),
            DeploymentEndpoint(node: "cms2", service: .webbridge3, port: 443, host: "10.0.0.12", serverName: "join.example.com"),
        ])
        #expect(d.endpointHost(d.endpoints[0]) == "cms1.example.com")
        #expect(d.endpointHost(d.endpoints[1]) == "10.0.0.12")
        #expect(try Fixtures.load(Fixtures.sanOverride).sans == ["solo.example.com", "join.example.com", "video.example.com"])
        #expect(CertificateOverride().isEmpty && !CertificateOverride(sans: []).isEmpty)
    }

    @Test("written back, YAML and JSON read equal; nothing is written when nothing is set")
    func writesBack() throws {
        for yaml in [Fixtures.overrides3x, Fixtures.sanOverride] {
            let d = try Fixtures.load(yaml)
            let text = DeploymentFile.yaml(for: d)
            #expect(try DeploymentFile.load(yaml: text) == d, "\(text)")
            let json = try JSONEncoder().encode(d)
            #expect(try JSONDecoder().decode(Deployment.self, from: json) == d)
        }
        let d = try Fixtures.load(Fixtures.overrides3x)
        let text = DeploymentFile.yaml(for: d)
        // A mapping keyed by service name, in service order, only on the nodes that have one.
        #expect(text.contains("  certificates:\n    webadmin:\n      cn: admin.example.com\n    callbridge:\n"), "\(text)")
        #expect(text.components(separatedBy: "certificates:").count == 4)
        #expect(text.contains("sni: join.example.com"))
        let json = String(decoding: try JSONEncoder().encode(d), as: UTF8.self)
        #expect(json.contains("\"certificates\":{"), "\(json)")
        var three = try Fixtures.load(Fixtures.three3x)
        // An override that changes nothing (a field cleared in the wizard) is not kept.
        three.nodes[0].certificates[.webadmin] = CertificateOverride(basename: "admin")
        three.nodes[0].certificates[.webadmin]?.basename = nil
        three.nodes[1].certificates[.callbridge] = CertificateOverride()
        #expect(three.nodes.allSatisfy { $0.certificates.isEmpty })
        let plain = DeploymentFile.yaml(for: three)
        for key in ["certificates", "sans", "endpoints"] { #expect(!plain.contains(key + ":"), "\(plain)") }
        #expect(try DeploymentFile.load(yaml: plain) == three)
    }

    @Test("the fresh plan makes the CSRs with the overridden basename, CN and SANs, and applies those files")
    func plansWithOverrides() throws {
        let d = try Fixtures.load(Fixtures.overrides3x)
        let plan = try Planner.plan(d, flow: .fresh)
        func command(_ id: String) -> String? { plan.steps.first { $0.id == id }?.command }
        #expect(command("cms1:csr.cms1-cb") == "pki csr cms1-cb CN:cms1.example.com subjectAltName:cms1.example.com,cms2.example.com")
        #expect(command("cms1:csr.webadmin") == "pki csr webadmin CN:admin.example.com subjectAltName:admin.example.com,cms1.example.com",
                "the node's FQDN stays in the SANs, the CN given joins it")
        #expect(command("cms2:csr.webbridge3") == "pki csr webbridge3 CN:cms2.example.com subjectAltName:cms2.example.com,join.example.com,meet.example.com")
        #expect(command("cms3:csr.turn-edge") == "pki csr turn-edge CN:turn.example.com")
        #expect(plan.steps.contains { $0.node == "cms1" && $0.command == "callbridge certs cms1-cb.key cms1-cb.crt ca-bundle.crt" })
        #expect(plan.steps.contains { $0.node == "cms3" && $0.command.hasPrefix("turn certs turn-edge.key turn-edge.crt") })
        #expect(command("cms1:csr.callbridge") == nil)
        // The shared certificate's SANs replaced; the CN (cluster_fqdn) added by Step 1's rule.
        let shared = try Planner.plan(try Fixtures.load(Fixtures.sanOverride), flow: .fresh)
        #expect(shared.steps.contains { $0.command.hasPrefix("cmscerts pki csr cms CN:cms.example.com subjectAltName:cms.example.com,solo.example.com,join.example.com,video.example.com") })
        let wildcard = try Fixtures.load(Fixtures.wildcard3x.replacingOccurrences(of: "strategy: wildcard\n", with: "strategy: wildcard\nsans: [meet.example.org, video.example.com]\n"))
        let requests = try Planner.certificateRequests(wildcard)
        #expect(requests.map { $0.spec.mmpCommand() } == ["pki csr cms CN:*.example.com subjectAltName:*.example.com,meet.example.org,video.example.com"])
        #expect(ArticleChecker.violations(try Planner.plan(wildcard, flow: .fresh), wildcard) == [])
    }

    @Test("renewals keep the node's names and take the overridden CN and SANs")
    func renewals() throws {
        let d = try Fixtures.load(Fixtures.overrides3x)
        let state = Fixtures.state3x(d, withCSRs: false)
        let plan = try Planner.plan(d, flow: .renewNewNames, current: state)
        #expect(plan.steps.contains { $0.node == "cms1" && $0.command == "pki csr callbridge-r2 CN:cms1.example.com subjectAltName:cms1.example.com,cms2.example.com" })
        #expect(plan.steps.contains { $0.node == "cms3" && $0.command == "pki csr turn-r2 CN:turn.example.com" })
        // renew keeps the very names in use (not the overridden basename): the CSR on the node is reused.
        let renew = try Planner.plan(d, flow: .renew, current: Fixtures.state3x(d, withCSRs: true))
        #expect(renew.steps.contains { $0.node == "cms1" && $0.command == "get callbridge.csr cms1/callbridge.csr" })
        #expect(!renew.steps.contains { $0.command.contains("cms1-cb") })
        // With keys made here, the renewed CSR carries the overridden names under the name in use.
        let local = try Planner.plan(d.with { $0.keys = .local }, flow: .renew, current: state)
        #expect(local.steps.contains { $0.command.hasPrefix("cmscerts pki csr callbridge CN:cms1.example.com subjectAltName:cms1.example.com,cms2.example.com") })
    }

    @Test("certificate requests are the plan's units, with what was overridden marked")
    func requests() throws {
        let d = try Fixtures.load(Fixtures.overrides3x)
        let requests = try Planner.certificateRequests(d)
        let plan = try Planner.plan(d, flow: .fresh)
        #expect(requests.count == d.nodes.map(\.services.count).reduce(0, +))
        for r in requests {
            #expect(plan.steps.contains { $0.node == r.madeOn && $0.command == r.spec.mmpCommand() }, "\(r.basename)")
            #expect(r.makerNode == r.madeOn && r.usedOn == [r.makerNode] && r.services.count == 1)
        }
        let cb = try #require(requests.first { $0.makerNode == "cms1" && $0.services == [.callbridge] })
        #expect(cb.basename == "cms1-cb" && cb.overridden)
        #expect(cb.spec.subjectAltNames.map(\.value) == ["cms1.example.com", "cms2.example.com"])
        #expect(requests.filter(\.overridden).map { "\($0.makerNode).\($0.basename)" } == ["cms1.webadmin", "cms1.cms1-cb", "cms2.webbridge3", "cms3.turn-edge"])
        #expect(try Planner.certificateRequests(try Fixtures.load(Fixtures.three3x)).allSatisfy { !$0.overridden })

        let shared = try Planner.certificateRequests(try Fixtures.load(Fixtures.sanOverride))
        #expect(shared.count == 1)
        #expect(shared[0].madeOn == nil && shared[0].makerNode == "solo" && shared[0].usedOn == ["solo"])
        #expect(shared[0].services == [.webadmin, .callbridge, .webbridge3])
        #expect(shared[0].overridden && shared[0].basename == "cms")
        let wildcard = try Planner.certificateRequests(try Fixtures.load(Fixtures.wildcard3x))
        #expect(wildcard.count == 1 && wildcard[0].madeOn == "a" && wildcard[0].usedOn == ["a", "b", "c"] && !wildcard[0].overridden)
        #expect(wildcard[0].spec.subject.commonName == "*.example.com")
        #expect(throws: PlanError.self) { try Planner.certificateRequests(try Fixtures.load(Fixtures.three3x).with { $0.nodes = [] }) }
    }

    // MARK: the rules, each with its path and line

    /// A valid 3.x node with the lines of its `certificates:` from line 10.
    func node(_ certificates: String, top: String = "", services: String = "[webadmin, callbridge, webbridge3]") -> String {
        """
        version: 1
        cms_version: "3.4"
        domain: example.com
        \(top)nodes:
          - name: n1
            fqdn: n1.example.com
            address: 10.0.0.1
            services: \(services)
            database: primary
            certificates:
        \(certificates)
        """
    }

    @Test("unknown keys and services in certificates are refused, with the known ones listed")
    func unknownOverrideKeys() {
        expectIssue(node("      callbridge: {bsename: cb}"), path: "nodes[0].certificates.callbridge.bsename", line: 11,
                    containing: "the keys here are basename, cn, sans")
        expectIssue(node("      callbrige: {basename: cb}"), path: "nodes[0].certificates.callbrige", line: 11,
                    containing: "the keys here are webadmin, callbridge")
        expectIssue(node("      turn: {basename: t}"), path: "nodes[0].certificates.turn", line: 11,
                    containing: "n1 does not run turn: remove certificates.turn or add the service")
        expectIssue(node("      callbridge: {sans: cms.example.com}"), path: "nodes[0].certificates.callbridge.sans", line: 11,
                    containing: "expected a list")
    }

    @Test("basenames follow Step 1, are not the database's, and are not shared on a node")
    func basenames() {
        expectIssue(node("      callbridge: {basename: cb.crt}"), path: "nodes[0].certificates.callbridge.basename", line: 11, containing: "not a basename")
        expectIssue(node("      callbridge: {basename: dbserver}"), path: "nodes[0].certificates.callbridge.basename", line: 11, containing: "database's own basename")
        expectIssue(node("      webadmin: {basename: n1}\n      callbridge: {basename: n1}"), path: "nodes[0].certificates.callbridge.basename", line: 12,
                    containing: "webadmin and callbridge on n1 both use the basename 'n1': the second `pki csr n1` would overwrite the first key")
        // The default name of one service taken by another.
        expectIssue(node("      callbridge: {basename: webadmin}"), path: "nodes[0].certificates.callbridge.basename", line: 11, containing: "both use the basename 'webadmin'")
        expectIssue(node("      callbridge: {basename: webbridge3-fullchain}"), path: "nodes[0].certificates.callbridge.basename", line: 11,
                    containing: "writes webbridge3-fullchain.crt, which webbridge3's certificate")
        expectIssue(node("      callbridge: {basename: ca-bundle}"), path: "nodes[0].certificates.callbridge.basename", line: 11, containing: "the CA bundle's name")
        // The same basename on two nodes is fine: each node has its own files.
        let two = """
        version: 1
        cms_version: "3.4"
        domain: example.com
        nodes:
          - {name: a, fqdn: a.example.com, address: 10.0.0.1, services: [callbridge], database: primary, certificates: {callbridge: {basename: cms}}}
          - {name: b, fqdn: b.example.com, address: 10.0.0.2, services: [callbridge], certificates: {callbridge: {basename: cms}}}
        """
        #expect(issues(two).isEmpty)
    }

    @Test("the CN and each SAN pass Step 1's parser")
    func names() {
        expectIssue(node("      callbridge:\n        cn: cms one.example.com"), path: "nodes[0].certificates.callbridge.cn", line: 12, containing: "space")
        expectIssue(node("      callbridge:\n        sans:\n          - a.example.com\n          - DNS:b.example.com"),
                    path: "nodes[0].certificates.callbridge.sans[1]", line: 14, containing: "DNS:")
        expectIssue(node("      callbridge: {sans: [\"a.example.com,b.example.com\"]}"), path: "nodes[0].certificates.callbridge.sans[0]", line: 11,
                    containing: "write one name an item")
        expectIssue(node("      callbridge: {sans: [a.example.com, A.example.com]}"), path: "nodes[0].certificates.callbridge.sans[1]", line: 11,
                    containing: "listed already")
    }

    @Test("each override belongs to its strategy: certificates to perService, top-level sans to the shared ones")
    func strategies() {
        expectIssue(node("      callbridge: {cn: cms.example.com}", top: "strategy: sanCertificate\n"), path: "nodes[0].certificates", line: 11,
                    containing: "certificates overrides are for strategy perService")
        expectIssue(node("      callbridge: {cn: cms.example.com}").replacingOccurrences(of: "domain: example.com\n", with: "domain: example.com\nsans: [a.example.com]\n"),
                    path: "sans", line: 4, containing: "with perService give each service's SANs under nodes[].certificates.<service>.sans")
        let shared = node("      {}", top: "strategy: wildcard\nsans: [x.example.com, \"bad name\"]\n")
        expectIssue(shared, path: "sans[1]", line: 5, containing: "bad name")
    }

    func endpoints(_ list: String, services: String = "[webadmin, callbridge]", version: String = "\"3.4\"") -> String {
        """
        version: 1
        cms_version: \(version)
        domain: example.com
        \(version == "\"2.9\"" ? "xmpp_domain: example.com\n" : "")nodes:
          - {name: n1, fqdn: n1.example.com, address: 10.0.0.1, services: \(services), database: primary}
        endpoints:
        \(list)
        """
    }

    @Test("endpoints name a node that runs the service, a port, a service the probe reads, once each")
    func endpointRules() {
        #expect(issues(endpoints("  - {node: n1, service: webadmin, port: 445}")).isEmpty)
        expectIssue(endpoints("  - {node: n2, service: webadmin, port: 445}"), path: "endpoints[0].node", line: 7, containing: "no node is named 'n2': the nodes are n1")
        expectIssue(endpoints("  - {node: n1, service: turn, port: 3478}"), path: "endpoints[0].service", line: 7, containing: "n1 does not run turn")
        expectIssue(endpoints("  - {node: n1, service: webadmin, port: 0}"), path: "endpoints[0].port", line: 7, containing: "out of range")
        expectIssue(endpoints("  - {node: n1, service: webadmin}"), path: "endpoints[0].port", line: 7, containing: "'port' is required")
        expectIssue(endpoints("  - {node: n1, service: webadmin, port: 445, sni: join example}"), path: "endpoints[0].sni", line: 7, containing: "not a server name")
        expectIssue(endpoints("  - {node: n1, service: webadmin, port: 445, protocol: tls}"), path: "endpoints[0].protocol", line: 7,
                    containing: "the keys here are node, service, port, host, sni")
        expectIssue(endpoints("  - {node: n1, service: xmpp, port: 5222}", services: "[callbridge, xmpp]", version: "\"2.9\""), path: "endpoints[0].service", line: 8,
                    containing: "STARTTLS, which the probe does not speak")
        expectIssue(endpoints("  - {node: n1, service: webadmin, port: 445}\n  - {node: n1, service: callbridge, port: 445, host: n1.example.com}"),
                    path: "endpoints[1]", line: 8, containing: "repeats endpoints[0]")
        expectIssue(endpoints("  node: n1"), path: "endpoints", line: 7, containing: "expected a list")
    }

    @Test("validate() gives the same rules to a deployment built in code")
    func validateInCode() throws {
        var d = try Fixtures.load(Fixtures.three3x)
        d.nodes[2].certificates[.webadmin] = CertificateOverride(basename: "admin")
        d.endpoints = [DeploymentEndpoint(node: "cms1", service: .webadmin, port: 70000)]
        #expect(d.validate().map(\.path) == ["nodes[2].certificates.webadmin", "endpoints[0].port"])
    }
}

extension Deployment {
    /// A copy with one change.
    func with(_ change: (inout Deployment) -> Void) -> Deployment {
        var copy = self
        change(&copy)
        return copy
    }
}
