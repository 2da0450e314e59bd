/// A size in terminal cells: columns by rows. Never negative.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// A size; negative values are taken as zero so that arithmetic on a squeezed
    /// screen can never produce an impossible area.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The classic jump-host terminal every screen must work in.
    public static let standard = Size(width: 80, height: 24)

    public var description: String { "\(width)x\(height)" }
}

/// A cell position: column `x` and row `y`, both from zero at the top left.
public struct Position: Hashable, Sendable {
    /// Column.
    public var x: Int
    /// Row.
    public var y: Int

    /// A position.
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// A rectangle of cells. Widgets render into one and must stay inside it; any rectangle,
/// including an empty one, is a valid area.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Columns (never negative).
    public var width: Int
    /// Rows (never negative).
    public var height: Int

    /// A rectangle; a negative width or height becomes zero.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The rectangle at the origin covering `size`.
    public init(size: Size) {
        self.init(x: 0, y: 0, width: size.width, height: size.height)
    }

    /// An empty rectangle at the origin.
    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    /// One past the last column.
    public var right: Int { x + width }
    /// One past the last row.
    public var bottom: Int { y + height }
    /// Its size.
    public var size: Size { Size(width: width, height: height) }
    /// True when it holds no cell.
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// True when the cell at (`px`, `py`) lies inside.
    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < right && py >= y && py < bottom
    }

    /// The overlap of two rectangles (empty when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        let r = min(right, other.right), b = min(bottom, other.bottom)
        return Rect(x: left, y: top, width: r - left, height: b - top)
    }

    /// The rectangle shrunk by the given margins, never below empty.
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        let w = max(0, width - left - right), h = max(0, height - top - bottom)
        return Rect(x: x + min(left, width), y: y + min(top, height), width: w, height: h)
    }

    /// The rectangle shrunk by `margin` cells on every side.
    public func inset(by margin: Int) -> Rect {
        inset(top: margin, left: margin, bottom: margin, right: margin)
    }

    /// A rectangle of at most `width` x `height` centred inside this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(max(0, w), width), ch = min(max(0, h), height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// Row `i` of the rectangle as a one-row rectangle (empty when out of range).
    public func row(_ i: Int) -> Rect {
        guard i >= 0, i < height else { return Rect(x: x, y: y + max(0, min(i, height)), width: 0, height: 0) }
        return Rect(x: x, y: y + i, width: width, height: 1)
    }

    public var description: String { "(\(x),\(y) \(width)x\(height))" }
}
