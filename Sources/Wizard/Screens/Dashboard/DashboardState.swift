import Foundation
import Inventory
import Orchestration
import PKI
import TerminalUI

/// The expiry dashboard: one line per certificate in use, worst first, its chain folded
/// under it, copies merged, the files no service uses in an unused group; filtered,
/// sorted, and opened one at a time.
public struct DashboardState: Sendable {
    /// Every row read (the workspace's, the nodes', the endpoints'), nearest expiry
    /// first, or nil before the first scan ends: the rows `cmscerts expiry` lists.
    public var rows: [CertificateRow]?
    /// A scan is running.
    public var loading = false
    /// Rows read so far by the scan running (shown while it reads).
    public var readSoFar = 0
    /// Which scan the rows come from; older answers are dropped.
    public var generation = 0
    /// The rows as a person reads them: grouped, merged, unused apart (all of them).
    public var groups = CertificateGroups(rows: [])
    /// The lines on screen: what the filter shows, in `order`, unfolded chains opened.
    public private(set) var lines: [DashboardLine] = []
    /// What the filter shows, for the header's counts.
    public private(set) var shown = CertificateGroups(rows: [])
    /// Selection and scroll among `lines`.
    public var table = TableState()
    /// Only entries with a place, a name or a status holding this text (any case); shown
    /// while not empty, edited again by `/`.
    public private(set) var filter = ""
    /// True while `/` is taking the filter's text.
    public var editingFilter = false
    /// The order of the entries (`s` cycles it): worst first unless chosen otherwise.
    public private(set) var order = CertificateGroups.Order.worst
    /// Entries (by id) whose chain is unfolded.
    public private(set) var unfolded: Set<String> = []
    /// The line opened with Enter, shown in full.
    public var inspected: DashboardLine?
    /// Rows of the inspect view scrolled past.
    public var inspectScroll = 0
    /// The lint of the certificate open (read again from this machine's copy when opened):
    /// nil until read, or when no copy of it is on this machine.
    public var inspectedLint: DashboardLint?
    /// When the rows were read.
    public var scannedAt: Date?
    /// The workspace's and the nodes' rows, as the last scan read them; `rows` adds the
    /// endpoints' to them.
    public var scannedRows: [CertificateRow]?
    /// The first scan's first rows: shown as they come (merged each time their count
    /// doubles, up to `streamedRowsLimit`), while a later scan (`r`) keeps the rows on
    /// screen until its own are complete.
    var streamed: [CertificateRow]?
    var mergedCount = 0
    static let streamedRowsLimit = 2000
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

    /// The table's cells of `lines`, in the dashboard's columns.
    var cells: [[String]] { lines.map(\.cells) }

    /// Opens the endpoints' input holding `targets` as they are written (the endpoints on
    /// the dashboard, or those a deployment names), to edit, then probe with Enter.
    mutating func openEndpointInput(_ targets: [EndpointTarget]) {
        endpointInput = TextFieldState(targets.map(\.specification).joined(separator: " "))
        endpointError = nil
    }

    /// Endpoints whose probe has not answered yet.
    var probing: Int { awaiting.count }

    /// `rows` again from the scan and the endpoints' answers, nearest expiry first, and
    /// the groups and lines from them; the line open in the inspect view stays open.
    mutating func mergeRows() {
        let live = probes.compactMap { $0?.rows }.flatMap { $0 }
        rows = scannedRows == nil && live.isEmpty ? nil : ((scannedRows ?? []) + live).sortedByDaysLeft()
        let uses = nodeScans.mapValues(\.serviceFiles)
        groups = CertificateGroups(rows: rows ?? [], serviceFiles: uses, knowsUse: !uses.isEmpty)
        relayout()
        if let open = inspected { inspected = lines.first { $0.id == open.id } }
    }

    /// Sets the filter (the selection back to the first line).
    mutating func setFilter(_ text: String) {
        filter = text
        table.selected = 0
        table.offset = 0
        relayout()
    }

    /// The next order.
    mutating func cycleOrder() {
        order = order.next
        relayout()
    }

    /// Opens (or, `open` false, closes) the chain of the entry of the selected line; true when it changed.
    @discardableResult
    mutating func fold(open: Bool) -> Bool {
        guard let line = selectedLine, let entry = line.entry, !entry.chain.isEmpty else { return false }
        let was = unfolded.contains(entry.id)
        if open { unfolded.insert(entry.id) } else { unfolded.remove(entry.id) }
        if was == open { return false }
        relayout()
        if !open, let i = lines.firstIndex(where: { $0.id == DashboardLine.entryID(entry) }) { table.selected = i }
        return true
    }

    /// The line selected, if any.
    var selectedLine: DashboardLine? {
        lines.isEmpty ? nil : lines[min(max(0, table.selected), lines.count - 1)]
    }

    /// `lines` and `shown` again after the rows, the filter, the order or a fold changed:
    /// done once here, never per key or per frame.
    mutating func relayout() {
        // A place, a name or a status (Entry.matches), or any cell of its line.
        let needle = filter.lowercased()
        shown = groups.view(order: order) { entry in
            entry.matches(needle) || DashboardView.cells(entry.row, problem: problemTag(entry.row)).contains { $0.lowercased().contains(needle) }
        }
        lines = DashboardLine.lines(shown, unfolded: unfolded, problem: problemTag)
        table.selected = min(table.selected, max(0, lines.count - 1))
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

    /// Reads the workspace's certificate files (through the same Inventory scan as
    /// `cmscerts expiry`: every file, no cap, `progress` told of each batch) and every
    /// node's (through the same transports Step 5 uses): the work of the refresh command,
    /// off the input loop.
    static func scan(target: ApplyTarget?, workspace: String, skipLabNodes: Bool, policy: ExpiryPolicy, now: Date,
                     connections: WizardConnections, batchSize: Int = 1000,
                     progress: ([CertificateRow]) -> Void = { _ in }) async -> (rows: [CertificateRow], nodes: [NodeScan]) {
        var rows: [CertificateRow] = []
        var nodes: [NodeScan] = []
        let prefix = workspace.hasSuffix("/") ? workspace : workspace + "/"
        FileSource.scan([workspace], policy: policy, now: now, batchSize: batchSize) { batch in
            var shown: [CertificateRow] = []
            shown.reserveCapacity(batch.count)
            for var row in batch {
                if row.file.hasPrefix(prefix) { row.file.removeFirst(prefix.count) }
                if let reason = row.reason { row.reason = reason.replacingOccurrences(of: prefix, with: "") }
                if skipLabNodes && row.file.hasPrefix("nodes/") { continue }  // the nodes are read as nodes
                shown.append(row)
            }
            rows += shown
            progress(shown)
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
