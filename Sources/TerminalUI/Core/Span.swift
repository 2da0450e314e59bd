/// A run of text in one style; a row of mixed styles is an array of spans.
public struct Span: Hashable, Sendable {
    /// The text.
    public var text: String
    /// Its style, patched onto what is underneath.
    public var style: Style

    /// A span.
    public init(_ text: String, style: Style = Style()) {
        self.text = text
        self.style = style
    }

    /// Columns the text takes.
    public var width: Int { CharacterWidth.of(text) }
}

extension String {
    /// The longest prefix that fits in `columns` display columns (never splitting a
    /// wide character), with "…" as its last column when something was cut off.
    public func truncated(toWidth columns: Int, ellipsis: Bool = true) -> String {
        guard columns > 0 else { return "" }
        if CharacterWidth.of(self) <= columns { return self }
        let budget = ellipsis ? columns - 1 : columns
        var out = "", used = 0
        for c in self {
            let w = CharacterWidth.of(c)
            if used + w > budget { break }
            out.append(c)
            used += w
        }
        return ellipsis ? out + "…" : out
    }

    /// The string padded with spaces (or cut) to exactly `columns` display columns.
    public func padded(toWidth columns: Int) -> String {
        let cut = truncated(toWidth: columns, ellipsis: false)
        let w = CharacterWidth.of(cut)
        return w < columns ? cut + String(repeating: " ", count: columns - w) : cut
    }
}
