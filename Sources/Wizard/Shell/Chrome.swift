import TerminalUI

extension WizardApp {
    /// The keys that work now, as the help bar shows them: the quit question's or the
    /// help's while one is open, else the screen in focus's live bindings.
    public func bindings(_ s: WizardState) -> [KeyBinding] {
        if s.quitDialog != nil { return QuitDialog.bindings }
        if s.help != nil { return HelpOverlay.bindings }
        if TooSmall.applies(to: s.size, minimum: Self.minimumSize) { return [.quit] }
        return focused(s.screen).bindings(s)
    }

    /// The whole screen: the title bar, the body of the screen in focus, its footnote and
    /// its keys, then the help or the quit question over them.
    public func view(_ s: WizardState, size: Size) -> Buffer {
        let theme = s.theme
        var b = Buffer(size: size, style: theme[.normal])
        if TooSmall.applies(to: size, minimum: Self.minimumSize) {
            TooSmall(minimum: Self.minimumSize).render(area: b.area, buffer: &b, theme: theme)
            return b
        }
        let screen = focused(s.screen)
        let rows = Self.chrome(b.area)
        StatusLine(left: " cmscerts · " + screen.title(s), right: "\(s.context.shortName) · theme \(theme.name) ", role: .status)
            .render(area: rows.title, buffer: &b, theme: theme)
        screen.render(s, rows.body, &b)
        StatusLine(left: " " + screen.footnote(s), role: .muted).render(area: rows.footnote, buffer: &b, theme: theme)
        HelpBar(bindings(s)).render(area: rows.keys, buffer: &b, theme: theme)
        if let help = s.help {
            HelpOverlay(title: screen.title(s), text: screen.helpText(s), keys: screen.bindings(s), scroll: help.scroll).render(area: b.area, buffer: &b, theme: theme)
        }
        if let dialog = s.quitDialog {
            QuitDialog.render(dialog, unsavedWork: s.unsavedWork, buffer: &b, theme: theme)
        }
        return b
    }

    /// The screen's rows: the title bar, the body a screen draws into (a column of margin
    /// each side), its footnote and its keys. The one layout of the chrome: `view` draws by
    /// it, and a screen's keys page its lists in the body it gives (`WizardState.bodyArea`).
    static func chrome(_ area: Rect) -> (title: Rect, body: Rect, footnote: Rect, keys: Rect) {
        let rows = Layout.vertical([.length(1), .fill(1), .length(1), .length(1)]).split(area)
        return (rows[0], rows[1].inset(left: 1, right: 1), rows[2], rows[3])
    }
}

extension WizardState {
    /// Where the screen in focus is drawn at the terminal's size: its update pages a list by
    /// the part of it its view's layout gives the list, so keys move what the screen shows.
    var bodyArea: Rect { WizardApp.chrome(Rect(size: size)).body }
}
