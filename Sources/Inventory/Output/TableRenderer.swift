import Dispatch
import Foundation
import TerminalText

/// The table for people: one line per certificate, the nearest expiry first (unreadable
/// files on top), reasons and problems on indented lines below, and a summary line with
/// the overall state. Coloured (ANSI) only when asked: the caller decides (a terminal,
/// NO_COLOR unset). It sorts, so it keeps every line until `finish`, but only as one
/// packed string per line, not the rows.
public struct TableRenderer: RowRenderer {
    public var color: Bool
    public var now: Date
    /// The terminal's width: the CN, issuer, location and service columns shrink to fit
    /// it (a location loses its start, never its file name). Nil: no limit.
    public var width: Int?

    /// One line kept for sorting: its key and its cells packed with separators.
    struct Line: Sendable {
        var notAfter: Double
        var order: Int
        var status: CertificateStatus
        /// The cells joined by U+001F, then (after U+001E) the lines to show below it.
        var packed: String
        /// What the summary counts of it.
        var problems: Int
        var state: CheckState
    }

    private var lines: [Line] = []
    private var counts: [CertificateStatus: Int] = [:]
    private var problems = 0
    private var state = CheckState.ok

    public init(color: Bool, now: Date = Date(), width: Int? = nil) {
        self.color = color
        self.now = now
        self.width = width
    }

    /// Colour only on a terminal, never when NO_COLOR is set to anything non-empty
    /// (no-color.org) or the terminal is `dumb`.
    public static func wantsColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    static let headings = ["STATUS", "DAYS", "NOT AFTER", "POSITION", "CN", "ISSUER", "WHERE", "SERVICE"]
    static let cellSeparator: Character = "\u{1F}"
    static let extraSeparator: Character = "\u{1E}"

    public mutating func begin(to output: inout some TextOutputStream) {}

    public mutating func add(_ rows: [CertificateRow], to output: inout some TextOutputStream) {
        for line in Self.lines(rows) { keep(line) }
    }

    /// The lines of some rows, the members of a file numbered when it holds more than one
    /// (a file's rows arrive together).
    static func lines(_ rows: [CertificateRow]) -> [Line] {
        var out: [Line] = []
        out.reserveCapacity(rows.count)
        var index = 0
        while index < rows.count {
            var end = index + 1
            while end < rows.count, rows[end].member != nil, rows[end].location == rows[index].location { end += 1 }
            for row in rows[index..<end] { out.append(line(row, numbered: end - index > 1 || (row.member ?? 0) > 1)) }
            index = end
        }
        return out
    }

    mutating func keep(_ line: Line) {
        counts[line.status, default: 0] += 1
        problems += line.problems
        state = state.worse(line.state)
        var kept = line
        kept.order = lines.count
        lines.append(kept)
    }

    static func line(_ row: CertificateRow, numbered: Bool) -> Line {
        let cells = [row.status.rawValue.uppercased(), row.daysLeft.map(String.init) ?? "-", row.notAfter.map(Text.day) ?? "-",
                     row.position?.rawValue ?? "-", row.commonName ?? row.subject?.description ?? "-", row.issuerName ?? "-",
                     row.location + (numbered ? row.member.map { " #\($0)" } ?? "" : ""), row.service ?? ""]
            // Certificate fields, file names and node output come from outside: escaped
            // before they reach the terminal (and before they could forge a separator).
            .map { TerminalText.visible($0) }
        var packed = cells.joined(separator: String(Self.cellSeparator))
        let below = ((row.reason.map { [$0] } ?? []) + row.problems.map { "PROBLEM: \($0)" }).map { TerminalText.visible($0) }
        if !below.isEmpty { packed += String(Self.extraSeparator) + below.joined(separator: String(Self.cellSeparator)) }
        return Line(notAfter: row.notAfter?.timeIntervalSince1970 ?? -.infinity, order: 0,
                    status: row.status, packed: packed, problems: row.problems.count, state: row.checkState)
    }

    public mutating func finish(to output: inout some TextOutputStream) {
        if lines.isEmpty {
            output.write("No certificates found.\n")
            return
        }
        lines.sort { $0.notAfter != $1.notAfter ? $0.notAfter < $1.notAfter : $0.order < $1.order }
        // Widths, then the text of every line, a chunk of lines at a time on every core.
        let sorted = lines
        let chunk = 1024
        let chunks = (sorted.count + chunk - 1) / chunk
        let columns = Self.headings.count
        var partial = [[Int]](repeating: [Int](repeating: 0, count: columns), count: chunks)
        partial.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var widths = [Int](repeating: 0, count: columns)
                for line in sorted[(c * chunk)..<min(sorted.count, (c + 1) * chunk)] {
                    for (i, cell) in Self.cells(line.packed).main.enumerated() { widths[i] = max(widths[i], Self.characters(cell)) }
                }
                out[c] = widths
            }
        }
        var widths = (0..<columns).map { i in partial.map { $0[i] }.max() ?? 0 }
        // A column with nothing in it (SERVICE for plain files) is left out.
        widths = zip(widths, Self.headings).map { $0 == 0 ? 0 : max($0, $1.count) }
        if let width { Self.fit(&widths, into: width) }
        output.write(Self.format(Self.headings.map { Substring($0) }, widths: widths) + "\n")
        let (fitted, color) = (widths, color)
        var texts = [String](repeating: "", count: chunks)
        texts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var text = ""
                for line in sorted[(c * chunk)..<min(sorted.count, (c + 1) * chunk)] {
                    text += Self.text(of: line, widths: fitted, color: color)
                }
                out[c] = text
            }
        }
        for text in texts { output.write(text) }
        output.write(summary() + "\n")
    }

    /// A line's cells and the lines below it, split at the separators' bytes (both ASCII
    /// controls that `TerminalText` escapes inside a cell, so only separators remain).
    static func cells(_ packed: String) -> (main: [Substring], below: [Substring]) {
        let parts = packed.utf8.split(separator: 0x1E, maxSplits: 1, omittingEmptySubsequences: false)
        let main = parts[0].split(separator: 0x1F, omittingEmptySubsequences: false).map { Substring($0) }
        let below = parts.count > 1 ? parts[1].split(separator: 0x1F).map { Substring($0) } : []
        return (main, below)
    }

    /// One line of the table, and the lines below it, each with its line break.
    static func text(of line: Line, widths: [Int], color: Bool) -> String {
        let (cells, below) = cells(line.packed)
        var text = format(cells, widths: widths)
        if color {
            let status = String(cells[0]).padding(toLength: widths[0], withPad: " ", startingAt: 0)
            text = "\u{1B}[\(colorCode(line.status))m\(status)\u{1B}[0m" + text.dropFirst(status.count)
        }
        text += "\n"
        for extra in below { text += "    \(extra)\n" }
        return text
    }

    /// Columns that give way, widest first, down to a floor each; then, if that is not
    /// enough, columns that go, in this order.
    static let flexible = [4, 5, 6, 7]
    static let floors = [4: 12, 5: 10, 6: 28, 7: 7]
    static let droppable = [7, 5, 3, 2]

    /// Narrows `widths` to `total` columns; a width of 0 hides the column.
    static func fit(_ widths: inout [Int], into total: Int) {
        let natural = widths
        var hidden: [Int] = []
        while true {
            widths = natural.enumerated().map { hidden.contains($0.offset) ? 0 : $0.element }
            var used = widths.reduce(0, +) + 2 * (widths.filter { $0 > 0 }.count - 1)
            while used > total {
                guard let widest = flexible.filter({ widths[$0] > floors[$0]! }).max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
                used -= 1
            }
            guard used > total, let next = droppable.first(where: { !hidden.contains($0) }) else { return }
            hidden.append(next)
        }
    }

    /// The characters of a cell: its bytes when it is ASCII (cells hold no CR LF, which
    /// `TerminalText` escapes), counted as Swift counts them otherwise.
    static func characters(_ cell: Substring) -> Int {
        var ascii = true
        var bytes = 0
        for byte in cell.utf8 {
            if byte >= 0x80 { ascii = false; break }
            bytes += 1
        }
        return ascii ? bytes : cell.count
    }

    static func format(_ cells: [Substring], widths: [Int]) -> String {
        var out = ""
        let last = widths.lastIndex { $0 > 0 } ?? 0
        for (i, cell) in cells.enumerated() where widths[i] > 0 {
            let clipped: String
            let count = characters(cell)
            if count <= widths[i] {
                clipped = String(cell)
            } else if i == 6 {
                clipped = "~" + String(cell.suffix(widths[i] - 1)) // keep the file name
            } else {
                clipped = String(cell.prefix(widths[i] - 1)) + "~"
            }
            if !out.isEmpty || i > 0 && widths[..<i].contains(where: { $0 > 0 }) { out += "  " }
            if i == last {
                out += clipped
            } else if count <= widths[i] && clipped.utf8.count == count {
                // ASCII (the common case): padded by hand, as `padding` would.
                out += clipped
                out += String(repeating: " ", count: widths[i] - count)
            } else {
                out += clipped.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }
        }
        while out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    static func colorCode(_ status: CertificateStatus) -> String {
        switch status {
        case .ok: return "32"
        case .warning: return "33"
        case .critical: return "31"
        case .expired: return "1;31"
        case .notYetValid: return "35"
        case .unknown, .unreadable: return "1;35"
        }
    }

    /// "CRITICAL: 12 certificates: 1 expired, 2 critical, 3 warning, 6 ok; 1 unreadable".
    func summary() -> String {
        let certificates = lines.count - (counts[.unreadable] ?? 0)
        var parts: [String] = []
        for status in [CertificateStatus.expired, .notYetValid, .critical, .unknown, .warning, .ok] {
            if let n = counts[status] { parts.append("\(n) \(status.rawValue)") }
        }
        var text = "\(state.label): \(certificates) certificate\(certificates == 1 ? "" : "s")"
        if !parts.isEmpty { text += ": " + parts.joined(separator: ", ") }
        if let unreadable = counts[.unreadable] { text += "; \(unreadable) unreadable" }
        if problems > 0 { text += "; \(problems) problem\(problems == 1 ? "" : "s")" }
        return text
    }
}
