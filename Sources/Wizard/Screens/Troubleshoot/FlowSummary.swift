import Deployment

/// What a plan does, in a few sentences read off its steps (never written per flow by
/// hand, so the Fix screen cannot promise what the plan does not do): the backup and its
/// name, which keys and CSRs are made (or that the present ones are re-used), what is
/// uploaded under which names, which services are pointed at new files, which restart,
/// and what happens to the database cluster.
enum FlowSummary {
    static func lines(_ plan: Plan) -> [String] {
        var out: [String] = []
        let mmp = plan.steps.filter { $0.kind == .mmp }
        func nodes(_ steps: [Step]) -> String {
            let names = plan.nodes.map(\.name).filter { n in steps.contains { $0.node == n } }
            return names.count == plan.nodes.count && names.count > 1 ? "every node" : names.joined(separator: ", ")
        }
        func list(_ items: [String], max: Int = 4) -> String {
            var seen: [String] = []
            for item in items where !seen.contains(item) { seen.append(item) }
            return seen.count > max ? seen.prefix(max).joined(separator: ", ") + " and \(seen.count - max) more" : seen.joined(separator: ", ")
        }
        func word(_ command: String, _ index: Int) -> String {
            let words = command.split(separator: " ")
            return index < words.count ? String(words[index]) : ""
        }

        let backups = mmp.filter { $0.command.hasPrefix("backup snapshot ") }
        if let name = backups.first.map({ word($0.command, 2) }) {
            out.append("First a backup on \(nodes(backups)): \(name).")
        }
        let csrs = mmp.filter { $0.command.hasPrefix("pki csr ") }
        if csrs.isEmpty {
            out.append("Makes no key and no CSR: the signed certificates answer the CSRs already made.")
        } else {
            // A check on this machine waits for files a person places: the CA's answers.
            let waits = plan.steps.contains { $0.kind == .check && $0.node == nil }
            out.append("Makes new keys and CSRs on the node (\(list(csrs.map { word($0.command, 2) })))" + (waits ? ", then waits for your CA to sign them." : "."))
        }
        if mmp.contains(where: { $0.command.hasPrefix("pki selfsigned ") }) {
            out.append("Makes a new built-in CA (\(list(mmp.filter { $0.command.hasPrefix("pki selfsigned ") }.map { word($0.command, 2) }))) and signs \(list(mmp.filter { $0.command.hasPrefix("pki sign ") }.map { word($0.command, 2) })) with it.")
        }
        let uploads = plan.steps.filter { $0.kind == .upload }
        let configured = mmp.filter { $0.command.contains(" certs ") && !$0.command.hasPrefix("database ") }
        if !uploads.isEmpty {
            let names = list(uploads.flatMap(\.writes).map(\.name))
            out.append(configured.isEmpty
                       ? "Uploads \(names) to \(nodes(uploads)) under the same names as now: no service is reconfigured."
                       : "Uploads \(names) to \(nodes(uploads)) under new names, then points each service at them (\(list(configured.map { String($0.command.split(separator: " ").prefix(while: { $0 != "certs" }).joined(separator: " ")) }, max: 6))).")
        }
        let restarts = mmp.filter { $0.command.hasSuffix(" restart") }.map { word($0.command, 0) }
        let cycled = mmp.filter { $0.command.hasSuffix(" disable") }.map { String($0.command.dropLast(" disable".count)) }
        if !restarts.isEmpty || !cycled.isEmpty {
            let services = list(restarts + cycled, max: 6)
            let touched = mmp.filter { $0.command.hasSuffix(" restart") || $0.command.hasSuffix(" disable") }
            let how = restarts.isEmpty ? "disable, then enable" : cycled.isEmpty ? "restart" : "\(list(restarts)) restart, the others disable, then enable"
            out.append("Restarts \(services) on \(nodes(touched)) (\(how)).")
        }
        let removed = mmp.filter { $0.command == "database cluster remove" }
        if !removed.isEmpty {
            let primary = mmp.first { $0.command == "database cluster initialize" }?.node
            let joins = mmp.filter { $0.command.hasPrefix("database cluster join ") }.compactMap(\.node)
            var how: [String] = []
            if let primary { how.append("initialize on " + primary) }
            if !joins.isEmpty { how.append("join on " + list(joins)) }
            let detail = how.isEmpty ? "" : " (" + how.joined(separator: ", ") + ")"
            out.append("Removes \(nodes(removed)) from the database cluster, then makes it again\(detail).")
        }
        if out.count == (backups.isEmpty ? 1 : 2) && uploads.isEmpty && removed.isEmpty {
            out.append("Nothing else to do: the nodes already hold what it would make.")
        }
        return out
    }
}
