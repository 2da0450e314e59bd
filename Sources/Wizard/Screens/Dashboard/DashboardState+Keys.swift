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
        /// Enter: the details of the row selected.
        case inspect
        /// Esc or Enter on the details: back to the list.
        case closeInspect
        /// Scroll the details by `rows`.
        case scrollInspect(Int)
        /// /: type a filter.
        case startFilter
        /// A key while the filter is typed (Enter keeps it, Esc clears it).
        case filter(Key)
        /// Sort by column `index` (again: reversed).
        case sort(Int)
        /// e: the endpoints' input.
        case openEndpoints
        /// A key in the endpoints' input (Enter probes, Esc leaves it).
        case endpoint(Key)
        /// r: read everything again.
        case refresh
        /// The rows, read by refresh number `generation` at `at`.
        case loaded(generation: Int, rows: [CertificateRow], at: Date, nodes: [NodeScan])
        /// What endpoint `index` presented, probed by probing number `generation`.
        case probed(generation: Int, index: Int, EndpointProbe)
    }

    func title(_ app: WizardState) -> String { "Expiry dashboard" }

    func footnote(_ app: WizardState) -> String { "Warning at 30 days or less, critical at 7. Nodes are read through their MMP." }

    func helpText(_ app: WizardState) -> String {
        """
        The expiry dashboard reads every certificate file of the workspace (and its subfolders) and of every node's MMP folder (through SSH, or the lab), one row per certificate: node, service using it, file, CN, expiry date, days left, status.
        Colours follow the thresholds: warning at 30 days or less, critical at 7, expired past the date; unreadable files are listed with the reason.
        ↑/↓ PgUp/PgDn move. 1 to 7 sort by that column (again reverses). / filters: type, Enter keeps it, Esc clears it. Enter opens the full details of a row. r reads everything again.
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
            return [ScreenBinding(KeyBinding(.enter, help: "keep filter"), action: filter), ScreenBinding(KeyBinding(.esc, help: "clear filter"), action: filter),
                    ScreenBinding(.typing([.backspace], help: "type the filter"), action: filter), f1]
        }
        if endpointInput != nil {
            let endpoint: @Sendable (Key) -> ScreenAction<Message> = { .send(.endpoint($0)) }
            return [ScreenBinding(KeyBinding(.enter, help: "probe"), action: endpoint), ScreenBinding(KeyBinding(.esc, help: "cancel"), action: endpoint),
                    ScreenBinding(KeyBinding(.ctrl("u"), label: "^U", help: "clear"), action: endpoint), ScreenBinding(.typing(), action: endpoint), f1]
        }
        // Rows to move through and open, when there are any.
        let table: @Sendable (Key) -> ScreenAction<Message> = { .send(.table($0)) }
        let rows: [ScreenBinding<Message>] = self.table.visibleRows(cells).isEmpty ? []
            : [ScreenBinding(.move, action: table), ScreenBinding(KeyBinding(.enter, help: "inspect"), .send(.inspect))]
        // At 80 columns the bar keeps the first that fit: help before Esc and q, which work on every screen.
        return rows + [ScreenBinding(KeyBinding(.char("/"), help: "filter"), .send(.startFilter)),
                       ScreenBinding(KeyBinding(["1", "2", "3", "4", "5", "6", "7"].map { Key.char($0) }, label: "1-7", help: "sort")) { key in
                           .send(.sort(Int(key.description).map { $0 - 1 } ?? 0))
                       },
                       ScreenBinding(KeyBinding(.char("r"), help: "refresh"), .send(.refresh)), ScreenBinding(KeyBinding(.char("e"), help: "endpoints"), .send(.openEndpoints)),
                       .help, ScreenBinding(KeyBinding(.esc, help: "home"), .shell(.back(to: .home))), .quit]
            + (rows.isEmpty ? [] : [ScreenBinding(.jump, action: table)])
            // The built-in lab only: its clock, moved on a screen of its own (LabClock).
            + (app.context.labControls == nil ? [] : [ScreenBinding(KeyBinding(.char("c"), help: "lab clock"), .shell(.open(.labClock)))])
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .table(let key):
            table.handle(key, count: table.visibleRows(cells).count, height: DashboardView.tableHeight(app.size))
        case .inspect:
            if let row = table.selectedRow(in: cells) {
                inspected = row
                inspectScroll = 0
            }
        case .closeInspect:
            inspected = nil
        case .scrollInspect(let rows):
            inspectScroll = max(0, inspectScroll + rows)
        case .startFilter:
            editingFilter = true
        case .filter(let key):
            switch key {
            case .enter: editingFilter = false
            case .esc: editingFilter = false; table.setFilter("")
            case .backspace: table.setFilter(String(table.filter.dropLast()))
            case .char(let c): table.setFilter(table.filter + String(c))
            default: break
            }
        case .sort(let column):
            table.sort(by: column)
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
