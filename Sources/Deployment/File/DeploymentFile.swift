import PKI
import Yams

/// Reads the deployment file (YAML). Every key is known or refused with its path and
/// line; defaults fill what is left out; every rule of `Deployment.validate()` runs; all
/// problems are reported at once, in file order.
public enum DeploymentFile {
    /// Reads and checks a deployment from YAML text (of `maximumSize` at most: a file is
    /// read with `load(contentsOf:)`, which checks its size and UTF-8 before this).
    public static func load(yaml text: String) throws(DeploymentFileError) -> Deployment {
        let size = text.utf8.count
        if size > maximumSize { throw tooLarge(size) }
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DeploymentFileError(issues: [issue(for: error)])
        } catch {
            throw DeploymentFileError(issues: [DeploymentIssue(path: "", message: "the file is not YAML: \(error)")])
        }
        guard let root else {
            throw DeploymentFileError(issues: [DeploymentIssue(path: "", line: 1, message: "the file is empty: run `cmscerts init` for a commented example")])
        }
        var reader = YAMLReader()
        let deployment = reader.readDeployment(root)
        var issues = reader.issues
        if let deployment {
            issues += deployment.validate().map { issue in
                var located = issue
                located.line = reader.line(for: issue.path)
                return located
            }
        }
        guard issues.isEmpty, let deployment else {
            throw DeploymentFileError(issues: issues.sorted { ($0.line ?? 0, $0.path) < ($1.line ?? 0, $1.path) })
        }
        return deployment
    }

    /// The deployment as a file `load(yaml:)` reads back equal (no comments: `example`
    /// is the commented one).
    public static func yaml(for deployment: Deployment) -> String {
        // Encoding plain value types to YAML cannot fail.
        try! YAMLEncoder().encode(deployment)
    }

    /// The file for `deployment`, `header` as comment lines at the top, checked by
    /// reading it back: what is written is what `load` will read.
    public static func text(for deployment: Deployment, header: String) throws(DeploymentFileError) -> String {
        let comments = header.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }.joined(separator: "\n")
        let text = comments + "\n\n" + yaml(for: deployment)
        let back = try load(yaml: text)
        guard back == deployment else {
            throw DeploymentFileError(issues: [DeploymentIssue(path: "", message: "the file would not read back as written: nothing was written (a cmscerts bug; please report it)")])
        }
        return text
    }

    /// The lines of the file that change from `old` to `new`, as `- line` and `+ line`
    /// in file order (a line diff of the two files as `yaml(for:)` writes them), so that a
    /// review can show what saving changes.
    public static func changes(from old: Deployment, to new: Deployment) -> [String] {
        let a = yaml(for: old).split(separator: "\n").map(String.init)
        let b = yaml(for: new).split(separator: "\n").map(String.init)
        // Longest common subsequence, from the ends, then walked from the start.
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1; j += 1
            } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append("- " + a[i]); i += 1
            } else {
                out.append("+ " + b[j]); j += 1
            }
        }
        return out
    }

    static func issue(for error: YamlError) -> DeploymentIssue {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return DeploymentIssue(path: "", line: mark.line, message: "not valid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return DeploymentIssue(path: duplicates.count == 1 ? duplicates[0] : "", line: context.mark.line,
                                   message: "\(duplicates.map { "'\($0)'" }.joined(separator: ", ")) is given more than once in this mapping: keep one")
        default:
            return DeploymentIssue(path: "", message: "not valid YAML: \(error)")
        }
    }
}

/// Walks the YAML tree by hand (not through a Decoder) so that every problem is kept with
/// its line, not only the first.
struct YAMLReader {
    var issues: [DeploymentIssue] = []
    /// The line of every key path met.
    var lines: [String: Int] = [:]

    static let topKeys = ["version", "cms_version", "domain", "join_url", "xmpp_domain", "subject", "key_type",
                          "ca_validity_days", "strategy", "cluster_fqdn", "certificate_name", "ca_bundle", "keys", "nodes", "lab",
                          "sans", "endpoints", "cucm_host", "sip_trust_bundle", "rev_bundle"]
    static let subjectKeys = ["ou", "o", "st", "l", "c"]
    static let nodeKeys = ["name", "fqdn", "address", "ssh", "services", "database", "loadbalancer_tag", "certificates", "listen"]
    static let listenKeys = NodeListeners.CodingKeys.allKeys
    static let overrideKeys = ["basename", "cn", "sans"]
    static let endpointKeys = ["node", "service", "port", "host", "sni"]
    static let sshKeys = ["host", "user", "port"]

    /// The line of a path, or of its nearest ancestor that has one.
    func line(for path: String) -> Int? {
        var p = path
        while !p.isEmpty {
            if let l = lines[p] { return l }
            if let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) { p = String(p[..<cut]) } else { break }
        }
        return lines[p]
    }

    mutating func fail(_ path: String, _ node: Yams.Node?, _ message: String) {
        issues.append(DeploymentIssue(path: path, line: node?.mark?.line ?? line(for: path), message: message))
    }

    static func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : parent + "." + key }

    /// The keys of a mapping, each checked against the allowed ones.
    mutating func mapping(_ node: Yams.Node, path: String, allowed: [String]) -> [String: Yams.Node]? {
        guard case let .mapping(map) = node else {
            fail(path, node, "expected a mapping of keys (\(allowed.joined(separator: ", ")))")
            return nil
        }
        var out: [String: Yams.Node] = [:]
        for (keyNode, value) in map {
            let key = keyNode.string ?? "\(keyNode)"
            let sub = Self.join(path, key)
            if let l = keyNode.mark?.line { lines[sub] = l }
            guard allowed.contains(key) else {
                var hint = ""
                if let near = allowed.first(where: { $0.replacingOccurrences(of: "_", with: "") == key.lowercased().replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "-", with: "") }) {
                    hint = " (did you mean '\(near)'?)"
                }
                fail(sub, keyNode, "unknown key '\(key)'\(hint): the keys here are \(allowed.joined(separator: ", "))")
                continue
            }
            if out[key] != nil {
                fail(sub, keyNode, "'\(key)' is given twice: keep one")
                continue
            }
            out[key] = value
        }
        return out
    }

    static func isNull(_ node: Yams.Node) -> Bool {
        if case let .scalar(s) = node, s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) { return true }
        return false
    }

    /// A scalar as text; nil (and a problem) when it is a list or mapping.
    mutating func string(_ node: Yams.Node?, path: String, required: Bool = false) -> String? {
        guard let node, !Self.isNull(node) else {
            if required { fail(path, nil, "'\(path.split(separator: ".").last.map(String.init) ?? path)' is required") }
            return nil
        }
        guard case let .scalar(s) = node else {
            fail(path, node, "expected a single value, not a list or mapping")
            return nil
        }
        if s.string.trimmingCharacters(in: .whitespaces).isEmpty {
            fail(path, node, "the value is blank: give one or leave the key out")
            return nil
        }
        return s.string
    }

    mutating func int(_ node: Yams.Node?, path: String) -> Int? {
        guard let text = string(node, path: path) else { return nil }
        guard let v = Int(text) else {
            fail(path, node, "'\(text)' is not a whole number")
            return nil
        }
        return v
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ node: Yams.Node?, path: String, _: E.Type) -> E? where E.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        if let v = E(rawValue: text) { return v }
        let names = E.allCases.map(\.rawValue)
        var hint = ""
        if let near = names.first(where: { $0.lowercased() == text.lowercased() }) { hint = " (did you mean '\(near)'?)" }
        fail(path, node, "'\(text)' is not one of \(names.joined(separator: ", "))\(hint)")
        return nil
    }

    mutating func readDeployment(_ root: Yams.Node) -> Deployment? {
        guard let top = mapping(root, path: "", allowed: Self.topKeys) else { return nil }
        for (key, value) in top { if let l = value.mark?.line, lines[key] == nil { lines[key] = l } }

        var ok = true
        if let v = int(top["version"], path: "version") {
            if v != Deployment.currentVersion {
                fail("version", top["version"], "version \(v) is not a format this cmscerts reads: it reads version \(Deployment.currentVersion)")
                ok = false
            }
        } else if top["version"] == nil {
            fail("version", root, "'version' is required: write version: \(Deployment.currentVersion) at the top")
            ok = false
        } else { ok = false }

        var cmsVersion: CMSVersion?
        if let text = string(top["cms_version"], path: "cms_version", required: true) {
            if let v = CMSVersion(text) {
                if v.isSupported { cmsVersion = v } else {
                    fail("cms_version", top["cms_version"], "CMS \(text) is not supported: cmscerts plans for CMS 2.9 and later (2.9 ... 3.x)")
                }
            } else {
                fail("cms_version", top["cms_version"], "'\(text)' is not a CMS version: write it as MAJOR.MINOR, e.g. \"3.8\" or \"2.9\"")
            }
        }
        let domain = string(top["domain"], path: "domain", required: true)

        var subject = SubjectDefaults()
        if let node = top["subject"], !Self.isNull(node), let map = mapping(node, path: "subject", allowed: Self.subjectKeys) {
            subject.organizationalUnit = string(map["ou"], path: "subject.ou")
            subject.organization = string(map["o"], path: "subject.o")
            subject.state = string(map["st"], path: "subject.st")
            subject.locality = string(map["l"], path: "subject.l")
            subject.country = string(map["c"], path: "subject.c")
        }

        var nodes: [DeploymentNode] = []
        if let node = top["nodes"], !Self.isNull(node) {
            if case let .sequence(seq) = node {
                for (i, item) in seq.enumerated() {
                    let path = "nodes[\(i)]"
                    if let l = item.mark?.line { lines[path] = l }
                    if let n = readNode(item, path: path) { nodes.append(n) } else { ok = false }
                }
            } else {
                fail("nodes", node, "expected a list of nodes, each starting with '- name:'")
                ok = false
            }
        } else {
            fail("nodes", root, "'nodes' is required: list every CMS server")
            ok = false
        }

        let keyType = top["key_type"] == nil ? KeyType.rsa2048 : choice(top["key_type"], path: "key_type", KeyType.self)
        let days = top["ca_validity_days"] == nil ? Deployment.defaultCAValidityDays : int(top["ca_validity_days"], path: "ca_validity_days")
        let strategy = top["strategy"] == nil ? CertificateStrategy.perService : choice(top["strategy"], path: "strategy", CertificateStrategy.self)
        let keys = top["keys"] == nil ? KeyLocation.node : choice(top["keys"], path: "keys", KeyLocation.self)
        let joinURL = string(top["join_url"], path: "join_url")
        let xmppDomain = string(top["xmpp_domain"], path: "xmpp_domain")
        let clusterFQDN = string(top["cluster_fqdn"], path: "cluster_fqdn")
        let certificateName = string(top["certificate_name"], path: "certificate_name") ?? "cms"
        let caBundle = string(top["ca_bundle"], path: "ca_bundle") ?? "ca-bundle.crt"
        let lab = string(top["lab"], path: "lab")
        let sans = top["sans"].flatMap { stringList($0, path: "sans") }
        let endpoints = top["endpoints"].map { readEndpoints($0) } ?? []
        let cucmHost = string(top["cucm_host"], path: "cucm_host")
        let sipTrustBundle = string(top["sip_trust_bundle"], path: "sip_trust_bundle")
        let revBundle = string(top["rev_bundle"], path: "rev_bundle")

        // A bad optional value is reported already and stands in as its default, so that the
        // rules still run on the rest; a missing required value or a node that could not be
        // read stops here (the rules would report nonsense about it).
        guard ok, let cmsVersion, let domain else { return nil }
        return Deployment(cmsVersion: cmsVersion, domain: domain, joinURL: joinURL, xmppDomain: xmppDomain,
                          subject: subject, keyType: keyType ?? .rsa2048, caValidityDays: days ?? Deployment.defaultCAValidityDays,
                          strategy: strategy ?? .perService, clusterFQDN: clusterFQDN, certificateName: certificateName,
                          caBundle: caBundle, keys: keys ?? .node, nodes: nodes, lab: lab,
                          sans: sans, endpoints: endpoints, cucmHost: cucmHost, sipTrustBundle: sipTrustBundle, revBundle: revBundle)
    }

    mutating func readNode(_ item: Yams.Node, path: String) -> DeploymentNode? {
        guard let map = mapping(item, path: path, allowed: Self.nodeKeys) else { return nil }
        let name = string(map["name"], path: path + ".name", required: true)
        let fqdn = string(map["fqdn"], path: path + ".fqdn", required: true)
        let address = string(map["address"], path: path + ".address", required: true)
        var ssh = SSHTarget(host: fqdn ?? "")
        if let node = map["ssh"], !Self.isNull(node) {
            if let s = mapping(node, path: path + ".ssh", allowed: Self.sshKeys) {
                if let host = string(s["host"], path: path + ".ssh.host") { ssh.host = host }
                if let user = string(s["user"], path: path + ".ssh.user") { ssh.user = user }
                if s["port"] != nil {
                    if let port = int(s["port"], path: path + ".ssh.port") { ssh.port = port }
                }
            }
        }
        var services: [Service] = []
        if let node = map["services"], !Self.isNull(node) {
            if case let .sequence(seq) = node {
                for (j, s) in seq.enumerated() {
                    let sp = "\(path).services[\(j)]"
                    if let l = s.mark?.line { lines[sp] = l }
                    if let service = choice(s, path: sp, Service.self) { services.append(service) }
                }
            } else {
                fail(path + ".services", node, "expected a list, e.g. [webadmin, callbridge]")
            }
        }
        let database = map["database"] == nil ? DatabaseRole.none : choice(map["database"], path: path + ".database", DatabaseRole.self)
        // A bad ssh value or service is reported and left out; a bad role would make the
        // cluster rules report nonsense, so the node is not used.
        let tag = string(map["loadbalancer_tag"], path: path + ".loadbalancer_tag") ?? "edge"
        let certificates = map["certificates"].map { readOverrides($0, path: path + ".certificates") } ?? [:]
        let listen = map["listen"].map { readListeners($0, path: path + ".listen") } ?? NodeListeners()
        guard let name, let fqdn, let address, let database else { return nil }
        return DeploymentNode(name: name, fqdn: fqdn, address: address, ssh: ssh, services: services,
                              database: database, loadBalancerTag: tag, certificates: certificates, listen: listen)
    }

    /// `listen:` of a node: each value a single scalar (`a:445`, `a b`, `447`); the rules
    /// (interfaces a-d, ports 1-65535, a service the node runs) are `validate()`'s.
    mutating func readListeners(_ node: Yams.Node, path: String) -> NodeListeners {
        if Self.isNull(node) { return NodeListeners() }
        guard let map = mapping(node, path: path, allowed: Self.listenKeys) else { return NodeListeners() }
        func text(_ key: String) -> String? { string(map[key], path: path + "." + key) }
        var out = NodeListeners(webadmin: text("webadmin"), callbridge: text("callbridge"), webbridge: text("webbridge"),
                                webbridge3: text("webbridge3"), c2w: text("c2w"), xmpp: text("xmpp"), turn: text("turn"))
        if map["turn_tls"] != nil { out.turnTLS = int(map["turn_tls"], path: path + ".turn_tls") }
        return out
    }

    /// A list of names (`[a.example.com, b.example.com]`); nil (and a problem) when it is
    /// not a list. Each item is kept with its line; a bad item is reported and left out.
    mutating func stringList(_ node: Yams.Node, path: String) -> [String]? {
        if Self.isNull(node) { return nil }
        guard case let .sequence(seq) = node else {
            fail(path, node, "expected a list of names, e.g. [cms1.example.com, join.example.com]")
            return nil
        }
        var out: [String] = []
        for (k, item) in seq.enumerated() {
            let ip = "\(path)[\(k)]"
            if let l = item.mark?.line { lines[ip] = l }
            if let text = string(item, path: ip) { out.append(text) }
        }
        return out
    }

    /// `certificates:` of a node: a mapping from service name to its override.
    mutating func readOverrides(_ node: Yams.Node, path: String) -> [Service: CertificateOverride] {
        if Self.isNull(node) { return [:] }
        let names = Service.allCases.map(\.rawValue)
        guard let map = mapping(node, path: path, allowed: names) else { return [:] }
        var out: [Service: CertificateOverride] = [:]
        for (key, value) in map {
            guard let service = Service(rawValue: key) else { continue }
            let sp = Self.join(path, key)
            if Self.isNull(value) { continue }
            guard let fields = mapping(value, path: sp, allowed: Self.overrideKeys) else { continue }
            var o = CertificateOverride()
            o.basename = string(fields["basename"], path: sp + ".basename")
            o.commonName = string(fields["cn"], path: sp + ".cn")
            o.sans = fields["sans"].flatMap { stringList($0, path: sp + ".sans") }
            if !o.isEmpty { out[service] = o }
        }
        return out
    }

    /// `endpoints:`: a list of live TLS services. An endpoint missing a required key is
    /// reported and left out.
    mutating func readEndpoints(_ node: Yams.Node) -> [DeploymentEndpoint] {
        if Self.isNull(node) { return [] }
        guard case let .sequence(seq) = node else {
            fail("endpoints", node, "expected a list of endpoints, each starting with '- node:'")
            return []
        }
        var out: [DeploymentEndpoint] = []
        for (i, item) in seq.enumerated() {
            let path = "endpoints[\(i)]"
            if let l = item.mark?.line { lines[path] = l }
            guard let map = mapping(item, path: path, allowed: Self.endpointKeys) else { continue }
            let name = string(map["node"], path: path + ".node", required: true)
            var service: Service?
            if map["service"] == nil {
                fail(path + ".service", item, "'service' is required: the service listening there, e.g. webadmin")
            } else {
                service = choice(map["service"], path: path + ".service", Service.self)
            }
            var port: Int?
            if map["port"] == nil {
                fail(path + ".port", item, "'port' is required: the TCP port the service listens on, e.g. 443")
            } else {
                port = int(map["port"], path: path + ".port")
            }
            let host = string(map["host"], path: path + ".host")
            let sni = string(map["sni"], path: path + ".sni")
            guard let name, let service, let port else { continue }
            out.append(DeploymentEndpoint(node: name, service: service, port: port, host: host, serverName: sni))
        }
        return out
    }
}
