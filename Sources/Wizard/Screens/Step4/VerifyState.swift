import Inventory
import PKI
import TerminalUI

/// What a check found about one file (of the workspace or of a node): the engine's value,
/// so that the wizard shows what the engine found, in its words.
public typealias VerifyResult = FileChecks

/// Where Step 4's files are: the workspace, or one node of the estate.
public enum VerifySource: Hashable, Sendable {
    /// The workspace folder.
    case here
    /// A node, by its name in the deployment.
    case node(String)

    /// "here" or the node's name, as the source selector shows it.
    public var name: String {
        switch self {
        case .here: return "here"
        case .node(let name): return name
        }
    }
}

/// Step 4: the files of the workspace or of a node; Enter checks the one selected:
/// inspect, match with the key of the same basename, verify against the CA bundle.
public struct VerifyState: Sendable {
    /// Whose files are listed: ←/→ (or Tab) choose.
    public var source: VerifySource = .here
    /// Counts source switches: a listing or a check made for an earlier source is dropped.
    public var generation = 0
    /// The workspace's certificate, key and CSR files, or nil before they are listed.
    public var files: [BrowsedFile]?
    /// Why the folder could not be listed.
    public var listError: String?
    /// The node's files (when the source is a node), or nil while they are read.
    public var nodeListing: NodeFileListing?
    /// Why the node's files could not be read, and what to do.
    public var nodeError: String?
    /// The file selected.
    public var list = MenuState()
    /// The workspace bundle certificates are verified against (`b` picks it); by default
    /// `ca-bundle.crt` when the folder has one.
    public var bundle: String?
    /// The bundle picked with `b` on each node (else the one its services use).
    public var nodeBundles: [String: String] = [:]
    /// The file whose check runs now.
    public var checking: String?
    /// The last check, shown on the right.
    public var result: VerifyResult?
    /// Rows of the result scrolled past.
    public var scroll = 0

    /// Nothing listed yet.
    public init() {}

    /// The names listed for the source.
    var names: [String] {
        switch source {
        case .here: return (files ?? []).map(\.relativePath)
        case .node: return nodeListing?.files ?? []
        }
    }

    /// The file selected, when there is one.
    var selectedFile: String? {
        let names = self.names
        return list.selected < names.count ? names[list.selected] : nil
    }

    /// The CA bundle a certificate of the source is verified against, and why that one:
    /// picked with `b`, or (on a node) the one its services use for `file`.
    func bundle(for file: String?) -> (file: String, picked: Bool)? {
        switch source {
        case .here: return bundle.map { ($0, true) }
        case .node(let node):
            if let picked = nodeBundles[node] { return (picked, true) }
            return nodeListing?.bundle(for: file).map { ($0, false) }
        }
    }
}
