import Foundation
import Deployment
import TerminalUI

/// Troubleshooting: the article's three situations, each a guided plan that opens in the
/// same Step 5 review and run as every other procedure.
public struct TroubleshootScreen: WizardScreen {
    /// What happens on the screen.
    public enum Message: Sendable {
        /// A key of the menu (↑ ↓ Home End PgUp PgDn).
        case move(Key)
        /// What the nodes hold, read by reading number `generation`: each flow is planned from it.
        case stateRead(generation: Int, Result<CurrentState, WizardFailure>)
    }

    /// The situations, in the article's order.
    static let flows: [Flow] = [.renew, .renewNewNames, .renewDatabase]

    /// The selection.
    var menu = MenuState()
    /// Each flow's plan for the nodes as read when the screen opened (what its text says
    /// comes from it), or why there is none; empty while the nodes are read.
    var plans: [Flow: Result<Plan, WizardFailure>] = [:]
    /// Which reading the answer comes from; older ones are dropped.
    var generation = 0

    /// The situation selected.
    var flow: Flow { Self.flows[min(menu.selected, Self.flows.count - 1)] }

    static func title(_ flow: Flow) -> String {
        switch flow {
        case .renew: return "A certificate expired (any service but the database)"
        case .renewNewNames: return "Renew before expiry while production is live"
        case .renewDatabase: return "The database certificates expired"
        case .fresh: return "A fresh deployment"
        }
    }

    /// What the article says to do, and why (what the plan does is read off the plan).
    static func explain(_ flow: Flow) -> String {
        switch flow {
        case .renew:
            return "Upload the new certificate under the SAME file name as the old one, then restart the service: nothing is reconfigured."
        case .renewNewNames:
            return "Make the new key and CSR under a NEW basename: pki csr over the basename of a key in use overwrites it and breaks the service at once. Then swap each service to the new files."
        case .renewDatabase:
            return "database cluster status finds the primary; database cluster remove on every node, the replicas first, then the primary; then Step 3 again: a new built-in CA, dbserver and dbclient, and the cluster made again."
        case .fresh:
            return ""
        }
    }

    static func items() -> [MenuItem] {
        flows.map { MenuItem(title($0), detail: $0.rawValue) }
    }

    func title(_ app: WizardState) -> String { "Troubleshooting" }

    func footnote(_ app: WizardState) -> String { "The article's troubleshooting flows, as plans: reviewed before anything runs." }

    func helpText(_ app: WizardState) -> String {
        """
        Troubleshooting lists the article's three situations: an expired certificate (same file names, restart), a renewal while production is live (new basenames, then swap), expired database certificates (remove on every node, then Step 3 again).
        Enter plans the one selected for your nodes and opens it in Step 5: the same review of every command and file, the same run with progress per node, the same resume. Esc on that review comes back here.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        [ScreenBinding(.move) { .send(.move($0)) }, ScreenBinding(KeyBinding(.enter, help: "plan it"), .shell(.plan(flow, from: .troubleshoot))),
         ScreenBinding(KeyBinding(.esc, help: "home"), .shell(.back(to: .home))), .help, .quit, ScreenBinding(.jump) { .send(.move($0)) }]
    }

    /// Opened: read what the nodes hold, off the input loop, to plan each flow from it.
    mutating func opened(_ app: WizardState) -> [ScreenEffect<Message>] {
        guard let target = app.context.apply else { return [] }
        generation += 1
        plans = [:]
        let generation = self.generation
        let connections = app.context.connections
        return [.command(.task { send in send(.stateRead(generation: generation, await target.readNodeState(connections))) })]
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .move(let key):
            let items = Self.items()
            menu.handle(key, items: items, height: items.count)
        case let .stateRead(generation, result):
            guard generation == self.generation, let target = app.context.apply else { return [] }
            plans = Self.plans(target.deployment, result)
        }
        return []
    }

    /// Each flow planned from `state` (or the reason the nodes could not be read).
    static func plans(_ deployment: Deployment, _ state: Result<CurrentState, WizardFailure>) -> [Flow: Result<Plan, WizardFailure>] {
        var out: [Flow: Result<Plan, WizardFailure>] = [:]
        for flow in flows {
            switch state {
            case .success(let current):
                do { out[flow] = .success(try Planner.plan(deployment, flow: flow, current: current)) } catch { out[flow] = .failure(WizardFailure("\(error)")) }
            case .failure(let failure):
                out[flow] = .failure(WizardFailure("the nodes could not be read: \(failure.message)"))
            }
        }
        return out
    }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        let theme = app.theme
        let parts = Layout.vertical([.length(2), .length(Self.flows.count), .length(1), .fill(1)]).split(area)
        var top = TextLines(width: area.width, theme: theme)
        top.add("What is wrong? Each answer is a plan for your nodes, reviewed step by step before it runs.", .title)
        top.render(area: parts[0], buffer: &b)
        Menu(items: Self.items(), state: menu).render(area: parts[1], buffer: &b, theme: theme)
        var text = TextLines(width: parts[3].width, theme: theme)
        text.add(Self.explain(flow), .normal, indent: 2)
        text.blank()
        switch plans[flow] {
        case .success(let plan)?:
            text.add("Its plan for your nodes, as they are now:", .title, indent: 2)
            for line in FlowSummary.lines(plan) { text.add(line, .normal, indent: 6, prefix: "    · ") }
        case .failure(let failure)?:
            // The first reason; Step 5's review (Enter) lists them all.
            let reasons = failure.message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let more = reasons.count > 2 ? " (\(reasons.count - 2) more reasons: Enter lists them)" : ""
            text.add("No plan for your nodes as they are now: " + reasons.prefix(2).joined(separator: " ") + more, .warning, indent: 2)
        case nil:
            if app.context.apply != nil { text.add("Reading what the nodes hold, to say what its plan does…", .muted, indent: 2) }
        }
        text.blank()
        // One line at 80 columns, so that a long plan summary does not push it out of sight.
        text.add("Enter opens its plan for \(app.context.apply.map { countedNodes($0.deployment.nodes.count) } ?? "the estate") in Step 5's review; nothing runs before y.", .muted, indent: 2)
        text.render(area: parts[3], buffer: &b)
    }
}
