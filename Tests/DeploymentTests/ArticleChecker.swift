@testable import Deployment

/// Checks a plan against the article's order, in the order a person follows it
/// (`runbookOrder()`) and in the plan's own order. Returns every rule broken.
enum ArticleChecker {
    static func violations(_ plan: Plan, _ d: Deployment, state: CurrentState = .empty) -> [String] {
        violations(order: plan.runbookOrder(), d, state: state, cmsVersion: plan.cmsVersion)
            + violations(order: plan.steps, d, state: state, cmsVersion: plan.cmsVersion)
    }

    static func violations(order: [Step], _ d: Deployment, state: CurrentState, cmsVersion: CMSVersion) -> [String] {
        var out: [String] = []
        func pos(_ where_: (Step) -> Bool) -> [Int] { order.indices.filter { where_(order[$0]) } }
        func on(_ node: String, _ command: String) -> (Step) -> Bool { { $0.node == node && $0.command == command } }
        func starts(_ prefix: String) -> (Step) -> Bool { { $0.command.hasPrefix(prefix) } }

        if !Plan.respectsDependencies(order) { out.append("a step comes before a step it waits for") }
        if Set(order.map(\.id)).count != order.count { out.append("a step id is repeated") }

        // Database: remove everywhere before any database certificate is made or applied.
        let removes = pos { $0.command == "database cluster remove" }
        let dbMaking = pos { $0.command.contains("dbca") || $0.command.contains(" dbserver") || $0.command.contains(" dbclient") || $0.command.hasPrefix("database cluster certs") }
        if let lastRemove = removes.max(), let firstMaking = dbMaking.min(), firstMaking < lastRemove {
            out.append("database certificates made or applied before every node left the cluster")
        }
        for r in removes where order[r].confirmation != "Y" { out.append("\(order[r].id) has no Y confirmation") }
        for r in removes {
            let node = order[r].node!
            if !pos(on(node, "backup snapshot cmscerts-fresh")).contains(where: { $0 < r })
                && !pos({ $0.node == node && $0.command.hasPrefix("backup snapshot") }).contains(where: { $0 < r }) {
                out.append("no backup snapshot before the remove on \(node)")
            }
        }
        if let primary = d.primary, !removes.isEmpty {
            let primaryRemove = pos(on(primary.name, "database cluster remove"))
            if let p = primaryRemove.first, removes.contains(where: { $0 > p }) { out.append("the primary left the cluster before a replica") }
            let memberCount = d.databaseMembers.count
            if removes.count != memberCount { out.append("remove ran on \(removes.count) nodes, not the \(memberCount) members") }
        }
        let selfsigned = pos(starts("pki selfsigned dbca") ) + pos { $0.command.hasPrefix("cmscerts pki selfsigned dbca") }
        let signs = pos { $0.command.contains("pki sign") }
        if let s = selfsigned.min(), signs.contains(where: { $0 < s }) { out.append("a sign before dbca exists") }
        for i in pos({ $0.command.contains("pki csr dbclient") }) where !order[i].command.contains("CN:postgres") {
            out.append("dbclient CN is not postgres: \(order[i].command)")
        }
        for i in pos(starts("database cluster certs")) {
            let count = order[i].command.split(separator: " ").count - 3
            let role = d.node(named: order[i].node!)!.database
            let want = role == .connected ? 3 : 5
            if count != want { out.append("\(order[i].id): \(count)-file certs on a \(role.rawValue) node") }
        }
        let initialize = pos { $0.command == "database cluster initialize" }
        if initialize.count > 1 { out.append("initialize runs more than once") }
        for i in initialize {
            if order[i].node != d.primary?.name { out.append("initialize on a node that is not the primary") }
            if !pos(on(order[i].node!, "database cluster localnode a")).contains(where: { $0 < i }) { out.append("initialize before localnode") }
        }
        let joins = pos(starts("database cluster join")) + pos(starts("database cluster connect"))
        if let i = initialize.first {
            if joins.contains(where: { $0 < i }) { out.append("a join or connect before initialize") }
            let status = pos { $0.node == order[i].node && $0.command == "database cluster status" && $0 .success?.alternatives.first == ["(me)", "Connected Primary"] }
            guard let s = status.first(where: { $0 > i }) else { out.append("no Connected Primary check after initialize"); return out }
            if joins.contains(where: { $0 < s }) { out.append("a join or connect before the primary showed Connected Primary") }
        } else if !joins.isEmpty {
            out.append("joins with no initialize")
        }
        for j in joins {
            let node = order[j].node!
            if !pos(on(node, "database cluster localnode a")).contains(where: { $0 < j }) { out.append("\(node) joins before localnode") }
            if !pos({ $0.node == node && $0.command.hasPrefix("database cluster certs") }).contains(where: { $0 < j }) { out.append("\(node) joins before certs") }
        }

        // Services: disable before certs before enable; callbridge restart after its certs.
        for node in d.nodes {
            for s in [Service.webadmin, .webbridge, .webbridge3, .xmpp, .turn] where node.runs(s) {
                let disable = pos { $0.node == node.name && ($0.command == "\(s.rawValue) disable") }
                let certs = pos { $0.node == node.name && $0.command.hasPrefix("\(s.rawValue) ") && $0.command.contains("certs") }
                let enable = pos { $0.node == node.name && ($0.command == "\(s.rawValue) enable") }
                for c in certs {
                    if !disable.contains(where: { $0 < c }) { out.append("\(node.name): \(s.rawValue) certs before disable") }
                    if !enable.contains(where: { $0 > c }) { out.append("\(node.name): \(s.rawValue) certs with no enable after") }
                }
                if let d0 = disable.first, !enable.contains(where: { $0 > d0 }) { out.append("\(node.name): \(s.rawValue) disabled and never enabled") }
            }
            if node.runs(.callbridge) {
                let certs = pos { $0.node == node.name && $0.command.hasPrefix("callbridge certs") }
                let restart = pos(on(node.name, "callbridge restart"))
                for c in certs where !restart.contains(where: { $0 > c }) { out.append("\(node.name): no callbridge restart after its certs") }
            }
        }
        if cmsVersion.isThreeX && order.contains(where: { $0.command.hasPrefix("xmpp ") || $0.command.hasPrefix("webbridge ") }) {
            out.append("xmpp or webbridge commands on CMS 3.x")
        }

        // Files: every file a step reads exists by then (written before, or on the node now).
        var have: Set<FileRef> = []
        for (name, node) in state.nodes { for f in node.files { have.insert(FileRef(node: name, f)) } }
        for step in order {
            for file in step.reads where !have.contains(file) {
                out.append("\(step.id) reads \(file) before it exists")
            }
            have.formUnion(step.writes)
        }
        return out
    }
}
