import Foundation
import Orchestration
import PKI

/// Orchestration's Transport over a lab node, in-process: commands run on the node's
/// simulated MMP, files move into and out of its folder as SFTP would move them. The
/// executable wires it in, so the executor never links the simulator.
public struct LabTransport: Transport {
    public let lab: Lab
    public let node: String

    /// A transport to `node` (its name, FQDN or address) of `lab`.
    public init(lab: Lab, node: String) throws {
        guard let info = try lab.topology().node(node) else {
            throw TransportError(.unreachable, node: node, operation: "connect",
                                 message: "no node \(node) in the lab \(lab.directory)")
        }
        self.lab = lab
        self.node = info.name
    }

    /// A transport to `node` of the lab in `labDirectory`.
    public init(labDirectory: String, node: String) throws {
        try self.init(lab: try Lab(directory: labDirectory), node: node)
    }

    public func run(_ command: String, answer: String?, timeout: Duration) async throws -> CommandOutput {
        let lab = self.lab, node = self.node
        return try await Self.offThread {
            do {
                return CommandOutput(text: try lab.run(command, on: node, answer: answer).text, exitStatus: 0)
            } catch let error as LabError {
                throw TransportError(.other, node: node, operation: command, message: error.message)
            }
        }
    }

    public func put(localPath: String, remoteName: String, timeout: Duration) async throws {
        let folder = lab.nodeDirectory(node), node = self.node
        try await Self.offThread {
            try Self.copy(from: localPath, to: FileStore(directory: folder), name: remoteName, node: node, operation: "put \(remoteName)")
        }
    }

    public func get(remoteName: String, localPath: String, timeout: Duration) async throws {
        let folder = lab.nodeDirectory(node), node = self.node
        try await Self.offThread {
            guard Self.isPlainName(remoteName) else {
                throw TransportError(.fileTransfer, node: node, operation: "get \(remoteName)", message: "\(remoteName) is not a file name in the MMP root folder")
            }
            let target = (localPath as NSString).standardizingPath
            try Self.copy(from: folder + "/" + remoteName,
                          to: FileStore(directory: (target as NSString).deletingLastPathComponent),
                          name: (target as NSString).lastPathComponent, node: node, operation: "get \(remoteName)", replaceKeys: false)
        }
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && name != "." && name != ".." && !name.hasPrefix(".")
    }

    /// Copies a file through the PKI store: keys 0600; on the node (as SFTP does) an
    /// existing key is replaced and the old one kept beside it; locally a key is never overwritten.
    static func copy(from source: String, to store: FileStore, name: String, node: String, operation: String, replaceKeys: Bool = true) throws {
        guard isPlainName(name) else {
            throw TransportError(.fileTransfer, node: node, operation: operation, message: "\(name) is not a plain file name")
        }
        guard let data = FileManager.default.contents(atPath: source) else {
            throw TransportError(.fileTransfer, node: node, operation: operation, message: "cannot read \(source): no such file, or not readable")
        }
        let isKey = name.lowercased().hasSuffix(".key")
        do {
            try store.write(data, to: name, isPrivateKey: isKey, replace: isKey && replaceKeys && store.exists(name))
        } catch let error as PKIError {
            throw TransportError(.fileTransfer, node: node, operation: operation, message: error.message)
        }
    }

    /// Runs blocking work (key generation, the lab's flock) off Swift's cooperative threads.
    static func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
