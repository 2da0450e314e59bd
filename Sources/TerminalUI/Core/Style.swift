/// Text attributes a terminal can show without colour.
public struct Modifiers: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Bold (bright on some terminals).
    public static let bold = Modifiers(rawValue: 1 << 0)
    /// Foreground and background swapped: a selection without colour.
    public static let reverse = Modifiers(rawValue: 1 << 1)
    /// Underlined: input fields.
    public static let underline = Modifiers(rawValue: 1 << 2)
    /// Dimmed: secondary text.
    public static let dim = Modifiers(rawValue: 1 << 3)

    /// Theme-file names of each attribute, in a fixed order.
    public static let named: [(String, Modifiers)] = [
        ("bold", .bold), ("reverse", .reverse), ("underline", .underline), ("dim", .dim),
    ]
}

/// How a cell looks: foreground, background and attributes. A nil colour means "keep
/// what is underneath" when a style is patched onto another; a resolved cell style has
/// both colours set.
public struct Style: Hashable, Sendable {
    /// Foreground colour, nil to keep the one underneath.
    public var fg: Color?
    /// Background colour, nil to keep the one underneath.
    public var bg: Color?
    /// Attributes added on top of those underneath.
    public var modifiers: Modifiers

    /// A style.
    public init(fg: Color? = nil, bg: Color? = nil, modifiers: Modifiers = []) {
        self.fg = fg
        self.bg = bg
        self.modifiers = modifiers
    }

    /// The terminal's defaults, no attributes.
    public static let plain = Style(fg: .default, bg: .default)

    /// This style with `other` laid over it: its colours where set, attributes added.
    public func patched(with other: Style) -> Style {
        Style(fg: other.fg ?? fg, bg: other.bg ?? bg, modifiers: modifiers.union(other.modifiers))
    }

    /// This style plus attributes.
    public func adding(_ extra: Modifiers) -> Style {
        Style(fg: fg, bg: bg, modifiers: modifiers.union(extra))
    }

    /// The same attributes with no colour at all: what NO_COLOR and monochrome show.
    public var withoutColor: Style {
        Style(fg: fg == nil ? nil : .default, bg: bg == nil ? nil : .default, modifiers: modifiers)
    }
}
