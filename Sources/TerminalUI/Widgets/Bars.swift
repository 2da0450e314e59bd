/// The bottom line of every screen: the keys that work here and what they do, from the
/// same KeyBinding values the update code matches, so the two can never disagree.
/// Bindings that do not fit are left out whole, never cut in half.
public struct HelpBar: Widget {
    /// The bindings, most important first.
    public var bindings: [KeyBinding]

    /// A help bar.
    public init(_ bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The spans it shows at `width`: key in help-key style, then its help.
    public func spans(width: Int, theme: Theme) -> [Span] {
        var out: [Span] = [], used = 0
        for b in bindings where b.shownInHelp {
            let piece = CharacterWidth.of(b.label) + 1 + CharacterWidth.of(b.help)
            let gap = out.isEmpty ? 0 : 2
            if used + gap + piece > width { continue }
            if gap > 0 { out.append(Span("  ", style: theme[.help])) }
            out.append(Span(b.label, style: theme[.helpKey]))
            out.append(Span(" " + b.help, style: theme[.help]))
            used += gap + piece
        }
        return out
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, style: theme[.help])
        buffer.write(spans(width: row.width, theme: theme), x: row.x, y: row.y, clip: row)
    }
}

/// A one-row status line: text at the left and at the right (the right side is cut
/// first when they do not both fit).
public struct StatusLine: Widget {
    /// Text at the left (where you are, what happened).
    public var left: String
    /// Text at the right (the theme, a count, the time).
    public var right: String
    /// The role of the line.
    public var role: Role

    /// A status line.
    public init(left: String, right: String = "", role: Role = .status) {
        self.left = left
        self.right = right
        self.role = role
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        let style = theme[role]
        buffer.fill(row, style: style)
        let l = left.truncated(toWidth: row.width)
        let x = buffer.write(l, x: row.x, y: row.y, style: style, clip: row)
        let room = row.right - x - 1
        if !right.isEmpty && room > 0 {
            let r = right.truncated(toWidth: room)
            buffer.write(r, x: row.right - CharacterWidth.of(r), y: row.y, style: style, clip: row)
        }
    }
}
