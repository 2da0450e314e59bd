/// How much of a split one part asks for.
public enum Constraint: Hashable, Sendable {
    /// Exactly n cells (less when there is not room).
    case length(Int)
    /// At least n cells; grows into leftover room when no `fill` part takes it.
    case min(Int)
    /// At most n cells; takes leftover room up to n when no `fill` or `min` part does.
    case max(Int)
    /// A percentage (0...100) of the whole.
    case percentage(Int)
    /// A share (weight) of the room left after every other part.
    case fill(Int)
}

/// Splits a rectangle into rows (`vertical`) or columns (`horizontal`) by constraints,
/// the way ratatui's Layout does: declared once, recomputed for any size, never
/// producing a part outside the rectangle.
public struct Layout: Hashable, Sendable {
    /// The direction parts follow each other in.
    public enum Direction: Hashable, Sendable {
        /// Parts stacked top to bottom.
        case vertical
        /// Parts side by side, left to right.
        case horizontal
    }

    /// The direction.
    public var direction: Direction
    /// One constraint per part.
    public var constraints: [Constraint]
    /// Cells left empty between parts.
    public var spacing: Int

    /// A layout.
    public init(_ direction: Direction, _ constraints: [Constraint], spacing: Int = 0) {
        self.direction = direction
        self.constraints = constraints
        self.spacing = Swift.max(0, spacing)
    }

    /// Parts stacked top to bottom.
    public static func vertical(_ constraints: [Constraint], spacing: Int = 0) -> Layout {
        Layout(.vertical, constraints, spacing: spacing)
    }

    /// Parts side by side.
    public static func horizontal(_ constraints: [Constraint], spacing: Int = 0) -> Layout {
        Layout(.horizontal, constraints, spacing: spacing)
    }

    /// The parts of `area`, one per constraint, in order. Fixed parts (length,
    /// percentage, min, max) are served first in order while room lasts; the room left
    /// goes to `fill` parts by weight, else to `min` parts, else to `max` parts up to
    /// their maximum; any rest stays empty at the end.
    public func split(_ area: Rect) -> [Rect] {
        let n = constraints.count
        guard n > 0 else { return [] }
        let total = direction == .vertical ? area.height : area.width
        let gaps = spacing * (n - 1)
        let room = Swift.max(0, total - gaps)
        var sizes = [Int](repeating: 0, count: n)
        var left = room
        for (i, c) in constraints.enumerated() {
            let want: Int
            switch c {
            case .length(let l): want = Swift.max(0, l)
            case .min(let m): want = Swift.max(0, m)
            case .max: want = 0
            case .percentage(let p): want = room * Swift.min(100, Swift.max(0, p)) / 100
            case .fill: want = 0
            }
            sizes[i] = Swift.min(want, left)
            left -= sizes[i]
        }
        if left > 0 {
            let fills = constraints.enumerated().compactMap { i, c -> (Int, Int)? in
                if case .fill(let w) = c { return (i, Swift.max(0, w)) }
                return nil
            }
            let mins = constraints.enumerated().compactMap { i, c -> Int? in
                if case .min = c { return i }
                return nil
            }
            if !fills.isEmpty {
                let weight = fills.reduce(0) { $0 + $1.1 }
                if weight > 0 {
                    var given = 0
                    for (k, (i, w)) in fills.enumerated() {
                        let share = k == fills.count - 1 ? left - given : left * w / weight
                        sizes[i] += share
                        given += share
                    }
                    left = 0
                }
            } else if !mins.isEmpty {
                var given = 0
                for (k, i) in mins.enumerated() {
                    let share = k == mins.count - 1 ? left - given : left / mins.count
                    sizes[i] += share
                    given += share
                }
                left = 0
            } else {
                for (i, c) in constraints.enumerated() {
                    if case .max(let m) = c {
                        let take = Swift.min(Swift.max(0, m), left)
                        sizes[i] += take
                        left -= take
                    }
                }
            }
        }
        var rects: [Rect] = []
        var offset = direction == .vertical ? area.y : area.x
        for (i, s) in sizes.enumerated() {
            switch direction {
            case .vertical: rects.append(Rect(x: area.x, y: offset, width: area.width, height: s))
            case .horizontal: rects.append(Rect(x: offset, y: area.y, width: s, height: area.height))
            }
            offset += s
            if i < n - 1 {
                offset += Swift.min(spacing, Swift.max(0, (direction == .vertical ? area.bottom : area.right) - offset))
            }
        }
        return rects
    }
}
