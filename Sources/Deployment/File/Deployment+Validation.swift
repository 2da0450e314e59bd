import PKI

extension Deployment {
    /// Every rule a deployment must keep, each broken one as an issue with its key path
    /// (lines are added by `DeploymentFile.load`). Empty when the deployment is good.
    public func validate() -> [DeploymentIssue] {
        var issues: [DeploymentIssue] = []
        func fail(_ path: String, _ message: String) { issues.append(DeploymentIssue(path: path, message: message)) }

        if version != Deployment.currentVersion {
            fail("version", "version \(version) is not a format this cmscerts reads: it reads version \(Deployment.currentVersion)")
        }
        if !cmsVersion.isSupported {
            fail("cms_version", "CMS \(cmsVersion) is not supported: cmscerts plans for CMS 2.9 and later (2.9 ... 3.x)")
        }
        if let p = Self.fqdnProblem(domain, needsDot: true) { fail("domain", "'\(domain)' is not a valid domain: \(p)") }
        if let join = joinURL {
            if join.contains("://") || join.contains("/") {
                fail("join_url", "write the join URL's host name only, e.g. join.example.com (no https:// and no path): it goes into the web bridge certificate's SANs")
            } else if let p = Self.fqdnProblem(join, needsDot: true) {
                fail("join_url", "'\(join)' is not a valid host name: \(p)")
            }
        }
        if let x = xmppDomain {
            if cmsVersion.isThreeX {
                fail("xmpp_domain", "CMS \(cmsVersion) has no XMPP server: remove xmpp_domain")
            } else if let p = Self.fqdnProblem(x, needsDot: true) {
                fail("xmpp_domain", "'\(x)' is not a valid domain: \(p)")
            }
        }
        // The subject fields follow Step 1's rules: let the CSR parser judge them.
        let subjectPaths = [("OU", "subject.ou", subject.organizationalUnit), ("O", "subject.o", subject.organization),
                            ("ST", "subject.st", subject.state), ("L", "subject.l", subject.locality), ("C", "subject.c", subject.country)]
        for (field, path, value) in subjectPaths {
            guard let value else { continue }
            do {
                _ = try CSRSpec.parse(arguments: ["check", "CN:cms.example.com", "\(field):\(value)"])
            } catch {
                fail(path, "\(error)")
            }
        }
        if caValidityDays < 1 || caValidityDays > 36500 {
            fail("ca_validity_days", "\(caValidityDays) days is out of range: give 1 to 36500 (the default is \(Deployment.defaultCAValidityDays))")
        }
        if let c = clusterFQDN, let p = Self.fqdnProblem(c, needsDot: true) {
            fail("cluster_fqdn", "'\(c)' is not a valid FQDN: \(p)")
        }
        if let p = Self.basenameProblem(certificateName) { fail("certificate_name", p) }
        if Self.reservedBasenames.contains(certificateName) {
            fail("certificate_name", "'\(certificateName)' is the database's own basename: choose another, e.g. cms")
        }
        for (path, file) in [("ca_bundle", caBundle), ("sip_trust_bundle", sipTrustBundle), ("rev_bundle", revBundle)] {
            if let file, let p = Self.bundleNameProblem(file) { fail(path, p) }
        }
        for (path, file) in [("sip_trust_bundle", sipTrustBundle), ("rev_bundle", revBundle)] {
            if let file, file == caBundle { fail(path, "'\(file)' is ca_bundle's name already: the far end's chain is another file, give it its own name") }
        }
        if let host = cucmHost, let p = NameRules.hostnameProblem(host) {
            fail("cucm_host", "'\(host)' is not a host name: \(p) (give the override host name CUCM uses for the web admin, TAC 222766)")
        }
        if cucmHost != nil && sipTrustBundle == nil {
            fail("cucm_host", "CUCM reaches the call bridges over SIP TLS, so they must trust CUCM's certificate: add sip_trust_bundle: cucm-ca.crt (CUCM's CA chain, placed in the workspace) at the top")
        }
        let callBridges = nodes.contains { $0.runs(.callbridge) }
        if sipTrustBundle != nil && !callBridges {
            fail("sip_trust_bundle", "no node runs callbridge, and only the call bridge uses SIP TLS: remove sip_trust_bundle or add callbridge to a node")
        }
        if cucmHost != nil && !nodes.contains(where: { $0.runs(.webadmin) }) {
            fail("cucm_host", "no node runs webadmin, whose certificate carries the CUCM override host name: remove cucm_host or add webadmin to a node")
        }

        if nodes.isEmpty { fail("nodes", "list at least one CMS server") }
        var names: [String: Int] = [:], fqdns: [String: Int] = [:], addresses: [String: Int] = [:]
        let wildcard = "*." + domain
        for (i, node) in nodes.enumerated() {
            let path = "nodes[\(i)]"
            if node.name.isEmpty || node.name.count > 32
                || !node.name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) {
                fail(path + ".name", "'\(node.name)' is not a node name: 1 to 32 letters, digits, '-' or '_' (it names the node in plans)")
            }
            if let first = names[node.name] {
                fail(path + ".name", "the name '\(node.name)' is already used by nodes[\(first)]: node names are unique")
            } else { names[node.name] = i }
            if let p = Self.fqdnProblem(node.fqdn, needsDot: true) {
                fail(path + ".fqdn", "'\(node.fqdn)' is not a valid FQDN: \(p)")
            }
            if let first = fqdns[node.fqdn.lowercased()] {
                fail(path + ".fqdn", "the FQDN '\(node.fqdn)' is already used by nodes[\(first)]: each server has its own")
            } else { fqdns[node.fqdn.lowercased()] = i }
            if !NameRules.isIPv4(node.address) && !NameRules.isIPv6(node.address),
               let p = NameRules.hostnameProblem(node.address) {
                fail(path + ".address", "'\(node.address)' is neither an IP address nor a host name: \(p)")
            }
            if let first = addresses[node.address.lowercased()] {
                fail(path + ".address", "the address '\(node.address)' is already used by nodes[\(first)]: each server has its own")
            } else { addresses[node.address.lowercased()] = i }
            // The host and user go on ssh's command line: nothing there may read as an option.
            // A host left to default is the FQDN, whose own (stricter) rule reports it.
            for problem in node.ssh.problems where !(problem.key == "host" && node.ssh.host == node.fqdn) {
                fail(path + ".ssh." + problem.key, problem.message)
            }
            if node.services.isEmpty && node.database == .none {
                fail(path + ".services", "the node runs no service and has no database role: give it services or remove it")
            }
            if node.loadBalancerTag.isEmpty || !node.loadBalancerTag.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) {
                fail(path + ".loadbalancer_tag", "'\(node.loadBalancerTag)' is not a tag: letters, digits, '-' or '_'")
            }
            var seen: Set<Service> = []
            for (j, service) in node.services.enumerated() {
                let sp = "\(path).services[\(j)]"
                if !seen.insert(service).inserted {
                    fail(sp, "\(service.rawValue) is listed twice: keep one")
                }
                if let absent = service.absence(in: cmsVersion) {
                    fail(sp, absent)
                    continue
                }
                switch service {
                case .xmpp where xmppDomain == nil:
                    fail(sp, "xmpp needs the XMPP domain for its certificate's SANs: add xmpp_domain at the top")
                case .uploader where revBundle == nil:
                    fail(sp, "the uploader sends recordings to Vbrick Rev and must trust its certificate (uploader rev trust, TAC 211261): add rev_bundle: rev-ca.crt (Rev's CA chain, placed in the workspace) at the top")
                case .uploader where !nodes.contains(where: { $0.runs(.webadmin) }):
                    fail(sp, "the uploader reads recordings through a web admin it must trust (uploader cms trust): add webadmin to a node")
                case .trunk where !nodes.contains(where: { $0.runs(.loadbalancer) }):
                    fail(sp, "a trunk connects the core to a load balancer on the edge: add loadbalancer to an edge node, or remove trunk")
                case .trunk where !node.runs(.callbridge):
                    fail(sp, "the trunk carries the call bridge's traffic to the edge: add callbridge to \(node.name), or remove trunk")
                case .streamer where !callBridges, .recorder where !callBridges, .webbridge where !callBridges:
                    fail(sp, "\(service.rawValue) takes calls from the call bridges and trusts their certificates: add callbridge to a node")
                default: break
                }
            }
            for entry in node.listen.entries {
                let lp = "\(path).listen.\(entry.key)"
                if !node.runs(entry.service) {
                    fail(lp, "\(node.name) does not run \(entry.service.rawValue): remove listen.\(entry.key) or add \(entry.service.rawValue) to its services")
                } else if let p = NodeListeners.problem(entry.value, form: entry.form) {
                    fail(lp, p)
                }
            }
            if strategy == .wildcard && !Lint.covers(wildcard, node.fqdn) {
                fail(path + ".fqdn", "the wildcard \(wildcard) does not cover '\(node.fqdn)' (one label under \(domain)): use strategy perService or sanCertificate")
            }
        }

        // The database cluster (Step 3).
        let primaries = nodes.indices.filter { nodes[$0].database == .primary }
        for extra in primaries.dropFirst() {
            fail("nodes[\(extra)].database", "a second primary: nodes[\(primaries[0])] (\(nodes[primaries[0]].name)) is the primary already; a cluster has exactly one")
        }
        let joined = nodes.indices.filter { nodes[$0].database == .joined }
        if primaries.isEmpty, let first = joined.first {
            fail("nodes[\(first)].database", "joined nodes but no primary: make one database node primary (it initializes the cluster)")
        }
        for c in nodes.indices where nodes[c].database == .connected && primaries.isEmpty {
            fail("nodes[\(c)].database", "\(nodes[c].name) connects to the database cluster, but no node is primary: make one database node primary")
        }
        // TAC 210530: three nodes join the database cluster, further nodes connect to it.
        let dbCount = primaries.count + joined.count
        if dbCount > 0 && ![1, 3].contains(dbCount) {
            let extra = joined.count > 2 ? " (nodes[\(joined[2])] and after: make them connected)" : ""
            fail("nodes", "the database cluster has \(dbCount) database nodes (primary + joined): it needs 1 or 3 (TAC 210530: three nodes join the cluster, further nodes connect to it)\(extra)")
        }
        return issues + overrideIssues() + endpointIssues()
    }

    /// Why a workspace file name is not one the MMP takes for a bundle, or nil. The name
    /// goes into MMP commands and SFTP transfers: nothing in it may read as an option
    /// (no leading '-') or as two words.
    static func bundleNameProblem(_ file: String) -> String? {
        let allowed = file.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
        if !allowed || file.hasPrefix(".") || file.hasPrefix("-")
            || !(file.hasSuffix(".crt") || file.hasSuffix(".pem") || file.hasSuffix(".cer")) {
            return "'\(file)' is not a file name the MMP takes: letters, digits, '-', '_', ending .crt, .pem or .cer, e.g. ca-bundle.crt"
        }
        return nil
    }

    /// Basenames the database certificates use (Step 3).
    static let reservedBasenames: Set<String> = ["dbca", "dbserver", "dbclient"]

    /// Step 1's basename rule: letters, digits, '-' and '_' only (it names `<basename>.key`).
    static func basenameProblem(_ name: String) -> String? {
        if name.isEmpty || name.count > 64 { return "a basename has 1 to 64 characters" }
        let ok = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        return ok ? nil : "'\(name)' is not a basename: letters, digits, '-' and '_' only, no extension (e.g. cms)"
    }

    /// Why a name is not a usable FQDN, or nil.
    static func fqdnProblem(_ name: String, needsDot: Bool) -> String? {
        if let p = NameRules.hostnameProblem(name) { return p }
        if needsDot && !name.contains(".") { return "give the fully qualified name, with its domain (e.g. cms1.example.com)" }
        return nil
    }
}
