import Foundation
import Inventory
import TerminalUI

/// The expiry dashboard on screen: counts, the filter, the table coloured by threshold,
/// and the inspect view of one row.
enum DashboardView {
    static let titles = ["Node", "Service", "File", "CN", "Expires", "Days", "Status"]
    /// The days-left column: the default sort.
    static let daysColumn = 5

    /// The columns at `width`; the Node column widens to `nodeWidth` (within reason) for
    /// endpoints, which it names.
    static func columns(width: Int, nodeWidth: Int = 6) -> [TableColumn] {
        [TableColumn("Node", width: .length(min(max(6, nodeWidth), width >= 100 ? 24 : 16))),
         TableColumn("Service", width: .length(width >= 100 ? 16 : 10)),
         TableColumn("File", width: .fill(3)), TableColumn("CN", width: .fill(2)),
         TableColumn("Expires", width: .length(10)), TableColumn("Days", width: .length(5), alignment: .right),
         TableColumn("Status", width: .length(width >= 100 ? 22 : 15))]
    }

    static let dayFormat: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f
    }()

    /// One row's cells, in the columns' order. An endpoint's rows name the endpoint in the
    /// Node column and the place in the chain it presented in the File column; `problem`
    /// (what is wrong with how it is presented) goes in the Status column.
    static func cells(_ row: CertificateRow, problem: String? = nil) -> [String] {
        let live = row.source == .endpoint
        var status = row.status.rawValue
        // The days already say ok or warning (in colour); a worse status stays in words.
        if let problem { status = [.ok, .warning].contains(row.status) ? "⚠ " + problem : status + " ⚠ " + problem }
        let place = row.member.map { member in "#\(member) " + (row.position?.rawValue ?? "presented") } ?? "no answer"
        // The reason of an endpoint's row starts with the endpoint, which the Node column shows.
        let reason = live ? row.reason.map { $0.hasPrefix(row.file + ": ") ? String($0.dropFirst(row.file.count + 2)) : $0 } : row.reason
        return [live ? row.file : row.node ?? (row.source == .file ? "here" : "-"),
                live ? row.service ?? "live" : row.service ?? "-",
                live ? place : row.file + (row.member.map { $0 > 1 ? " #\($0)" : "" } ?? ""),
                row.commonName ?? reason ?? "-",
                row.notAfter.map { dayFormat.string(from: $0) } ?? "-",
                row.daysLeft.map(String.init) ?? "-", status]
    }

    /// The symbol of a state, so that it never rests on colour alone: ✓ ok, ! warning,
    /// ✗ critical or expired, ? unknown (unreadable).
    static func symbol(_ state: CheckState) -> String {
        switch state {
        case .ok: return "✓"
        case .warning: return "!"
        case .critical: return "✗"
        case .unknown: return "?"
        }
    }

    static func role(_ status: CertificateStatus) -> Role {
        switch status {
        case .ok: return .ok
        case .warning: return .warning
        case .critical, .expired, .notYetValid: return .error
        case .unknown: return .warning
        case .unreadable: return .muted
        }
    }

    /// The row's colour: its status's, and at least a warning when it has a problem.
    static func role(_ row: CertificateRow) -> Role {
        let r = role(row.status)
        return !row.problems.isEmpty && (r == .ok || r == .muted) ? .warning : r
    }

    /// Where the list's parts go in the screen's `area`: the head line, the counts, the
    /// endpoints' input (while open) and the table. The view draws by it and the table's
    /// keys page by it, so that they move the table as it shows.
    static func layout(_ area: Rect, _ d: DashboardState) -> (head: Rect, counts: Rect, input: Rect, table: Rect) {
        let parts = Layout.vertical([.length(1), .length(1), .length(d.endpointInput == nil ? 0 : 3), .fill(1)]).split(area)
        return (parts[0], parts[1], parts[2], parts[3])
    }

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        let d = s.dashboard
        if let line = d.inspected, let row = line.row {
            let probe = row.source == .endpoint ? d.probes.lazy.compactMap { $0 }.first { $0.scan.target.label == row.file } : nil
            let places = line.kind == .entry ? line.entry?.places ?? [] : []
            renderInspect(row, places: places, probe: probe, lint: d.inspectedLint, scroll: d.inspectScroll, theme: theme, area: area, buffer: &b)
            return
        }
        let places = layout(area, d)
        let parts = [places.head, places.counts, places.input, places.table]
        let lines = d.lines
        var head = "Certificates of \(s.context.apply?.workspace ?? s.context.workspaceDirectory)"
        if let nodes = s.context.apply?.deployment.nodes, !nodes.isEmpty { head += " and of \(countedNodes(nodes.count))" }
        if !d.endpoints.isEmpty { head += ", \(d.endpoints.count) live endpoint\(d.endpoints.count == 1 ? "" : "s")" }
        // Judged at a moved clock (the lab's): said first, so that "-731" days reads right.
        if let at = d.scannedAt, abs(at.timeIntervalSinceNow) > 86_400 {
            let days = Int((at.timeIntervalSinceNow / 86_400).rounded())
            head = "Lab clock \(dayFormat.string(from: at)) (\(days > 0 ? "+" : "")\(days) d) · " + head
        }
        b.write(head.truncated(toWidth: parts[0].width), x: parts[0].x, y: parts[0].y, style: theme[.title], clip: parts[0])
        // The filter first, so that it stays in sight however long the counts.
        var counts: [Span] = []
        if d.editingFilter || !d.filter.isEmpty {
            counts.append(Span("/" + d.filter + (d.editingFilter ? "▏" : ""), style: theme[d.editingFilter ? .inputFocused : .input]))
            counts.append(Span("  "))
        }
        if d.loading {
            counts.append(Span("Reading… \(d.readSoFar) certificate\(d.readSoFar == 1 ? "" : "s") so far ", style: theme[.muted]))
        }
        if d.probing > 0 {
            counts.append(Span("Probing \(d.probing) endpoint\(d.probing == 1 ? "" : "s")… ", style: theme[.muted]))
        }
        if d.rows != nil && !d.loading {
            // What the filter shows: the certificates in use by state, the unused apart.
            let c = d.shown.counts
            let states: [(count: Int, span: Span)] = [
                (c.ok, Span("✓ \(c.ok) ok", style: theme[.ok])), (c.warning, Span("! \(c.warning) warning", style: theme[.warning])),
                (c.critical, Span("✗ \(c.critical) critical", style: theme[.error])),
                (c.unknown, Span("? \(c.unknown) unreadable", style: theme[.muted])), (c.unused, Span("\(c.unused) unused", style: theme[.muted]))]
            // Every count when they fit; the ones at zero left out when they do not (a filter
            // takes room), so that no count is cut.
            func line(_ shown: [(count: Int, span: Span)]) -> [Span] {
                [Span("\(c.inUse) in use: ", style: theme[.normal])] + shown.enumerated().flatMap { $0.offset == 0 ? [$0.element.span] : [Span("  "), $0.element.span] }
            }
            let full = line(states)
            let width = (counts + full).reduce(0) { $0 + $1.width }
            counts += width <= parts[1].width ? full : line(states.filter { $0.count > 0 })
        }
        b.write(counts, x: parts[1].x, y: parts[1].y, clip: parts[1])
        if let input = d.endpointInput {
            renderEndpointInput(input, error: d.endpointError, theme: theme, area: parts[2], buffer: &b)
        }
        let nodeWidth = lines.filter { $0.row?.source == .endpoint && $0.kind == .entry }.map { CharacterWidth.of($0.cells[0]) }.max() ?? 6
        let table = Table(columns: columns(width: area.width, nodeWidth: nodeWidth), rows: d.cells, state: d.table,
                          emptyText: d.rows == nil ? "Reading…" : (d.filter.isEmpty ? "No certificate found" : "No certificate matches /\(d.filter)"),
                          cellRole: { index, column in
                              let line = lines[index]
                              guard let row = line.row else { return column <= 2 ? .muted : nil }
                              if line.entry?.unused == true && column < 4 { return .muted }
                              return column == 6 ? role(row) : column >= 4 ? role(row.status) : nil
                          })
        table.render(area: parts[3], buffer: &b, theme: theme)
    }

    /// The endpoints' input: the field, then what is wrong with its text or how to write it.
    static func renderEndpointInput(_ input: TextFieldState, error: String?, theme: Theme, area: Rect, buffer b: inout Buffer) {
        guard area.height >= 2 else { return }
        let label = "Endpoints "
        b.write(label, x: area.x, y: area.y, style: theme[.focused], clip: area)
        let field = Rect(x: area.x + label.count, y: area.y, width: max(0, area.width - label.count), height: 1)
        TextField(state: input, focused: true, placeholder: "e.g. cms1.example.com:445 cms1.example.com:443@join.example.com").render(area: field, buffer: &b, theme: theme)
        var text = TextLines(width: area.width, theme: theme)
        if let error {
            text.add("✗ " + error, .error, indent: 2)
        } else {
            text.add("host:port[@sni][=cert file], several separated by spaces or commas. Enter probes them; empty clears.", .muted, indent: 2)
        }
        text.render(area: Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1), buffer: &b)
    }

    static func renderInspect(_ row: CertificateRow, places: [CertificateGroups.Place] = [], probe: EndpointProbe? = nil,
                              lint: DashboardLint? = nil, scroll: Int,
                              theme: Theme, area: Rect, buffer b: inout Buffer) {
        var t = TextLines(width: area.width, theme: theme)
        t.add(row.location, .title)
        func field(_ name: String, _ value: String?, _ r: Role = .normal) {
            guard let value, !value.isEmpty else { return }
            t.add(value, r, indent: 14, prefix: name.padded(toWidth: 14))
        }
        field("Status", symbol(row.status.checkState) + " " + row.status.rawValue + (row.daysLeft.map { ", \($0) days left" } ?? ""), role(row.status))
        field("Node", row.node)
        if places.count > 1 {
            for place in places { field("Copy at", place.text) }
        }
        if let scan = probe?.scan, row.member == nil {
            field("Endpoint", "\(scan.target.label), live: no chain was read (why below)")
        }
        if let scan = probe?.scan, row.member != nil {
            field("Endpoint", "\(scan.target.label), live: the chain as its server presents it")
            field("Chain", scan.inOrder ? "in order: the entity first, each issuer right after the certificate it signed"
                                        : "not in order: \(scan.orderProblems.count) problem\(scan.orderProblems.count == 1 ? "" : "s") (below)",
                  scan.inOrder ? .ok : .warning)
            switch scan.matchesConfigured {
            case true?: field("Configured", "the certificate presented is the one of \(scan.target.configuredSource ?? "the file given")", .ok)
            case false?: field("Configured", "the certificate presented differs from the one of \(scan.target.configuredSource ?? "the file given")", .warning)
            case nil: break
            }
        }
        field("Service", row.service)
        let placeIn = row.source == .endpoint ? "in the chain presented" : "in the file"
        field("Member", row.member.map { "\($0) \(placeIn)" + (row.position.map { " (\($0.rawValue))" } ?? "") })
        field("Subject", row.subject?.description)
        field("Issuer", row.issuer?.description)
        field("SANs", row.subjectAltNames.joined(separator: ", "))
        field("Serial", row.serialHex)
        field("Not before", row.notBefore.map { "\($0)" })
        field("Not after", row.notAfter.map { "\($0)" })
        field("SHA-256", row.sha256Fingerprint)
        field("Unreadable", row.reason, .error)
        for problem in row.problems { field("Problem", problem, .warning) }
        if let lint, lint.fingerprint == row.sha256Fingerprint {
            if let findings = lint.findings {
                if findings.isEmpty { field("Lint", "✓ clean (\(lint.role.rawValue), read from \(lint.source))", .ok) }
                for f in findings { field("Lint", "\(f.severity == .error ? "✗" : "!") \(f.text)", f.severity == .error ? .error : .warning) }
            } else {
                field("Lint", lint.source, .muted)
            }
        }
        t.render(area: area, buffer: &b, scroll: scroll)
    }
}
