import PKI

/// Turns a deployment, a flow and what the nodes hold now into a Plan. Pure: it reads
/// nothing and runs nothing; the same input gives the same plan, step for step, id for id.
public enum Planner {
    /// Makes the plan, or says why not: `PlanError.Kind.refused` when a guard stops it (a
    /// `pki csr` over a key a service uses now), `.badInput` when the current state lacks
    /// what the flow needs (the files a service uses, for a renewal).
    public static func plan(_ deployment: Deployment, flow: Flow, current: CurrentState = .empty) throws(PlanError) -> Plan {
        let issues = deployment.validate()
        if !issues.isEmpty { throw PlanError(.badInput, issues.map(\.description)) }

        var context = PlanContext(deployment: deployment, flow: flow, current: current)
        switch flow {
        case .fresh:
            let units = context.freshUnits()
            context.planServiceCertificates(units: context.unitsToSetUp(units))
            context.planUploaders()
            context.planDatabaseUnlessSo()
        case .renew, .renewNewNames:
            let units = context.renewalUnits()
            if !context.problems.isEmpty { throw PlanError(.badInput, context.problems) }
            context.planServiceCertificates(units: units)
            context.builder.note("The database certificates are not part of this flow: use renew-database for them.")
        case .renewDatabase:
            context.planDatabase()
        }
        if !context.problems.isEmpty { throw PlanError(.badInput, context.problems) }

        let steps = Self.withBackups(context.builder.steps, flow: flow, current: current, nodeOrder: deployment.nodes.map(\.name))
        let refused = context.refusals + guardProblems(steps: steps, current: current, flow: flow)
        if !refused.isEmpty { throw PlanError(.refused, refused) }

        let nodes = deployment.nodes.map { PlanNode(name: $0.name, fqdn: $0.fqdn, address: $0.address, ssh: $0.ssh) }
        return Plan(flow: flow, cmsVersion: deployment.cmsVersion, nodes: nodes, notes: context.builder.notes, steps: steps,
                    alreadySo: context.alreadySo.isEmpty ? nil : context.alreadySo, offline: context.observed ? nil : true)
    }

    /// The guard of the article's troubleshooting: `pki csr` (or `pki selfsigned`) with the
    /// basename of a key a service uses now overwrites that key and breaks the service at
    /// once. An upload over a file a service uses now does the same, except in `renew`,
    /// whose point is the same names. A service the plan has stopped before that step (the
    /// database, removed from the cluster first) is not at risk.
    static func guardProblems(steps: [Step], current: CurrentState, flow: Flow) -> [String] {
        var byID: [String: Step] = [:]
        for s in steps { byID[s.id] = s }
        var problems: [String] = []
        for step in steps where step.kind == .upload && flow != .renew {
            guard let node = step.node else { continue }
            for file in step.writes where file.node == node {
                var users = current.node(node).users(of: file.name)
                if users.isEmpty { continue }
                let stopped = servicesStopped(before: step, on: node, steps: byID)
                users.removeAll { stopped.contains($0) }
                for user in users {
                    problems.append("step \(step.id): `\(step.command)` on \(node) would overwrite \(file.name), which \(user) uses now. For expired certificates use --flow renew (same names, then a restart); while production is live use --flow renew-new-names (new names, then the swap).")
                }
            }
        }
        for step in steps {
            guard let node = step.node, step.kind == .mmp else { continue }
            let words = step.command.split(separator: " ").map(String.init)
            guard words.count >= 3, words[0] == "pki", words[1] == "csr" || words[1] == "selfsigned" else { continue }
            let key = words[2] + ".key"
            var users = current.node(node).users(of: key)
            if users.isEmpty { continue }
            let stopped = servicesStopped(before: step, on: node, steps: byID)
            users.removeAll { stopped.contains($0) }
            for user in users {
                problems.append("step \(step.id): `\(step.command)` on \(node) would overwrite \(key), which \(user) uses now: \(user) would break at once. Renew with new names instead (--flow renew-new-names): a new basename, then the service is swapped to it.")
            }
        }
        return problems
    }

    /// The services stopped on a node by the steps a step waits for, directly or not.
    static func servicesStopped(before step: Step, on node: String, steps: [String: Step]) -> Set<String> {
        var seen: Set<String> = []
        var stack = step.dependsOn
        var stopped: Set<String> = []
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let s = steps[id] else { continue }
            if s.node == node {
                if s.command == MMP.databaseRemove { stopped.insert("database") }
                let words = s.command.split(separator: " ")
                if words.count >= 2, words[1] == "disable" { stopped.insert(String(words[0])) }
            }
            stack.append(contentsOf: s.dependsOn)
        }
        return stopped
    }
}

/// The state of one planning run.
struct PlanContext {
    let deployment: Deployment
    let flow: Flow
    let current: CurrentState
    var builder = PlanBuilder()
    var problems: [String] = []
    /// What the nodes hold already as planned: shown, not run.
    var alreadySo: [String] = []
    /// What the flow would break, found while planning (the guard adds its own).
    var refusals: [String] = []

    /// True when some node runs webbridge3 (found once: the call bridge of every node asks).
    let anyWebBridge3: Bool

    init(deployment: Deployment, flow: Flow, current: CurrentState) {
        self.deployment = deployment
        self.flow = flow
        self.current = current
        anyWebBridge3 = deployment.nodes.contains { $0.runs(.webbridge3) }
    }

    var threeX: Bool { deployment.cmsVersion.isThreeX }

    /// `cms1:webadmin.certs`, or `local:...` for this machine.
    static func id(_ node: String?, _ slug: String) -> String { "\(node ?? "local"):\(slug)" }
}
