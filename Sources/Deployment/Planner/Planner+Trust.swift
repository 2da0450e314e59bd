import PKI

/// The trust files one node's services are given, by their names on the node.
struct NodeTrust {
    /// The call bridges' certificates: `webbridge trust` and `streamer trust` (CMS 2.x).
    var callBridges: String?
    /// The XMPP servers' certificates: `xmpp cluster trust` on a clustered XMPP server.
    var xmppCluster: String?
    /// The CA bundle and the schedulers' certificates: `webbridge3 c2w trust` when the
    /// estate runs a scheduler (TAC 217367).
    var c2w: String?
    /// The chain of the far ends of SIP TLS: `tls sip trust`.
    var sip: String?
    /// The trunks' certificates, for the load balancer's trust (CMS 2.x core-edge).
    var trunks: String?
    /// The load balancers' certificates, for the trunk's trust.
    var loadBalancers: String?
}

extension PlanContext {
    /// The trust lists the deployment implies, built in the workspace from the certificates
    /// the plan obtains, then sent to every node whose service takes them; returns what
    /// each node's services are given. A list is built only when every certificate it must
    /// hold is obtained by this plan; otherwise a note says which list is left as it is.
    ///
    /// - `callbridge-trust.crt`: every call bridge's certificate, for the 2.x web bridge
    ///   (`webbridge trust`) and streamer (`streamer trust`: allowed call bridges, not a CA).
    /// - `xmpp-cluster-trust.crt`: every XMPP server's certificate, when more than one node
    ///   runs XMPP (`xmpp cluster trust`, TAC 213479).
    /// - `c2w-trust.crt`: the CA bundle, then every scheduler's certificate, for
    ///   `webbridge3 c2w trust` when the estate runs a scheduler (TAC 217367).
    /// - `trunk-trust.crt` and `loadbalancer-trust.crt`: the trunks' certificates for the
    ///   load balancers' trust bundle, the load balancers' for the trunks' (CMS 2.x).
    /// - the deployment's `sip_trust_bundle`, for `tls sip trust` on every call bridge.
    mutating func planTrustLists(units: [CertificateUnit], uploaded: inout Set<FileRef>) -> [String: NodeTrust] {
        let d = deployment
        // Sets beside the lists: linear in the uses, for estates of thousands of nodes.
        var planned: [Service: Set<String>] = [:]
        var certificates: [Service: [String]] = [:]
        var seen: [Service: Set<String>] = [:]
        for unit in units {
            for use in unit.uses {
                planned[use.service, default: []].insert(use.node.name)
                if seen[use.service, default: []].insert(unit.certificatePath).inserted {
                    certificates[use.service, default: []].append(unit.certificatePath)
                }
            }
        }
        /// The certificates of every node running the service, or nil when the plan does
        /// not obtain them all (some are in place already).
        func all(_ service: Service) -> [String]? {
            let runners = d.nodes.lazy.filter { $0.runs(service) }.count
            return (planned[service] ?? []).count == runners ? certificates[service] ?? [] : nil
        }
        var out: [String: NodeTrust] = [:]
        func users(_ services: [Service]) -> [DeploymentNode] {
            d.nodes.filter { node in services.contains { planned[$0]?.contains(node.name) == true } }
        }

        let lists: [(name: String, files: [String]?, users: [DeploymentNode], set: WritableKeyPath<NodeTrust, String?>, why: String)] = [
            ("callbridge-trust.crt", all(.callbridge), threeX ? [] : users([.webbridge, .streamer]), \.callBridges,
             "the call bridges' own certificates, for the web bridge and streamer of CMS 2.x to accept them"),
            ("xmpp-cluster-trust.crt", all(.xmpp), d.nodes.filter { $0.runs(.xmpp) }.count > 1 ? users([.xmpp]) : [], \.xmppCluster,
             "the XMPP servers' certificates: a clustered XMPP server trusts the others through them (TAC 213479)"),
            ("trunk-trust.crt", all(.trunk), d.nodes.contains { $0.runs(.trunk) } ? users([.loadbalancer]) : [], \.trunks,
             "the trunks' certificates: the load balancer accepts the core's trunks through them (CMS 2.x)"),
            ("loadbalancer-trust.crt", all(.loadbalancer), users([.trunk]), \.loadBalancers,
             "the load balancers' certificates: the trunk accepts the edge's load balancers through them (CMS 2.x)"),
            ("c2w-trust.crt", all(.scheduler).map { [d.caBundle] + $0 }, d.nodes.contains { $0.runs(.scheduler) } ? users([.webbridge3]) : [], \.c2w,
             "the CA bundle and the schedulers' certificates: the web bridge's C2W trust must hold the schedulers' too (TAC 217367)"),
        ]
        if d.nodes.filter({ $0.runs(.xmpp) }).count == 2 {
            builder.note("Two nodes run XMPP: a cluster of two XMPP servers has no resiliency (its failover needs more than half of them up), so Cisco asks for three (Meeting Server FAQ 500).")
        }
        for list in lists where !list.users.isEmpty {
            guard let files = list.files, !files.isEmpty else {
                builder.note("\(list.name) is not rebuilt: some certificates it must hold are in place already and not obtained by this plan; the nodes keep the one they have.")
                continue
            }
            let path = "trust/" + list.name
            builder.add(Step(
                id: Self.id(nil, "trust.\(list.name)"), node: nil, articleStep: 5, kind: .localPKI,
                command: "mkdir -p trust && cat \(files.joined(separator: " ")) > \(path)",
                reads: files.map { .workspace($0) }, writes: [.workspace(path)], why: list.why,
                local: .trustList(files: files, output: path)))
            for node in list.users {
                let name = flow == .renewNewNames ? newName(for: list.name, on: node) : list.name
                upload(.workspace(path), to: node, as: name, why: list.why, uploaded: &uploaded)
                out[node.name, default: NodeTrust()][keyPath: list.set] = name
            }
        }

        if let sip = d.sipTrustBundle, flow == .fresh {
            let bridges = users([.callbridge])
            if !bridges.isEmpty {
                awaitFile(sip, command: "Place the CA chain of your SIP TLS far ends (CUCM, Expressway) in the workspace as \(sip): PEM, intermediates then root",
                          why: "the call bridges trust the far ends of SIP TLS through it (tls sip trust); that chain is yours, outside cmscerts")
            }
            for node in bridges {
                upload(.workspace(sip), to: node, as: sip, why: "the SIP TLS far ends' CA chain, for tls sip trust", uploaded: &uploaded)
                out[node.name, default: NodeTrust()].sip = sip
            }
        }
        return out
    }

    /// A person's task of placing a file in the workspace, planned once; returns its step id.
    @discardableResult
    mutating func awaitFile(_ file: String, command: String, why: String) -> String {
        let id = Self.id(nil, "await.\(file)")
        if builder.contains(id) { return id }
        return builder.add(Step(id: id, node: nil, articleStep: 5, kind: .check, command: command,
                                writes: [.workspace(file)], why: why, local: .awaitFiles(files: [file])))
    }

    /// The uploader (set-up only): it has no certificate of its own, only the two trust
    /// lists (TAC 211261): the CA bundle that signs the web admin it reads recordings from
    /// (`uploader cms trust`) and Vbrick Rev's chain (`uploader rev trust`). A node whose
    /// uploader trusts those files already is left as it is.
    mutating func planUploaders() {
        guard let rev = deployment.revBundle else { return }
        var uploaded: Set<FileRef> = []
        for node in deployment.nodes where node.runs(.uploader) {
            let ca = deployment.caBundle
            if let now = current.node(node.name).uses(.uploader), now.allFiles.contains(ca), now.allFiles.contains(rev) {
                alreadySo.append("\(node.name) uploader: trusts \(ca) and \(rev) already")
                continue
            }
            awaitBundle()
            awaitFile(rev, command: "Place the CA chain of your Vbrick Rev server in the workspace as \(rev): PEM, intermediates then root",
                      why: "the uploader sends recordings to Rev and trusts it through this chain (uploader rev trust); it is Rev's, outside cmscerts")
            if !bundleInUse(ca, on: node) {
                upload(.workspace(ca), to: node, as: ca, why: "the CA bundle that signs the web admin the uploader reads from", uploaded: &uploaded)
            }
            upload(.workspace(rev), to: node, as: rev, why: "Vbrick Rev's CA chain, for uploader rev trust", uploaded: &uploaded)
            let n = node.name
            func step(_ slug: String, _ command: String, file: String?, after: [String], why: String) -> String {
                serviceStep(n, .uploader, slug, command, reads: file.map { [FileRef(node: n, $0)] } ?? [], after: after, why: why)
            }
            let off = step("disable", MMP.disable(.uploader, tag: node.loadBalancerTag), file: nil, after: [],
                           why: "the uploader's trust is changed with it off")
            let cms = step("cms-trust", MMP.uploaderCMSTrust(ca), file: ca, after: [off],
                           why: "the uploader trusts the web admin it reads recordings from through this bundle (it has no certificate of its own)")
            let revTrust = step("rev-trust", MMP.uploaderRevTrust(rev), file: rev, after: [cms],
                                why: "the uploader trusts the Vbrick Rev server it sends recordings to")
            _ = step("enable", MMP.enable(.uploader, tag: node.loadBalancerTag), file: nil, after: [revTrust],
                     why: "the uploader back on with its trust lists")
        }
    }

    /// The name a file is sent under in a proactive renewal: its own name, or a new one
    /// when the node holds that name already (the live services use it).
    func newName(for file: String, on node: DeploymentNode) -> String {
        let files = Set(current.node(node.name).files)
        guard files.contains(file) else { return file }
        let stem = Self.stem(of: file)
        let ext = String(file.dropFirst(stem.count))
        return Self.nextName(after: stem, taken: files) + ext
    }
}
