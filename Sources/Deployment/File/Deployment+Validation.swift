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
        if caBundle.contains("/") || caBundle.contains(" ") || caBundle.hasPrefix(".")
            || !(caBundle.hasSuffix(".crt") || caBundle.hasSuffix(".pem") || caBundle.hasSuffix(".cer")) {
            fail("ca_bundle", "'\(caBundle)' is not a file name the MMP takes: letters, digits, '-', '_', ending .crt, .pem or .cer, e.g. ca-bundle.crt")
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
                switch service {
                case .xmpp where cmsVersion.isThreeX:
                    fail(sp, "CMS \(cmsVersion) has no XMPP server (it went with 3.0): remove xmpp")
                case .webbridge where cmsVersion.isThreeX:
                    fail(sp, "CMS \(cmsVersion) has webbridge3, not webbridge: write webbridge3")
                case .webbridge3 where !cmsVersion.isThreeX:
                    fail(sp, "webbridge3 is CMS 3.x; CMS \(cmsVersion) has webbridge: write webbridge")
                case .loadbalancer where cmsVersion.isThreeX:
                    fail(sp, "CMS \(cmsVersion) has no load balancer (trunks and load balancers went with 3.0, TAC 217062): remove loadbalancer")
                case .xmpp where xmppDomain == nil:
                    fail(sp, "xmpp needs the XMPP domain for its certificate's SANs: add xmpp_domain at the top")
                default: break
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
        let dbCount = primaries.count + joined.count
        if dbCount > 0 && ![1, 3, 5].contains(dbCount) {
            fail("nodes", "the database cluster has \(dbCount) database nodes (primary + joined): it needs 1, 3 or 5 (an odd number, at most 5)")
        }
        return issues + overrideIssues() + endpointIssues()
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
