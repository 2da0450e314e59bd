/// Something that draws itself into a rectangle of a Buffer, in the colours of a theme.
/// A widget is a value built fresh by each `view`; its scroll and selection live in a
/// small state struct the program keeps. Any area, even 0x0 or 1x1, is valid: a widget
/// squeezed too far shows less, never crashes, never draws outside.
public protocol Widget {
    /// Draws into `area` of `buffer`.
    func render(area: Rect, buffer: inout Buffer, theme: Theme)
}

/// Moving a selection through a list with the keyboard, shared by menus, checklists and
/// tables so that they all answer the same keys the same way.
public enum ListNavigation {
    /// The rows a scroll key moves a panel of text by: ↑ one up, ↓ one down, PgUp and PgDn a
    /// page (`pageSize` rows); 0 for any other key. The caller keeps the offset at 0 or more.
    public static func scrollRows(_ key: Key, pageSize: Int = 10) -> Int {
        switch key {
        case .up: return -1
        case .down: return 1
        case .pageUp: return -max(1, pageSize)
        case .pageDown: return max(1, pageSize)
        default: return 0
        }
    }

    /// The new selected index after `key` (↑ ↓ Home End PgUp PgDn), or nil when the key
    /// does not move a selection. Never out of `0..<count`.
    public static func move(_ key: Key, selected: Int, count: Int, pageSize: Int = 10) -> Int? {
        guard count > 0 else { return nil }
        let page = max(1, pageSize)
        let current = min(max(0, selected), count - 1)
        switch key {
        case .up: return max(0, current - 1)
        case .down: return min(count - 1, current + 1)
        case .home: return 0
        case .end: return count - 1
        case .pageUp: return max(0, current - page)
        case .pageDown: return min(count - 1, current + page)
        default: return nil
        }
    }

    /// Where the selection is in a list that does not all show in `height` rows, as
    /// tables, menus and checklists draw it (" 7/10 "); "" when every row shows.
    public static func position(selected: Int, count: Int, height: Int) -> String {
        guard count > height, height > 0 else { return "" }
        return " \(min(max(0, selected), count - 1) + 1)/\(count) "
    }

    /// The first visible row so that `selected` shows in `height` rows, moving the
    /// previous `offset` as little as possible.
    public static func offset(selected: Int, offset: Int, count: Int, height: Int) -> Int {
        guard height > 0, count > 0 else { return 0 }
        var o = min(max(0, offset), max(0, count - height))
        let s = min(max(0, selected), count - 1)
        if s < o { o = s } else if s >= o + height { o = s - height + 1 }
        return max(0, o)
    }
}

/// Word wrapping by display width, for paragraphs and dialogs.
public enum TextWrap {
    /// `text` broken into lines of at most `width` columns, at spaces where possible
    /// (a word longer than a line is cut). Explicit newlines are kept.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = "", lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var w = String(word)
                var ww = CharacterWidth.of(w)
                if lineWidth > 0 && lineWidth + 1 + ww <= width {
                    line += " " + w
                    lineWidth += 1 + ww
                    continue
                }
                if lineWidth > 0 {
                    out.append(line)
                    line = ""
                    lineWidth = 0
                }
                while ww > width {
                    var head = w.truncated(toWidth: width, ellipsis: false)
                    if head.isEmpty { head = String(w.first!) }  // a wide character wider than the line
                    out.append(head)
                    w = String(w.dropFirst(head.count))
                    ww = CharacterWidth.of(w)
                }
                line = w
                lineWidth = ww
            }
            out.append(line)
        }
        return out
    }
}

/// The selection's position (" 7/10 ") of a menu or checklist longer than its area, at the
/// right end of the area's last row: what that row shows is kept out of its place.
struct ListPosition {
    /// The text, "" when every item shows.
    let text: String
    /// Where it goes (empty when it is not shown).
    let place: Rect
    /// The list's area.
    let area: Rect

    init(selected: Int, count: Int, area: Rect) {
        var text = ListNavigation.position(selected: selected, count: count, height: area.height)
        // Never more than half the row: a narrow list keeps its items readable.
        if CharacterWidth.of(text) * 2 > area.width { text = "" }
        let width = CharacterWidth.of(text)
        self.text = text
        self.area = area
        place = text.isEmpty ? Rect(x: area.right, y: area.bottom - 1, width: 0, height: 0)
            : Rect(x: area.right - width, y: area.bottom - 1, width: width, height: 1)
    }

    /// The part of row `row` of the area left to the item drawn there.
    func room(row: Int) -> Rect {
        let line = area.row(row)
        guard !text.isEmpty, row == area.height - 1 else { return line }
        return Rect(x: line.x, y: line.y, width: line.width - place.width, height: 1)
    }

    /// Draws the position, in the header's colours as a table's is.
    func render(buffer: inout Buffer, theme: Theme) {
        guard !text.isEmpty else { return }
        buffer.write(text, x: place.x, y: place.y, style: theme[.header], clip: place)
    }
}
