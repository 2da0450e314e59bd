import Deployment
import Foundation
import Inventory
import TerminalUI

extension DashboardState {
    /// Home → the dashboard: read the rows (again).
    mutating func opened(_ app: WizardState) -> [ScreenEffect<Message>] {
        refresh(app)
    }

    /// The dashboard's clock: the one source of "now" for every validity it judges (the
    /// scan's and the endpoints'), asked when the work runs: the deployment's (the lab's,
    /// moved to rehearse expiry, or the system's).
    static func clock(_ app: WizardState) -> @Sendable () -> Date {
        let context = app.context
        return { context.now() }
    }

    /// Reads the workspace's certificates and every node's, off the input loop, and probes
    /// the endpoints on the dashboard again.
    mutating func refresh(_ app: WizardState) -> [ScreenEffect<Message>] {
        generation += 1
        loading = true
        readSoFar = 0
        streamed = scannedRows == nil ? [] : nil
        mergedCount = 0
        let generation = self.generation
        let target = app.context.apply
        let workspace = app.context.workspaceDirectory
        let skipLabNodes: Bool
        if case .lab = app.context.source { skipLabNodes = true } else { skipLabNodes = false }
        let clock = Self.clock(app)
        let connections = app.context.connections
        let scan = Command<Message>.task { send in
            let now = clock()
            guard let policy = try? ExpiryPolicy() else { return }  // the defaults (30, 7) are valid
            let scan = await DashboardState.scan(target: target, workspace: workspace, skipLabNodes: skipLabNodes, policy: policy, now: now,
                                                 connections: connections) { batch in
                send(.progress(generation: generation, rows: batch))
            }
            send(.loaded(generation: generation, rows: scan.rows, at: now, nodes: scan.nodes))
        }
        return [.command(scan)] + probe(endpoints, app)
    }

    /// Puts `targets` on the dashboard in place of the endpoints there (none clears them)
    /// and probes each on a thread of its own, bounded by the dashboard's `endpointTimeout`: their rows join
    /// the table as they answer, and stay until cleared, probed again by every refresh (the
    /// same endpoints keep their last rows until the new answers come).
    mutating func probe(_ targets: [EndpointTarget], _ app: WizardState) -> [ScreenEffect<Message>] {
        endpointGeneration += 1
        if targets != endpoints {
            endpoints = targets
            probes = Array(repeating: nil, count: targets.count)
            mergeRows()
        }
        awaiting = Set(targets.indices)
        let generation = endpointGeneration
        let directory = app.context.workspaceDirectory, timeout = endpointTimeout
        guard let policy = try? ExpiryPolicy() else { return [] }  // the defaults (30, 7) are valid
        let resolved = targets.map { self.resolved($0) }
        probedWith = resolved.map(\.configuredFingerprint)
        let clock = Self.clock(app)
        return resolved.enumerated().map { index, target in
            .command(.perform {
                let now = clock()
                let probe = EndpointProbe.probe(target, directory: directory, policy: policy, now: now, timeout: timeout)
                return .probed(generation: generation, index: index, probe)
            })
        }
    }

    /// The endpoints the deployment file lists (`endpoints:`), for the input to start with.
    static func deploymentEndpoints(_ app: WizardState) -> [EndpointTarget] {
        guard let deployment = app.context.apply?.deployment else { return [] }
        return deployment.endpoints.map { EndpointTarget($0, of: deployment) }
    }

    /// A batch of the workspace's rows: counted, and on the first scan shown at once.
    mutating func progressed(_ asked: Int, _ rows: [CertificateRow]) {
        guard asked == generation else { return }
        readSoFar += rows.count
        guard streamed != nil else { return }
        streamed!.append(contentsOf: rows)
        if streamed!.count >= max(1, mergedCount * 2) {
            mergedCount = streamed!.count
            scannedRows = streamed
            mergeRows()
        }
        // Past the first few thousand, only the count moves until the whole is read: each
        // merge sorts and groups every row on the input loop (seconds at 50,000 in a debug
        // build), and keys and frames would wait for it.
        if streamed!.count >= Self.streamedRowsLimit { streamed = nil }
    }

    mutating func loaded(_ asked: Int, _ rows: [CertificateRow], _ at: Date, _ nodes: [NodeScan], _ app: WizardState) -> [ScreenEffect<Message>] {
        guard asked == generation else { return [] }
        streamed = nil
        scannedRows = rows
        loading = false
        scannedAt = at
        inspected = nil
        for scan in nodes { nodeScans[scan.node] = scan }
        readSoFar = rows.count
        mergeRows()
        // Endpoints probed before the nodes were read are probed again, now that what their
        // services are configured with is known.
        let now = endpoints.map { resolved($0).configuredFingerprint }
        if !endpoints.isEmpty && now != probedWith { return probe(endpoints, app) }
        return []
    }

    mutating func probed(_ asked: Int, _ index: Int, _ probe: EndpointProbe) {
        guard asked == endpointGeneration, index < probes.count else { return }
        probes[index] = probe
        awaiting.remove(index)
        mergeRows()
    }

    /// The endpoints' input: Enter probes what it holds (or says what is wrong with it),
    /// an empty input clears the endpoints, Esc leaves them as they were.
    mutating func endpointInput(_ key: Key, _ app: WizardState) -> [ScreenEffect<Message>] {
        guard var input = endpointInput else { return [] }
        switch key {
        case .esc:
            endpointInput = nil
            endpointError = nil
        case .enter:
            do {
                // An endpoint already known (on the dashboard, or in the deployment file) keeps its node and service.
                let known = endpoints + Self.deploymentEndpoints(app)
                let targets = try EndpointTarget.parseList(input.text).map { target in
                    var target = target
                    if let same = known.first(where: { $0.label == target.label }) {
                        target.node = same.node
                        target.service = same.service
                    }
                    return target
                }
                endpointInput = nil
                endpointError = nil
                return probe(targets, app)
            } catch {
                endpointError = (error as? InventoryError)?.message ?? "\(error)"
            }
        default:
            if input.handle(key) {
                endpointInput = input
                endpointError = nil
            }
        }
        return []
    }
}
