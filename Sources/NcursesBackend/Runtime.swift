import TerminalUI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the terminal runtime behaves.
public struct RunOptions: Sendable {
    /// Milliseconds ncurses waits after Esc for the rest of a key sequence. Short, so
    /// that Esc answers at once; long enough for arrow keys over a slow link.
    public var escapeDelay: Int32
    /// The longest the loop sleeps without input, in milliseconds (a safety net; keys,
    /// signals, resizes and command messages all wake it at once).
    public var idleWakeup: Int32

    /// Called with the signal (SIGINT, SIGTERM, SIGHUP) after the terminal is restored and
    /// before the process ends by it: the program's last chance to finish work in flight
    /// (a run stopped at a step boundary).
    public var beforeSignalExit: (@Sendable (Int32) -> Void)?

    /// Called with every frame as the terminal is given it (after the ASCII stand-ins
    /// when the locale is not UTF-8): what the screen should read.
    public var onFrame: (@Sendable (Buffer) -> Void)?

    /// Options.
    public init(escapeDelay: Int32 = 25, idleWakeup: Int32 = 500, beforeSignalExit: (@Sendable (Int32) -> Void)? = nil,
                onFrame: (@Sendable (Buffer) -> Void)? = nil) {
        self.escapeDelay = escapeDelay
        self.idleWakeup = idleWakeup
        self.beforeSignalExit = beforeSignalExit
        self.onFrame = onFrame
    }
}

/// Runs `program` on the terminal until it quits, and returns its last state.
///
/// The terminal is restored on every way out: when the program quits, when this throws,
/// at `exit()`, and on SIGINT, SIGTERM or SIGHUP, after which the process ends by the
/// same signal. Ctrl-C arrives as the key `.ctrl("c")` (the terminal is in raw mode);
/// a program that drops it is quit by the runtime.
public func run<P: Program>(_ program: P, state: P.State, options: RunOptions = RunOptions()) throws -> P.State {
    let signals = try SignalGuard()
    defer { signals.remove() }
    let wake = try WakePipe()
    let terminal = NcursesTerminal()
    try terminal.open(escapeDelay: options.escapeDelay)
    defer { terminal.close() }
    // Outside a UTF-8 locale ncurses drops what it cannot show and leaves the cell's old
    // text: every symbol goes through its ASCII stand-in first.
    let ascii = !ASCIIStandIns.localeIsUTF8

    let driver = ProgramDriver(program: program, state: state)
    driver.onPost = { [wake] in wake.poke() }
    driver.start()
    var size = terminal.size
    driver.handle(.resize(size))
    var caught: Int32?

    while !driver.quitRequested {
        driver.drainMailbox()
        if driver.quitRequested { break }
        if let frame = driver.frameIfNeeded(size) {
            let shown = ascii ? frame.asciiStandIns() : frame
            terminal.draw(shown)
            options.onFrame?(shown)
        }
        var fds = [
            pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signals.pipe.readEnd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        _ = poll(&fds, nfds_t(fds.count), options.idleWakeup)  // EINTR (SIGWINCH) just loops
        if let signo = signals.pipe.drain().first {
            caught = Int32(signo)
            break
        }
        _ = wake.drain()
        // Every key waiting is handled before the next frame: 50 keys that arrive
        // together cost one redraw, not fifty.
        let events = terminal.readEvents()
        if let last = events.last(where: { if case .resize = $0 { return true } else { return false } }), case .resize(let s) = last { size = s }
        driver.handle(burst: events)
        if terminal.size != size {
            size = terminal.size
            driver.handle(.resize(size))
        }
    }
    terminal.close()
    signals.remove()
    if let caught {
        options.beforeSignalExit?(caught)
        SignalGuard.reraise(caught)
    }
    return driver.state
}
