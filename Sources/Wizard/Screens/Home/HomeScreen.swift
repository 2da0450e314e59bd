import TerminalUI

/// The home screen: the estate, the steps with their state, and the ways in.
public struct HomeScreen: WizardScreen {
    /// What happens on the home screen.
    public enum Message: Sendable {
        /// A key of the menu (↑ ↓ Home End PgUp PgDn).
        case move(Key)
        /// Enter: open the entry selected.
        case choose
    }

    /// The home menu's entries, in order.
    enum Entry: CaseIterable {
        case step1, step2, step3, step4, step5, troubleshoot, bundles, expiry, deployment, theme, help, quit
    }

    /// The selection.
    var menu = MenuState()

    /// The entry selected.
    var entry: Entry { Entry.allCases[min(menu.selected, Entry.allCases.count - 1)] }

    func title(_ app: WizardState) -> String { "Home" }

    func footnote(_ app: WizardState) -> String { "Nothing is written or run before you confirm it on a review screen." }

    func helpText(_ app: WizardState) -> String {
        """
        Home shows the estate (./deployment.yaml, else the built-in lab in your data folder) and the ways in.
        ↑/↓ move, Enter opens. Steps 2 and 3 show what the plan makes (CSRs per service; the database cluster); Step 4 checks files; Step 5 plans and runs a procedure on the nodes; Fix plans the troubleshooting flows; Expiry lists every certificate. Entries that need a valid deployment file are dimmed without one.
        Step 1 makes one key and CSR. Bundles puts certificates in the order CMS wants. Theme picks the colours.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        [ScreenBinding(.move) { .send(.move($0)) }, ScreenBinding(.choose, .send(.choose)), .help, .quit, ScreenBinding(.jump) { .send(.move($0)) }]
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .move(let key):
            let items = Self.items(app)
            menu.handle(key, items: items, height: items.count)
            return []
        case .choose:
            // An entry that needs the deployment opens nothing without one.
            guard Self.items(app)[Entry.allCases.firstIndex(of: entry) ?? 0].enabled else { return [] }
            switch entry {
            case .step1: return [.shell(.open(.csr))]
            case .step2: return [.shell(.open(.step2))]
            case .step3: return [.shell(.open(.step3))]
            case .step4: return [.shell(.open(.verify))]
            case .step5: return [.shell(.open(.apply))]
            case .troubleshoot: return [.shell(.open(.troubleshoot))]
            case .bundles: return [.shell(.open(.bundles))]
            case .expiry: return [.shell(.open(.dashboard))]
            case .deployment: return [.shell(.open(.deployment))]
            case .theme: return [.shell(.open(.themes))]
            case .help: return [.shell(.help)]
            case .quit: return [.shell(.quit)]
            }
        }
    }
}
