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
