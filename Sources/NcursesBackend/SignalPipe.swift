#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write end of the signal pipe, read by the C signal handler: a plain global, set
/// before the handlers are installed and cleared after they are removed.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// Only async-signal-safe work here: one write(2) of the signal number to a pipe.
private func forwardSignal(_ signo: Int32) {
    var byte = UInt8(truncatingIfNeeded: signo)
    _ = write(signalPipeWriteEnd, &byte, 1)
}

/// A non-blocking pipe: its read end is polled by the loop, its write end is poked to
/// wake the loop (a signal, a message from a command).
final class WakePipe {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw TerminalError(description: "cannot create a pipe: errno \(errno)") }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Wakes the reader (a full pipe already means a wake-up is pending).
    func poke(_ value: UInt8 = 0) {
        var b = value
        _ = write(writeEnd, &b, 1)
    }

    /// Everything written since the last drain.
    func drain() -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(readEnd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }
}

/// SIGINT, SIGTERM and SIGHUP turned into bytes on a pipe, so the loop can restore the
/// terminal outside the handler and then die of the same signal.
final class SignalGuard {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    let pipe: WakePipe
    private var previous: [Int32: sigaction] = [:]

    init() throws {
        pipe = try WakePipe()
        signalPipeWriteEnd = pipe.writeEnd
        for signo in Self.handled {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = forwardSignal
            #else
            action.__sigaction_u.__sa_handler = forwardSignal
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var old = sigaction()
            sigaction(signo, &action, &old)
            previous[signo] = old
        }
        // A parent may have left these blocked (a thread pool's mask is inherited through
        // fork and exec); blocked, SIGTERM would never restore the terminal and a resize
        // would never be seen.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signo in Self.handled + [SIGWINCH] { sigaddset(&unblock, signo) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Puts the previous handlers back.
    func remove() {
        for (signo, var old) in previous { sigaction(signo, &old, nil) }
        previous = [:]
        signalPipeWriteEnd = -1
    }

    /// Ends the process by `signo` as if we had never caught it (the shell then sees
    /// the real cause), once the terminal is restored.
    static func reraise(_ signo: Int32) -> Never {
        signal(signo, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signo)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        raise(signo)
        _exit(128 + signo)
    }
}
