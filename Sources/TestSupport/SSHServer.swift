import Foundation
import Orchestration

/// A real OpenSSH server on 127.0.0.1 at a free port, for tests: host and user keys made in
/// a temporary folder, one user key per node, each key bound to its node's forced command
/// (`command="..."` in authorized_keys), and an ssh_config with a Host alias per node.
/// Stopped (and its folder kept for reading) by `stop()`.
public final class SSHServer: @unchecked Sendable {
    public let directory: String
    public let port: Int
    /// The ssh_config to pass as `ssh -F`: one `Host <node>` alias per node.
    public let configFile: String
    public let knownHostsFile: String
    let pid: pid_t
    var stopped = false

    /// Why sshd cannot run here, or nil when it can.
    public static var unavailableReason: String? {
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") { return "sshd is not installed (apt-get install openssh-server)" }
        if getuid() != 0 { return "sshd's test harness runs as root (privilege separation folder /run/sshd)" }
        return nil
    }

    /// Starts sshd. `forcedCommand(node)` is the command line run for that node's key; it
    /// sees the client's command in SSH_ORIGINAL_COMMAND.
    public init(nodes: [String], forcedCommand: (String) -> String) throws {
        directory = TestSupport.temporaryDirectory("sshd")
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        func keygen(_ path: String) throws {
            let r = TestSupport.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path])
            if r.status != 0 { throw HarnessError("ssh-keygen failed: \(r.output)") }
        }
        try keygen(directory + "/host_key")
        var authorized = ""
        for node in nodes {
            try keygen(directory + "/id_\(node)")
            let publicKey = TestSupport.read(directory + "/id_\(node).pub").trimmingCharacters(in: .whitespacesAndNewlines)
            let command = forcedCommand(node).replacingOccurrences(of: "\"", with: "\\\"")
            authorized += "command=\"\(command)\",no-port-forwarding,no-agent-forwarding,no-X11-forwarding \(publicKey)\n"
        }
        TestSupport.write(authorized, to: directory + "/authorized_keys")
        port = try TestSupport.freePort()
        let sshdConfig = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(directory)/host_key
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(directory)/authorized_keys
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password
            Subsystem sftp /usr/lib/openssh/sftp-server
            MaxSessions 50
            MaxStartups 50:30:100
            LogLevel ERROR

            """
        TestSupport.write(sshdConfig, to: directory + "/sshd_config")
        let hostKey = TestSupport.read(directory + "/host_key.pub").split(separator: " ").prefix(2).joined(separator: " ")
        knownHostsFile = directory + "/known_hosts"
        TestSupport.write("[127.0.0.1]:\(port) \(hostKey)\n", to: knownHostsFile)
        var clientConfig = ""
        for node in nodes {
            clientConfig += """
                Host \(node)
                    HostName 127.0.0.1
                    Port \(port)
                    User root
                    IdentityFile \(directory)/id_\(node)
                    IdentitiesOnly yes
                    UserKnownHostsFile \(knownHostsFile)
                    GlobalKnownHostsFile /dev/null

                """
        }
        configFile = directory + "/ssh_config"
        TestSupport.write(clientConfig, to: configFile)

        pid = try LocalCommand.spawn("/usr/sbin/sshd", ["-D", "-e", "-f", directory + "/sshd_config"], stderr: directory + "/sshd.log")
        // Poll until it accepts connections (no fixed sleep).
        let deadline = Date().addingTimeInterval(15)
        while !TestSupport.accepts(port: port) {
            if !LocalCommand.isRunning(pid) { throw HarnessError("sshd exited at start: \(TestSupport.read(directory + "/sshd.log"))") }
            if Date() > deadline { throw HarnessError("sshd did not accept connections on port \(port) within 15 s") }
            usleep(20_000)
        }
    }

    /// Writes a client config whose known_hosts entry for this server is wrong (another key),
    /// or absent, to test host key checking.
    public func configWithKnownHosts(_ text: String, label: String) -> String {
        let known = directory + "/known_hosts_\(label)"
        TestSupport.write(text, to: known)
        let config = TestSupport.read(configFile).replacingOccurrences(of: knownHostsFile, with: known)
        let path = directory + "/ssh_config_\(label)"
        TestSupport.write(config, to: path)
        return path
    }

    public func stop() {
        if !stopped {
            stopped = true
            LocalCommand.terminate(pid)
        }
    }

    deinit { stop() }

}

public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Loopback ports, for the servers tests start (sshd, openssl s_server).
extension TestSupport {
    /// A TCP port on 127.0.0.1 that nothing listens on now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// 127.0.0.1:`port` as a socket address (0: any free port, for bind).
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// True when something accepts connections on 127.0.0.1:`port`.
    public static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
