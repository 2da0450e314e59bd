import Foundation
import Orchestration

/// What a process printed and how it ended.
public struct ProcessResult: Sendable {
    public var status: Int32
    /// True when the process ended by a signal (a crash), not by exit().
    public var crashed: Bool
    public var stdout: String
    public var stderr: String
    public var output: String { stdout + stderr }
}

/// Helpers shared by the test targets: temporary folders, the `openssl` program as the
/// independent judge of our artifacts, and the package's own executables.
public enum TestSupport {
    /// Runs long blocking work (processes waited on, files polled) on a thread of its own
    /// and awaits its result, so that the test does not hold one of the few threads of the
    /// cooperative pool that every other test's tasks need (on a 2-core machine, two such
    /// tests starve the rest). `body` returns what the test then checks with #expect.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.stackSize = 1 << 22
            thread.start()
        }
    }

    /// A new empty folder under the system's temporary folder.
    public static func temporaryDirectory(_ label: String = "cmscerts") -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a program with arguments; `input` goes to its standard input.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                           input: Data? = nil, environment: [String: String]? = nil, replacingEnvironment: Bool = false,
                           timeout: Duration = .seconds(300)) -> ProcessResult {
        do {
            let r = try LocalCommand.runBlocking(executable, arguments, input: input, timeout: timeout,
                                                 directory: directory, environment: environment,
                                                 replacingEnvironment: replacingEnvironment)
            return ProcessResult(status: r.status, crashed: r.signaled && !r.timedOut, stdout: r.stdout,
                                 stderr: r.timedOut ? r.stderr + "\n(timed out after \(timeout))" : r.stderr)
        } catch {
            return ProcessResult(status: 127, crashed: false, stdout: "", stderr: "cannot run \(executable): \(error)")
        }
    }

    /// Runs the `openssl` program.
    @discardableResult
    public static func openssl(_ arguments: [String], in directory: String? = nil, input: Data? = nil) -> ProcessResult {
        run("openssl", arguments, in: directory, input: input)
    }

    /// The path of one of this package's executables, built beside the tests by `swift test`.
    public static func productPath(_ name: String) -> String {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // Under `swift test` the runner may live inside an .xctest bundle folder.
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            if folder.lastPathComponent == "debug" || folder.lastPathComponent == "release" { break }
            folder.deleteLastPathComponent()
        }
        let fallback = FileManager.default.currentDirectoryPath + "/.build/debug/\(name)"
        return fallback
    }

    /// Runs one of this package's executables.
    @discardableResult
    public static func runProduct(_ name: String, _ arguments: [String], in directory: String? = nil,
                                  input: Data? = nil, environment: [String: String]? = nil) -> ProcessResult {
        run(productPath(name), arguments, in: directory, input: input, environment: environment)
    }

    /// Writes a file (test fixtures only: the product writes through PKI's FileStore).
    public static func write(_ text: String, to path: String) {
        try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    public static func write(_ data: Data, to path: String) {
        try! data.write(to: URL(fileURLWithPath: path))
    }

    public static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
