#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place that knows what each symbol the wizard draws becomes on a terminal whose
/// locale is not UTF-8 (`LANG=C`, common on jump hosts): there ncurses cannot show `·`,
/// `◀`, `✓`, and drops them, leaving what was in the cell before. The runtime puts a
/// buffer through `asciiStandIns()` before drawing it, so the screen shows exactly the
/// buffer's text, one ASCII character per column.
public enum ASCIIStandIns {
    /// Each symbol's stand-in, one column wide like the symbol.
    public static let table: [Character: Character] = [
        "→": ">", "←": "<", "↑": "^", "↓": "v", "▶": ">", "◀": "<", "▲": "^", "▼": "v",
        "✓": "+", "✗": "x", "⚠": "!", "…": ".", "·": ".", "•": "*", "●": "*", "✎": "*",
        "│": "|", "─": "-", "┌": "+", "┐": "+", "└": "+", "┘": "+", "▏": "|", "░": ":", "█": "#",
        "⠋": "-", "⠙": "\\", "⠹": "|", "⠸": "/", "⠼": "-", "⠴": "\\", "⠦": "|", "⠧": "/", "⠇": "-", "⠏": "\\",
    ]

    /// A symbol the table does not know (a name from a certificate): one `?` per column it takes.
    public static let unknown: Character = "?"

    /// The stand-in of one cell's symbol: itself when ASCII.
    public static func standIn(for symbol: String) -> String {
        guard symbol.unicodeScalars.contains(where: { !$0.isASCII }) else { return symbol }
        if symbol.count == 1, let c = symbol.first, let s = table[c] { return String(s) }
        return String(unknown)
    }

    /// True when the process's locale (as `setlocale(LC_ALL, "")` set it) writes UTF-8.
    public static var localeIsUTF8: Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}

extension Buffer {
    /// The same screen in ASCII only: every symbol replaced by its stand-in, a wide one
    /// by a `?` in each of its two columns, so that a terminal which cannot show a
    /// symbol never leaves a stale cell where it should be.
    public func asciiStandIns() -> Buffer {
        var out = self
        for y in 0..<size.height {
            for x in 0..<size.width {
                let c = self[x, y]
                if c.isContinuation {
                    out.replaceCell(Cell(ASCIIStandIns.unknown, style: c.style), x: x, y: y)
                } else if c.symbol.unicodeScalars.contains(where: { !$0.isASCII }) {
                    var cell = Cell(Character(ASCIIStandIns.standIn(for: c.symbol)), style: c.style)
                    cell.width = 1
                    out.replaceCell(cell, x: x, y: y)
                }
            }
        }
        return out
    }
}
