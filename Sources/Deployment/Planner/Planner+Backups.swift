import PKI

extension Planner {
    /// The prefix of every snapshot cmscerts takes: `backup list` on a node shows at a
    /// glance which snapshots a cmscerts run made.
    public static let backupPrefix = "cmscerts-"

    /// A `backup snapshot` first on every node whose live certificates the plan changes
    /// (TAC 214620, 216549: take a snapshot before changing certificates): each of the
    /// node's other steps waits for it, so nothing there changes before it is taken.
    ///
    /// A node needs one when the plan changes it (an MMP command or an upload) and it has
    /// something live to lose: any renewal flow (its premise is live certificates), the
    /// database renewal, and a set-up over a node whose services already use certificates
    /// (as read). A set-up on new nodes has nothing to roll back to and takes none.
    ///
    /// The name is `cmscerts-<flow>-<8 hex>`, the hex from the digest of the changes
    /// planned: the same plan (a resumed run, the review and the run) has the same name,
    /// and another plan never overwrites the snapshot an earlier one left.
    static func withBackups(_ steps: [Step], flow: Flow, current: CurrentState, nodeOrder: [String]) -> [Step] {
        // The database flow plans its own snapshots: one that waits for nothing moves to
        // the front of its node; one that waits (renew-database: after the status that
        // names the primary, which changes nothing) stays where it is. Both get the name.
        let planned = steps.filter { isBackup($0) }
        let existing = Set(planned.compactMap(\.node))
        let staying = Set(planned.filter { !$0.dependsOn.isEmpty }.map(\.id))
        let work = steps.filter { !isBackup($0) || staying.contains($0.id) }
        // One pass over the steps, not one a node: planning stays linear in the nodes.
        var changed: Set<String> = [], keptBackup: Set<String> = []
        for step in work {
            guard let node = step.node else { continue }
            if isBackup(step) { keptBackup.insert(node) } else if step.kind == .mmp || step.kind == .upload { changed.insert(node) }
        }
        func changes(_ node: String) -> Bool { changed.contains(node) }
        func live(_ node: String) -> Bool { current.node(node).services.contains { !$0.allFiles.isEmpty } }
        let renewal = flow != .fresh
        let nodes = nodeOrder.filter { existing.contains($0) || (changes($0) && (renewal || live($0))) }
        guard !nodes.isEmpty else { return steps }

        let name = backupName(flow: flow, steps: steps.filter { !isBackup($0) })
        let command = MMP.backupSnapshot(name)
        func why(_ node: String) -> String {
            "a snapshot before any certificate on \(node) changes: `backup rollback \(name)` restores certificates, keys and configuration (then reboots; the same release only)"
        }
        let front = nodes.filter { !keptBackup.contains($0) }
        // A database member's snapshot stays a Step 3 step (Step 3's screen lists it).
        let articleStep = Dictionary(planned.compactMap { s in s.node.map { ($0, s.articleStep) } }, uniquingKeysWith: { a, _ in a })
        var pending = Dictionary(uniqueKeysWithValues: front.map { node in
            (node, Step(id: PlanContext.id(node, "backup"), node: node, articleStep: articleStep[node] ?? (flow == .renewDatabase ? 3 : 5),
                        kind: .mmp, command: command, why: why(node)))
        })
        // Each snapshot goes right before its node's first step (the runbook keeps its
        // order, one line more per node).
        var out: [Step] = []
        let backupOf = Dictionary(uniqueKeysWithValues: front.map { ($0, PlanContext.id($0, "backup")) })
        // The node's first steps wait for it, the rest wait for those: nothing on the node
        // runs before the snapshot.
        let nodeOf = Dictionary(work.map { ($0.id, $0.node) }, uniquingKeysWith: { first, _ in first })
        for var step in work {
            if let node = step.node, let backup = pending.removeValue(forKey: node) { out.append(backup) }
            if isBackup(step), let node = step.node {
                step.command = command
                step.why = why(node)
            } else if let node = step.node, let backup = backupOf[node],
                      !step.dependsOn.contains(where: { nodeOf[$0] == node || $0 == backup }) {
                step.dependsOn.insert(backup, at: 0)
            }
            out.append(step)
        }
        return out
    }

    static func isBackup(_ step: Step) -> Bool {
        step.kind == .mmp && step.command.hasPrefix(MMP.backupSnapshot(""))
    }

    /// `cmscerts-<flow>-<first 8 hex of the SHA-256 of the planned changes>`.
    static func backupName(flow: Flow, steps: [Step]) -> String {
        let changes = steps.map { "\($0.node ?? "")\u{1F}\($0.command)" }.joined(separator: "\n")
        return backupPrefix + flow.rawValue + "-" + String(SHA256.hex(of: Array(changes.utf8)).prefix(8))
    }
}

/// A snapshot a plan takes: on which node, its name, the step that takes it, and the
/// command that goes back to it.
public struct PlanBackup: Hashable, Sendable {
    public var node: String
    public var name: String
    public var stepID: String

    /// `cms1: backup snapshot N — to go back: backup rollback N on cms1 (...)`.
    public var rollbackLine: String {
        "\(node): snapshot \(name) — to go back: `backup rollback \(name)` on \(node) (restores certificates, keys and configuration, then reboots; the same CMS release only)"
    }
}

extension Plan {
    /// The snapshots the plan takes, node by node, in plan order.
    public var backups: [PlanBackup] {
        let prefix = "backup snapshot "
        return steps.compactMap { step in
            guard step.kind == .mmp, step.command.hasPrefix(prefix), let node = step.node else { return nil }
            return PlanBackup(node: node, name: String(step.command.dropFirst(prefix.count)), stepID: step.id)
        }
    }
}
