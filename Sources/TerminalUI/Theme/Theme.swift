/// A colour theme: a style for every role. Loaded from `themes/NAME.yaml`; a role the
/// file leaves out looks like `normal`.
public struct Theme: Hashable, Sendable {
    /// The name the user picks it by (the file name without `.yaml`).
    public var name: String
    /// One line for the theme picker.
    public var description: String
    /// The styles the file gives, by role.
    public var styles: [Role: Style]

    /// A theme.
    public init(name: String, description: String = "", styles: [Role: Style]) {
        self.name = name
        self.description = description
        self.styles = styles
    }

    /// The resolved style of `role`: the role's style laid over `normal`, so both colours
    /// are always set.
    public func style(_ role: Role) -> Style {
        let base = Style.plain.patched(with: styles[.normal] ?? Style())
        if role == .normal { return base }
        return base.patched(with: styles[role] ?? Style())
    }

    /// Shorthand for `style(role)`.
    public subscript(_ role: Role) -> Style { style(role) }

    /// The same theme with every colour removed and the attributes kept: what NO_COLOR
    /// asks for.
    public var withoutColor: Theme {
        Theme(name: name, description: description, styles: styles.mapValues(\.withoutColor))
    }

    /// True when the theme uses no colour at all.
    public var isMonochrome: Bool {
        styles.values.allSatisfy { ($0.fg ?? .default) == .default && ($0.bg ?? .default) == .default }
    }
}

extension Theme {
    /// The built-in default theme, used when no theme file can be found; `themes/default.yaml`
    /// says the same (a test keeps them equal).
    public static let builtInDefault = Theme(
        name: "default",
        description: "Terminal colours with cyan titles and a blue selection",
        styles: [
            .normal: Style(fg: .default, bg: .default),
            .title: Style(fg: .cyan, modifiers: [.bold]),
            .header: Style(fg: .cyan, modifiers: [.bold, .underline]),
            .selected: Style(fg: .named(.brightWhite), bg: .blue, modifiers: [.bold]),
            .focused: Style(fg: .yellow, modifiers: [.bold]),
            .border: Style(fg: .white),
            .error: Style(fg: .named(.brightRed), modifiers: [.bold]),
            .warning: Style(fg: .yellow),
            .ok: Style(fg: .green),
            .muted: Style(fg: .named(.brightBlack)),
            .help: Style(fg: .default),
            .helpKey: Style(fg: .cyan, modifiers: [.bold]),
            .input: Style(modifiers: [.underline]),
            .inputFocused: Style(fg: .named(.brightWhite), modifiers: [.underline, .bold]),
            .status: Style(fg: .black, bg: .cyan),
            .dialog: Style(fg: .default, bg: .default),
            .progress: Style(fg: .green),
        ]
    )

    /// The built-in monochrome theme: attributes only, readable with no colour at all.
    /// Used for NO_COLOR when `themes/monochrome.yaml` cannot be found; the file says
    /// the same (a test keeps them equal).
    public static let builtInMonochrome = Theme(
        name: "monochrome",
        description: "No colour: bold, reverse, underline and dim only (NO_COLOR)",
        styles: [
            .normal: Style(fg: .default, bg: .default),
            .title: Style(modifiers: [.bold]),
            .header: Style(modifiers: [.bold, .underline]),
            .selected: Style(modifiers: [.reverse]),
            .focused: Style(modifiers: [.bold]),
            .border: Style(),
            .error: Style(modifiers: [.bold, .underline]),
            .warning: Style(modifiers: [.bold]),
            .ok: Style(),
            .muted: Style(modifiers: [.dim]),
            .help: Style(),
            .helpKey: Style(modifiers: [.bold]),
            .input: Style(modifiers: [.underline]),
            .inputFocused: Style(modifiers: [.underline, .bold]),
            .status: Style(modifiers: [.reverse]),
            .dialog: Style(),
            .progress: Style(modifiers: [.reverse]),
        ]
    )
}
