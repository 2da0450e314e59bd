import PKI

extension Deployment {
    /// The rules of the certificate overrides (`nodes[].certificates`, top-level `sans`):
    /// each name passes Step 1's parser, no two certificates of a node write the same file,
    /// and each override is given with the strategy it belongs to.
    func overrideIssues() -> [DeploymentIssue] {
        var issues: [DeploymentIssue] = []
        func fail(_ path: String, _ message: String) { issues.append(DeploymentIssue(path: path, message: message)) }

        if let sans {
            if strategy == .perService {
                fail("sans", "top-level sans replace the SANs of the one shared certificate (strategy sanCertificate or wildcard); with perService give each service's SANs under nodes[].certificates.<service>.sans, or remove sans")
            } else {
                Self.sanIssues(sans, path: "sans").forEach { fail($0.path, $0.message) }
            }
        }
        for (i, node) in nodes.enumerated() where !node.certificates.isEmpty {
            let path = "nodes[\(i)].certificates"
            guard strategy == .perService else {
                fail(path, "certificates overrides are for strategy perService: with \(strategy.rawValue) one certificate serves every node; set its SANs with top-level sans, its CN with cluster_fqdn\(strategy == .wildcard ? " (the wildcard's is *.\(domain))" : ""), its basename with certificate_name, and remove \(path)")
                continue
            }
            // Every file each certificate of this node writes, to find two that write one.
            var owner: [String: Service] = [:]
            let ordered = node.services.filter { node.certificates[$0] != nil }
                + node.certificates.keys.filter { !node.runs($0) }.sorted()
            for service in ordered {
                let o = node.certificates[service]!
                let sp = "\(path).\(service.rawValue)"
                guard node.runs(service) else {
                    fail(sp, "\(node.name) does not run \(service.rawValue): remove certificates.\(service.rawValue) or add the service")
                    continue
                }
                if let b = o.basename {
                    if let p = Self.basenameProblem(b) {
                        fail(sp + ".basename", p)
                    } else if Self.reservedBasenames.contains(b) {
                        fail(sp + ".basename", "'\(b)' is the database's own basename (dbca, dbserver, dbclient): choose another, e.g. \(node.name)-\(service.rawValue)")
                    }
                }
                if let cn = o.commonName {
                    do {
                        _ = try CSRSpec.parse(arguments: ["check", "CN:" + cn])
                    } catch {
                        fail(sp + ".cn", "\(error)")
                    }
                }
                if let sans = o.sans { Self.sanIssues(sans, path: sp + ".sans").forEach { fail($0.path, $0.message) } }
            }
            // Clashes: every service the node runs, with the basename it will use; each is
            // reported at an overridden basename (the one that moved).
            func basename(_ service: Service) -> String { node.certificates[service]?.basename ?? service.rawValue }
            func at(_ service: Service) -> String? {
                node.certificates[service]?.basename != nil ? "\(path).\(service.rawValue).basename" : nil
            }
            for service in node.services {
                let b = basename(service)
                guard Self.basenameProblem(b) == nil, !Self.reservedBasenames.contains(b) else { continue }
                let files = Self.files(basename: b, service: service)
                if files.contains(caBundle) {
                    fail(at(service) ?? path, "the basename '\(b)' would write \(caBundle), the CA bundle's name (ca_bundle): choose another basename")
                    continue
                }
                if let file = files.first(where: { owner[$0] != nil }), let other = owner[file] {
                    let blamed = at(service) != nil || at(other) == nil ? service : other
                    let kept = blamed == service ? other : service
                    if basename(other) == b {
                        fail(at(blamed) ?? path, "\(other.rawValue) and \(service.rawValue) on \(node.name) both use the basename '\(b)': the second `pki csr \(b)` would overwrite the first key (\(b).key); give each service its own basename")
                    } else {
                        fail(at(blamed) ?? path, "the basename '\(basename(blamed))' of \(blamed.rawValue) writes \(file), which \(kept.rawValue)'s certificate ('\(basename(kept))') writes too on \(node.name): choose another basename")
                    }
                    continue
                }
                for file in files { owner[file] = service }
            }
        }
        return issues
    }

    /// The files a service certificate with this basename is made and kept under.
    static func files(basename b: String, service: Service) -> [String] {
        [b + ".key", b + ".csr", b + ".crt"] + (service == .webbridge3 ? [b + "-fullchain.crt"] : [])
    }

    /// Each SAN of a list passes Step 1's parser, one name an item.
    static func sanIssues(_ sans: [String], path: String) -> [DeploymentIssue] {
        var issues: [DeploymentIssue] = []
        var seen: [String: Int] = [:]
        for (k, san) in sans.enumerated() {
            let ip = "\(path)[\(k)]"
            if san.contains(",") {
                issues.append(DeploymentIssue(path: ip, message: "'\(san)' holds several names: write one name an item, e.g. [\(san.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))]"))
                continue
            }
            do {
                _ = try CSRSpec.parse(arguments: ["check", "CN:cms.example.com", "subjectAltName:" + san])
            } catch {
                issues.append(DeploymentIssue(path: ip, message: "\(error)"))
                continue
            }
            if let first = seen[san.lowercased()] {
                issues.append(DeploymentIssue(path: ip, message: "'\(san)' is listed already at \(path)[\(first)]: keep one"))
            } else { seen[san.lowercased()] = k }
        }
        return issues
    }

    /// The rules of `endpoints`: a node of the file that runs the service, a port, a TLS
    /// service the probe can read, each endpoint once.
    func endpointIssues() -> [DeploymentIssue] {
        var issues: [DeploymentIssue] = []
        func fail(_ path: String, _ message: String) { issues.append(DeploymentIssue(path: path, message: message)) }
        var seen: [String: Int] = [:]
        // The nodes by name, found once (the first of a name, as node(named:) does).
        var byName: [String: DeploymentNode] = [:]
        for node in nodes where byName[node.name] == nil { byName[node.name] = node }
        for (i, e) in endpoints.enumerated() {
            let path = "endpoints[\(i)]"
            if let node = byName[e.node] {
                if !node.runs(e.service) {
                    fail(path + ".service", "\(node.name) does not run \(e.service.rawValue): give a service of \(node.name) (\(node.services.map(\.rawValue).joined(separator: ", "))) or add it to the node")
                }
            } else {
                fail(path + ".node", "no node is named '\(e.node)': the nodes are \(nodes.map(\.name).joined(separator: ", "))")
            }
            if e.service == .xmpp {
                fail(path + ".service", "XMPP on CMS 2.x needs STARTTLS, which the probe does not speak: remove this endpoint (cmscerts expiry --deployment still reads the xmpp certificate file on the node)")
            }
            if !(1...65535).contains(e.port) {
                fail(path + ".port", "port \(e.port) is out of range: give 1 to 65535 (e.g. 443 for the web bridge, 445 for web admin)")
            }
            if let host = e.host, !NameRules.isIPv4(host) && !NameRules.isIPv6(host), let p = NameRules.hostnameProblem(host) {
                fail(path + ".host", "'\(host)' is neither an IP address nor a host name: \(p)")
            }
            if let sni = e.serverName, let p = NameRules.hostnameProblem(sni) {
                fail(path + ".sni", "'\(sni)' is not a server name: \(p)")
            }
            let key = "\(endpointHost(e).lowercased()):\(e.port)@\(e.serverName?.lowercased() ?? "")"
            if let first = seen[key] {
                fail(path, "it repeats endpoints[\(first)] (\(endpointHost(e)):\(e.port)\(e.serverName.map { " with SNI \($0)" } ?? "")): keep one")
            } else { seen[key] = i }
        }
        return issues
    }
}
