import Deployment
import PKI
import TerminalUI

/// One screen of the wizard, as bubbletea's components are: the conforming value is the
/// screen's own state; it has its own messages, a pure `update` that returns the slow work
/// as commands, a `render` into a Rect of the Buffer, and its key bindings as data. The
/// router sends a key to the screen in focus only through the bindings live right now,
/// and the footer and the F1 help are drawn from the same bindings, so the keys shown are
/// the keys that work.
///
/// Every function also gets the whole wizard, read-only (`app`): the shell's size, theme
/// and context and, for the home screen, what the other screens would lose. A screen
/// changes nothing but itself; what it wants of the shell (help, quit, another screen)
/// it asks with a `ShellRequest`.
protocol WizardScreen: Sendable {
    /// What can happen on the screen: its keys' actions and its commands' results.
    associatedtype Message: Sendable

    /// The screen's name, in the title bar and on its help.
    func title(_ app: WizardState) -> String
    /// One line under the body: what matters on this screen right now.
    func footnote(_ app: WizardState) -> String
    /// What F1 says of the screen, in paragraphs; the list of its keys follows it.
    func helpText(_ app: WizardState) -> String
    /// The keys that work now, most important first (the footer's order).
    func bindings(_ app: WizardState) -> [ScreenBinding<Message>]
    /// Applies one of the screen's messages. Pure: slow work goes out as commands.
    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>]
    /// The screen comes into focus from elsewhere: what it starts (a listing, a read).
    mutating func opened(_ app: WizardState) -> [ScreenEffect<Message>]
    /// Draws the body of the screen into `area`.
    func render(area: Rect, buffer: inout Buffer, _ app: WizardState)
}

extension WizardScreen {
    /// Nothing starts when the screen opens.
    mutating func opened(_ app: WizardState) -> [ScreenEffect<Message>] { [] }
}

/// What a screen cannot do with its own state, asked of the shell.
enum ShellRequest: Sendable {
    /// Opens the help overlay over the screen.
    case help
    /// Quits: at once when nothing would be lost, else after asking.
    case quit
    /// Opens `screen`, starting what it needs there (a listing, a plan).
    case open(Screen)
    /// Goes back to `screen` as the user left it, starting nothing.
    case back(to: Screen)
    /// Closes the screen asking (its state is dropped) and goes back to `screen`.
    case close(to: Screen)
    /// Starts the spinner's clock (it stops itself when nothing runs).
    case tick
    /// Reads the deployment file at `path`; the wizard works on it once read.
    case openDeployment(path: String)
    /// Checks a deployment file to be written and opens its review (or says why not, on
    /// the screen it came from).
    case saveDeployment(DeploymentSave)
    /// Opens the review of a write, before anything is written.
    case review(ReviewState)
    /// Performs a reviewed write off the input loop; its result comes back as
    /// `WizardMessage.performed`, for the review and the screen it came from.
    case write(PreparedOperation)
    /// Opens Step 5 with `flow` planned for the estate's nodes; Esc there comes back to
    /// `origin`. A run not finished comes first.
    case plan(Flow, from: Screen)
    /// Uses `theme` from now on (without colour when NO_COLOR is set).
    case useTheme(Theme)
}

/// A deployment file to write: what it will hold, what it held, where, and the screen
/// that asked (its review goes back there).
struct DeploymentSave: Sendable {
    /// The deployment to write.
    var deployment: Deployment
    /// What the file holds now, to show what changes; nil for a new file.
    var base: Deployment?
    /// Where it is written.
    var path: String
    /// True for the built-in lab's own file.
    var isLab: Bool
    /// True when a file is there already.
    var existed: Bool
    /// The screen asking.
    var origin: Screen
}

/// What a key of a binding does: a message to its screen, or a request to the shell.
enum ScreenAction<Message: Sendable>: Sendable {
    /// The screen's update takes the message.
    case send(Message)
    /// The shell does it.
    case shell(ShellRequest)
}

/// What a screen's update returns: work for the runtime in the screen's own messages, and
/// requests to the shell, done in order.
enum ScreenEffect<Message: Sendable>: Sendable {
    /// A command whose messages come back to the screen.
    case command(Command<Message>)
    /// A request to the shell.
    case shell(ShellRequest)
}

extension ScreenEffect {
    /// A write prepared on `origin`: its review opens while the user is still there (left
    /// meanwhile: nothing opens); why it cannot be written goes to `refusal`, for the screen.
    static func review(_ prepared: Result<PreparedOperation, WizardFailure>, from origin: Screen, titled title: String,
                       _ app: WizardState, refusal: inout String?) -> [ScreenEffect] {
        guard app.screen == origin else { return [] }
        switch prepared {
        case .success(let operation): return [.shell(.review(ReviewState(origin: origin, title: title, operation: operation)))]
        case .failure(let failure):
            refusal = failure.message
            return []
        }
    }
}

/// A key binding of a screen: the keys, label and help the footer and F1 show (a
/// TerminalUI `KeyBinding`), and what the keys do. The router matches a key against these
/// values only, so a key that works is a key that is listed.
struct ScreenBinding<Message: Sendable>: Sendable {
    /// The keys and what the help says of them.
    let key: KeyBinding
    /// What a key of `key.keys` does.
    let action: @Sendable (Key) -> ScreenAction<Message>

    /// Every key of `key` does `action`.
    init(_ key: KeyBinding, _ action: ScreenAction<Message>) {
        self.key = key
        self.action = { _ in action }
    }

    /// The keys of `key` do what `action` says for each.
    init(_ key: KeyBinding, action: @escaping @Sendable (Key) -> ScreenAction<Message>) {
        self.key = key
        self.action = action
    }

    /// What `key` does here, or nil when this binding does not take it.
    func action(for pressed: Key) -> ScreenAction<Message>? {
        key.matches(pressed) ? action(pressed) : nil
    }

    /// F1 or ? opens the help (where ? is not typed into a field).
    static var help: ScreenBinding { ScreenBinding(.help, .shell(.help)) }
    /// q quits, asking first when something would be lost.
    static var quit: ScreenBinding { ScreenBinding(.quit, .shell(.quit)) }
}
