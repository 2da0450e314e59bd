import Deployment
import TerminalUI

/// Troubleshooting: the article's three situations, each a guided plan that opens in the
/// same Step 5 review and run as every other procedure.
enum TroubleshootView {
    /// The situations, in the article's order.
    static let flows: [Flow] = [.renew, .renewNewNames, .renewDatabase]

    static func title(_ flow: Flow) -> String {
        switch flow {
        case .renew: return "A certificate expired (any service but the database)"
        case .renewNewNames: return "Renew before expiry while production is live"
        case .renewDatabase: return "The database certificates expired"
        case .fresh: return "A fresh deployment"
        }
    }

    /// What the article says to do, and why.
    static func explain(_ flow: Flow) -> String {
        switch flow {
        case .renew:
            return "Upload the new certificate under the SAME file name as the old one, then restart the service: nothing is reconfigured. The plan makes new CSRs, waits for your CA's certificates, uploads them and restarts each service."
        case .renewNewNames:
            return "Make the new key and CSR under a NEW basename: pki csr over the basename of a key in use overwrites it and breaks the service at once. The plan makes new keys beside the live ones, waits for the signed certificates, then swaps each service to them."
        case .renewDatabase:
            return "database cluster status finds the primary; database cluster remove on every node, the replicas first, then the primary; then Step 3 again: a new built-in CA, dbserver and dbclient, and the cluster made again."
        case .fresh:
            return ""
        }
    }

    static func items() -> [MenuItem] {
        flows.map { MenuItem(title($0), detail: $0.rawValue) }
    }

    static let bindings: [KeyBinding] = [.move, KeyBinding(.enter, help: "plan it"), KeyBinding(.esc, help: "home"), .help, .quit]

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        let parts = Layout.vertical([.length(2), .length(flows.count), .length(1), .fill(1)]).split(area)
        var top = TextLines(width: area.width, theme: theme)
        top.add("What is wrong? Each answer is a plan for your nodes, reviewed step by step before it runs.", .title)
        top.render(area: parts[0], buffer: &b)
        Menu(items: items(), state: s.troubleshoot).render(area: parts[1], buffer: &b, theme: theme)
        let flow = flows[min(s.troubleshoot.selected, flows.count - 1)]
        var text = TextLines(width: parts[3].width, theme: theme)
        text.add(explain(flow), .normal, indent: 2)
        text.blank()
        text.add("Enter plans it for \(s.context.apply.map { countedNodes($0.deployment.nodes.count) } ?? "the estate") and opens the Step 5 review: every command and file, nothing run before y.", .muted, indent: 2)
        text.render(area: parts[3], buffer: &b)
    }
}
