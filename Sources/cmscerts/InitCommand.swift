import ArgumentParser
import Deployment
import Foundation
import PKI
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
        // Through the file store: atomic, and never over an existing file (even in a race).
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileStore(directory: folder.isEmpty ? "." : folder)
                .write(Data(DeploymentFile.example.utf8), to: (path as NSString).lastPathComponent, isPrivateKey: false, createOnly: true)
        } catch let error as PKIError {
            throw CLIFailure(code: 2, message: "\(error.message)")
        }
        print("wrote \(path): edit it, then run  cmscerts plan \(path)")
    }
}
