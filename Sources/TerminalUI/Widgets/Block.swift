/// A box: a border with an optional title, around an inner area for other widgets.
public struct Block: Widget {
    /// The characters a border is drawn with.
    public struct Border: Hashable, Sendable {
        /// The corner, edge and side characters.
        public var topLeft, top, topRight, side, bottomLeft, bottomRight: Character
        /// Box-drawing lines.
        public static let line = Border(topLeft: "┌", top: "─", topRight: "┐", side: "│", bottomLeft: "└", bottomRight: "┘")
        /// Plain ASCII, for terminals without line drawing.
        public static let ascii = Border(topLeft: "+", top: "-", topRight: "+", side: "|", bottomLeft: "+", bottomRight: "+")
    }

    /// The title written into the top border.
    public var title: String?
    /// The border characters.
    public var border: Border
    /// The border's role.
    public var role: Role
    /// The role of the inside (filled before drawing), or nil to leave it as it is.
    public var fill: Role?

    /// A box.
    public init(title: String? = nil, border: Border = .line, role: Role = .border, fill: Role? = nil) {
        self.title = title
        self.border = border
        self.role = role
        self.fill = fill
    }

    /// The area inside the border.
    public func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        if let fill { buffer.fill(area, style: theme[fill]) }
        let s = theme[role]
        let last = area.right - 1, bottom = area.bottom - 1
        for x in area.x...last {
            let top: Character = x == area.x ? border.topLeft : (x == last ? border.topRight : border.top)
            buffer.write(String(top), x: x, y: area.y, style: s)
            if bottom > area.y {
                let b: Character = x == area.x ? border.bottomLeft : (x == last ? border.bottomRight : border.top)
                buffer.write(String(b), x: x, y: bottom, style: s)
            }
        }
        if area.height > 2 {
            for y in (area.y + 1)..<bottom {
                buffer.write(String(border.side), x: area.x, y: y, style: s)
                if last > area.x { buffer.write(String(border.side), x: last, y: y, style: s) }
            }
        }
        if let title, area.width > 4 {
            let t = " " + title.truncated(toWidth: area.width - 4) + " "
            buffer.write(t, x: area.x + 1, y: area.y, style: theme[.title])
        }
    }
}

/// Text, wrapped to the area or cut at its edge, in one role or as styled spans.
public struct Paragraph: Widget {
    /// The lines, each a row of spans.
    public var lines: [[Span]]
    /// Wrap long lines at spaces (true) or cut them (false).
    public var wrap: Bool
    /// The role under the spans.
    public var role: Role
    /// Rows scrolled past at the top (after wrapping), for text longer than its area.
    public var scroll: Int

    /// Plain text in one role.
    public init(_ text: String, role: Role = .normal, wrap: Bool = true) {
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { [Span(String($0))] }
        self.wrap = wrap
        self.role = role
        self.scroll = 0
    }

    /// Lines of styled spans (never wrapped).
    public init(lines: [[Span]], role: Role = .normal) {
        self.lines = lines
        self.wrap = false
        self.role = role
        self.scroll = 0
    }

    /// The same paragraph scrolled down by `rows`.
    public func scrolled(by rows: Int) -> Paragraph {
        var p = self
        p.scroll = max(0, rows)
        return p
    }

    /// Rows the text takes at `width` (after wrapping), to size a scroll.
    public func rowCount(width: Int) -> Int { rows(width: width).count }

    private func rows(width: Int) -> [[Span]] {
        guard wrap else { return lines }
        var rows: [[Span]] = []
        for line in lines {
            let text = line.map(\.text).joined()
            let style = line.first?.style ?? Style()
            rows += TextWrap.wrap(text, width: width).map { [Span($0, style: style)] }
        }
        return rows
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let base = theme[role]
        let rows = rows(width: area.width).dropFirst(scroll)
        for (i, row) in rows.prefix(area.height).enumerated() {
            let spans = row.map { Span($0.text, style: base.patched(with: $0.style)) }
            buffer.write(spans, x: area.x, y: area.y + i, clip: area)
        }
    }
}
