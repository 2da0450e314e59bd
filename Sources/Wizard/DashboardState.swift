import Foundation
import Inventory
import Lab
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

    /// An empty dashboard.
    public init() {}

    /// The table's cells of `rows`, in the dashboard's columns.
    var cells: [[String]] { (rows ?? []).map(DashboardView.cells) }

    /// Reads the workspace's certificate files and every node's (through the same transports
    /// Step 5 uses): the work of the refresh command, off the input loop.
    static func scan(target: ApplyTarget?, workspace: String, skipLabNodes: Bool, policy: ExpiryPolicy, now: Date) async -> [CertificateRow] {
        var rows: [CertificateRow] = []
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
                let transports = try NodeTransports.make(for: target.deployment, deploymentFolder: target.deploymentFolder, sshConfig: nil)
                let targets = target.deployment.nodes.compactMap { node in transports[node.name].map { NodeTarget(name: node.name, transport: $0) } }
                for scan in await NodeSource.scan(targets, policy: policy, now: now) { rows += scan.rows }
                for transport in transports.values {
                    if let ssh = transport as? SSHTransport { await ssh.close() }
                }
            } catch {
                rows.append(CertificateRow(unreadable: target.deploymentPath, reason: "the nodes cannot be reached: \(error)", source: .node))
            }
        }
        return rows
    }
}
