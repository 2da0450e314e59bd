import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs local programs (ssh, sftp, ssh-keyscan) with a deadline.
///
/// posix_spawn and waitpid on the child's own pid, not Foundation's Process: OpenSSH's
/// ControlPersist forks a master into the background, and a long-running child (a test's
/// sshd) must not keep other children's exits from being seen. Output goes to 0600 files
/// so that nothing can block on a full pipe.
public enum LocalCommand {
    public struct Result: Sendable {
        public var status: Int32
        /// True when the child died of a signal (a crash), not by exit().
        public var signaled: Bool
        public var stdout: String
        public var stderr: String
        public var timedOut: Bool
        public var output: String { stdout + stderr }
    }

    /// Runs and waits, off the caller's thread.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil, timeout: Duration,
                           directory: String? = nil, environment: [String: String]? = nil,
                           replacingEnvironment: Bool = false) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try runBlocking(executable, arguments, input: input, timeout: timeout,
                                                                   directory: directory, environment: environment,
                                                                   replacingEnvironment: replacingEnvironment))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Runs and waits on this thread. `executable` is a path, or a name looked up in PATH.
    public static func runBlocking(_ executable: String, _ arguments: [String], input: Data? = nil, timeout: Duration,
                                   directory: String? = nil, environment: [String: String]? = nil,
                                   replacingEnvironment: Bool = false) throws -> Result {
        let scratch = NSTemporaryDirectory() + "cmscerts-proc-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: scratch + ".in", contents: input ?? Data(), attributes: [.posixPermissions: 0o600])
        defer { for ext in [".out", ".err", ".in"] { unlink(scratch + ext) } }
        let pid = try spawn(executable, arguments, stdin: scratch + ".in", stdout: scratch + ".out", stderr: scratch + ".err",
                            directory: directory, environment: environment, replacingEnvironment: replacingEnvironment)
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let deadline = Date().addingTimeInterval(seconds)
        var timedOut = false
        var killedAt: Date? = nil
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            let now = Date()
            if !timedOut && now > deadline {
                timedOut = true
                kill(pid, SIGTERM)
                killedAt = now
            } else if let killedAt, now.timeIntervalSince(killedAt) > 2 {
                kill(pid, SIGKILL)
            }
            usleep(2_000)
        }
        let signaled = (status & 0x7f) != 0
        return Result(status: signaled ? 128 + (status & 0x7f) : (status >> 8) & 0xff, signaled: signaled,
                      stdout: String(decoding: FileManager.default.contents(atPath: scratch + ".out") ?? Data(), as: UTF8.self),
                      stderr: String(decoding: FileManager.default.contents(atPath: scratch + ".err") ?? Data(), as: UTF8.self),
                      timedOut: timedOut)
    }

    /// Starts a program and returns its pid without waiting (for servers a test runs).
    /// Standard streams go to the given paths (/dev/null by default). `environment` is
    /// added to this process's, or replaces it with `replacingEnvironment`.
    public static func spawn(_ executable: String, _ arguments: [String], stdin: String = "/dev/null",
                             stdout: String = "/dev/null", stderr: String = "/dev/null",
                             directory: String? = nil, environment: [String: String]? = nil,
                             replacingEnvironment: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Glibc's addchdir_np does not import into Swift: a working folder goes through sh.
        var program = executable, args = arguments
        if let directory {
            program = "/bin/sh"
            args = ["-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments
        }
        let argv = ([program] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var env = replacingEnvironment ? [:] : ProcessInfo.processInfo.environment
        for (key, value) in environment ?? [:] { env[key] = value }
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        // The child starts with no signal blocked and default handlers: a thread that
        // blocks SIGTERM (test runners' threads do) must not pass that on, or it could not be stopped.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = program.contains("/")
            ? posix_spawn(&pid, program, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw TransportError(.other, node: "local", operation: executable,
                                 message: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    /// Stops a spawned program: SIGTERM, then SIGKILL after `grace`, and reaps it.
    public static func terminate(_ pid: pid_t, grace: TimeInterval = 3) {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGKILL); waitpid(pid, &status, 0); return }
            usleep(5_000)
        }
    }

    /// Is the spawned program still running? (Reaps it when it has ended.)
    public static func isRunning(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }
}
