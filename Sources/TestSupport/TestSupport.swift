import Foundation

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
    /// A new empty folder under the system's temporary folder.
    public static func temporaryDirectory(_ label: String = "cmscerts") -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a program with arguments; `input` goes to its standard input.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                           input: Data? = nil, environment: [String: String]? = nil) -> ProcessResult {
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            process.environment = env
        }
        // Files, not pipes: nothing to drain concurrently, and no EINTR on a reading thread.
        let scratch = NSTemporaryDirectory() + "proc-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: scratch + ".out", contents: nil)
        FileManager.default.createFile(atPath: scratch + ".err", contents: nil)
        FileManager.default.createFile(atPath: scratch + ".in", contents: input ?? Data())
        defer { for ext in [".out", ".err", ".in"] { try? FileManager.default.removeItem(atPath: scratch + ext) } }
        guard let outHandle = FileHandle(forWritingAtPath: scratch + ".out"),
              let errHandle = FileHandle(forWritingAtPath: scratch + ".err"),
              let inHandle = FileHandle(forReadingAtPath: scratch + ".in") else {
            return ProcessResult(status: 127, crashed: false, stdout: "", stderr: "cannot make scratch files")
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        do { try process.run() } catch {
            return ProcessResult(status: 127, crashed: false, stdout: "", stderr: "cannot run \(executable): \(error)")
        }
        process.waitUntilExit()
        try? outHandle.close(); try? errHandle.close(); try? inHandle.close()
        let out = FileManager.default.contents(atPath: scratch + ".out") ?? Data()
        let err = FileManager.default.contents(atPath: scratch + ".err") ?? Data()
        return ProcessResult(status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal,
                             stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
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
