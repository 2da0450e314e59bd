import PKI

extension PlanContext {
    /// The CSR for services on a node (Step 2): CN the node's FQDN, which every service also
    /// lists in its SANs; the web bridge adds the join URL, XMPP the XMPP domain; in a cluster the call bridge, TURN and load balancer
    /// list the FQDNs of the nodes that run them. Several services sharing one key get the
    /// union of their SANs. The admin's overrides (`nodes[].certificates`) replace a
    /// service's SANs and the CN.
    mutating func serviceSpec(_ services: [Service], on node: DeploymentNode, basename: String) -> CSRSpec? {
        var sans = NameList()
        func add(_ name: String?) { sans.append(name) }
        let clustered = deployment.nodes.count > 1
        for service in services {
            if let given = node.certificates[service]?.sans {
                given.forEach(add)
                continue
            }
            // Every service's certificate names its node in the SANs: clients match the
            // host name against the SANs only (RFC 6125), so a web admin certificate with
            // no SAN is refused by every browser.
            add(node.fqdn)
            switch service {
            case .webadmin:
                // CUCM checks its "override" host name in the web admin's SANs (TAC 222766).
                add(deployment.cucmHost)
            case .recorder, .streamer, .uploader, .scheduler:
                break
            case .webbridge, .webbridge3:
                add(deployment.joinURL)
            case .xmpp:
                add(deployment.xmppDomain)
            case .callbridge, .turn, .loadbalancer, .trunk:
                if clustered {
                    for other in deployment.nodes where other.runs(service) { add(other.fqdn) }
                }
            }
        }
        let commonName = services.lazy.compactMap { node.certificates[$0]?.commonName }.first ?? node.fqdn
        return spec(basename: basename, commonName: commonName, sans: sans.names)
    }

    /// The one certificate for every service and node: the cluster FQDN (or the wildcard)
    /// as CN, every node FQDN, the join URL and the XMPP domain as SANs (the wildcard
    /// lists only what it does not cover). The admin's `sans` replace the computed list.
    mutating func sharedSpec(basename: String) -> CSRSpec? {
        var sans = NameList()
        func add(_ name: String?) { sans.append(name) }
        let usesXMPP = deployment.nodes.contains { $0.runs(.xmpp) }
        let wildcard = deployment.strategy == .wildcard
        let cn = wildcard ? "*." + deployment.domain : deployment.clusterFQDN ?? deployment.nodes[0].fqdn
        if let given = deployment.sans {
            given.forEach(add)
        } else if wildcard {
            add(cn)
            for name in [deployment.joinURL, usesXMPP ? deployment.xmppDomain : nil] + deployment.nodes.map(\.fqdn) {
                if let name, !Lint.covers(cn, name) { add(name) }
            }
        } else {
            add(cn)
            for n in deployment.nodes where !n.services.isEmpty { add(n.fqdn) }
            add(deployment.joinURL)
            if usesXMPP { add(deployment.xmppDomain) }
        }
        return spec(basename: basename, commonName: cn, sans: sans.names)
    }

    /// A CSR spec through Step 1's own parser, so that every line the plan types is one
    /// the MMP takes; its notes (the CN added to the SANs) go to the plan's notes.
    mutating func spec(basename: String, commonName: String, sans: [String], withSubject: Bool = true) -> CSRSpec? {
        var args = [basename, "CN:" + commonName]
        if withSubject {
            let s = deployment.subject
            for (field, value) in [("OU", s.organizationalUnit), ("O", s.organization), ("ST", s.state), ("L", s.locality), ("C", s.country)] {
                if let value { args.append("\(field):\(value)") }
            }
        }
        if !sans.isEmpty { args.append("subjectAltName:" + sans.joined(separator: ",")) }
        do {
            return try CSRSpec.parse(arguments: args)
        } catch {
            problems.append("the CSR for \(basename) (CN \(commonName)) breaks Step 1: \(error)")
            return nil
        }
    }

    /// Fresh deployment: one certificate per service per node, or one for all.
    mutating func freshUnits() -> [CertificateUnit] {
        let d = deployment
        var units: [CertificateUnit] = []
        if d.strategy == .perService {
            for node in d.nodes {
                for service in node.services where service.holdsCertificate {
                    let b = node.certificates[service]?.basename ?? service.rawValue
                    guard let spec = serviceSpec([service], on: node, basename: b) else { continue }
                    let use = CertificateUse(node: node, service: service, key: b + ".key",
                                             certificate: certificateName(b, for: service), bundle: d.caBundle)
                    units.append(CertificateUnit(basename: b, spec: spec, maker: node, directory: node.name + "/",
                                                 reuseCSR: false, uses: [use]))
                }
            }
        } else {
            let b = d.certificateName
            let users = d.nodes.filter { !$0.services.isEmpty }
            guard let maker = users.first, let spec = sharedSpec(basename: b) else { return [] }
            let uses = users.flatMap { node in
                node.services.filter(\.holdsCertificate).map { CertificateUse(node: node, service: $0, key: b + ".key", certificate: certificateName(b, for: $0), bundle: d.caBundle) }
            }
            units.append(CertificateUnit(basename: b, spec: spec, maker: maker, directory: "", reuseCSR: false, uses: uses))
        }
        return units
    }

    /// The certificate file a service is given: the full chain for webbridge3 and the
    /// scheduler, which take the whole chain in one file.
    func certificateName(_ basename: String, for service: Service) -> String {
        service.takesFullChain ? basename + "-fullchain.crt" : basename + ".crt"
    }

    /// Renewals: one certificate per key file in use (per node for perService; across
    /// nodes for the shared strategies), from the names the current state gives.
    mutating func renewalUnits() -> [CertificateUnit] {
        let d = deployment
        struct Group { var key: String; var members: [(DeploymentNode, Service, ServiceFiles)] }
        var groups: [Group] = []
        for node in d.nodes {
            let state = current.node(node.name)
            for service in node.services where service.holdsCertificate {
                guard let files = state.uses(service), let key = files.key, files.certificate != nil else {
                    if current.nodes[node.name] == nil {
                        problems.append("\(flow.rawValue) keeps or replaces the files \(service.rawValue) uses on \(node.name), but the current state does not say which they are: gather the nodes' state first (on the command line, plan and apply read it unless plan is --offline; or give --state FILE).")
                    } else {
                        problems.append("\(service.rawValue) on \(node.name) has no certificate configured now, so \(flow.rawValue) has nothing to keep or replace there: a renewal is for certificates in use; the fresh flow gives \(node.name) its first ones.")
                    }
                    continue
                }
                let groupKey = d.strategy == .perService ? node.name + "|" + key : key
                if let i = groups.firstIndex(where: { $0.key == groupKey }) {
                    groups[i].members.append((node, service, files))
                } else {
                    groups.append(Group(key: groupKey, members: [(node, service, files)]))
                }
            }
        }
        var units: [CertificateUnit] = []
        for group in groups {
            let (first, _, firstFiles) = group.members[0]
            let stem = Self.stem(of: firstFiles.key!)
            let nodes = group.members.map(\.0).reduce(into: [DeploymentNode]()) { if !$0.contains($1) { $0.append($1) } }
            let services = group.members.filter { $0.0 == first }.map(\.1)
            let directory = d.strategy == .perService ? first.name + "/" : ""
            if flow == .renew {
                let holder = nodes.first { current.node($0.name).files.contains(stem + ".csr") }
                let maker = holder ?? first
                let reuse = d.keys == .node && holder != nil
                let spec = d.strategy == .perService ? serviceSpec(services, on: maker, basename: stem) : sharedSpec(basename: stem)
                guard let spec else { continue }
                let uses = group.members.map { node, service, files in
                    CertificateUse(node: node, service: service, key: files.key!, certificate: files.certificate!, bundle: files.bundle ?? d.caBundle)
                }
                units.append(CertificateUnit(basename: stem, spec: spec, maker: maker, directory: directory, reuseCSR: reuse, uses: uses))
            } else {
                var taken: Set<String> = []
                for n in nodes { taken.formUnion(current.node(n.name).files) }
                let name = Self.nextName(after: stem, taken: taken)
                let spec = d.strategy == .perService ? serviceSpec(services, on: first, basename: name) : sharedSpec(basename: name)
                guard let spec else { continue }
                let uses = group.members.map { node, service, _ in
                    CertificateUse(node: node, service: service, key: name + ".key", certificate: certificateName(name, for: service),
                                   bundle: newBundleName(on: node))
                }
                units.append(CertificateUnit(basename: name, spec: spec, maker: first, directory: directory, reuseCSR: false, uses: uses))
            }
        }
        return units
    }

    /// The name the CA bundle is sent under in a proactive renewal: the file's own name,
    /// or a new one when the node holds that name already (the live services use it).
    func newBundleName(on node: DeploymentNode) -> String { newName(for: deployment.caBundle, on: node) }

    /// `callbridge.key` -> `callbridge`.
    static func stem(of file: String) -> String {
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    /// A new basename for a proactive renewal: `callbridge` -> `callbridge-r2`,
    /// `callbridge-r2` -> `callbridge-r3`, skipping names whose files the nodes hold.
    static func nextName(after stem: String, taken: Set<String>) -> String {
        var base = stem
        var n = 2
        if let r = stem.range(of: "-r", options: .backwards), let v = Int(stem[r.upperBound...]), v >= 1,
           stem[r.upperBound...].allSatisfy(\.isNumber) {
            base = String(stem[..<r.lowerBound])
            n = v + 1
        }
        func used(_ name: String) -> Bool {
            [".key", ".csr", ".crt", ".cer", ".pem", "-fullchain.crt"].contains { taken.contains(name + $0) }
        }
        while used("\(base)-r\(n)") { n += 1 }
        return "\(base)-r\(n)"
    }
}

/// Names in the order first given, each once whatever its case (DNS names are not
/// case-sensitive): a set beside the list, so that adding is constant time and a
/// certificate of 10,000 SANs is built in linear time.
struct NameList {
    private(set) var names: [String] = []
    private var seen: Set<String> = []

    /// Adds `name` unless it (in any case) is there already; nil adds nothing.
    mutating func append(_ name: String?) {
        guard let name, seen.insert(name.lowercased()).inserted else { return }
        names.append(name)
    }
}
