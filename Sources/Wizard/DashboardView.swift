import Foundation
import Inventory
import TerminalUI

/// The expiry dashboard on screen: counts, the filter, the table coloured by threshold,
/// and the inspect view of one row.
enum DashboardView {
    static let titles = ["Node", "Service", "File", "CN", "Expires", "Days", "Status"]
    /// The days-left column: the default sort.
    static let daysColumn = 5

    static func columns(width: Int) -> [TableColumn] {
        [TableColumn("Node", width: .length(6)), TableColumn("Service", width: .length(width >= 100 ? 16 : 10)),
         TableColumn("File", width: .fill(3)), TableColumn("CN", width: .fill(2)),
         TableColumn("Expires", width: .length(10)), TableColumn("Days", width: .length(6), alignment: .right),
         TableColumn("Status", width: .length(width >= 100 ? 13 : 10))]
    }

    static let dayFormat: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f
    }()

    /// One row's cells, in the columns' order.
    static func cells(_ row: CertificateRow) -> [String] {
        [row.node ?? (row.source == .file ? "here" : "-"), row.service ?? "-",
         row.file + (row.member.map { $0 > 1 ? " #\($0)" : "" } ?? ""),
         row.commonName ?? row.reason ?? "-",
         row.notAfter.map { dayFormat.string(from: $0) } ?? "-",
         row.daysLeft.map(String.init) ?? "-", row.status.rawValue]
    }

    static func role(_ status: CertificateStatus) -> Role {
        switch status {
        case .ok: return .ok
        case .warning: return .warning
        case .critical, .expired, .notYetValid: return .error
        case .unreadable: return .muted
        }
    }

    /// Rows of the table's body at `size` (the screen less its bars and the two head lines).
    static func tableHeight(_ size: Size) -> Int { max(1, size.height - 3 - 2 - 1) }

    static func bindings(_ d: DashboardState) -> [KeyBinding] {
        if d.inspected != nil {
            return [KeyBinding([.esc, .enter], label: "Esc", help: "back to the list"), KeyBinding([.up, .down], label: "↑↓", help: "scroll"), .help, .quit]
        }
        if d.editingFilter {
            return [KeyBinding(.enter, help: "keep filter"), KeyBinding(.esc, help: "clear filter")]
        }
        return [.move, KeyBinding(.enter, help: "inspect"), KeyBinding(.char("/"), help: "filter"),
                KeyBinding(["1", "2", "3", "4", "5", "6", "7"].map { Key.char($0) }, label: "1-7", help: "sort"),
                KeyBinding(.char("r"), help: "refresh"), KeyBinding(.esc, help: "home"), .help, .quit]
    }

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        let d = s.dashboard
        if let index = d.inspected, let rows = d.rows, index < rows.count {
            renderInspect(rows[index], scroll: d.inspectScroll, theme: theme, area: area, buffer: &b)
            return
        }
        let parts = Layout.vertical([.length(1), .length(1), .fill(1)]).split(area)
        let rows = d.rows ?? []
        let cells = d.cells
        var head = "Certificates of \(s.context.apply?.workspace ?? s.context.workspaceDirectory)"
        if let nodes = s.context.apply?.deployment.nodes, !nodes.isEmpty { head += " and of \(nodes.count) nodes" }
        b.write(head.truncated(toWidth: parts[0].width), x: parts[0].x, y: parts[0].y, style: theme[.title], clip: parts[0])
        var counts: [Span] = []
        if d.loading {
            counts.append(Span("Reading the files and the nodes… ", style: theme[.muted]))
        }
        if d.rows != nil {
            let by = Dictionary(grouping: rows, by: { role($0.status) })
            counts += [Span("\(rows.count) certificates: ", style: theme[.normal]),
                       Span("\(by[.ok]?.count ?? 0) ok", style: theme[.ok]), Span(" · ", style: theme[.muted]),
                       Span("\(by[.warning]?.count ?? 0) warning", style: theme[.warning]), Span(" · ", style: theme[.muted]),
                       Span("\(by[.error]?.count ?? 0) critical or expired", style: theme[.error]), Span(" · ", style: theme[.muted]),
                       Span("\(by[.muted]?.count ?? 0) unreadable", style: theme[.muted])]
        }
        if d.editingFilter || !d.table.filter.isEmpty {
            counts.append(Span("  /" + d.table.filter + (d.editingFilter ? "▏" : ""), style: theme[d.editingFilter ? .inputFocused : .input]))
        }
        b.write(counts, x: parts[1].x, y: parts[1].y, clip: parts[1])
        let table = Table(columns: columns(width: area.width), rows: cells, state: d.table,
                          emptyText: d.rows == nil ? "Reading…" : (d.table.filter.isEmpty ? "No certificate found" : "No row matches /\(d.table.filter)"),
                          cellRole: { row, column in column >= 4 ? role(rows[row].status) : nil })
        table.render(area: parts[2], buffer: &b, theme: theme)
    }

    static func renderInspect(_ row: CertificateRow, scroll: Int, theme: Theme, area: Rect, buffer b: inout Buffer) {
        var t = TextLines(width: area.width, theme: theme)
        t.add(row.location, .title)
        func field(_ name: String, _ value: String?, _ r: Role = .normal) {
            guard let value, !value.isEmpty else { return }
            t.add(value, r, indent: 14, prefix: name.padded(toWidth: 14))
        }
        field("Status", row.status.rawValue + (row.daysLeft.map { ", \($0) days left" } ?? ""), role(row.status))
        field("Node", row.node)
        field("Service", row.service)
        field("Member", row.member.map { "\($0) in the file" + (row.position.map { " (\($0.rawValue))" } ?? "") })
        field("Subject", row.subject?.description)
        field("Issuer", row.issuer?.description)
        field("SANs", row.subjectAltNames.joined(separator: ", "))
        field("Serial", row.serialHex)
        field("Not before", row.notBefore.map { "\($0)" })
        field("Not after", row.notAfter.map { "\($0)" })
        field("SHA-256", row.sha256Fingerprint)
        field("Unreadable", row.reason, .error)
        for problem in row.problems { field("Problem", problem, .warning) }
        t.render(area: area, buffer: &b, scroll: scroll)
    }
}
