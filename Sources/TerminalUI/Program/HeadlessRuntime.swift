/// Runs a Program with no terminal, for tests: feed keys and resizes, let commands
/// finish, and read the screen as a Buffer or as lines.
public final class HeadlessRuntime<P: Program> {
    /// The loop being driven.
    public let driver: ProgramDriver<P>
    /// The terminal size the program is told about.
    public private(set) var size: Size
    /// Every frame rendered so far, one per `frame()` call (each step renders one).
    public private(set) var frames: [Buffer] = []
    /// How long `settle` waits for commands by default, in seconds.
    /// Generous: under a loaded test run (2 cores, many suites in parallel, some of them
    /// blocking threads on child processes) the cooperative pool can be busy for minutes
    /// (a full run of 500 tests was seen to hold the wizard's node reads past 120 s); a
    /// wait that ends early would be a false failure, and one that ends in time costs nothing.
    public var timeout: Double = 300

    /// Starts `program` at `size`: sends the first resize and runs the start commands.
    public init(_ program: P, state: P.State, size: Size = .standard) {
        self.driver = ProgramDriver(program: program, state: state)
        self.size = size
        driver.start()
        driver.handle(.resize(size))
        driver.drainMailbox()
        frame()
    }

    /// The current state.
    public var state: P.State { driver.state }
    /// True once the program asked to quit.
    public var didQuit: Bool { driver.quitRequested }
    /// The last frame.
    public var screen: Buffer { frames.last ?? Buffer(size: size) }
    /// The last frame's lines, trailing spaces removed.
    public var lines: [String] { screen.trimmedLines }

    /// Presses keys one by one, applying what is already in the mailbox after each, and
    /// renders a frame.
    @discardableResult
    public func press(_ keys: Key...) -> Buffer { press(keys) }

    /// Presses keys one by one and renders a frame.
    @discardableResult
    public func press(_ keys: [Key]) -> Buffer {
        for key in keys {
            guard !didQuit else { break }
            driver.handle(.key(key))
            driver.drainMailbox()
        }
        return frame()
    }

    /// Feeds `keys` as one burst, as the terminal runtime reads keys that arrive together
    /// (all handled, then one frame), and renders that frame.
    @discardableResult
    public func burst(_ keys: [Key]) -> Buffer {
        driver.handle(burst: keys.map { .key($0) })
        return driver.frameIfNeeded(size).map { frames.append($0); return $0 } ?? screen
    }

    /// Types each character of `text` as a key.
    @discardableResult
    public func type(_ text: String) -> Buffer { press(text.map { Key.char($0) }) }

    /// Tells the program the terminal changed size, and renders.
    @discardableResult
    public func resize(to newSize: Size) -> Buffer {
        size = newSize
        driver.handle(.resize(newSize))
        driver.drainMailbox()
        return frame()
    }

    /// Sends a message as if a command had, and renders.
    @discardableResult
    public func send(_ message: P.Message) -> Buffer {
        driver.dispatch(message)
        driver.drainMailbox()
        return frame()
    }

    /// Waits until every command has finished and its messages are applied, then
    /// renders. Returns false when that took longer than `timeout`. Async, so that
    /// waiting never holds a thread that the program's own `.task` commands need.
    @discardableResult
    public func settle() async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            driver.drainMailbox()
            if didQuit || !driver.isBusy {
                frame()
                return true
            }
            if ContinuousClock.now >= deadline {
                frame()
                return false
            }
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Applies messages as they come until `condition` holds for the state or `timeout`
    /// passes (for programs with endless timers, where `settle` never goes idle).
    @discardableResult
    public func waitUntil(_ condition: (P.State) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            driver.drainMailbox()
            if condition(driver.state) { frame(); return true }
            if ContinuousClock.now >= deadline || didQuit { frame(); return false }
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Renders the current state.
    @discardableResult
    public func frame() -> Buffer {
        let b = driver.render(size)
        frames.append(b)
        return b
    }
}
