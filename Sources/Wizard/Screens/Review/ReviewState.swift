import PKI
import TerminalUI

/// The review before commit: the operation checked and ready, and where it stands.
public struct ReviewState: Sendable {
    /// Where the operation stands.
    public enum Phase: Sendable {
        /// Shown, not confirmed: nothing written yet.
        case waiting
        /// Confirmed and running.
        case running
        /// Done, with what it did.
        case done(OperationResult)
        /// Failed, with why.
        case failed(String)
    }

    /// The screen the operation came from (Esc goes back there).
    public var origin: Screen
    /// What the operation is, in a few words.
    public var title: String
    /// The files it writes, the command, the notes, and the work.
    public var operation: PreparedOperation
    /// Where it stands.
    public var phase: Phase = .waiting
    /// Rows scrolled past.
    public var scroll = 0
    /// The spinner while it runs.
    public var spinner = SpinnerState()
    /// The deployment file this review writes, for the wizard to work on once written.
    public var saving: SavedDeployment?

    /// A review of `operation`, waiting for confirmation.
    public init(origin: Screen, title: String, operation: PreparedOperation) {
        self.origin = origin
        self.title = title
        self.operation = operation
    }

    /// True while the user has not confirmed.
    public var isWaiting: Bool { if case .waiting = phase { return true }; return false }
    /// True while it runs.
    public var isRunning: Bool { if case .running = phase { return true }; return false }
}
