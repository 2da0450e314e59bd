/// What the terminal tells a program: a key, or a new size (also sent once at start).
public enum TerminalEvent: Hashable, Sendable {
    /// A key press.
    case key(Key)
    /// The terminal's size now; the first event of every run.
    case resize(Size)
}

/// An application in the Elm style: one state value, one pure `update` that returns the
/// slow work to do as commands, and a `view` that renders the whole screen into a Buffer.
/// The same Program runs on the terminal (NcursesBackend's `run`) and headless in tests
/// (`HeadlessRuntime`).
public protocol Program {
    /// Everything the screen shows and remembers.
    associatedtype State
    /// Everything that can happen: keys, resizes, results and progress of commands.
    associatedtype Message: Sendable

    /// Commands to run at start (load a file, start a spinner); none by default.
    func start(_ state: inout State) -> [Command<Message>]

    /// Turns a terminal event into a message, or nil to drop it. The runtime quits on
    /// Ctrl-C when this returns nil for it, so that a program can never trap the user.
    func message(for event: TerminalEvent) -> Message?

    /// Applies one message to the state and says what slow work to start. Must not block.
    func update(_ state: inout State, _ message: Message) -> [Command<Message>]

    /// Renders the whole screen for `size`.
    func view(_ state: State, size: Size) -> Buffer
}

extension Program {
    /// No start commands.
    public func start(_ state: inout State) -> [Command<Message>] { [] }
}
