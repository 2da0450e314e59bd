import PKI

/// The set-up flow as a reconciler: the deployment file says what the nodes should hold,
/// the nodes' state (read from them) says what they hold; what already holds is shown as
/// "already so" and not planned, and what the flow would take away from a live service
/// (the database cluster in use) is refused. With no state read (`current` names no node)
/// nothing is known and the whole procedure is planned, marked offline.
extension PlanContext {
    /// True when the nodes were read (or a state was given): the plan can reconcile.
    var observed: Bool { !current.nodes.isEmpty }

    /// Does the service already use exactly the files the plan would give it?
    func holds(_ use: CertificateUse) -> Bool {
        guard let files = current.node(use.node.name).uses(use.service) else { return false }
        return files.key == use.key && files.certificate == use.certificate && bundleShown(use).map(files.allFiles.contains) ?? true
    }

    /// The CA bundle the service's status names once the plan has applied it; nil for a
    /// service given a trust list in its place: the 2.x streamer (the call bridges'
    /// certificates), webbridge3 beside a scheduler (c2w-trust.crt), the load balancer and
    /// the trunk facing each other (each other's certificates).
    func bundleShown(_ use: CertificateUse) -> String? {
        let has = { (service: Service) in deployment.nodes.contains { $0.runs(service) } }
        switch use.service {
        case .streamer where !threeX: return nil
        case .webbridge3 where has(.scheduler): return nil
        case .loadbalancer where has(.trunk): return nil
        case .trunk: return nil
        default: return use.bundle
        }
    }

    /// The set-up's certificates that are not in place yet. A certificate whose every user
    /// already has its files is left out and listed as already so; one that only some of its
    /// users have is planned whole, and the guard then refuses a `pki csr` over its live key.
    mutating func unitsToSetUp(_ units: [CertificateUnit]) -> [CertificateUnit] {
        guard observed else { return units }
        return units.filter { unit in
            guard unit.uses.allSatisfy(holds) else { return true }
            for use in unit.uses {
                let state = current.node(use.node.name).uses(use.service)?.state
                var line = "\(use.node.name) \(use.service.rawValue): uses \(use.key), \(use.certificate), \(use.bundle) already"
                if let state, state != "running" {
                    line += " (state: \(state); for an expired certificate use --flow renew)"
                }
                alreadySo.append(line)
            }
            return false
        }
    }

    /// The CA bundle a node holds already and a service uses now: a set-up leaves it as it
    /// is (sending it again would overwrite a file in use; `pki verify` on the node still
    /// checks every new certificate against it).
    func bundleInUse(_ bundle: String, on node: DeploymentNode) -> Bool {
        observed && !current.node(node.name).users(of: bundle).isEmpty
    }

    /// Step 3 unless the database cluster is already as the file wants it. A cluster in use
    /// whose files differ is not removed by a set-up: that is refused, with the flow to use.
    mutating func planDatabaseUnlessSo() {
        guard observed, let primary = deployment.primary else { return planDatabase() }
        let members = deployment.databaseMembers
        func database(_ m: DeploymentNode) -> ServiceFiles? { current.node(m.name).services.first { $0.service == "database" } }
        let live = members.filter { database($0)?.inDatabaseCluster == true }
        if live.isEmpty { return planDatabase() }
        let inPlace = members.allSatisfy { m in
            guard let db = database(m), db.inDatabaseCluster else { return false }
            return Set(db.allFiles) == Set(Self.databaseFiles(for: m.database))
        }
        let rows = live.map { "\($0.name) (\(database($0)?.state ?? "in the cluster"))" }.joined(separator: ", ")
        if inPlace {
            alreadySo.append("database cluster: \(rows), with the files Step 3 gives them; primary \(primary.name)")
            return
        }
        refusals.append("the database cluster is in use (\(rows)) and is not as the deployment file wants it: the set-up would remove it (database cluster remove on every member) and make a new built-in CA, and every call bridge would lose its database meanwhile. For expired or replaced database certificates use --flow renew-database; to finish an interrupted set-up, resume its run (--resume RUN).")
    }
}
