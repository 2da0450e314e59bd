/// A plan in a few lines, for the question before a run (`apply`'s `[y/N]`, the wizard's
/// Step 5 review): per node, how many steps and what they change (keys made, certificates
/// applied, services restarted, the database cluster), then what is already so. It fits
/// an 80x24 terminal whatever the size of the plan; every step is in the runbook.
public struct PlanSummary: Hashable, Sendable {
    /// What a node's steps change.
    public struct NodeLine: Hashable, Sendable {
        /// The node's name; `here` for the workspace on this machine.
        public var node: String
        public var steps: Int
        /// Keys made (`pki csr`, `pki selfsigned`, or here).
        public var keys: Int
        /// Certificates given to a service or the database cluster (`certs` commands).
        public var certificates: Int
        /// Services stopped and started again, or restarted.
        public var restarts: Int
        /// Files sent to the node.
        public var uploads: Int
        /// Files a person must place (the CA's answers, the CA bundle).
        public var awaited: Int
        /// What happens to the database cluster there: `remove`, `initialize`, `join`...
        public var database: [String]

        /// `cms1   51 steps: 7 keys, 6 certificates, 4 restarts, 5 uploads; database remove, initialize`
        public var text: String {
            var parts: [String] = []
            func count(_ n: Int, _ one: String, _ many: String) { if n > 0 { parts.append("\(n) \(n == 1 ? one : many)") } }
            count(keys, "key", "keys")
            count(certificates, "certificate", "certificates")
            count(restarts, "restart", "restarts")
            count(uploads, "upload", "uploads")
            count(awaited, "file from your CA", "files from your CA")
            var line = node.padding(toLength: max(6, node.count), withPad: " ", startingAt: 0)
                + " \(steps) step\(steps == 1 ? "" : "s")"
            if !parts.isEmpty { line += ": " + parts.joined(separator: ", ") }
            if !database.isEmpty { line += "; database " + database.joined(separator: ", ") }
            return line
        }
    }

    public var flow: Flow
    public var steps: Int
    public var nodes: [NodeLine]
    /// Lines of what holds already (not run).
    public var alreadySo: [String]
    public var offline: Bool
    /// The snapshots taken first (`backup snapshot`), one per node, as `name on cms1, cms2`.
    public var backups: String?

    /// The summary of `plan`, counting only the steps not in `done` (a resumed run).
    public init(_ plan: Plan, skipping done: Set<String> = []) {
        flow = plan.flow
        alreadySo = plan.alreadySo ?? []
        offline = plan.offline == true
        var order: [String] = plan.nodes.map(\.name)
        var lines: [String: NodeLine] = [:]
        var restarted: [String: Set<String>] = [:]
        let todo = plan.steps.filter { !done.contains($0.id) }
        steps = todo.count
        for step in todo {
            let node = step.node ?? "here"
            if !order.contains(node) { order.append(node) }
            var line = lines[node] ?? NodeLine(node: node, steps: 0, keys: 0, certificates: 0, restarts: 0, uploads: 0, awaited: 0, database: [])
            line.steps += 1
            let words = step.command.split(separator: " ").map(String.init)
            switch step.local {
            case .makeKeyAndCSR?, .makeSelfSignedCA?: line.keys += 1
            case .awaitFiles(let files, _, _)?: line.awaited += files.count
            default: break
            }
            if step.kind == .upload { line.uploads += 1 }
            if step.kind == .mmp, words.count >= 2 {
                if words[0] == "pki", words[1] == "csr" || words[1] == "selfsigned" { line.keys += 1 }
                if words.contains("certs") { line.certificates += 1 }
                if ["disable", "restart"].contains(words[1]) { restarted[node, default: []].insert(words[0]) }
                if words.count >= 3, words[0] == "database", words[1] == "cluster", words[2] != "certs", words[2] != "status",
                   !line.database.contains(words[2]) {
                    line.database.append(words[2])
                }
            }
            lines[node] = line
        }
        for (node, services) in restarted { lines[node]?.restarts = services.count }
        let snapshots = plan.backups.filter { !done.contains($0.stepID) }
        if let name = snapshots.first?.name {
            backups = "\(name) on \(snapshots.map(\.node).joined(separator: ", "))"
        }
        nodes = order.compactMap { lines[$0] }
    }

    /// The summary as lines, at most `maxLines` of them (nodes past what fits are counted
    /// on one line).
    public func lines(maxLines: Int = 20) -> [String] {
        var out: [String] = []
        if offline { out.append("OFFLINE: planned without reading the nodes; apply never runs it.") }
        out.append(steps == 0 ? "Nothing to do (\(flow.rawValue)): the nodes already hold what the deployment file wants."
                              : "\(flow.rawValue): \(steps) step\(steps == 1 ? "" : "s") on \(nodes.count) place\(nodes.count == 1 ? "" : "s"):")
        if let backups { out.append("A snapshot first (backup snapshot \(backups)), so that backup rollback can go back.") }
        let tail = alreadySo.isEmpty ? 0 : 1
        let room = max(1, maxLines - out.count - tail)
        if nodes.count <= room {
            out += nodes.map { "  " + $0.text }
        } else {
            out += nodes.prefix(room - 1).map { "  " + $0.text }
            let rest = nodes.dropFirst(room - 1)
            out.append("  ... and \(rest.count) more: \(rest.reduce(0) { $0 + $1.steps }) steps")
        }
        if !alreadySo.isEmpty {
            out.append("Already so, not run: \(alreadySo.count) (\(alreadySo.prefix(3).map { Self.subject(of: $0) }.joined(separator: ", "))\(alreadySo.count > 3 ? ", ..." : ""))")
        }
        return out
    }

    /// `cms1 webadmin` of `cms1 webadmin: uses ...`.
    static func subject(of line: String) -> String {
        line.split(separator: ":", maxSplits: 1).first.map(String.init) ?? line
    }
}
