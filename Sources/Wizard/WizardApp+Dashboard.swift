import Foundation
import Inventory
import TerminalUI

extension WizardApp {
    /// Home → the dashboard: read the rows (again).
    func openDashboard(_ s: inout WizardState) -> [Command<WizardMessage>] {
        s.screen = .dashboard
        return refreshDashboard(&s)
    }

    /// Reads the workspace's certificates and every node's, off the input loop.
    func refreshDashboard(_ s: inout WizardState) -> [Command<WizardMessage>] {
        s.dashboard.generation += 1
        s.dashboard.loading = true
        let generation = s.dashboard.generation
        let target = s.context.apply
        let workspace = target?.workspace ?? s.context.workspaceDirectory
        let skipLabNodes: Bool
        if case .lab = s.context.source { skipLabNodes = true } else { skipLabNodes = false }
        return [.task { send in
            let now = Date()
            guard let policy = try? ExpiryPolicy() else { return }  // the defaults (30, 7) are valid
            let rows = await DashboardState.scan(target: target, workspace: workspace, skipLabNodes: skipLabNodes, policy: policy, now: now)
            send(.dashboardLoaded(generation: generation, rows: rows, at: now))
        }]
    }

    func dashboardLoaded(_ generation: Int, _ rows: [CertificateRow], _ at: Date, _ s: inout WizardState) {
        guard generation == s.dashboard.generation else { return }
        s.dashboard.rows = rows.sortedByDaysLeft()
        s.dashboard.loading = false
        s.dashboard.scannedAt = at
        s.dashboard.inspected = nil
        let count = s.dashboard.table.visibleRows(s.dashboard.cells).count
        s.dashboard.table.selected = min(s.dashboard.table.selected, max(0, count - 1))
    }

    func dashboardKey(_ key: Key, _ s: inout WizardState) -> [Command<WizardMessage>] {
        var d = s.dashboard
        defer { s.dashboard = d }
        if d.inspected != nil {
            switch key {
            case .esc, .enter: d.inspected = nil
            case .up, .pageUp: d.inspectScroll = max(0, d.inspectScroll - (key == .up ? 1 : 10))
            case .down, .pageDown: d.inspectScroll += key == .down ? 1 : 10
            case .char("q"): s.dashboard = d; return requestQuit(&s)
            case .char("?"): s.help = HelpState()
            default: break
            }
            return []
        }
        if d.editingFilter {
            switch key {
            case .enter: d.editingFilter = false
            case .esc: d.editingFilter = false; d.table.setFilter("")
            case .backspace: d.table.setFilter(String(d.table.filter.dropLast()))
            case .char(let c): d.table.setFilter(d.table.filter + String(c))
            default: break
            }
            return []
        }
        let cells = d.cells
        let count = d.table.visibleRows(cells).count
        if d.table.handle(key, count: count, height: DashboardView.tableHeight(s.size)) { return [] }
        switch key {
        case .esc: s.screen = .home
        case .char("/"): d.editingFilter = true
        case .char(let c) where ("1"..."7").contains(c):
            d.table.sort(by: Int(String(c))! - 1)
        case .enter:
            if let row = d.table.selectedRow(in: cells) {
                d.inspected = row
                d.inspectScroll = 0
            }
        case .char("r"):
            s.dashboard = d
            let commands = refreshDashboard(&s)
            d = s.dashboard
            return commands
        case .char("q"): s.dashboard = d; return requestQuit(&s)
        case .char("?"): s.help = HelpState()
        default: break
        }
        return []
    }
}
