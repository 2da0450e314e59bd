import Foundation
import Testing
import TerminalUI

/// The tui-demo executable built beside this test bundle.
let demoPath: String = {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    if dir.lastPathComponent == "MacOS" || dir.path.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
    return dir.appendingPathComponent("tui-demo").path
}()

let repositoryThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

let tmuxAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")

/// Runs a program as a login shell would (no signal blocked, default handlers), with
/// stdin from /dev/null and stdout to a file or /dev/null, and waits for it. Not through
/// Foundation's Process: the test's threads block signals, and the tmux server started
/// here would pass that mask on to the program under test.
@discardableResult
func spawnAndWait(_ argv: [String], stdout: String?) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGWINCH] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var cArgs = argv.map { strdup($0) }
    defer { cArgs.forEach { free($0) } }
    cArgs.append(nil)
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, environ)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return status
}

/// A private tmux server (its own socket) running tui-demo in an 80x24 pane, through a
/// script that saves `stty -g` before and compares it after, so a test can tell whether
/// the terminal came back exactly as it was.
final class DemoPane {
    let socket = "cmscerts-tui-\(UUID().uuidString.prefix(8))"
    let folder: String

    init(width: Int = 80, height: Int = 24, arguments: String = "", environment: String = "") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(socket).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = """
            cd '\(folder)'
            stty -g > before
            \(environment.isEmpty ? "" : "env " + environment) '\(demoPath)' --themes '\(repositoryThemes)' \(arguments)
            echo "exit=$?"
            stty -g > after
            if cmp -s before after; then echo "TERMINAL SANE"; else echo "TERMINAL CHANGED"; fi
            """
        try script.write(toFile: folder + "/run.sh", atomically: true, encoding: .utf8)
        try "set -g remain-on-exit on\n".write(toFile: folder + "/tmux.conf", atomically: true, encoding: .utf8)
        try tmux("-f", folder + "/tmux.conf", "new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)",
                 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR= bash --norc --noprofile '\(folder)/run.sh'")
    }

    deinit {
        let socketPath = (try? tmux("display", "-p", "#{socket_path}"))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        _ = try? tmux("kill-server")
        if !socketPath.isEmpty { unlink(socketPath) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs tmux on this pane's server and returns what it printed.
    @discardableResult
    func tmux(_ args: String...) throws -> String { try tmux(output: args) }

    /// Runs tmux with `args` and returns what it printed.
    @discardableResult
    func tmux(output args: [String]) throws -> String {
        let outPath = folder + "/out-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        try spawnAndWait(["tmux", "-L", socket] + args, stdout: outPath)
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    /// The visible lines of the pane, and with `history` the lines scrolled off above
    /// (output after the program ends may scroll, e.g. bash's newline after a SIGINT).
    func screen(history: Bool = false) -> [String] {
        do {
            lastScreen = try tmux(output: ["capture-pane", "-p", "-t", "t"] + (history ? ["-J", "-S", "-100"] : []))
        } catch {
            lastScreen = "capture failed: \(error)"
        }
        return lastScreen.components(separatedBy: "\n")
    }
    var lastScreen = ""

    /// Polls the pane until `text` shows, for at most `seconds`.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 15) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        repeat {
            if screen(history: true).contains(where: { $0.contains(text) }) { return true }
            usleep(20_000)
        } while Date() < deadline
        return false
    }

    func keys(_ names: String...) throws {
        try tmux(["send-keys", "-t", "t"] + names)
    }

    func literal(_ text: String) throws {
        try tmux("send-keys", "-t", "t", "-l", text)
    }

    func tmux(_ args: [String]) throws {
        try spawnAndWait(["tmux", "-L", socket] + args, stdout: nil)
    }

    /// The bytes the program sends to the terminal while `action` runs and until the
    /// screen shows `until` and the output has stopped (tmux pipe-pane).
    func bytesSent(until text: String, _ action: () throws -> Void) throws -> Int {
        let log = folder + "/output-\(UUID().uuidString)"
        try tmux("pipe-pane", "-o", "-t", "t", "cat > '\(log)'")
        while !FileManager.default.fileExists(atPath: log) { usleep(5_000) }
        // The end of an earlier frame may still be on its way: start counting once the
        // output has been quiet for a while.
        let before = quietSize(of: log)
        try action()
        _ = waitFor(text)
        let after = quietSize(of: log)
        try tmux("pipe-pane", "-t", "t")
        return after - before
    }

    /// The size of a growing file once it has not grown for 150 ms (polled).
    func quietSize(of path: String) -> Int {
        var last = -1, stableSince = Date()
        while true {
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
            if size != last {
                last = size
                stableSince = Date()
            } else if Date().timeIntervalSince(stableSince) > 0.15 {
                return size
            }
            usleep(10_000)
        }
    }

    /// True while the pane shows the alternate screen (a full-screen program is up).
    func alternateScreen() throws -> Bool {
        try tmux("display", "-p", "-t", "t", "#{alternate_on}").trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// The demo's process id: the child of the pane's shell.
    func demoPID() throws -> Int32? {
        guard let shell = Int32(try tmux("display", "-p", "-t", "t", "#{pane_pid}").trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8) else { continue }
            // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == shell, stat.contains("(tui-demo)") { return pid }
        }
        return nil
    }
}

@Suite(.serialized, .enabled(if: tmuxAvailable, "tmux is not installed"))
struct TmuxTests {
    @Test func keysWideCharactersResizeAndQuit() throws {
        #expect(FileManager.default.isExecutableFile(atPath: demoPath), "tui-demo is built beside the tests")
        let pane = try DemoPane()
        try #require(pane.waitFor("last key: none"))
        #expect(try pane.alternateScreen())
        let title = try #require(pane.screen().first)
        #expect(title.hasPrefix(" TerminalUI gallery — 証明書"))
        #expect(title.hasSuffix("theme: default"))
        #expect(CharacterWidth.of(title) == 79, "the wide title leaves the right text in place")

        try pane.keys("Enter")
        #expect(pane.waitFor("Tab/Shift-Tab next/previous field"))
        for (key, shown) in [("F5", "F5"), ("BTab", "Shift-Tab"), ("Home", "Home"), ("End", "End"), ("PPage", "PgUp"),
                             ("NPage", "PgDn"), ("Up", "↑"), ("Left", "←"), ("DC", "Del")] {
            try pane.keys(key)
            #expect(pane.waitFor("last key: \(shown) "), "\(key) arrives as \(shown)")
        }
        try pane.literal("日本x")
        #expect(pane.waitFor("日本x"))
        try pane.keys("Escape")
        #expect(pane.waitFor("last key: Esc", seconds: 0.8), "Esc answers without ncurses' one-second delay")

        try pane.tmux("resize-window", "-t", "t", "-x", "60", "-y", "15")
        #expect(pane.waitFor("60x15"))
        #expect(pane.screen().first?.hasSuffix("theme: default") == true)

        try pane.keys("q")
        #expect(pane.waitFor("Leave the gallery?"))
        try pane.keys("y")
        #expect(pane.waitFor("exit=0"))
        #expect(pane.waitFor("TERMINAL SANE"))
        #expect(try !pane.alternateScreen())
    }

    /// The issue's speed target for a jump host: moving the selection one row in a
    /// 10,000-row table sends under 300 bytes (ncurses sends only the cells that changed).
    @Test func movingOneRowInATenThousandRowTableSendsLittle() throws {
        let started = Date()
        let pane = try DemoPane(arguments: "--rows 10000")
        try #require(pane.waitFor("last key: none"))
        let firstFrame = Date().timeIntervalSince(started)
        try pane.keys("Down")
        try #require(pane.waitFor("> Table"))
        try pane.keys("Enter")
        try #require(pane.waitFor("host0"))
        let bytes = try pane.bytesSent(until: "last key: ↓") { try pane.keys("Down") }
        #expect(bytes > 0 && bytes < 300, "moving one row sent \(bytes) bytes")
        let page = try pane.bytesSent(until: "last key: PgDn") { try pane.keys("NPage") }
        print("tui-demo at 80x24: first frame on screen after \(Int(firstFrame * 1000)) ms (tmux and process start included); one row down: \(bytes) bytes; one page down: \(page) bytes")
    }

    @Test func unknownTerminalTypeIsAClearErrorNotAMess() throws {
        let pane = try DemoPane(environment: "TERM=no-such-terminal")
        #expect(pane.waitFor("TERM=no-such-terminal is unknown to terminfo"), "\(pane.lastScreen)")
        #expect(pane.waitFor("exit=1"))
        #expect(pane.waitFor("TERMINAL SANE"))
    }

    @Test func ctrlCLeavesASaneTerminal() throws {
        let pane = try DemoPane()
        try #require(pane.waitFor("last key: none"))
        try pane.keys("C-c")
        #expect(pane.waitFor("exit=0"))
        #expect(pane.waitFor("TERMINAL SANE"))
        #expect(try !pane.alternateScreen())
    }

    @Test(arguments: [(SIGTERM, 143), (SIGINT, 130), (SIGHUP, 129)])
    func signalRestoresTheTerminalThenEndsTheProcess(signal: Int32, status: Int) throws {
        let pane = try DemoPane()
        try #require(pane.waitFor("last key: none"))
        let pid = try #require(try pane.demoPID())
        #expect(kill(pid, signal) == 0)
        #expect(pane.waitFor("exit=\(status)"), "the process ends by the signal it got; last seen: \(pane.lastScreen)")
        #expect(pane.waitFor("TERMINAL SANE"), "stty settings are back as they were")
        #expect(try !pane.alternateScreen())
    }
}
