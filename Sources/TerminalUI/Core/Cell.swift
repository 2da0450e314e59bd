/// One cell of the screen: a grapheme, its display width and its style.
///
/// A wide grapheme (two columns) sits in its first cell with `width == 2`; the cell to
/// its right is a continuation (`symbol == ""`, `width == 0`) that the backend skips.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown, "" in a continuation cell.
    public var symbol: String
    /// Columns the symbol takes: 1, 2, or 0 for a continuation cell.
    public var width: Int
    /// Colours and attributes.
    public var style: Style

    /// A cell holding `symbol`, with the width the terminal will give it.
    public init(_ symbol: Character, style: Style = .plain) {
        self.symbol = String(symbol)
        self.width = max(1, CharacterWidth.of(symbol))
        self.style = style
    }

    /// A blank cell.
    public static func blank(_ style: Style = .plain) -> Cell { Cell(" ", style: style) }

    /// The right half of a wide grapheme.
    public static func continuation(_ style: Style) -> Cell {
        var c = Cell(" ", style: style)
        c.symbol = ""
        c.width = 0
        return c
    }

    /// True for the right half of a wide grapheme.
    public var isContinuation: Bool { width == 0 }
}
