import Inventory
import TerminalUI

/// One line of the dashboard's list: a certificate in use (or unused), a member of its
/// chain unfolded under it, or the head of the unused group. Its cells are made once,
/// when the lines are laid out, never per frame.
public struct DashboardLine: Sendable, Hashable {
    /// What the line is.
    public enum Kind: Sendable, Hashable {
        /// A certificate: the entry's own line.
        case entry
        /// Member `index` (0-based) of the entry's chain.
        case member(Int)
        /// The head of the unused group, with how many entries it holds.
        case unusedHead(Int)
    }

    public var kind: Kind
    /// The entry the line belongs to (nil for the unused group's head).
    public var entry: CertificateGroups.Entry?
    /// The row the line shows (the entry's, or the chain member's).
    public var row: CertificateRow?
    /// The cells, in the dashboard's columns.
    public var cells: [String]

    /// Stable across a new layout: the entry's id, and the member's place in its chain.
    public var id: String {
        switch kind {
        case .entry: return entry.map(Self.entryID) ?? ""
        case .member(let i): return (entry.map(Self.entryID) ?? "") + "#\(i)"
        case .unusedHead: return "unused"
        }
    }

    static func entryID(_ e: CertificateGroups.Entry) -> String { "e:" + e.id }

    /// The lines of `groups` (already filtered and sorted): entries in use, then the
    /// unused group's head and its entries; the chain of each entry in `unfolded` under it.
    static func lines(_ groups: CertificateGroups, unfolded: Set<String>, problem: (CertificateRow) -> String?) -> [DashboardLine] {
        var out: [DashboardLine] = []
        out.reserveCapacity(groups.entries.count + groups.unused.count + 1)
        func add(_ e: CertificateGroups.Entry) {
            let open = unfolded.contains(e.id)
            var cells = DashboardView.cells(e.row, problem: problem(e.row))
            let fold = e.chain.isEmpty ? "" : open ? "▼ " : "▶ "
            // Other copies: counted after the file (the details list them).
            cells[2] = fold + cells[2] + (e.places.count > 1 ? " +\(e.places.count - 1)" : "")
            cells[6] = DashboardView.symbol(e.state) + " " + cells[6]
            out.append(DashboardLine(kind: .entry, entry: e, row: e.row, cells: cells))
            guard open else { return }
            for (i, member) in e.chain.enumerated() {
                var m = DashboardView.cells(member, problem: problem(member))
                m[0] = ""
                m[1] = ""
                m[2] = "  └ " + (member.position?.rawValue ?? member.file)
                m[6] = DashboardView.symbol(member.checkState) + " " + m[6]
                out.append(DashboardLine(kind: .member(i), entry: e, row: member, cells: m))
            }
        }
        groups.entries.forEach(add)
        if !groups.unused.isEmpty {
            out.append(DashboardLine(kind: .unusedHead(groups.unused.count), entry: nil, row: nil,
                                     cells: ["unused", "no service", "\(groups.unused.count) not counted", "", "", "", ""]))
            groups.unused.forEach(add)
        }
        return out
    }
}
