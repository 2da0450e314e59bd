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
        // The cells as bytes: printable ASCII (the common case) is copied, anything else
        // goes through `TerminalText.visible`. Certificate fields, file names and node
        // output come from outside: escaped before they reach the terminal (and before
        // they could forge a separator).
        var packed: [UInt8] = []
        packed.reserveCapacity(160)
        func cell(_ text: String) {
            var text = text
            let plain = text.withUTF8 { bytes in
                guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
                packed.append(contentsOf: bytes)
                return true
            }
            if !plain { Text.append(TerminalText.visible(text), to: &packed) }
        }
        func separator() { packed.append(0x1F) }
        for byte in row.status.rawValue.utf8 { packed.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) }
        separator()
        if let days = row.daysLeft { Text.append(days, to: &packed) } else { packed.append(UInt8(ascii: "-")) }
        separator()
        if let notAfter = row.notAfter { Text.appendDay(notAfter, to: &packed) } else { packed.append(UInt8(ascii: "-")) }
        separator()
        cell(row.position?.rawValue ?? "-")
        separator()
        cell(row.commonName ?? row.subject?.description ?? "-")
        separator()
        cell(row.issuerName ?? "-")
        separator()
        cell(row.location + (numbered ? row.member.map { " #\($0)" } ?? "" : ""))
        separator()
        cell(row.service ?? "")
        if row.reason != nil || !row.problems.isEmpty {
            packed.append(0x1E)
            if let reason = row.reason { cell(reason) }
            for (index, problem) in row.problems.enumerated() {
                if index > 0 || row.reason != nil { separator() }
                cell("PROBLEM: " + problem)
            }
        }
        return Line(notAfter: row.notAfter?.timeIntervalSince1970 ?? -.infinity, order: 0,
                    status: row.status, packed: String(decoding: packed, as: UTF8.self),
                    problems: row.problems.count, state: row.checkState)
    }

    public mutating func finish(to output: inout some TextOutputStream) {
        var bytes: [UInt8] = []
        finish(to: &bytes)
        output.write(String(decoding: bytes, as: UTF8.self))
    }

    /// The table's bytes (what `finish(to:)` writes).
    mutating func finish(to output: inout [UInt8]) {
        if lines.isEmpty {
            Text.append("No certificates found.\n", to: &output)
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
                    var packed = line.packed
                    let ascii = packed.withUTF8 { Self.asciiWidths($0, into: &widths) }
                    if !ascii {
                        for (i, cell) in Self.cells(line.packed).main.enumerated() { widths[i] = max(widths[i], Self.characters(cell)) }
                    }
                }
                out[c] = widths
            }
        }
        var widths = (0..<columns).map { i in partial.map { $0[i] }.max() ?? 0 }
        // A column with nothing in it (SERVICE for plain files) is left out.
        widths = zip(widths, Self.headings).map { $0 == 0 ? 0 : max($0, $1.count) }
        if let width { Self.fit(&widths, into: width) }
        Text.append(Self.format(Self.headings.map { Substring($0) }, widths: widths) + "\n", to: &output)
        let (fitted, color) = (widths, color)
        var texts = [[UInt8]](repeating: [], count: chunks)
        texts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var text: [UInt8] = []
                text.reserveCapacity(chunk * 128)
                for line in sorted[(c * chunk)..<min(sorted.count, (c + 1) * chunk)] {
                    var packed = line.packed
                    let done = !color && packed.withUTF8 { bytes in
                        guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
                        Self.appendASCII(bytes, widths: fitted, to: &text)
                        return true
                    }
                    if !done { Text.append(Self.text(of: line, widths: fitted, color: color), to: &text) }
                }
                out[c] = text
            }
        }
        for text in texts { output.append(contentsOf: text) }
        Text.append(summary() + "\n", to: &output)
    }

    /// Widens `widths` to a packed line's cells when the line is ASCII (a cell's
    /// characters are then its bytes); false, and nothing changed, when it is not.
    static func asciiWidths(_ packed: UnsafeBufferPointer<UInt8>, into widths: inout [Int]) -> Bool {
        var end = packed.count
        for (index, byte) in packed.enumerated() {
            if byte >= 0x80 { return false }
            if byte == 0x1E { end = index; break }
        }
        if packed[end...].contains(where: { $0 >= 0x80 }) { return false }
        var column = 0, start = 0
        for index in 0...end where index == end || packed[index] == 0x1F {
            if column < widths.count { widths[column] = max(widths[column], index - start) }
            column += 1
            start = index + 1
        }
        return true
    }

    /// `text(of:widths:color: false)` of an ASCII line, as bytes.
    static func appendASCII(_ packed: UnsafeBufferPointer<UInt8>, widths: [Int], to out: inout [UInt8]) {
        let last = widths.lastIndex { $0 > 0 } ?? 0
        let lineStart = out.count
        let end = packed.firstIndex(of: 0x1E) ?? packed.count
        var column = 0, start = 0
        var shown = false
        for index in 0...end where index == end || packed[index] == 0x1F {
            defer { column += 1; start = index + 1 }
            guard column < widths.count, widths[column] > 0 else { continue }
            let width = widths[column]
            if shown { out.append(contentsOf: "  ".utf8) }
            shown = true
            let count = index - start
            if count <= width {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: packed[start..<index]))
            } else if column == 6 {
                out.append(UInt8(ascii: "~")) // keep the file name
                out.append(contentsOf: UnsafeBufferPointer(rebasing: packed[(index - width + 1)..<index]))
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: packed[start..<(start + width - 1)]))
                out.append(UInt8(ascii: "~"))
            }
            if column != last && count < width { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - count)) }
        }
        while out.count > lineStart && out.last == 0x20 { out.removeLast() }
        out.append(UInt8(ascii: "\n"))
        guard end < packed.count else { return }
        for extra in packed[(end + 1)...].split(separator: 0x1F) {
            out.append(contentsOf: "    ".utf8)
            out.append(contentsOf: extra)
            out.append(UInt8(ascii: "\n"))
        }
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
