import TerminalUI

/// The theme picker: the themes on offer, which one is selected, and why the last one
/// picked could not be used.
public struct ThemesScreen: WizardScreen {
    /// What happens on the picker.
    public enum Message: Sendable {
        /// A key of the menu (↑ ↓ Home End PgUp PgDn).
        case move(Key)
        /// Enter: read the selected theme's file.
        case use
        /// The theme read (or why it could not be).
        case loaded(Result<Theme, WizardFailure>)
    }

    /// Where theme files are found.
    var catalog: ThemeCatalog
    /// The themes on offer.
    var themes: [ThemeInfo]
    /// The selection.
    var menu = MenuState()
    /// Why the last theme picked could not be used.
    var error: String?

    /// The picker over `themes`, read from `catalog`.
    init(catalog: ThemeCatalog, themes: [ThemeInfo]) {
        self.catalog = catalog
        self.themes = themes
    }

    /// Where the parts go in the screen's `area`: the title, the menu, the error. The view
    /// draws by it and the menu's keys page by it, so that they move the menu as it shows.
    static func layout(_ area: Rect) -> (title: Rect, menu: Rect, error: Rect) {
        let parts = Layout.vertical([.length(2), .fill(1), .length(2)]).split(area)
        return (parts[0], parts[1], parts[2])
    }

    func title(_ app: WizardState) -> String { "Theme" }

    func footnote(_ app: WizardState) -> String {
        app.noColor ? "NO_COLOR is set: every theme is shown without colour." : "Themes come from themes/*.yaml; --theme NAME picks one at start."
    }

    func helpText(_ app: WizardState) -> String {
        """
        Themes come from themes/*.yaml (and built-in default and monochrome). ↑/↓ move, Enter uses the theme, Esc goes back.
        --theme NAME picks one at start; NO_COLOR set in the environment shows every theme without colour.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        [ScreenBinding(.move) { .send(.move($0)) }, ScreenBinding(KeyBinding(.enter, help: "use"), .send(.use)),
         ScreenBinding(.back, .shell(.back(to: .home))), .help, .quit, ScreenBinding(.jump) { .send(.move($0)) }]
    }

    /// Opened from home: the theme in use is selected.
    mutating func opened(_ app: WizardState) -> [ScreenEffect<Message>] {
        menu.selected = themes.firstIndex { $0.name == app.theme.name } ?? 0
        return []
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .move(let key):
            menu.handle(key, items: themes.map { MenuItem($0.name, detail: $0.description) }, in: Self.layout(app.bodyArea).menu)
            return []
        case .use:
            guard menu.selected < themes.count else { return [] }
            let name = themes[menu.selected].name, catalog = catalog
            return [.command(.perform {
                do { return .loaded(.success(try catalog.load(named: name))) } catch { return .loaded(.failure(WizardFailure(error))) }
            })]
        case .loaded(.success(let theme)):
            error = nil
            return [.shell(.useTheme(theme))]
        case .loaded(.failure(let failure)):
            error = failure.message
            return []
        }
    }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        let theme = app.theme
        let places = Self.layout(area)
        let parts = [places.title, places.menu, places.error]
        var top = TextLines(width: parts[0].width, theme: theme)
        top.add("Pick a theme; Enter uses it. In use: \(theme.name).", .title)
        top.render(area: parts[0], buffer: &b)
        let items = themes.map { MenuItem($0.name + ($0.name == theme.name ? " (in use)" : ""), detail: $0.description) }
        Menu(items: items, state: menu).render(area: parts[1], buffer: &b, theme: theme)
        if let error {
            var bottom = TextLines(width: parts[2].width, theme: theme)
            bottom.add("✗ " + error, .error, indent: 2)
            bottom.render(area: parts[2], buffer: &b)
        }
    }
}
