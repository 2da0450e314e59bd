import Foundation

/// What a command printed on a node, and how it ended.
public struct CommandOutput: Sendable, Equatable, Codable {
    /// Standard output and standard error, as the MMP interleaves them on a terminal.
    public var text: String
    /// The exit status where the transport has one (SSH does; the MMP's is 0 even on FAILURE lines).
    public var exitStatus: Int32

    public init(text: String, exitStatus: Int32 = 0) {
        self.text = text
        self.exitStatus = exitStatus
    }
}

/// Why a remote operation did not happen, worded for the admin: which node, what was
/// tried, and what to do.
public struct TransportError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case unreachable, hostKey, authentication, timeout, fileTransfer, refused, other
    }

    public var kind: Kind
    public var node: String
    public var operation: String
    public var message: String

    public init(_ kind: Kind, node: String, operation: String, message: String) {
        self.kind = kind
        self.node = node
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(node): \(operation): \(message)" }
}

/// How the engine reaches one CMS node: run an MMP command, put a file into the MMP's
/// root folder, get one from it. Every remote effect goes through a Transport; the SSH
/// transport (OpenSSH's ssh and sftp) and the lab's transport implement it.
public protocol Transport: Sendable {
    /// The node this transport reaches, for messages.
    var node: String { get }

    /// Runs one MMP command. `answer` is typed at a confirmation prompt when the command
    /// asks one (`database cluster remove` proceeds only on an upper-case `Y`).
    func run(_ command: String, answer: String?, timeout: Duration) async throws -> CommandOutput

    /// Copies a local file into the node's MMP root folder as `remoteName`.
    func put(localPath: String, remoteName: String, timeout: Duration) async throws

    /// Copies `remoteName` from the node's MMP root folder to a local path.
    func get(remoteName: String, localPath: String, timeout: Duration) async throws

    /// Lets go of what the transport holds open (SSH's shared connection); nothing for a
    /// transport that holds nothing. Called once a run or a read is over.
    func close() async
}

extension Transport {
    public func close() async {}
}
