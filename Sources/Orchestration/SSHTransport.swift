import Deployment
import Foundation

/// How to reach a node over SSH. Everything not given here comes from the user's own
/// OpenSSH configuration (~/.ssh/config: ProxyJump, IdentityFile, agent, known_hosts).
public struct SSHDestination: Sendable, Codable, Equatable {
    /// A host name, address, or a Host alias of ~/.ssh/config.
    public var host: String
    public var user: String?
    public var port: Int?
    /// An ssh_config file to use instead of ~/.ssh/config (`ssh -F`).
    public var configFile: String?

    public init(host: String, user: String? = nil, port: Int? = nil, configFile: String? = nil) {
        self.host = host
        self.user = user
        self.port = port
        self.configFile = configFile
    }

    /// "admin@cms1.example.com:22" for messages ("cms1" for an alias whose user and port
    /// come from ssh_config).
    public var display: String {
        (user.map { "\($0)@" } ?? "") + host + (port.map { ":\($0)" } ?? "")
    }

    /// Why this destination cannot be handed to ssh, or nil: the deployment file's rules
    /// for `ssh.host` and `ssh.user` (`SSHTarget`), kept here too so that no caller can
    /// pass ssh an option in a host's place.
    public var problem: String? {
        SSHTarget(host: host, user: user, port: port).problems.first.map(\.message)
    }
}

/// A Transport through the OpenSSH client: one `ssh` exec per MMP command over one shared
/// connection per node (ControlMaster), files by `sftp`. BatchMode: it never prompts.
/// Host keys are checked strictly, always: an unknown or changed key stops the run with the
/// host, the fingerprint and what to do.
public final class SSHTransport: Transport, @unchecked Sendable {
    public let node: String
    public let target: SSHDestination
    let controlDirectory: String
    let sshPath: String
    let sftpPath: String
    /// Seconds the shared connection stays open after its last command (ControlPersist).
    let persistSeconds: Int

    /// `controlDirectory` holds the shared connection's socket (made 0700 if missing).
    public init(node: String, target: SSHDestination, controlDirectory: String,
                sshPath: String = "/usr/bin/ssh", sftpPath: String = "/usr/bin/sftp", persistSeconds: Int = 60) {
        self.persistSeconds = persistSeconds
        self.node = node
        self.target = target
        self.controlDirectory = controlDirectory
        self.sshPath = sshPath
        self.sftpPath = sftpPath
        try? FileManager.default.createDirectory(atPath: controlDirectory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
    }

    /// Options common to ssh and sftp. StrictHostKeyChecking is forced to yes whatever the
    /// user's configuration says; BatchMode makes every prompt a failure instead. User and
    /// Port are given only when the deployment file sets them: otherwise ssh_config decides.
    var commonOptions: [String] {
        var options: [String] = []
        if let configFile = target.configFile { options += ["-F", configFile] }
        options += [
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "ControlMaster=auto",
            // The node's name in the path: two nodes behind one address never share a connection.
            "-o", "ControlPath=" + Self.configValue(Self.percentEscaped(controlDirectory) + "/" + Self.percentEscaped(node) + "-%C"),
            "-o", "ControlPersist=\(persistSeconds)",
            "-o", "ConnectTimeout=15",
            "-o", "ServerAliveInterval=15",
            "-o", "LogLevel=ERROR",
        ]
        if let user = target.user { options += ["-o", "User=\(user)"] }
        if let port = target.port { options += ["-o", "Port=\(port)"] }
        return options
    }

    /// One call of the OpenSSH client this transport makes.
    public enum Invocation: Sendable, Equatable {
        /// `ssh ... -T -- HOST COMMAND`: one MMP command.
        case exec(String)
        /// `sftp ... -q -b - -- HOST`: a batch of transfers on standard input.
        case sftp
        /// `ssh ... -O exit -- HOST`: closes the shared connection.
        case closeMaster
        /// `ssh ... -G -- HOST`: the configuration ssh would use, resolved (no connection).
        case resolve
    }

    /// The program and its arguments for one call. The host always follows `--`, so that
    /// nothing in it can be read as an option, whatever the deployment file held.
    public func arguments(for invocation: Invocation) -> (program: String, arguments: [String]) {
        switch invocation {
        case .exec(let command): return (sshPath, commonOptions + ["-T", "--", target.host, command])
        case .sftp: return (sftpPath, commonOptions + ["-q", "-b", "-", "--", Self.sftpHost(target.host)])
        case .closeMaster: return (sshPath, commonOptions + ["-O", "exit", "--", target.host])
        case .resolve: return (sshPath, commonOptions + ["-G", "--", target.host])
        }
    }

    /// The host as sftp's destination: an IPv6 address in brackets, since sftp reads
    /// `host:path` and would take `2001` of `2001:db8::11` for the host (it removes the
    /// brackets before calling ssh). Names and IPv4 addresses are given as they are.
    public static func sftpHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// `ssh-keyscan` for a resolved host and port: `--` before the host here too.
    static func keyscanArguments(host: String, port: Int) -> [String] {
        ["-T", "5", "-p", "\(port)", "--", host]
    }

    /// A path for an ssh_config value: `%` is ssh's token character, so it is doubled.
    static func percentEscaped(_ text: String) -> String { text.replacingOccurrences(of: "%", with: "%%") }

    /// An ssh_config value given with `-o`: in double quotes when it holds white space,
    /// which ssh would otherwise split into extra arguments.
    static func configValue(_ value: String) -> String {
        value.contains(where: \.isWhitespace) ? "\"" + value + "\"" : value
    }

    /// Refuses a destination ssh could misread before anything runs.
    func checkDestination(operation: String) throws {
        if let problem = target.problem {
            throw TransportError(.refused, node: node, operation: operation,
                                 message: "\(problem). Nothing was run; correct ssh in the deployment file")
        }
    }

    public func run(_ command: String, answer: String?, timeout: Duration) async throws -> CommandOutput {
        try checkDestination(operation: command)
        let input = answer.map { Data(($0 + "\n").utf8) }
        let call = arguments(for: .exec(command))
        let result = try await LocalCommand.run(call.program, call.arguments, input: input, timeout: timeout)
        if result.timedOut {
            throw TransportError(.timeout, node: node, operation: command,
                                 message: "no answer from \(target.display) within \(timeout); check the node, then resume the run")
        }
        // 255 is ssh's own failure; anything else is the remote command's status.
        if result.status == 255 {
            throw await classify(result.stderr, operation: command)
        }
        return CommandOutput(text: result.stdout + result.stderr, exitStatus: result.status)
    }

    public func put(localPath: String, remoteName: String, timeout: Duration) async throws {
        guard FileManager.default.isReadableFile(atPath: localPath) else {
            throw TransportError(.fileTransfer, node: node, operation: "put \(remoteName)", message: "\(localPath) cannot be read here")
        }
        try await sftp("put \(quote(localPath)) \(quote(remoteName))", operation: "put \(remoteName)", timeout: timeout)
    }

    public func get(remoteName: String, localPath: String, timeout: Duration) async throws {
        try await sftp("get \(quote(remoteName)) \(quote(localPath))", operation: "get \(remoteName)", timeout: timeout)
        guard FileManager.default.fileExists(atPath: localPath) else {
            throw TransportError(.fileTransfer, node: node, operation: "get \(remoteName)", message: "sftp reported success but \(localPath) is missing")
        }
    }

    /// Closes the shared connection (`ssh -O exit`).
    public func close() async {
        guard target.problem == nil else { return }
        let call = arguments(for: .closeMaster)
        _ = try? await LocalCommand.run(call.program, call.arguments, input: nil, timeout: .seconds(10))
    }

    /// What ssh resolves for this node from the options given and ssh_config (`ssh -G`):
    /// its keywords in lower case (`hostname`, `port`, `user`, ...) to their values; nil
    /// when ssh cannot say (a broken ssh_config).
    public func resolvedConfiguration() async -> [String: String]? {
        guard target.problem == nil else { return nil }
        let call = arguments(for: .resolve)
        guard let resolved = try? await LocalCommand.run(call.program, call.arguments, timeout: .seconds(10)),
              resolved.status == 0 else { return nil }
        var settings: [String: String] = [:]
        for line in resolved.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            // The first value of a keyword is the one ssh uses.
            if parts.count == 2, settings[parts[0]] == nil { settings[parts[0]] = parts[1] }
        }
        return settings
    }

    func sftp(_ batchLine: String, operation: String, timeout: Duration) async throws {
        try checkDestination(operation: operation)
        let call = arguments(for: .sftp)
        let result = try await LocalCommand.run(call.program, call.arguments,
                                                 input: Data((batchLine + "\n").utf8), timeout: timeout)
        if result.timedOut {
            throw TransportError(.timeout, node: node, operation: operation, message: "the transfer did not finish within \(timeout)")
        }
        if result.status != 0 {
            let error = await classify(result.stderr, operation: operation)
            if error.kind != .other { throw error }
            let detail = result.stderr.split(separator: "\n").last.map(String.init) ?? "exit \(result.status)"
            throw TransportError(.fileTransfer, node: node, operation: operation, message: "sftp failed: \(detail)")
        }
    }

    /// sftp's batch syntax: double quotes around a path, backslash before a quote.
    func quote(_ path: String) -> String {
        "\"" + path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Turns ssh's stderr into an error that says what happened and what to do.
    func classify(_ stderr: String, operation: String) async -> TransportError {
        let text = stderr
        let lastLine = text.split(separator: "\n").last.map(String.init) ?? "ssh failed"
        if text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || text.contains("Host key for") && text.contains("has changed") {
            let fingerprint = text.range(of: "SHA256:[A-Za-z0-9+/=]+", options: .regularExpression).map { String(text[$0]) } ?? "(not shown)"
            return TransportError(.hostKey, node: node, operation: operation, message: """
                the host key of \(target.display) has CHANGED: it now presents \(fingerprint). \
                This is either a reinstalled node or someone in the middle. Check the key on the node's console \
                (MMP: `ssh hostkey` or the boot banner); only if it is the node's, remove the old entry with \
                `ssh-keygen -R \(await knownHostsName())` and connect once by hand (`\(manualCommand)`) to accept the new one. \
                Nothing was run.
                """)
        }
        if text.contains("Host key verification failed") || text.contains("No ") && text.contains("host key is known") {
            let fingerprint = await scanFingerprint()
            return TransportError(.hostKey, node: node, operation: operation, message: """
                \(target.display) is not in known_hosts, and cmscerts never accepts a host key silently. \
                The host presents \(fingerprint). Compare it with the node's console; if it matches, connect once \
                with `\(manualCommand)` and answer yes, then run again.
                """)
        }
        if text.contains("Permission denied") || text.contains("Too many authentication failures") {
            return TransportError(.authentication, node: node, operation: operation, message: """
                \(target.display) refused the login (\(lastLine)). Load the admin key into your agent (`ssh-add`) \
                or set IdentityFile for this host in ~/.ssh/config; cmscerts never types passwords.
                """)
        }
        if text.contains("Connection refused") || text.contains("Could not resolve hostname") || text.contains("timed out")
            || text.contains("No route to host") || text.contains("Network is unreachable") || text.contains("Connection closed")
            || text.contains("Connection reset") {
            return TransportError(.unreachable, node: node, operation: operation,
                                  message: "\(target.display) cannot be reached (\(lastLine)); check the address, the network and that SSH is enabled on the node")
        }
        return TransportError(.other, node: node, operation: operation, message: lastLine)
    }

    /// The name known_hosts keeps this node's key under, for `ssh-keygen -R`: from what
    /// ssh resolves (an alias's HostKeyAlias, else its HostName and Port), so that an
    /// alias whose port comes from ssh_config is named as ssh stores it.
    func knownHostsName() async -> String {
        let resolved = await resolvedConfiguration()
        if let alias = resolved?["hostkeyalias"] { return alias }
        let name = resolved?["hostname"] ?? target.host
        let port = resolved?["port"].flatMap(Int.init) ?? target.port ?? 22
        return port == 22 ? name : "[\(name)]:\(port)"
    }

    /// The ssh command a person types to reach the node as cmscerts does: the same
    /// ssh_config, and a user and port only when the deployment file sets them.
    var manualCommand: String {
        var words = ["ssh"]
        if let configFile = target.configFile { words += ["-F", configFile.contains(" ") ? "'\(configFile)'" : configFile] }
        if let port = target.port { words += ["-p", "\(port)"] }
        if let user = target.user { words += ["-l", user] }
        return (words + ["--", target.host]).joined(separator: " ")
    }

    /// The fingerprints the host presents, read with ssh-keyscan (which trusts nothing).
    func scanFingerprint() async -> String {
        // The target may be an alias of ssh_config: ask ssh for the real host name and port
        // (the file's own port, if it gives one, is among the options ssh -G is given).
        var host = target.host, port = target.port ?? 22
        if let resolved = await resolvedConfiguration() {
            if let name = resolved["hostname"] { host = name }
            if let p = resolved["port"].flatMap(Int.init) { port = p }
        }
        guard let scan = try? await LocalCommand.run("/usr/bin/ssh-keyscan", Self.keyscanArguments(host: host, port: port), timeout: .seconds(10)),
              !scan.stdout.isEmpty,
              let prints = try? await LocalCommand.run("/usr/bin/ssh-keygen", ["-l", "-f", "-"], input: Data(scan.stdout.utf8), timeout: .seconds(10)),
              prints.status == 0 else {
            return "a key that could not be read with ssh-keyscan"
        }
        let lines = prints.stdout.split(separator: "\n").map { line -> String in
            let parts = line.split(separator: " ")
            return parts.count >= 2 ? "\(parts[1]) (\(parts.last ?? ""))" : String(line)
        }
        return lines.joined(separator: ", ")
    }
}
