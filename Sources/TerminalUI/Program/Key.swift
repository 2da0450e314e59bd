/// A key the user pressed, already decoded from the terminal's bytes.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (space included).
    case char(Character)
    case enter, esc, tab, backTab
    case up, down, left, right
    case home, end, pageUp, pageDown
    case backspace, delete, insert
    /// Function key F1...F24.
    case f(Int)
    /// A control combination, lower case: `.ctrl("c")` is Ctrl-C.
    case ctrl(Character)

    /// How the key is written in help texts: "Enter", "Esc", "↑", "F1", "Ctrl-C", "q".
    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .enter: return "Enter"
        case .esc: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .f(let n): return "F\(n)"
        case .ctrl(let c): return "Ctrl-\(String(c).uppercased())"
        }
    }
}

/// A key binding as data: the keys that trigger an action and the help text that says
/// what it does. Update code matches keys through bindings and the help bar lists the
/// same values, so the help shown can never disagree with the keys that work.
public struct KeyBinding: Hashable, Sendable {
    /// The keys, any of which triggers the action.
    public var keys: [Key]
    /// How the keys are shown in help ("↑/↓", "Enter"); defaults to the keys joined by "/".
    public var label: String
    /// What the action does, in a word or two ("move", "choose", "back").
    public var help: String
    /// False to keep the binding working but out of the help bar (a full list of the
    /// keys, such as the F1 help, still shows it).
    public var shownInHelp: Bool
    /// True when every printable character triggers it too: typing into a text field.
    public var takesText: Bool

    /// A binding.
    public init(_ keys: [Key], label: String? = nil, help: String, shownInHelp: Bool = true, takesText: Bool = false) {
        self.keys = keys
        self.label = label ?? keys.map(\.description).joined(separator: "/")
        self.help = help
        self.shownInHelp = shownInHelp
        self.takesText = takesText
    }

    /// A binding of one key.
    public init(_ key: Key, label: String? = nil, help: String, shownInHelp: Bool = true) {
        self.init([key], label: label, help: help, shownInHelp: shownInHelp)
    }

    /// True when `key` triggers this binding.
    public func matches(_ key: Key) -> Bool {
        if takesText, case .char = key { return true }
        return keys.contains(key)
    }

    /// The same binding, working but kept out of the help bar.
    public var outOfBar: KeyBinding {
        var copy = self
        copy.shownInHelp = false
        return copy
    }

    /// Typing into a text field: every printable character and the editing keys (`keys`:
    /// by default those `TextFieldState.handle` edits with), as one
    /// binding kept out of the help bar. A field is where these keys go; its help says so.
    public static func typing(_ keys: [Key] = TextFieldState.editingKeys, help: String = "edit the field") -> KeyBinding {
        KeyBinding(keys, label: "type", help: help, shownInHelp: false, takesText: true)
    }
}

extension KeyBinding {
    /// The common vocabulary of the design: arrows/Tab move, Enter chooses, Esc goes back,
    /// F1 or ? helps, / filters, q quits.
    /// ↑ and ↓ move.
    public static let move = KeyBinding([.up, .down], label: "↑↓", help: "move")
    /// Enter chooses.
    public static let choose = KeyBinding(.enter, help: "choose")
    /// Esc goes back.
    public static let back = KeyBinding(.esc, help: "back")
    /// F1 or ? shows help.
    public static let help = KeyBinding([.f(1), .char("?")], label: "F1/?", help: "help")
    /// / filters.
    public static let filter = KeyBinding(.char("/"), help: "filter")
    /// q quits.
    public static let quit = KeyBinding([.char("q")], help: "quit")
    /// Tab and Shift-Tab move between fields.
    public static let nextField = KeyBinding([.tab, .backTab], label: "Tab/Shift-Tab", help: "next/previous field")
    /// Space ticks or unticks.
    public static let toggle = KeyBinding(.char(" "), help: "toggle")
    /// Home, End, PgUp and PgDn jump in a list: to the first, the last, a page on. Kept out
    /// of the help bar (the arrows say "move" there); the full list of keys shows it.
    public static let jump = KeyBinding([.home, .end, .pageUp, .pageDown], label: "Home/End/PgUp/PgDn", help: "first, last, a page", shownInHelp: false)
    /// PgUp and PgDn move a page.
    public static let page = KeyBinding([.pageUp, .pageDown], label: "PgUp/PgDn", help: "page")
}
