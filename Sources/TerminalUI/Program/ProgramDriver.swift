import Foundation
import Dispatch

/// The program loop without a terminal: keeps the state, runs update on events and
/// messages, starts commands and collects the messages they send back in a thread-safe
/// mailbox. The ncurses runtime and the headless test runtime both drive a Program
/// through it, so what tests see is what the terminal runs.
///
/// Everything but `post` is called from one thread, the loop's own.
public final class ProgramDriver<P: Program>: @unchecked Sendable {
    /// The program.
    public let program: P
    /// The current state.
    public private(set) var state: P.State
    /// True once a `.quit` command ran.
    public private(set) var quitRequested = false
    /// Called (from any thread) whenever a message is posted, so that a loop sleeping on
    /// input can wake up; the ncurses runtime writes to a pipe here.
    public var onPost: (@Sendable () -> Void)?

    /// Frames rendered so far (`frame(_:)` calls that drew): a burst of keys handled
    /// together costs one.
    public private(set) var renders = 0
    /// True when something changed since the last frame.
    public private(set) var needsRender = true

    private let lock = NSCondition()
    private var mailbox: [P.Message] = []
    private var running = 0

    /// A driver over `program` starting from `state`. Call `start()` before the first event.
    public init(program: P, state: P.State) {
        self.program = program
        self.state = state
    }

    /// Runs the program's start commands.
    public func start() {
        perform(program.start(&state))
    }

    /// Feeds one terminal event. Returns false when the program dropped it.
    @discardableResult
    public func handle(_ event: TerminalEvent) -> Bool {
        needsRender = true
        guard let message = program.message(for: event) else {
            if event == .key(.ctrl("c")) { quitRequested = true }
            return false
        }
        dispatch(message)
        return true
    }

    /// Feeds every event that arrived together (a burst of keys read in one go, a paste),
    /// then applies what they posted, before any frame: the screen is drawn once for them
    /// all, not once per key. Stops at a quit.
    public func handle(burst events: [TerminalEvent]) {
        for event in events {
            handle(event)
            if quitRequested { return }
        }
        drainMailbox()
    }

    /// Applies one message now and starts the commands it returns.
    public func dispatch(_ message: P.Message) {
        needsRender = true
        perform(program.update(&state, message))
    }

    /// Applies every message waiting in the mailbox (and those they cause), in order.
    /// Returns true when there was any.
    @discardableResult
    public func drainMailbox() -> Bool {
        var any = false
        while !quitRequested {
            lock.lock()
            if mailbox.isEmpty {
                lock.unlock()
                break
            }
            let next = mailbox.removeFirst()
            lock.unlock()
            any = true
            dispatch(next)
        }
        return any
    }

    /// The screen for `size`.
    public func render(_ size: Size) -> Buffer {
        renders += 1
        needsRender = false
        return program.view(state, size: size)
    }

    /// The screen for `size` when anything changed since the last frame, else nil.
    public func frameIfNeeded(_ size: Size) -> Buffer? {
        needsRender ? render(size) : nil
    }

    /// Puts a message in the mailbox; safe from any thread.
    public func post(_ message: P.Message) {
        lock.lock()
        mailbox.append(message)
        lock.broadcast()
        lock.unlock()
        onPost?()
    }

    /// True while a command is running or a message waits.
    public var isBusy: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running > 0 || !mailbox.isEmpty
    }

    /// Blocks until a message is waiting, or `seconds` pass. Returns true when one is.
    public func waitForMessage(timeout seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        lock.lock()
        defer { lock.unlock() }
        while mailbox.isEmpty {
            if !lock.wait(until: deadline) { return !mailbox.isEmpty }
        }
        return true
    }

    private func perform(_ commands: [Command<P.Message>]) {
        for command in commands {
            switch command.operation {
            case .quit:
                quitRequested = true
            case .message(let m):
                post(m)
            case .after(let seconds, let m):
                began()
                DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds)) { [self] in
                    post(m)
                    ended()
                }
            case .thread(let work):
                began()
                let sender = Sender<P.Message> { [self] in post($0) }
                let thread = Thread { [self] in
                    work(sender)
                    ended()
                }
                thread.start()
            case .task(let work):
                began()
                let sender = Sender<P.Message> { [self] in post($0) }
                // On threads of their own (TaskThreads), not the cooperative pool.
                Task.detached(executorPreference: TaskThreads.shared) { [self] in
                    await work(sender)
                    ended()
                }
            }
        }
    }

    private func began() {
        lock.lock()
        running += 1
        lock.unlock()
    }

    private func ended() {
        lock.lock()
        running -= 1
        lock.broadcast()
        lock.unlock()
        onPost?()
    }
}
