import PKI
import Testing
import Yams
@testable import Deployment

@Suite("The deployment file")
struct DeploymentFileTests: IssueChecking {
    @Test("a good file is read with its values and the defaults")
    func readsGoodFile() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        #expect(d.version == 1)
        #expect(d.cmsVersion == CMSVersion(major: 3, minor: 8))
        #expect(d.domain == "example.com")
        #expect(d.joinURL == "join.example.com")
        #expect(d.strategy == .perService)
        #expect(d.keys == .node)
        #expect(d.keyType == .rsa2048)
        #expect(d.caValidityDays == 3650)
        #expect(d.caBundle == "ca-bundle.crt")
        #expect(d.nodes.map(\.name) == ["cms1", "cms2", "cms3"])
        // No ssh: the FQDN, and no user or port: ssh_config decides them, not cmscerts.
        #expect(d.nodes[0].ssh == SSHTarget(host: "cms1.example.com", user: nil, port: nil))
        #expect(d.nodes[1].ssh == SSHTarget(host: "jump-cms2", user: "ops", port: 2222))
        #expect(d.nodes[2].services == [.callbridge, .turn])
        #expect(d.nodes.map(\.database) == [.primary, .joined, .joined])
        #expect(d.primary?.name == "cms1")
    }

    @Test("every top-level value is read")
    func readsEveryValue() throws {
        let d = try Fixtures.load(Fixtures.singleLocalSAN)
        #expect(d.strategy == .sanCertificate)
        #expect(d.clusterFQDN == "cms.example.com")
        #expect(d.keys == .local)
        #expect(d.keyType == .p256)
        #expect(d.caValidityDays == 825)
        let c = try Fixtures.load(Fixtures.combined29)
        #expect(c.subject == SubjectDefaults(organization: "Example Inc.", country: "GB"))
        #expect(c.xmppDomain == "example.com")
    }

    @Test("a deployment written out as YAML reads back equal; JSON and YAML decoding apply the defaults", arguments: PlannerTests.fixtures.map(\.0))
    func roundTrip(name: String) throws {
        let d = try Fixtures.load(PlannerTests.fixtures.first { $0.0 == name }!.1)
        let text = DeploymentFile.yaml(for: d)
        #expect(text.contains("cms_version:"))
        #expect(try DeploymentFile.load(yaml: text) == d)
        let viaDecoder = try YAMLDecoder().decode(Deployment.self, from: PlannerTests.fixtures.first { $0.0 == name }!.1)
        #expect(viaDecoder == d)
    }

    @Test("a file written with a header reads back equal, and the changes between two values are listed line by line")
    func textWithHeaderAndChanges() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let text = try DeploymentFile.text(for: d, header: "first line\nsecond line")
        #expect(text.hasPrefix("# first line\n# second line\n\n"))
        #expect(try DeploymentFile.load(yaml: text) == d)
        var changed = d
        changed.strategy = .sanCertificate
        changed.subject.organization = "Example Inc."
        let changes = DeploymentFile.changes(from: d, to: changed)
        #expect(changes.contains("- strategy: perService") && changes.contains("+ strategy: sanCertificate"), "\(changes)")
        #expect(changes.contains { $0.hasPrefix("+ ") && $0.contains("o: Example Inc.") }, "\(changes)")
        #expect(changes.firstIndex(of: "- strategy: perService")! < changes.firstIndex(of: "+ strategy: sanCertificate")!)
        #expect(DeploymentFile.changes(from: d, to: d).isEmpty)
    }

    @Test("the example that init writes loads, validates and plans")
    func exampleLoads() throws {
        let d = try DeploymentFile.load(yaml: DeploymentFile.example)
        #expect(d.nodes.count == 3)
        #expect(d.subject.organization == "Example Inc.")
        let plan = try Planner.plan(d, flow: .fresh)
        #expect(!plan.steps.isEmpty)
    }

    @Test("the example's commented certificates, listeners and endpoints load and plan once uncommented")
    func exampleCommentedBlocks() throws {
        let starts = ["listen:", "certificates:", "  callbridge:", "    basename:", "    cn:", "    sans:",
                      "endpoints:", "  - node:", "    service:", "    port:", "    host:", "    sni:", "  - {node:"]
        let lines = DeploymentFile.example.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let hash = line.firstIndex(of: "#"), line[..<hash].allSatisfy({ $0 == " " }) else { return String(line) }
            let rest = line[line.index(hash, offsetBy: 2)...]
            return starts.contains { rest.hasPrefix($0) } ? String(line[..<hash]) + rest : String(line)
        }
        let d = try DeploymentFile.load(yaml: lines.joined(separator: "\n"))
        #expect(d.nodes[0].certificates[.callbridge]?.basename == "cms1-cb")
        #expect(d.endpoints.count == 2)
        #expect(d.nodes[0].listen.webadmin == "a:445" && d.nodes[0].listen.c2w == "a:4443")
        #expect(try Planner.plan(d, flow: .fresh).steps.contains { $0.command.hasPrefix("pki csr cms1-cb ") })
    }

    /// A valid 3.x file with one node, lines numbered from 1 at `version`.
    func single(services: String = "[webadmin, callbridge]", version: String = "\"3.4\"", extraTop: String = "", nodeExtra: String = "") -> String {
        """
        version: 1
        cms_version: \(version)
        domain: example.com
        \(extraTop)nodes:
          - name: n1
            fqdn: n1.example.com
            address: 10.0.0.1
            services: \(services)
            database: primary
        \(nodeExtra)
        """
    }

    @Test("an unknown key is refused with its path and line, and a hint")
    func unknownKey() {
        expectIssue(single(extraTop: "domian: x\n"), path: "domian", line: 4, containing: "unknown key 'domian'")
        let nested = """
        version: 1
        cms_version: "3.4"
        domain: example.com
        nodes:
          - name: n1
            fqdn: n1.example.com
            address: 10.0.0.1
            ssh: {host: n1, prot: 22}
            services: [callbridge]
            database: primary
        """
        expectIssue(nested, path: "nodes[0].ssh.prot", line: 8, containing: "unknown key 'prot'")
        expectIssue(single(extraTop: "joinURL: join.example.com\n"), path: "joinURL", line: 4, containing: "did you mean 'join_url'")
    }

    @Test("a bad FQDN names the node's key")
    func badFQDN() {
        let yaml = single().replacingOccurrences(of: "fqdn: n1.example.com", with: "fqdn: n1_bad.example.com")
        expectIssue(yaml, path: "nodes[0].fqdn", line: 6, containing: "'_'")
        let short = single().replacingOccurrences(of: "fqdn: n1.example.com", with: "fqdn: n1")
        expectIssue(short, path: "nodes[0].fqdn", line: 6, containing: "fully qualified")
        expectIssue(single(extraTop: "join_url: https://join.example.com\n"), path: "join_url", line: 4, containing: "no https://")
    }

    @Test("xmpp, webbridge and the load balancer are refused on 3.x, the scheduler before 3.3; 2.9 has both web bridges")
    func servicesPerRelease() {
        let xmpp = single(services: "[callbridge, xmpp]")
        expectIssue(xmpp, path: "nodes[0].services[1]", line: 8, containing: "CMS 3.4 has no xmpp: CMS 3.0 removed it (TAC 217062, 216270)")
        expectIssue(single(services: "[webbridge]"), path: "nodes[0].services[0]", line: 8, containing: "write webbridge3")
        expectIssue(single(services: "[webbridge]", version: "\"3.0\""), path: "nodes[0].services[0]", line: 8, containing: "CMS 3.0 has no webbridge")
        #expect(issues(single(services: "[callbridge, webbridge, webbridge3]", version: "\"2.9\"", extraTop: "join_url: join.example.com\n")).isEmpty,
                "2.9 brought Web Bridge 3 beside the older web bridge (TAC 217062)")
        expectIssue(single(services: "[callbridge, xmpp]", version: "\"2.9\""), path: "nodes[0].services[1]", line: 8, containing: "xmpp_domain")
        expectIssue(single(services: "[callbridge, loadbalancer]"), path: "nodes[0].services[1]", line: 8, containing: "CMS 3.4 has no loadbalancer: CMS 3.0 removed it")
        expectIssue(single(services: "[callbridge, scheduler]", version: "\"3.2\""), path: "nodes[0].services[1]", line: 8, containing: "CMS 3.2 has no scheduler: it came with CMS 3.3")
        expectIssue(single(services: "[callbridge, scheduler]", version: "\"2.9\""), path: "nodes[0].services[1]", line: 8, containing: "set cms_version to 3.3 or later")
        #expect(issues(single(services: "[callbridge, scheduler]", version: "\"3.3\"")).isEmpty)
        expectIssue(single(services: "[callbridge, callbridge]"), path: "nodes[0].services[1]", line: 8, containing: "listed twice")
        expectIssue(single(services: "[callbrige]"), path: "nodes[0].services[0]", line: 8, containing: "not one of")
    }

    @Test("releases before 2.9 and malformed versions are refused")
    func cmsVersions() {
        expectIssue(single(version: "\"2.8\""), path: "cms_version", line: 2, containing: "not supported")
        expectIssue(single(version: "three"), path: "cms_version", line: 2, containing: "not a CMS version")
        expectIssue(single().replacingOccurrences(of: "version: 1\n", with: "version: 2\n"), path: "version", line: 1, containing: "reads version 1")
    }

    static let cluster = """
    version: 1
    cms_version: "3.4"
    domain: example.com
    nodes:
      - {name: a, fqdn: a.example.com, address: 10.0.0.1, services: [callbridge], database: primary}
      - {name: b, fqdn: b.example.com, address: 10.0.0.2, services: [callbridge], database: joined}
      - {name: c, fqdn: c.example.com, address: 10.0.0.3, services: [callbridge], database: joined}
      - {name: d, fqdn: d.example.com, address: 10.0.0.4, services: [callbridge], database: connected}
    """

    @Test("the database cluster: 1 or 3 nodes (TAC 210530), exactly one primary, connected nodes need one")
    func databaseRules() {
        #expect(issues(Self.cluster).isEmpty)
        let two = Self.cluster.replacingOccurrences(of: "services: [callbridge], database: joined}\n  - {name: c", with: "services: [callbridge], database: none}\n  - {name: c")
        expectIssue(two, path: "nodes", line: 4, containing: "2 database nodes")
        let twoPrimaries = Self.cluster.replacingOccurrences(of: "address: 10.0.0.3, services: [callbridge], database: joined", with: "address: 10.0.0.3, services: [callbridge], database: primary")
        expectIssue(twoPrimaries, path: "nodes[2].database", line: 7, containing: "a second primary")
        let noPrimary = Self.cluster.replacingOccurrences(of: "database: primary", with: "database: joined")
        expectIssue(noPrimary, path: "nodes[0].database", line: 5, containing: "no primary")
        expectIssue(noPrimary, path: "nodes[3].database", line: 8, containing: "no node is primary")
    }

    @Test("duplicate names and addresses are refused, pointing at the second")
    func duplicates() {
        let dupName = Self.cluster.replacingOccurrences(of: "{name: c,", with: "{name: b,")
        expectIssue(dupName, path: "nodes[2].name", line: 7, containing: "already used by nodes[1]")
        let dupAddress = Self.cluster.replacingOccurrences(of: "10.0.0.4", with: "10.0.0.2")
        expectIssue(dupAddress, path: "nodes[3].address", line: 8, containing: "already used by nodes[1]")
    }

    @Test("every problem is reported at once, in file order")
    func allErrors() {
        let yaml = """
        version: 1
        cms_version: "3.4"
        domain: example.com
        colour: blue
        subject: {c: UK}
        nodes:
          - {name: a, fqdn: a.example.com, address: 10.0.0.1, services: [xmpp], database: primary}
          - {name: a, fqdn: b..example.com, address: 10.0.0.1, services: [callbridge], database: primary}
        """
        let found = issues(yaml)
        #expect(found.map(\.path) == ["colour", "subject.c", "nodes", "nodes[0].services[0]",
                                       "nodes[1].address", "nodes[1].database", "nodes[1].fqdn", "nodes[1].name"])
        #expect(found.map(\.line) == [4, 5, 6, 7, 8, 8, 8, 8])
        #expect(found.first { $0.path == "subject.c" }?.message.contains("GB") == true)
    }

    @Test("the wildcard must cover every node")
    func wildcardCoverage() {
        let yaml = single(extraTop: "strategy: wildcard\n").replacingOccurrences(of: "fqdn: n1.example.com", with: "fqdn: n1.other.org")
        expectIssue(yaml, path: "nodes[0].fqdn", line: 7, containing: "does not cover")
    }

    @Test("YAML syntax errors and missing keys give a line")
    func syntaxAndRequired() {
        let broken = "version: 1\ncms_version: \"3.4\"\nnodes: [a, b\n"
        let found = issues(broken)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("not valid YAML") == true)
        #expect(found.first?.line != nil)
        let missing = "version: 1\ncms_version: \"3.4\"\nnodes:\n  - {name: a, fqdn: a.example.com, address: 10.0.0.1, services: [callbridge]}\n"
        #expect(issues(missing).map(\.path) == ["domain"])
        #expect(issues("").first?.message.contains("empty") == true)
    }

    @Test("bad values in the optional keys are each reported")
    func optionalValues() {
        expectIssue(single(extraTop: "strategy: perservice\n"), path: "strategy", line: 4, containing: "did you mean 'perService'")
        expectIssue(single(extraTop: "keys: remote\n"), path: "keys", line: 4, containing: "not one of node, local")
        expectIssue(single(extraTop: "ca_validity_days: 0\n"), path: "ca_validity_days", line: 4, containing: "out of range")
        expectIssue(single(extraTop: "ca_bundle: ../ca.crt\n"), path: "ca_bundle", line: 4, containing: "not a file name")
        expectIssue(single(extraTop: "certificate_name: my.cert\n"), path: "certificate_name", line: 4, containing: "basename")
        let port = single().replacingOccurrences(of: "    address: 10.0.0.1\n", with: "    address: 10.0.0.1\n    ssh: {port: 70000}\n")
        expectIssue(port, path: "nodes[0].ssh.port", line: 8, containing: "out of range")
    }

    @Test("an issue prints its line and path")
    func issueText() {
        let issue = DeploymentIssue(path: "nodes[1].fqdn", line: 12, message: "bad")
        #expect(issue.description == "line 12: nodes[1].fqdn: bad")
        #expect(DeploymentFileError(issues: [issue]).description.contains("1 problem"))
    }
}

@Suite("The deployment file, edge cases")
struct DeploymentFileEdgeTests {
    @Test("a key given twice is refused with its name and the line of its mapping")
    func duplicateKey() {
        let yaml = """
        version: 1
        cms_version: "3.4"
        domain: example.com
        domain: example.org
        nodes:
          - {name: a, fqdn: a.example.com, address: 10.0.0.1, services: [callbridge]}
        """
        do {
            _ = try DeploymentFile.load(yaml: yaml)
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.issues == [DeploymentIssue(path: "domain", line: 3, message: "'domain' is given more than once in this mapping: keep one")])
        }
    }

    @Test("a wrong shape (a list where a mapping goes, a mapping where a value goes) is named")
    func shapes() {
        let yaml = """
        version: 1
        cms_version: "3.4"
        domain: {name: example.com}
        subject: [IT]
        nodes: cms1
        """
        do {
            _ = try DeploymentFile.load(yaml: yaml)
            Issue.record("accepted")
        } catch {
            #expect(error.issues.map(\.path) == ["domain", "subject", "nodes"])
            #expect(error.issues.map(\.line) == [3, 4, 5])
        }
    }
}

/// Loads a deployment file and finds the issues it gives, for the suites that check rules.
protocol IssueChecking {}

extension IssueChecking {
    /// The issues a file gives, as (path, line) pairs.
    func issues(_ yaml: String) -> [DeploymentIssue] { Fixtures.issues(yaml) }

    func expectIssue(_ yaml: String, path: String, line: Int, containing text: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let found = issues(yaml)
        let hit = found.first { $0.path == path && $0.line == line && $0.message.contains(text) }
        #expect(hit != nil, "expected \(path) at line \(line) with '\(text)'; got \(found)", sourceLocation: sourceLocation)
    }
}
