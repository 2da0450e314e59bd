import Deployment
import PKI
import TerminalUI

/// The deployment screen's form: every key of the deployment file the admin sets by hand
/// (release, names, certificate strategy, where keys are made, subject, nodes with their
/// SSH target, services and database role), checked as it is typed by the same rules the
/// file loader applies, each problem shown at its field.
///
/// What the form does not show (Step 2's certificate names, endpoints, `lab:`) is kept from
/// the value it was opened on, so saving never drops it.
public struct DeploymentForm: Sendable {
    /// A row that takes the focus.
    public enum Field: Hashable, Sendable {
        case cmsVersion, domain, joinURL, xmppDomain
        case strategy, keys, keyType, clusterFQDN, certificateName, caBundle, caValidityDays
        case ou, o, st, l, c
        case node(Int, NodeField)
        case addNode
    }

    /// A node's rows.
    public enum NodeField: Hashable, Sendable, CaseIterable {
        case name, fqdn, address, sshHost, sshUser, sshPort, services, database, loadBalancerTag
    }

    /// One node as typed.
    public struct NodeDraft: Sendable, Equatable {
        var texts: [NodeField: TextFieldState] = [:]
        /// The services ticked, in the file's order (new ones added at the end).
        public var services: [Service] = []
        /// Its database role.
        public var role: DatabaseRole = .none

        func text(_ f: NodeField) -> String { texts[f]?.text ?? "" }
    }

    /// A row of the screen: a section title or a field.
    enum Row: Equatable {
        case header(String)
        case field(Field)
    }

    /// Where the file is written.
    public var path: String
    /// True for the built-in lab's file: its nodes are the lab's and cannot change here.
    public var isLab: Bool
    /// Why the file that was there could not be read (the form then starts anew).
    public var loadProblem: String?
    /// The value opened, for what the form does not show.
    var base: Deployment?
    var texts: [Field: TextFieldState] = [:]
    /// How service certificates are cut.
    public var strategy: CertificateStrategy = .perService
    /// Where keys are made.
    public var keys: KeyLocation = .node
    /// The key type when keys are made here.
    public var keyType: KeyType = .rsa2048
    /// The nodes.
    public var nodes: [NodeDraft] = []
    /// The focused row, an index into `focusable`.
    public var focus = 0
    /// The service under the cursor on a Services row.
    public var serviceCursor = 0
    /// Every field's problem shown, touched or not (after a refused save).
    public var showAllErrors = false
    /// True once anything was changed.
    public var isDirty = false
    /// Why the last save or open could not go on.
    public var submitError: String?
    /// The path being typed for "open another file", while that prompt is open.
    public var openPrompt: TextFieldState?
    /// First row shown.
    public var scroll = 0

    /// The form over `deployment` (the file at `path`), or an empty one when nil.
    public init(deployment: Deployment?, path: String, isLab: Bool = false, loadProblem: String? = nil) {
        self.path = path
        self.isLab = isLab
        self.loadProblem = loadProblem
        base = deployment
        guard let d = deployment else {
            nodes = [Self.draft(name: "cms1")]
            return
        }
        func put(_ f: Field, _ v: String?) { texts[f] = TextFieldState(v ?? "") }
        put(.cmsVersion, d.cmsVersion.description)
        put(.domain, d.domain)
        put(.joinURL, d.joinURL)
        put(.xmppDomain, d.xmppDomain)
        put(.clusterFQDN, d.clusterFQDN)
        put(.certificateName, d.certificateName == "cms" ? nil : d.certificateName)
        put(.caBundle, d.caBundle == "ca-bundle.crt" ? nil : d.caBundle)
        put(.caValidityDays, d.caValidityDays == Deployment.defaultCAValidityDays ? nil : String(d.caValidityDays))
        put(.ou, d.subject.organizationalUnit)
        put(.o, d.subject.organization)
        put(.st, d.subject.state)
        put(.l, d.subject.locality)
        put(.c, d.subject.country)
        strategy = d.strategy
        keys = d.keys
        keyType = d.keyType
        nodes = d.nodes.map { n in
            var draft = NodeDraft(services: n.services, role: n.database)
            draft.texts[.name] = TextFieldState(n.name)
            draft.texts[.fqdn] = TextFieldState(n.fqdn)
            draft.texts[.address] = TextFieldState(n.address)
            draft.texts[.sshHost] = TextFieldState(n.ssh.host == n.fqdn ? "" : n.ssh.host)
            // What the file sets is shown as it is (admin included): empty leaves it to ~/.ssh/config.
            draft.texts[.sshUser] = TextFieldState(n.ssh.user ?? "")
            draft.texts[.sshPort] = TextFieldState(n.ssh.port.map(String.init) ?? "")
            draft.texts[.loadBalancerTag] = TextFieldState(n.loadBalancerTag == "edge" ? "" : n.loadBalancerTag)
            return draft
        }
        if isLab, let first = focusable.firstIndex(where: { !isLocked($0) }) { focus = first }
    }

    static func draft(name: String) -> NodeDraft {
        var d = NodeDraft()
        d.texts[.name] = TextFieldState(name)
        return d
    }

    // MARK: rows

    /// The screen's rows, top to bottom.
    var rows: [Row] {
        var out: [Row] = [.header("Estate"), .field(.cmsVersion), .field(.domain), .field(.joinURL)]
        if showsXMPP { out.append(.field(.xmppDomain)) }
        out += [.header("Certificates"), .field(.strategy)]
        if strategy == .sanCertificate { out.append(.field(.clusterFQDN)) }
        if strategy != .perService { out.append(.field(.certificateName)) }
        out += [.field(.keys)]
        if keys == .local { out += [.field(.keyType), .field(.caValidityDays)] }
        out += [.field(.caBundle), .header("Subject of every CSR"), .field(.ou), .field(.o), .field(.st), .field(.l), .field(.c)]
        for (i, node) in nodes.enumerated() {
            let name = node.text(.name)
            out.append(.header("Node \(i + 1)" + (name.isEmpty ? "" : ": " + name)))
            out += NodeField.allCases.map { .field(.node(i, $0)) }
        }
        if !isLab { out.append(.field(.addNode)) }
        return out
    }

    /// The rows that take the focus.
    public var focusable: [Field] {
        rows.compactMap { if case .field(let f) = $0 { return f } else { return nil } }
    }

    /// The focused field.
    public var focusedField: Field {
        let all = focusable
        return all[min(max(0, focus), all.count - 1)]
    }

    /// The release typed, when it reads as one.
    var version: CMSVersion? { CMSVersion(text(.cmsVersion)) }

    /// XMPP is a 2.x service: its domain is asked for only then (or when one is set).
    var showsXMPP: Bool { !(version?.isThreeX ?? false) || !text(.xmppDomain).isEmpty }

    /// The services a node can tick for the release typed (all while it is unreadable).
    var offeredServices: [Service] {
        guard let v = version else { return Service.allCases }
        return Service.allCases.filter { $0.exists(in: v) }
    }

    /// The label of a field.
    public static func label(_ f: Field) -> String {
        switch f {
        case .cmsVersion: return "CMS version"
        case .domain: return "Domain"
        case .joinURL: return "Join URL host"
        case .xmppDomain: return "XMPP domain"
        case .strategy: return "Certificates"
        case .keys: return "Keys made"
        case .keyType: return "Key type"
        case .clusterFQDN: return "Cluster FQDN"
        case .certificateName: return "Shared basename"
        case .caBundle: return "CA bundle file"
        case .caValidityDays: return "DB CA days"
        case .ou: return "OU"
        case .o: return "O"
        case .st: return "ST"
        case .l: return "L"
        case .c: return "C"
        case .addNode: return "+ Add a node"
        case .node(_, let n):
            switch n {
            case .name: return "Name"
            case .fqdn: return "FQDN"
            case .address: return "Address"
            case .sshHost: return "SSH host"
            case .sshUser: return "SSH user"
            case .sshPort: return "SSH port"
            case .services: return "Services"
            case .database: return "Database role"
            case .loadBalancerTag: return "LB tag"
            }
        }
    }

    /// What an empty field means, dimmed in it.
    func placeholder(_ f: Field) -> String {
        switch f {
        case .cmsVersion: return "e.g. 3.8 or 2.9"
        case .domain: return "e.g. example.com"
        case .joinURL: return "optional, e.g. join.example.com"
        case .xmppDomain: return "2.x with xmpp, e.g. example.com"
        case .clusterFQDN: return "default: the first node's FQDN"
        case .certificateName: return "default: cms"
        case .caBundle: return "default: ca-bundle.crt"
        case .caValidityDays: return "default: \(Deployment.defaultCAValidityDays)"
        case .ou, .o, .st, .l: return "optional"
        case .c: return "optional, 2 letters, e.g. FR"
        case .node(let i, let n):
            let fqdn = i < nodes.count ? nodes[i].text(.fqdn) : ""
            let domain = text(.domain).isEmpty ? "example.com" : text(.domain)
            switch n {
            case .name: return "e.g. cms\(i + 1)"
            case .fqdn: return "e.g. cms\(i + 1).\(domain)"
            case .address: return "IP the cluster uses, e.g. 10.0.0.\(i + 11)"
            case .sshHost: return "default: " + (fqdn.isEmpty ? "the FQDN" : fqdn)
            case .sshUser: return "default: from ~/.ssh/config"
            case .sshPort: return "default: from ~/.ssh/config"
            case .loadBalancerTag: return "default: edge"
            default: return ""
            }
        default: return ""
        }
    }

    /// True for the fields the lab fixes: its release and its nodes.
    public func isLocked(_ f: Field) -> Bool {
        guard isLab else { return false }
        switch f {
        case .cmsVersion, .node, .addNode: return true
        default: return false
        }
    }

    /// The text of a text field.
    func text(_ f: Field) -> String {
        if case .node(let i, let n) = f { return i < nodes.count ? nodes[i].text(n) : "" }
        return texts[f]?.text ?? ""
    }

    /// The editable text state of a text field, nil for choices and actions.
    func textState(_ f: Field) -> TextFieldState? {
        guard isText(f) else { return nil }
        if case .node(let i, let n) = f { return i < nodes.count ? (nodes[i].texts[n] ?? TextFieldState()) : nil }
        return texts[f] ?? TextFieldState()
    }

    /// True for a field typed as text.
    func isText(_ f: Field) -> Bool {
        switch f {
        case .strategy, .keys, .keyType, .addNode, .node(_, .services), .node(_, .database): return false
        default: return true
        }
    }

    /// The value a choice row shows.
    func choiceText(_ f: Field) -> String? {
        switch f {
        case .strategy:
            switch strategy {
            case .perService: return "one per service (the article's tables)"
            case .sanCertificate: return "one SAN certificate for all"
            case .wildcard: return "one wildcard certificate"
            }
        case .keys: return keys == .node ? "on the node (pki csr; key never leaves)" : "here (cmscerts; key uploaded)"
        case .keyType: return keyType.displayName
        case .node(let i, .database): return i < nodes.count ? nodes[i].role.rawValue : nil
        default: return nil
        }
    }

    // MARK: editing

    /// Types `key` into the focused text field; true when it was used.
    mutating func edit(_ key: Key) -> Bool {
        let f = focusedField
        guard isText(f), !isLocked(f), var state = textState(f) else { return false }
        guard state.handle(key) else { return false }
        set(f, state)
        return true
    }

    mutating func set(_ f: Field, _ state: TextFieldState) {
        let changed = text(f) != state.text
        if case .node(let i, let n) = f { nodes[i].texts[n] = state } else { texts[f] = state }
        if changed {
            isDirty = true
            submitError = nil
        }
    }

    /// ←/→ or Space on a choice: the next or previous value.
    mutating func cycle(by step: Int) {
        func next<T: CaseIterable & Equatable>(_ v: T) -> T {
            let all = Array(T.allCases)
            let i = all.firstIndex(of: v) ?? 0
            return all[(i + step + all.count) % all.count]
        }
        let f = focusedField
        guard !isLocked(f) else { return }
        switch f {
        case .strategy: strategy = next(strategy)
        case .keys: keys = next(keys)
        case .keyType: keyType = next(keyType)
        case .node(let i, .database): nodes[i].role = next(nodes[i].role)
        default: return
        }
        isDirty = true
        submitError = nil
    }

    /// Space on a Services row: ticks or unticks the service under the cursor.
    mutating func toggleService() {
        guard case .node(let i, .services) = focusedField, !isLocked(focusedField) else { return }
        let offered = offeredServices
        guard !offered.isEmpty else { return }
        let service = offered[min(serviceCursor, offered.count - 1)]
        if let at = nodes[i].services.firstIndex(of: service) {
            nodes[i].services.remove(at: at)
        } else {
            nodes[i].services.append(service)
        }
        isDirty = true
        submitError = nil
    }

    /// Adds a node after the last, named after its place, and focuses its name.
    mutating func addNode() {
        guard !isLab else { return }
        var n = nodes.count + 1
        let taken = Set(nodes.map { $0.text(.name) })
        while taken.contains("cms\(n)") { n += 1 }
        nodes.append(Self.draft(name: "cms\(n)"))
        isDirty = true
        submitError = nil
        if let at = focusable.firstIndex(of: .node(nodes.count - 1, .fqdn)) { focus = at }
    }

    /// Removes the node of the focused row (never the last one, never on the lab).
    mutating func removeFocusedNode() -> String? {
        guard !isLab else { return "the lab's nodes are fixed: `cmscerts lab init --nodes N` makes a lab of another size" }
        guard case .node(let i, _) = focusedField else { return "move to a node's rows first: F8 removes that node" }
        guard nodes.count > 1 else { return "a deployment has at least one node: change this one instead" }
        nodes.remove(at: i)
        isDirty = true
        submitError = nil
        focus = min(focus, focusable.count - 1)
        return nil
    }

    // MARK: the value

    /// The deployment the form describes, every problem by field (the form's own reading
    /// first, then the deployment file's rules), and the problems no field holds.
    public var checked: (deployment: Deployment, errors: [Field: String], general: [String]) {
        var errors: [Field: String] = [:]
        func optional(_ f: Field) -> String? {
            let t = text(f).trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        func number(_ f: Field, default value: Int, what: String) -> Int {
            number(f, what: what, empty: "\(value)") ?? value
        }
        /// The whole number typed, or nil (empty, or not a number: then the field's error).
        func number(_ f: Field, what: String, empty: String) -> Int? {
            guard let t = optional(f) else { return nil }
            guard let n = Int(t) else {
                errors[f] = "'\(t)' is not a whole number: give the \(what), or leave it empty for \(empty)"
                return nil
            }
            return n
        }
        var version = CMSVersion(major: 3, minor: 0)
        if let t = optional(.cmsVersion) {
            if let v = CMSVersion(t) { version = v } else {
                errors[.cmsVersion] = "'\(t)' is not a CMS version: write it as MAJOR.MINOR, e.g. 3.8 or 2.9"
            }
        } else {
            errors[.cmsVersion] = "the CMS release is required: e.g. 3.8 or 2.9 (it decides webbridge or webbridge3, and XMPP)"
        }
        if optional(.domain) == nil {
            errors[.domain] = "the domain is required: e.g. example.com (the built-in CA's CN, the wildcard's domain)"
        }
        let subject = SubjectDefaults(organizationalUnit: optional(.ou), organization: optional(.o), state: optional(.st),
                                      locality: optional(.l), country: optional(.c))
        let days = number(.caValidityDays, default: Deployment.defaultCAValidityDays, what: "validity in days")
        var built: [DeploymentNode] = []
        for (i, draft) in nodes.enumerated() {
            func t(_ n: NodeField) -> String? { optional(.node(i, n)) }
            // User and port as typed; left empty, ~/.ssh/config decides (nothing is sent to ssh).
            let port = number(.node(i, .sshPort), what: "SSH port", empty: "the port ~/.ssh/config gives (else 22)")
            let fqdn = t(.fqdn) ?? ""
            if fqdn.isEmpty { errors[.node(i, .fqdn)] = "the node's FQDN is required: the CN of its certificates, e.g. cms\(i + 1).example.com" }
            if t(.name) == nil { errors[.node(i, .name)] = "a short name is required, e.g. cms\(i + 1): it names the node in plans" }
            if t(.address) == nil { errors[.node(i, .address)] = "the address is required: the IP the database cluster uses (database cluster join <address>)" }
            var node = DeploymentNode(name: t(.name) ?? "", fqdn: fqdn, address: t(.address) ?? "",
                                      ssh: SSHTarget(host: t(.sshHost) ?? fqdn, user: t(.sshUser), port: port),
                                      services: draft.services, database: draft.role,
                                      loadBalancerTag: t(.loadBalancerTag) ?? "edge")
            // What the form does not show stays as it was (Step 2's certificate names).
            if let old = base?.nodes.first(where: { $0.name == node.name }) {
                node = Self.keepingHidden(of: old, in: node)
            }
            built.append(node)
        }
        var d = base ?? Deployment(cmsVersion: version, domain: "", nodes: [])
        d.cmsVersion = version
        d.domain = optional(.domain) ?? ""
        d.joinURL = optional(.joinURL)
        d.xmppDomain = showsXMPP ? optional(.xmppDomain) : nil
        d.subject = subject
        d.strategy = strategy
        d.keys = keys
        d.keyType = keyType
        d.caValidityDays = days
        d.clusterFQDN = strategy == .sanCertificate ? optional(.clusterFQDN) : base?.clusterFQDN
        d.certificateName = optional(.certificateName) ?? (strategy == .perService ? (base?.certificateName ?? "cms") : "cms")
        d.caBundle = optional(.caBundle) ?? "ca-bundle.crt"
        d.nodes = built
        var general: [String] = []
        for issue in d.validate() {
            guard let field = field(forPath: issue.path) else {
                general.append("\(issue.path.isEmpty ? "" : issue.path + ": ")\(issue.message)")
                continue
            }
            if errors[field] == nil { errors[field] = issue.message }
        }
        return (d, errors, general)
    }

    /// A node as the form built it, with what the form does not show taken from `old`.
    static func keepingHidden(of old: DeploymentNode, in node: DeploymentNode) -> DeploymentNode {
        var out = old
        out.name = node.name
        out.fqdn = node.fqdn
        out.address = node.address
        out.ssh = node.ssh
        out.services = node.services
        out.database = node.database
        out.loadBalancerTag = node.loadBalancerTag
        return out
    }

    /// The field a deployment issue's key path is about, or nil when no field holds it.
    func field(forPath path: String) -> Field? {
        let top: [String: Field] = [
            "cms_version": .cmsVersion, "domain": .domain, "join_url": .joinURL, "xmpp_domain": .xmppDomain,
            "strategy": .strategy, "keys": .keys, "key_type": .keyType, "cluster_fqdn": .clusterFQDN,
            "certificate_name": .certificateName, "ca_bundle": .caBundle, "ca_validity_days": .caValidityDays,
            "subject.ou": .ou, "subject.o": .o, "subject.st": .st, "subject.l": .l, "subject.c": .c,
        ]
        if let f = top[path] { return rows.contains(.field(f)) ? f : nil }
        if path == "nodes" { return isLab ? nil : .addNode }
        guard path.hasPrefix("nodes["), let close = path.firstIndex(of: "]"),
              let i = Int(path[path.index(path.startIndex, offsetBy: 6)..<close]), i < nodes.count else { return nil }
        let rest = path[path.index(after: close)...]
        let byKey: [(String, NodeField)] = [
            (".name", .name), (".fqdn", .fqdn), (".address", .address), (".ssh.host", .sshHost), (".ssh.user", .sshUser),
            (".ssh.port", .sshPort), (".services", .services), (".database", .database), (".loadbalancer_tag", .loadBalancerTag),
        ]
        for (key, f) in byKey where rest == key || rest.hasPrefix(key + "[") || rest.hasPrefix(key + ".") { return .node(i, f) }
        return nil
    }
}
