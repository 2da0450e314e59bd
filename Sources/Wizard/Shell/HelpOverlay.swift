import TerminalUI

/// The help over a screen (F1): what the screen does, every key that works there now
/// (drawn from the same bindings the keys go through, those kept out of the footer too),
/// then what holds everywhere.
struct HelpOverlay {
    /// The screen's name.
    var title: String
    /// The screen's own paragraphs.
    var text: String
    /// The screen's live bindings.
    var keys: [KeyBinding]
    /// Rows scrolled past.
    var scroll: Int

    /// What holds on every screen, after the screen's own text.
    static let common = """
        Keys everywhere: F1 help (also ? where you are not typing), Esc back, q quit (where you are not typing; asks first when something typed was not written), Ctrl-C leaves at once.
        Nothing is written or run before a review screen lists it and you press y or F10 there.
        """

    /// The keys while the help is open.
    static let bindings = [KeyBinding([.up, .down, .pageUp, .pageDown], label: "↑↓", help: "scroll"), KeyBinding([.esc, .f(1), .char("?")], label: "Esc/F1", help: "close help"), .quit]

    /// A key while the help is open: scroll it, close it, or quit (`true` then).
    static func handle(_ key: Key, _ help: inout HelpState?) -> Bool {
        guard var state = help else { return false }
        switch key {
        case .esc, .f(1), .char("?"): help = nil
        case .char("q"): return true
        case .up, .pageUp, .down, .pageDown:
            state.scroll = max(0, state.scroll + ListNavigation.scrollRows(key))
            help = state
        default: break
        }
        return false
    }

    /// Draws the help in a box over the whole screen but the title bar and the keys.
    func render(area: Rect, buffer b: inout Buffer, theme: Theme) {
        let box = area.inset(top: 1, bottom: 1)
        b.fill(box, style: theme[.dialog])
        let block = Block(title: "Help: " + title, role: .border)
        block.render(area: box, buffer: &b, theme: theme)
        let inner = block.inner(box).inset(left: 1, right: 1)
        var lines = TextLines(width: inner.width, theme: theme)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.add(String(line), .dialog, indent: 2)
        }
        if !keys.isEmpty {
            lines.add("Keys here:", .dialog)
            let width = keys.map { CharacterWidth.of($0.label) }.max() ?? 0
            for key in keys {
                lines.add(key.help, .dialog, indent: width + 4, prefix: "  " + key.label.padded(toWidth: width + 2))
            }
        }
        for line in Self.common.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.add(String(line), .dialog, indent: 2)
        }
        lines.render(area: inner, buffer: &b, scroll: scroll)
        b.cursor = nil
    }
}
