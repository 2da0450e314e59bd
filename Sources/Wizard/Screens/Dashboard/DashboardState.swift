import Foundation
import Inventory
import Orchestration
import PKI
import TerminalUI

/// The expiry dashboard: every certificate of the workspace and of the nodes, one row
/// each, coloured by threshold; sorted, filtered, and opened one at a time.
public struct DashboardState: Sendable {
    /// The rows, or nil before the first scan ends.
    public var rows: [CertificateRow]?
    /// A scan is running.
    public var loading = false
    /// Which scan the rows come from; older answers are dropped.
    public var generation = 0
    /// Selection, scroll, sort and filter; unsorted, the rows' own order: unreadable files
    /// first, then the nearest expiry.
    public var table = TableState()
    /// True while `/` is taking the filter's text.
    public var editingFilter = false
    /// The row opened with Enter (an index in `rows`), shown in full.
    public var inspected: Int?
    /// Rows of the inspect view scrolled past.
    public var inspectScroll = 0
    /// When the rows were read.
    public var scannedAt: Date?
    /// The workspace's and the nodes' rows, as the last scan read them; `rows` adds the
    /// endpoints' to them.
    public var scannedRows: [CertificateRow]?
    /// The live endpoints on the dashboard: probed when given and again on every refresh,
    /// until an empty input clears them.
    public var endpoints: [EndpointTarget] = []
    /// The last scan of each node, by name: what its services are configured with.
    public var nodeScans: [String: NodeScan] = [:]
    /// The configured fingerprint each endpoint was last probed with.
    var probedWith: [String?] = []
    /// What each endpoint presented, in `endpoints`' order; nil until its first answer (a
    /// refresh keeps the last answer on screen until the new one comes).
    public var probes: [EndpointProbe?] = []
    /// The endpoints (indexes in `endpoints`) whose probe is running.
    public var awaiting: Set<Int> = []
    /// How long one endpoint may take to answer (connect and handshake) before its row
    /// says it did not.
    public var endpointTimeout: Duration = .seconds(10)
    /// Which probing the answers come from; older answers are dropped.
    public var endpointGeneration = 0
    /// The endpoints' input, while `e` has it open.
    public var endpointInput: TextFieldState?
    /// Why the input's text cannot be used, and how to fix it.
    public var endpointError: String?

    /// An empty dashboard.
    public init() {}

    /// The table's cells of `rows`, in the dashboard's columns.
    var cells: [[String]] { (rows ?? []).map { DashboardView.cells($0, problem: problemTag($0)) } }

    /// Opens the endpoints' input holding `targets` as they are written (the endpoints on
    /// the dashboard, or those a deployment names), to edit, then probe with Enter.
    mutating func openEndpointInput(_ targets: [EndpointTarget]) {
        endpointInput = TextFieldState(targets.map(\.specification).joined(separator: " "))
        endpointError = nil
    }

    /// Endpoints whose probe has not answered yet.
    var probing: Int { awaiting.count }

    /// `rows` again from the scan and the endpoints' answers, nearest expiry first; the row
    /// open in the inspect view stays open.
    mutating func mergeRows() {
        let open = inspected.flatMap { index in rows.flatMap { index < $0.count ? $0[index] : nil } }
        let live = probes.compactMap { $0?.rows }.flatMap { $0 }
        rows = scannedRows == nil && live.isEmpty ? nil : ((scannedRows ?? []) + live).sortedByDaysLeft()
        inspected = open.flatMap { row in rows?.firstIndex(of: row) }
        let count = table.visibleRows(cells).count
        table.selected = min(table.selected, max(0, count - 1))
    }

    /// What is wrong with how an endpoint presents `row`, in a word or two for the status
    /// column ("order", "differs"); nil when nothing is.
    func problemTag(_ row: CertificateRow) -> String? {
        guard !row.problems.isEmpty else { return nil }
        guard row.source == .endpoint, let member = row.member,
              let scan = probes.lazy.compactMap({ $0?.scan }).first(where: { $0.target.label == row.file }) else { return "problem" }
        let differs = member == 1 && scan.matchesConfigured == false
        let order = row.problems.count > (differs ? 1 : 0)
        return [order ? "order" : nil, differs ? "differs" : nil].compactMap { $0 }.joined(separator: "+")
    }

    /// Reads the workspace's certificate files and every node's (through the same transports
    /// Step 5 uses): the work of the refresh command, off the input loop.
    static func scan(target: ApplyTarget?, workspace: String, skipLabNodes: Bool, policy: ExpiryPolicy, now: Date,
                     connections: WizardConnections) async -> (rows: [CertificateRow], nodes: [NodeScan]) {
        var rows: [CertificateRow] = []
        var nodes: [NodeScan] = []
        if let files = try? Workspace(directory: workspace).browse() {
            for file in files {
                let ext = (file.relativePath as NSString).pathExtension.lowercased()
                guard FileSource.folderExtensions.contains(ext) else { continue }
                if skipLabNodes && file.relativePath.hasPrefix("nodes/") { continue }  // the nodes are read as nodes
                rows += FileSource.rows(forFile: workspace + "/" + file.relativePath, policy: policy, now: now, displayName: file.relativePath)
            }
        }
        if let target {
            do {
                let transports = try connections.connect(target)
                let targets = target.deployment.nodes.compactMap { node in transports[node.name].map { NodeTarget(name: node.name, transport: $0) } }
                nodes = await NodeSource.scan(targets, policy: policy, now: now)
                for scan in nodes { rows += scan.rows }
                for transport in transports.values {
                    await transport.close()
                }
            } catch {
                rows.append(CertificateRow(unreadable: target.deploymentPath, reason: "the nodes cannot be reached: \(error)", source: .node))
            }
        }
        return (rows, nodes)
    }

    /// `target` with the certificate its node's service is configured with, when the last
    /// scan read that node and nothing else was named (`=file`): so that an endpoint the
    /// deployment file lists says when it presents another certificate, as
    /// `cmscerts expiry --endpoints` does.
    func resolved(_ target: EndpointTarget) -> EndpointTarget {
        guard target.configuredFingerprint == nil, target.configuredFile == nil, let node = target.node, let service = target.service,
              let scan = nodeScans[node] else { return target }
        return scan.endpoint(for: service, host: target.host, port: target.port, serverName: target.serverName)
    }
}

/// What one endpoint presented, as the dashboard shows it: the scan, and the configured
/// certificate file's problem when `=file` could not be read.
public struct EndpointProbe: Sendable {
    /// The chain as presented and what is wrong with it.
    public var scan: EndpointScan
    /// The row of a configured certificate file that could not be read.
    public var configuredProblem: CertificateRow?

    /// The rows it adds to the dashboard.
    public var rows: [CertificateRow] { scan.rows + (configuredProblem.map { [$0] } ?? []) }

    /// Probes `target` (its `=file` read from `directory` first): blocking, bounded by
    /// `timeout`; the work of a command on a thread of its own.
    static func probe(_ target: EndpointTarget, directory: String, policy: ExpiryPolicy, now: Date, timeout: Duration) -> EndpointProbe {
        let (resolved, problem) = EndpointSource.readingConfiguredFile(target, relativeTo: directory)
        return EndpointProbe(scan: EndpointSource.scan(resolved, policy: policy, now: now, timeout: timeout), configuredProblem: problem)
    }
}
