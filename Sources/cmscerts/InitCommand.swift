import ArgumentParser
import Deployment
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cmscerts init [PATH]`: writes the commented example deployment file for the user to
/// edit. Never overwrites a file; the write is atomic (a temporary file, fsync, then a
/// link that fails if the name was taken meanwhile).
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented example deployment file to edit."
    )

    @Argument(help: "Where to write it.")
    var path: String = "deployment.yaml"

    func run() throws {
        if FileManager.default.fileExists(atPath: path) {
            throw CLIFailure(code: 2, message: "\(path) exists already: cmscerts init never overwrites a file; choose another path")
        }
        try Self.writeNew(path: path, contents: DeploymentFile.example)
        print("wrote \(path): edit it, then run  cmscerts plan \(path)")
    }

    /// Creates `path` with the contents, atomically, failing if it exists.
    static func writeNew(path: String, contents: String) throws {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).cmscerts-\(getpid()).tmp").path
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw CLIFailure(code: 2, message: "cannot write in the folder of \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temp) }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                close(fd)
                throw CLIFailure(code: 2, message: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard synced else { throw CLIFailure(code: 2, message: "cannot write \(path): \(String(cString: strerror(errno)))") }
        // link() does not replace an existing name: the check above cannot be raced.
        if link(temp, path) != 0 {
            let reason = errno == EEXIST ? "it exists already" : String(cString: strerror(errno))
            throw CLIFailure(code: 2, message: "cannot create \(path): \(reason)")
        }
    }
}
