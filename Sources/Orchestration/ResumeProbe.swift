import Deployment
import Foundation

/// Looks, read-only, at whether a step that a killed run had started (journal: started,
/// never ended) took effect already, for the steps that must not run twice: `pki csr` and
/// `pki selfsigned` (a second run would make a new key over the first) and the database
/// cluster's initialize, join and connect (a second one is refused by a node already in
/// the cluster). Other steps are simply run again.
enum ResumeProbe {
    /// The MMP command that lists the node's files (`pki list`).
    static let list = "pki list"
    /// The MMP command that shows the node's place in the database cluster.
    static let status = "database cluster status"

    /// A line saying why the step counts as done, or nil when it must run (again).
    static func alreadyDone(_ step: Step, transport: any Transport, timeout: Duration) async -> String? {
        let words = step.command.split(separator: " ").map(String.init)
        guard step.kind == .mmp, words.count >= 3 else { return nil }
        if words[0] == "pki", words[1] == "csr" || words[1] == "selfsigned" {
            let files = step.writes.filter { $0.node == step.node }.map(\.name)
            guard !files.isEmpty, let output = try? await transport.run(list, answer: nil, timeout: timeout) else { return nil }
            let listed = Set(output.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            guard files.allSatisfy(listed.contains) else { return nil }
            return "found \(files.joined(separator: " and ")) on the node: the step ran before the interruption; not run again, so no key is made twice"
        }
        if words[0] == "database", words[1] == "cluster", ["initialize", "join", "connect"].contains(words[2]) {
            guard let output = try? await transport.run(status, answer: nil, timeout: timeout) else { return nil }
            let joined = output.text.split(separator: "\n").contains { $0.contains("(me)") && $0.contains("Connected") }
            return joined ? "the node is in the database cluster already: `\(step.command)` ran before the interruption" : nil
        }
        return nil
    }
}
