/// The bottom line of every screen: the keys that work here and what they do, from the
/// same KeyBinding values the update code matches, so the two can never disagree.
///
/// One rule shortens it for every screen when it does not fit: descriptions go first, so
/// that every key stays in sight (the help, F1, says what each does). The words of the
/// keys every screen shares (↑↓, Tab, Esc, F1/?, q: the design's common vocabulary; ←→ differ by screen)
/// go before a screen's own, whose words a newcomer needs; within each, the longest
/// first. Only when the keys alone do not fit are the last ones left out, whole.
public struct HelpBar: Widget {
    /// The bindings, most important first.
    public var bindings: [KeyBinding]

    /// A help bar.
    public init(_ bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The keys that mean the same on every screen: their words are dropped first.
    public static let sharedKeys: Set<Key> = [.up, .down, .tab, .backTab, .esc, .f(1), .char("?"), .char("q")]

    /// The (key, description) pairs shown at `width`; a nil description was dropped to
    /// make room.
    public func layout(width: Int) -> [(label: String, help: String?)] {
        var items: [(label: String, help: String?)] = bindings.filter(\.shownInHelp).map { ($0.label, $0.help) }
        func total() -> Int {
            items.reduce(0) { sum, item in
                sum + CharacterWidth.of(item.label) + (item.help.map { 1 + CharacterWidth.of($0) } ?? 0)
            } + max(0, items.count - 1) * 2
        }
        let shared = bindings.filter(\.shownInHelp).map { $0.keys.allSatisfy(Self.sharedKeys.contains) }
        while total() > width {
            // The longest description left among the shared keys' (the first of equals),
            // then among the screen's own, else the last key.
            var longest: (index: Int, shared: Bool, width: Int)?
            for (i, item) in items.enumerated() {
                guard let help = item.help else { continue }
                let w = CharacterWidth.of(help)
                if let l = longest, l.shared != shared[i] ? l.shared : l.width >= w { continue }
                longest = (i, shared[i], w)
            }
            if let longest { items[longest.index].help = nil } else { items.removeLast() }
        }
        return items
    }

    /// The spans it shows at `width`: key in help-key style, then its help.
    public func spans(width: Int, theme: Theme) -> [Span] {
        var out: [Span] = []
        for item in layout(width: width) {
            if !out.isEmpty { out.append(Span("  ", style: theme[.help])) }
            out.append(Span(item.label, style: theme[.helpKey]))
            if let help = item.help { out.append(Span(" " + help, style: theme[.help])) }
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
