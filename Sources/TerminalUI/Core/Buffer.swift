import TerminalText
/// A whole frame in memory: `size.width` x `size.height` cells. Views render into a
/// Buffer, never to the terminal; the backend puts the finished Buffer on screen, and
/// tests read it back as `lines`.
public struct Buffer: Hashable, Sendable {
    /// Where a `write` was cut by its clip in the middle of a word (a letter written at the
    /// edge, another one left out): a layout defect, which tests look for. Not part of
    /// the screen: two buffers showing the same cells are equal whatever this holds.
    public private(set) var cutWords: [Position] = []

    /// Columns and rows.
    public private(set) var size: Size
    /// Cells, row by row.
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown (a focused text field), or nil to hide it.
    public var cursor: Position?

    /// A buffer filled with blanks in `style`.
    public init(size: Size, style: Style = .plain) {
        self.size = size
        self.cells = Array(repeating: .blank(style), count: size.width * size.height)
    }

    /// A buffer of `width` x `height` blank cells.
    public init(width: Int, height: Int, style: Style = .plain) {
        self.init(size: Size(width: width, height: height), style: style)
    }

    public static func == (a: Buffer, b: Buffer) -> Bool { a.size == b.size && a.cells == b.cells && a.cursor == b.cursor }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(size)
        hasher.combine(cells)
        hasher.combine(cursor)
    }

    /// The whole buffer as a rectangle.
    public var area: Rect { Rect(size: size) }

    /// The cell at column `x`, row `y`; reading outside gives a blank, writing outside
    /// is ignored, so a widget squeezed to nothing can never crash.
    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard area.contains(x: x, y: y) else { return .blank() }
            return cells[y * size.width + x]
        }
        set { set(newValue, x: x, y: y) }
    }

    /// Puts one cell, keeping wide characters whole: overwriting half of a wide character
    /// blanks its other half, and a wide cell claims the column to its right (or becomes
    /// a blank when there is none).
    public mutating func set(_ cell: Cell, x: Int, y: Int) {
        guard area.contains(x: x, y: y) else { return }
        let i = y * size.width + x
        breakWide(at: x, y: y)
        if cell.width == 2 {
            guard x + 1 < size.width else {
                cells[i] = .blank(cell.style)
                return
            }
            breakWide(at: x + 1, y: y)
            cells[i] = cell
            cells[i + 1] = .continuation(cell.style)
        } else if cell.isContinuation {
            cells[i] = .blank(cell.style)
        } else {
            cells[i] = cell
        }
    }

    /// Puts `cell` in place as it is, with no care for wide neighbours (for a whole-buffer
    /// transformation that rewrites both halves itself).
    mutating func replaceCell(_ cell: Cell, x: Int, y: Int) {
        guard area.contains(x: x, y: y) else { return }
        cells[y * size.width + x] = cell
    }

    /// Blanks the other half of a wide character that the cell at (x, y) belongs to.
    private mutating func breakWide(at x: Int, y: Int) {
        let i = y * size.width + x
        let c = cells[i]
        if c.isContinuation, x > 0, cells[i - 1].width == 2 {
            cells[i - 1] = .blank(cells[i - 1].style)
        } else if c.width == 2, x + 1 < size.width, cells[i + 1].isContinuation {
            cells[i + 1] = .blank(cells[i + 1].style)
        }
    }

    /// Writes `text` from (x, y) rightwards, patching `style` onto the cells' styles, and
    /// stops at the edge of `clip` (the whole buffer when nil). Control characters are
    /// written out by `TerminalText.visible` (`\x1b`, `\u202e`), so text from outside can
    /// never send a terminal sequence and never hides what it holds. Returns the column
    /// after the last one written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = Style(), clip: Rect? = nil) -> Int {
        let bounds = (clip ?? area).intersection(area)
        guard y >= bounds.y, y < bounds.bottom else { return x }
        var col = x
        var previous: Character = " "
        for ch in TerminalText.visible(text) {
            if col >= bounds.right {
                if !ch.isWhitespace && !previous.isWhitespace && (ch.isLetter || ch.isNumber) && (previous.isLetter || previous.isNumber) {
                    cutWords.append(Position(x: bounds.right - 1, y: y))
                }
                break
            }
            previous = ch
            let shown = ch
            let w = CharacterWidth.of(ch)
            if w == 0 { continue }  // a zero-width format character: nothing to show
            if col < bounds.x {
                col += w
                continue
            }
            let base = self[col, y].style
            if w == 2 && col + 1 >= bounds.right {
                set(.blank(base.patched(with: style)), x: col, y: y)
                col += 1
                break
            }
            set(Cell(shown, style: base.patched(with: style)), x: col, y: y)
            col += w
        }
        return col
    }

    /// Writes spans one after another from (x, y), clipped like `write`.
    @discardableResult
    public mutating func write(_ spans: [Span], x: Int, y: Int, clip: Rect? = nil) -> Int {
        var col = x
        for s in spans { col = write(s.text, x: col, y: y, style: s.style, clip: clip) }
        return col
    }

    /// Fills `rect` with blanks in `style` (patched onto what is there).
    public mutating func fill(_ rect: Rect, style: Style = Style()) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.bottom {
            for x in r.x..<r.right {
                set(.blank(self[x, y].style.patched(with: style)), x: x, y: y)
            }
        }
    }

    /// Patches `style` onto every cell of `rect`, keeping the text.
    public mutating func setStyle(_ rect: Rect, style: Style) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.bottom {
            for x in r.x..<r.right {
                cells[y * size.width + x].style = cells[y * size.width + x].style.patched(with: style)
            }
        }
    }

    /// Copies `other` into this buffer with its top left at `origin`, clipped.
    public mutating func blit(_ other: Buffer, at origin: Position) {
        cutWords += other.cutWords.map { Position(x: $0.x + origin.x, y: $0.y + origin.y) }
        for y in 0..<other.size.height {
            for x in 0..<other.size.width {
                let c = other[x, y]
                if c.isContinuation { continue }
                set(c, x: origin.x + x, y: origin.y + y)
            }
        }
    }

    /// The text of each row, full width, wide characters once: what a person would read.
    public var lines: [String] {
        (0..<size.height).map { line($0) }
    }

    /// The text of row `y`.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < size.height else { return "" }
        var s = ""
        for x in 0..<size.width {
            let c = cells[y * size.width + x]
            if !c.isContinuation { s += c.symbol }
        }
        return s
    }

    /// The rows with trailing spaces removed, for compact test expectations.
    public var trimmedLines: [String] {
        lines.map { l in
            var t = Substring(l)
            while t.last == " " { t = t.dropLast() }
            return String(t)
        }
    }
}
