/// Lines of styled text for a panel, wrapped to its width, so that a screen can stack
/// paragraphs of different roles (a title, a list, an error) and scroll them as one.
public struct TextLines: Sendable {
    /// The rows made so far, each a run of spans.
    public var rows: [[Span]] = []
    /// The width the text is wrapped to (at least 1).
    public let width: Int
    /// The theme whose roles give the styles.
    public let theme: Theme

    /// No rows yet, for text wrapped to `width` in `theme`'s styles.
    public init(width: Int, theme: Theme) {
        self.width = max(1, width)
        self.theme = theme
    }

    /// Adds `prefix` + `text` in `role`, wrapped at spaces (a word longer than a row is
    /// cut); continuation rows are indented by `indent` columns.
    public mutating func add(_ text: String, _ role: Role = .normal, indent: Int = 0, prefix: String = "") {
        let style = theme[role]
        let pad = String(repeating: " ", count: max(0, min(indent, width - 1)))
        var out: [String] = []
        var line = prefix, lineWidth = CharacterWidth.of(prefix), atStart = true
        for (p, paragraph) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if p > 0 {
                out.append(line)
                line = pad
                lineWidth = pad.count
                atStart = true
            }
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var w = String(word)
                let need = CharacterWidth.of(w) + (atStart ? 0 : 1)
                if lineWidth + need <= width {
                    line += (atStart ? "" : " ") + w
                    lineWidth += need
                    atStart = false
                    continue
                }
                if !atStart {
                    out.append(line)
                    line = pad
                    lineWidth = pad.count
                }
                while lineWidth + CharacterWidth.of(w) > width {
                    var head = w.truncated(toWidth: max(1, width - lineWidth), ellipsis: false)
                    if head.isEmpty { head = String(w.first!) }
                    out.append(line + head)
                    w = String(w.dropFirst(head.count))
                    line = pad
                    lineWidth = pad.count
                }
                line += w
                lineWidth += CharacterWidth.of(w)
                atStart = w.isEmpty
            }
        }
        out.append(line)
        rows += out.map { [Span($0, style: style)] }
    }

    /// Adds one row of spans as it is (cut at the edge).
    public mutating func add(spans: [Span]) { rows.append(spans) }

    /// Adds an empty row.
    public mutating func blank() { rows.append([]) }

    /// Draws rows from `scroll` into `area` (the scroll is kept within the rows, so the
    /// last row never leaves the bottom).
    /// The smallest place that gives a row to its position: a smaller one (a two-row
    /// message) shows text in every row.
    public static let positionMinimumHeight = 6

    /// Draws the rows from `scroll` on. Text longer than its place keeps its last row to
    /// say where the view is in it ("rows 1-15 of 31", right-aligned), as a table
    /// says where its selection is, so that a list cut at the bottom never looks whole.
    public func render(area: Rect, buffer: inout Buffer, scroll: Int = 0) {
        guard !area.isEmpty else { return }
        let overflows = rows.count > area.height && area.height >= Self.positionMinimumHeight
        let height = overflows ? area.height - 1 : area.height
        let first = max(0, min(scroll, max(0, rows.count - height)))
        for (i, row) in rows.dropFirst(first).prefix(height).enumerated() {
            buffer.write(row, x: area.x, y: area.y + i, clip: area)
        }
        guard overflows else { return }
        var position = "rows \(first + 1)-\(first + height) of \(rows.count)"
        if CharacterWidth.of(position) > area.width { position = "\(first + height)/\(rows.count)" }
        guard CharacterWidth.of(position) <= area.width else { return }
        buffer.write(position, x: area.right - CharacterWidth.of(position), y: area.bottom - 1, style: theme[.muted])
    }
}
