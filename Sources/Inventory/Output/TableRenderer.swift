import Foundation

/// The table for people: one line per certificate, the nearest expiry first, reasons and
/// problems on an indented line below, and a summary line with the overall state.
/// Coloured (ANSI) only when asked: the caller decides (a terminal, NO_COLOR unset).
/// Holds the rows until `finish`, since it sorts them: rows are small.
public struct TableRenderer: RowRenderer {
    public var color: Bool
    public var now: Date
    private var rows: [CertificateRow] = []

    public init(color: Bool, now: Date = Date()) {
        self.color = color
        self.now = now
    }

    /// Colour only on a terminal, never when NO_COLOR is set to anything non-empty
    /// (no-color.org) or the terminal is `dumb`.
    public static func wantsColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    public mutating func begin() -> String { "" }

    public mutating func add(_ rows: [CertificateRow]) -> String {
        self.rows.append(contentsOf: rows)
        return ""
    }

    public mutating func finish() -> String {
        Self.render(rows.sortedByDaysLeft(), color: color)
    }

    static let headings = ["STATUS", "DAYS", "NOT AFTER", "POSITION", "CN", "ISSUER", "WHERE", "SERVICE"]
    static let caps = [13, 6, 10, 12, 32, 24, 48, 24]

    /// The rows, in the order given, as the table's text.
    public static func render(_ rows: [CertificateRow], color: Bool) -> String {
        if rows.isEmpty { return "No certificates found.\n" }
        var perLocation: [String: Int] = [:]
        for row in rows where row.member != nil { perLocation[row.location, default: 0] += 1 }
        let cells: [[String]] = rows.map { row in
            [row.status.rawValue.uppercased(), row.daysLeft.map(String.init) ?? "-", row.notAfter.map(Text.day) ?? "-",
             row.position?.rawValue ?? "-", row.commonName ?? row.subject?.description ?? "-", row.issuerName ?? "-",
             row.location + (row.member.map { (perLocation[row.location] ?? 0) > 1 ? " #\($0)" : "" } ?? ""),
             row.service ?? ""]
        }
        var widths = headings.map(\.count)
        for line in cells {
            for (i, cell) in line.enumerated() { widths[i] = min(caps[i], max(widths[i], cell.count)) }
        }
        func format(_ line: [String]) -> String {
            line.enumerated().map { i, cell in
                let clipped = cell.count > widths[i] ? String(cell.prefix(widths[i] - 1)) + "~" : cell
                return i == line.count - 1 ? clipped : clipped.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = format(headings) + "\n"
        for (row, line) in zip(rows, cells) {
            var text = format(line)
            if color {
                let status = line[0].padding(toLength: widths[0], withPad: " ", startingAt: 0)
                text = "\u{1B}[\(colorCode(row.status))m\(status)\u{1B}[0m" + text.dropFirst(status.count)
            }
            out += text + "\n"
            if let reason = row.reason { out += "    \(reason)\n" }
            for problem in row.problems { out += "    PROBLEM: \(problem)\n" }
        }
        out += summary(rows) + "\n"
        return out
    }

    static func colorCode(_ status: CertificateStatus) -> String {
        switch status {
        case .ok: return "32"
        case .warning: return "33"
        case .critical: return "31"
        case .expired: return "1;31"
        case .notYetValid: return "35"
        case .unreadable: return "1;35"
        }
    }

    /// "CRITICAL: 12 certificates: 1 expired, 2 critical, 3 warning, 6 ok; 1 unreadable file".
    public static func summary(_ rows: [CertificateRow]) -> String {
        var counts: [CertificateStatus: Int] = [:]
        for row in rows { counts[row.status, default: 0] += 1 }
        let certificates = rows.count - (counts[.unreadable] ?? 0)
        var parts: [String] = []
        for status in [CertificateStatus.expired, .notYetValid, .critical, .warning, .ok] {
            if let n = counts[status] { parts.append("\(n) \(status.rawValue)") }
        }
        var text = "\(rows.checkState.label): \(certificates) certificate\(certificates == 1 ? "" : "s")"
        if !parts.isEmpty { text += ": " + parts.joined(separator: ", ") }
        if let unreadable = counts[.unreadable] { text += "; \(unreadable) unreadable" }
        let problems = rows.reduce(0) { $0 + $1.problems.count }
        if problems > 0 { text += "; \(problems) problem\(problems == 1 ? "" : "s")" }
        return text
    }
}
