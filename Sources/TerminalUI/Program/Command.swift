import Foundation

/// Sends messages back into the program loop from a running command; safe from any thread.
public struct Sender<Message: Sendable>: Sendable {
    let deliver: @Sendable (Message) -> Void

    /// A sender that hands messages to `deliver`.
    public init(_ deliver: @escaping @Sendable (Message) -> Void) {
        self.deliver = deliver
    }

    /// Sends one message (a result, or progress).
    public func send(_ message: Message) { deliver(message) }

    /// Same as `send`.
    public func callAsFunction(_ message: Message) { deliver(message) }
}

/// Work that `update` asks the runtime to do, off the input loop: the result and any
/// progress come back as messages. `update` itself never blocks.
public struct Command<Message: Sendable>: Sendable {
    /// What to do.
    public enum Operation: Sendable {
        /// Stop the program loop after this update.
        case quit
        /// Deliver a message on the next turn of the loop.
        case message(Message)
        /// Run blocking work on a thread of its own (key generation, SSH); it sends as
        /// many messages as it likes and ends when the closure returns.
        case thread(@Sendable (Sender<Message>) -> Void)
        /// Run async work as a detached task.
        case task(@Sendable (Sender<Message>) async -> Void)
        /// Deliver a message after a delay in seconds (spinner ticks, timeouts).
        case after(Double, Message)
    }

    /// The operation.
    public let operation: Operation

    /// A command.
    public init(_ operation: Operation) {
        self.operation = operation
    }

    /// Stop the loop.
    public static var quit: Command { Command(.quit) }

    /// Deliver `message` on the next turn.
    public static func send(_ message: Message) -> Command { Command(.message(message)) }

    /// Run blocking work on its own thread, reporting through the sender.
    public static func run(_ work: @escaping @Sendable (Sender<Message>) -> Void) -> Command { Command(.thread(work)) }

    /// Run blocking work on its own thread and deliver its one result.
    public static func perform(_ work: @escaping @Sendable () -> Message) -> Command {
        Command(.thread { send in send(work()) })
    }

    /// Run async work, reporting through the sender.
    public static func task(_ work: @escaping @Sendable (Sender<Message>) async -> Void) -> Command { Command(.task(work)) }

    /// Deliver `message` after `seconds`.
    public static func after(_ seconds: Double, _ message: Message) -> Command { Command(.after(seconds, message)) }

    /// The same command with its messages turned into another program's messages, so
    /// that a screen or component can be nested in a parent program.
    public func map<Other: Sendable>(_ transform: @escaping @Sendable (Message) -> Other) -> Command<Other> {
        switch operation {
        case .quit: return .quit
        case .message(let m): return .send(transform(m))
        case .after(let s, let m): return .after(s, transform(m))
        case .thread(let work): return .run { send in work(Sender { send(transform($0)) }) }
        case .task(let work): return .task { send in await work(Sender { send(transform($0)) }) }
        }
    }
}
