/// A terminal colour: the terminal's own default, one of the 16 named ANSI colours, or an
/// index into the 256-colour palette. The backend maps what the terminal cannot show to
/// the nearest colour it can.
public enum Color: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground or background.
    case `default`
    /// One of the 16 ANSI colours.
    case named(NamedColor)
    /// Index 0...255 of the xterm 256-colour palette.
    case indexed(UInt8)

    /// The 16 ANSI colours, by the names theme files use.
    public enum NamedColor: String, CaseIterable, Sendable {
        case black, red, green, yellow, blue, magenta, cyan, white
        case brightBlack = "bright-black", brightRed = "bright-red", brightGreen = "bright-green"
        case brightYellow = "bright-yellow", brightBlue = "bright-blue"
        case brightMagenta = "bright-magenta", brightCyan = "bright-cyan", brightWhite = "bright-white"

        /// The palette index (0...15).
        public var index: Int { NamedColor.allCases.firstIndex(of: self)! }
    }

    /// Shorthands for the eight base colours.
    public static let black = Color.named(.black)
    public static let red = Color.named(.red)
    public static let green = Color.named(.green)
    public static let yellow = Color.named(.yellow)
    public static let blue = Color.named(.blue)
    public static let magenta = Color.named(.magenta)
    public static let cyan = Color.named(.cyan)
    public static let white = Color.named(.white)

    /// The palette index, or nil for the terminal default.
    public var paletteIndex: Int? {
        switch self {
        case .default: return nil
        case .named(let n): return n.index
        case .indexed(let i): return Int(i)
        }
    }

    /// Parses a theme file's spelling: `default`, a name such as `bright-blue` (also
    /// `grey`/`gray` for bright-black), or a palette index `0`...`255`.
    public init?(themeName: String) {
        let s = themeName.lowercased()
        if s == "default" || s == "none" { self = .default; return }
        if s == "grey" || s == "gray" { self = .named(.brightBlack); return }
        if let n = NamedColor(rawValue: s) { self = .named(n); return }
        if let i = Int(s), (0...255).contains(i) { self = .indexed(UInt8(i)); return }
        return nil
    }

    public var description: String {
        switch self {
        case .default: return "default"
        case .named(let n): return n.rawValue
        case .indexed(let i): return String(i)
        }
    }
}
