import Foundation
import Inventory
import TerminalUI

/// The expiry dashboard as a screen: the table (sort, filter, inspect a row), the
/// endpoints' input, and the scans and probes that fill it off the input loop.
extension DashboardState: WizardScreen {
    /// What happens on the dashboard.
    public enum Message: Sendable {
        /// A key of the table (↑ ↓ Home End PgUp PgDn).
        case table(Key)
        /// Enter: unfolds the chain of the line selected, or (unfolded, or no chain) opens its details.
        case inspect
        /// → unfolds the selected entry's chain, ← folds it.
        case fold(open: Bool)
        /// Esc or Enter on the details: back to the list.
        case closeInspect
        /// Scroll the details by `rows`.
        case scrollInspect(Int)
        /// /: type a filter.
        case startFilter
        /// A key while the filter is typed (Enter or Esc stop typing and keep it shown; ^U clears it).
        case filter(Key)
        /// s: the next order (worst first, days left, node, file, name).
        case cycleSort
        /// e: the endpoints' input.
        case openEndpoints
        /// A key in the endpoints' input (Enter probes, Esc leaves it).
        case endpoint(Key)
        /// r: read everything again.
        case refresh
        /// Rows read so far by refresh number `generation`: the count shown while it reads.
        case progress(generation: Int, rows: [CertificateRow])
        /// The rows, read by refresh number `generation` at `at`.
        case loaded(generation: Int, rows: [CertificateRow], at: Date, nodes: [NodeScan])
        /// What endpoint `index` presented, probed by probing number `generation`.
        case probed(generation: Int, index: Int, EndpointProbe)
        /// The lint of the certificate opened (by its fingerprint).
        case linted(DashboardLint)
    }

    func title(_ app: WizardState) -> String { "Expiry dashboard" }

    func footnote(_ app: WizardState) -> String { "Warning at 30 days or less, critical at 7. Nodes are read through their MMP." }

    func helpText(_ app: WizardState) -> String {
        """
        The expiry dashboard reads every certificate file of the workspace (and its subfolders, as cmscerts expiry does: no limit, a count while it reads) and of every node's MMP folder (through SSH, or the lab). One line per certificate in use: node, service using it, file, CN, expiry date, days left, status; worst first. The rest of its chain (its file's other members, the bundle its service uses) is folded under it: Enter or → unfolds, ← folds. Copies of one certificate (the workspace's and the node's: the same SHA-256) are one line, "+N" counting the other places, which its details list. Files no service uses are in the "unused" group at the bottom, never counted critical.
        Statuses carry a symbol and a colour: ✓ ok, ! warning (30 days or less), ✗ critical (7 or less), expired, not yet valid; ? unreadable files, listed with the reason. The header counts what the filter shows.
        ↑/↓ PgUp/PgDn move. s changes the order (worst first, days left, node, file, name). / filters (any place, name or status): the filter stays shown; Enter or Esc stop typing, / edits it again, ^U clears it. Enter on a line without a chain (or unfolded) opens its full details. r reads everything again.
        e adds live TLS endpoints, as cmscerts expiry --endpoint takes them (the input starts with those the deployment file lists under endpoints:): host:port[@sni][=cert file], several separated by spaces or commas (a relative cert file is read from the workspace, and the certificate presented is compared with it). Each is probed with a 10 s timeout; its chain joins the table (the endpoint in the Node column, "live" as the service), with the chain's order and a certificate that differs from the configured one in its status. The endpoints stay, probed again by r, until e and an empty input clear them.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        if inspected != nil {
            return [ScreenBinding(KeyBinding([.esc, .enter], label: "Esc", help: "back to the list"), .send(.closeInspect)),
                    ScreenBinding(KeyBinding([.up, .down, .pageUp, .pageDown], label: "↑↓", help: "scroll")) { key in
                        .send(.scrollInspect(ListNavigation.scrollRows(key)))
                    },
                    .help, .quit]
        }
        let f1 = ScreenBinding<Message>(KeyBinding(.f(1), help: "help", shownInHelp: false), .shell(.help))
        if editingFilter {
            let filter: @Sendable (Key) -> ScreenAction<Message> = { .send(.filter($0)) }
            let clear = self.filter.isEmpty ? [] : [ScreenBinding(KeyBinding(.ctrl("u"), label: "^U", help: "clear"), action: filter)]
            return [ScreenBinding(KeyBinding([.enter, .esc], label: "Enter/Esc", help: "stop typing"), action: filter)] + clear
                + [ScreenBinding(.typing([.backspace], help: "type the filter"), action: filter), f1]
        }
        if endpointInput != nil {
            let endpoint: @Sendable (Key) -> ScreenAction<Message> = { .send(.endpoint($0)) }
            return [ScreenBinding(KeyBinding(.enter, help: "probe"), action: endpoint), ScreenBinding(KeyBinding(.esc, help: "cancel"), action: endpoint),
                    ScreenBinding(KeyBinding(.ctrl("u"), label: "^U", help: "clear"), action: endpoint), ScreenBinding(.typing(), action: endpoint), f1]
        }
        // Lines to move through, unfold and open, when there are any.
        let table: @Sendable (Key) -> ScreenAction<Message> = { .send(.table($0)) }
        let rows: [ScreenBinding<Message>] = lines.isEmpty ? []
            : [ScreenBinding(.move, action: table), ScreenBinding(KeyBinding(.enter, help: "open"), .send(.inspect)),
               ScreenBinding(KeyBinding([.right, .left], label: "→←", help: "chain")) { key in .send(.fold(open: key == .right)) }]
        return rows + [ScreenBinding(KeyBinding(.char("/"), help: "filter"), .send(.startFilter)),
                       ScreenBinding(KeyBinding(.char("s"), help: "sort"), .send(.cycleSort)),
                       ScreenBinding(KeyBinding(.char("r"), help: "refresh"), .send(.refresh)), ScreenBinding(KeyBinding(.char("e"), help: "endpoints"), .send(.openEndpoints)),
                       .help, ScreenBinding(KeyBinding(.esc, help: "home"), .shell(.back(to: .home))), .quit]
            + (rows.isEmpty ? [] : [ScreenBinding(.jump, action: table)])
            // The built-in lab only: its clock, moved on a screen of its own (LabClock).
            + (app.context.labControls == nil ? [] : [ScreenBinding(KeyBinding(.char("c"), help: "clock"), .shell(.open(.labClock)))])
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .table(let key):
            table.handle(key, count: lines.count, in: DashboardView.layout(app.bodyArea, self).table)
        case .inspect:
            if !fold(open: true), let line = selectedLine, let row = line.row {
                inspected = line
                inspectScroll = 0
                inspectedLint = nil
                let places = line.kind == .entry ? line.entry?.places ?? [] : []
                let workspace = app.context.workspaceDirectory
                return [.command(.perform { .linted(DashboardLint.read(row, places: places, workspace: workspace)) })]
            }
        case .linted(let lint):
            if inspected?.row?.sha256Fingerprint == lint.fingerprint { inspectedLint = lint }
        case .fold(let open):
            fold(open: open)
        case .closeInspect:
            inspected = nil
        case .scrollInspect(let rows):
            inspectScroll = max(0, inspectScroll + rows)
        case .startFilter:
            editingFilter = true
        case .filter(let key):
            switch key {
            case .enter, .esc: editingFilter = false
            case .ctrl("u") where !filter.isEmpty: setFilter("")
            case .backspace: setFilter(String(filter.dropLast()))
            case .char(let c): setFilter(filter + String(c))
            default: break
            }
        case .cycleSort:
            cycleOrder()
        case let .progress(generation, rows):
            progressed(generation, rows)
        case .openEndpoints:
            openEndpointInput(endpoints.isEmpty ? Self.deploymentEndpoints(app) : endpoints)
        case .endpoint(let key):
            return endpointInput(key, app)
        case .refresh:
            return refresh(app)
        case let .loaded(generation, rows, at, nodes):
            return loaded(generation, rows, at, nodes, app)
        case let .probed(generation, index, probe):
            probed(generation, index, probe)
        }
        return []
    }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        DashboardView.render(app, area: area, buffer: &b)
    }
}
