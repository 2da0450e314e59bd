import Deployment
import Foundation
import Inventory
import TerminalUI

extension WizardApp {
    /// Home → the dashboard: read the rows (again).
    func openDashboard(_ s: inout WizardState) -> [Command<WizardMessage>] {
        s.screen = .dashboard
        return refreshDashboard(&s)
    }

    /// Reads the workspace's certificates and every node's, off the input loop, and probes
    /// the endpoints on the dashboard again.
    func refreshDashboard(_ s: inout WizardState) -> [Command<WizardMessage>] {
        s.dashboard.generation += 1
        s.dashboard.loading = true
        let generation = s.dashboard.generation
        let target = s.context.apply
        let workspace = target?.workspace ?? s.context.workspaceDirectory
        let skipLabNodes: Bool
        if case .lab = s.context.source { skipLabNodes = true } else { skipLabNodes = false }
        let scan = Command<WizardMessage>.task { send in
            let now = Date()
            guard let policy = try? ExpiryPolicy() else { return }  // the defaults (30, 7) are valid
            let scan = await DashboardState.scan(target: target, workspace: workspace, skipLabNodes: skipLabNodes, policy: policy, now: now)
            send(.dashboardLoaded(generation: generation, rows: scan.rows, at: now, nodes: scan.nodes))
        }
        return [scan] + probeEndpoints(s.dashboard.endpoints, &s)
    }

    /// Puts `targets` on the dashboard in place of the endpoints there (none clears them)
    /// and probes each on a thread of its own, bounded by the dashboard's `endpointTimeout`: their rows join
    /// the table as they answer, and stay until cleared, probed again by every refresh (the
    /// same endpoints keep their last rows until the new answers come).
    func probeEndpoints(_ targets: [EndpointTarget], _ s: inout WizardState) -> [Command<WizardMessage>] {
        s.dashboard.endpointGeneration += 1
        if targets != s.dashboard.endpoints {
            s.dashboard.endpoints = targets
            s.dashboard.probes = Array(repeating: nil, count: targets.count)
            s.dashboard.mergeRows()
        }
        s.dashboard.awaiting = Set(targets.indices)
        let generation = s.dashboard.endpointGeneration
        let directory = s.context.apply?.workspace ?? s.context.workspaceDirectory, timeout = s.dashboard.endpointTimeout
        guard let policy = try? ExpiryPolicy() else { return [] }  // the defaults (30, 7) are valid
        let resolved = targets.map { s.dashboard.resolved($0) }
        s.dashboard.probedWith = resolved.map(\.configuredFingerprint)
        return resolved.enumerated().map { index, target in
            .perform {
                let now = Date()
                let probe = EndpointProbe.probe(target, directory: directory, policy: policy, now: now, timeout: timeout)
                return .dashboardEndpointProbed(generation: generation, index: index, probe)
            }
        }
    }

    /// The endpoints the deployment file lists (`endpoints:`), for the input to start with.
    func deploymentEndpoints(_ s: WizardState) -> [EndpointTarget] {
        guard let deployment = s.context.apply?.deployment else { return [] }
        return deployment.endpoints.map { EndpointTarget($0, of: deployment) }
    }

    func dashboardLoaded(_ generation: Int, _ rows: [CertificateRow], _ at: Date, _ nodes: [NodeScan], _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard generation == s.dashboard.generation else { return [] }
        s.dashboard.scannedRows = rows
        s.dashboard.loading = false
        s.dashboard.scannedAt = at
        s.dashboard.inspected = nil
        for scan in nodes { s.dashboard.nodeScans[scan.node] = scan }
        s.dashboard.mergeRows()
        // Endpoints probed before the nodes were read are probed again, now that what their
        // services are configured with is known.
        let now = s.dashboard.endpoints.map { s.dashboard.resolved($0).configuredFingerprint }
        if !s.dashboard.endpoints.isEmpty && now != s.dashboard.probedWith { return probeEndpoints(s.dashboard.endpoints, &s) }
        return []
    }

    func dashboardEndpointProbed(_ generation: Int, _ index: Int, _ probe: EndpointProbe, _ s: inout WizardState) {
        guard generation == s.dashboard.endpointGeneration, index < s.dashboard.probes.count else { return }
        s.dashboard.probes[index] = probe
        s.dashboard.awaiting.remove(index)
        s.dashboard.mergeRows()
    }

    /// The endpoints' input: Enter probes what it holds (or says what is wrong with it),
    /// an empty input clears the endpoints, Esc leaves them as they were.
    func endpointInputKey(_ key: Key, _ input: TextFieldState, _ s: inout WizardState) -> [Command<WizardMessage>] {
        var input = input
        switch key {
        case .esc:
            s.dashboard.endpointInput = nil
            s.dashboard.endpointError = nil
        case .enter:
            do {
                // An endpoint already known (on the dashboard, or in the deployment file) keeps its node and service.
                let known = s.dashboard.endpoints + deploymentEndpoints(s)
                let targets = try EndpointTarget.parseList(input.text).map { target in
                    var target = target
                    if let same = known.first(where: { $0.label == target.label }) {
                        target.node = same.node
                        target.service = same.service
                    }
                    return target
                }
                s.dashboard.endpointInput = nil
                s.dashboard.endpointError = nil
                return probeEndpoints(targets, &s)
            } catch {
                s.dashboard.endpointError = (error as? InventoryError)?.message ?? "\(error)"
            }
        default:
            if input.handle(key) {
                s.dashboard.endpointInput = input
                s.dashboard.endpointError = nil
            }
        }
        return []
    }

    func dashboardKey(_ key: Key, _ s: inout WizardState) -> [Command<WizardMessage>] {
        if let input = s.dashboard.endpointInput { return endpointInputKey(key, input, &s) }
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
        case .char("e"):
            d.openEndpointInput(d.endpoints.isEmpty ? deploymentEndpoints(s) : d.endpoints)
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
