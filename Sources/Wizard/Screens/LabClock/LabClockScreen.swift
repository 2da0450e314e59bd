import TerminalUI

/// "Move the lab clock", opened from the expiry dashboard in the built-in lab: forward by N
/// days or N years, or back to the real time, by the code of `cmscerts lab clock`. It says
/// what the clock reads after; Esc goes back to the dashboard, which reads everything again
/// at the new time.
public struct LabClockScreen: WizardScreen {
    /// The moves on offer, in the menu's order.
    enum Move: Int, CaseIterable {
        case days, years, now

        /// The menu's line for an amount.
        func title(_ amount: String) -> String {
            switch self {
            case .days: return "Forward \(amount.isEmpty ? "N" : amount) days"
            case .years: return "Forward \(amount.isEmpty ? "N" : amount) years (365 days each)"
            case .now: return "Back to now (the real time)"
            }
        }

        /// The word `cmscerts lab clock` takes for it (`+30d`, `+3y`, `now`).
        func word(_ amount: Int) -> String {
            switch self {
            case .days: return "+\(amount)d"
            case .years: return "+\(amount)y"
            case .now: return "now"
            }
        }
    }

    /// What happens on the screen.
    public enum Message: Sendable {
        /// A key of the menu (↑ ↓).
        case move(Key)
        /// A digit or Backspace: the amount.
        case edit(Key)
        /// Enter: move the clock as chosen.
        case apply
        /// What the clock reads after the move (or why it could not move).
        case applied(Result<String, WizardFailure>)
    }

    /// The move selected.
    var menu = MenuState(selected: Move.years.rawValue)
    /// N, digits only.
    var amount = TextFieldState("3", maxLength: 5)
    /// What the last move did, in the lab's words.
    var result: String?
    /// Why the last move could not be made.
    var error: String?

    /// The screen, offering +3 years first (past a year's certificates and the built-in CA's two).
    public init() {}

    func title(_ app: WizardState) -> String { "Move the lab clock" }

    func footnote(_ app: WizardState) -> String { "Only the built-in lab's clock moves; real servers keep theirs." }

    func helpText(_ app: WizardState) -> String {
        """
        The built-in lab has its own clock, so that expiry can be rehearsed: move it forward by days or years, and the lab's services, the dashboard, Step 4 and Step 5 all judge certificates at the new time (as cmscerts lab clock +Nd, +Ny or now does). Certificates the lab's CA signs after the move are valid from the new time.
        ↑/↓ picks the move, digits give N, Enter moves the clock and says what it reads now. Esc goes back to the dashboard, which reads everything again.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        let digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"].map { Key.char($0) } + [.backspace]
        return [ScreenBinding(KeyBinding(.enter, help: "move the clock"), .send(.apply)), ScreenBinding(.move) { .send(.move($0)) },
                ScreenBinding(KeyBinding(digits, label: "0-9", help: "N")) { .send(.edit($0)) },
                ScreenBinding(KeyBinding(.esc, help: "dashboard"), .shell(.open(.dashboard))), .help, .quit]
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .move(let key):
            menu.handle(key, items: items, height: Move.allCases.count)
        case .edit(let key):
            _ = amount.handle(key)
            error = nil
        case .apply:
            let move = Move(rawValue: menu.selected) ?? .years
            guard let lab = app.context.labControls else {
                error = "this deployment's nodes are real servers: their clock is not cmscerts' to move"
                return []
            }
            let n = Int(amount.text) ?? 0
            if move != .now && n <= 0 {
                error = "N must be a whole number above 0: type it, then Enter"
                return []
            }
            let word = move.word(n)
            return [.command(.perform {
                do { return .applied(.success(try lab.moveClock(word))) } catch { return .applied(.failure(WizardFailure(error))) }
            })]
        case .applied(.success(let said)):
            result = said
            error = nil
        case .applied(.failure(let failure)):
            error = failure.message
        }
        return []
    }

    /// The menu's lines.
    var items: [MenuItem] { Move.allCases.map { MenuItem($0.title(amount.text)) } }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        let theme = app.theme
        let parts = Layout.vertical([.length(2), .length(Move.allCases.count + 1), .fill(1)]).split(area)
        var top = TextLines(width: parts[0].width, theme: theme)
        top.add("Move the clock of the lab in \(app.context.labControls?.folder ?? "?"); N is \(amount.text.isEmpty ? "not given" : amount.text).", .title)
        top.render(area: parts[0], buffer: &b)
        Menu(items: items, state: menu).render(area: parts[1], buffer: &b, theme: theme)
        var bottom = TextLines(width: parts[2].width, theme: theme)
        if let result {
            bottom.add(result, .ok)
            bottom.add("Esc: back to the dashboard, read again at this time.", .muted)
        }
        if let error { bottom.add("✗ " + error, .error) }
        bottom.render(area: parts[2], buffer: &b)
    }
}
