import Foundation
import Orchestration
import TestSupport
import Testing

/// The SSH transport against a real sshd on 127.0.0.1. The forced command here is a small
/// shell script standing in for a node: it answers commands and serves its folder by sftp.
@Suite("SSH transport through OpenSSH", .serialized,
       .enabled(if: SSHServer.unavailableReason == nil, "needs a real sshd (.ci/run installs openssh-server)"))
struct SSHTransportTests {
    /// A stand-in node: echoes the command, asks for Y on "confirm", serves sftp from its folder.
    static func nodeScript(_ dir: String, node: String) -> String {
        let folder = dir + "/\(node)-files"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = dir + "/\(node).sh"
        TestSupport.write("""
            #!/bin/sh
            case "$SSH_ORIGINAL_COMMAND" in
              *sftp-server*) exec /usr/lib/openssh/sftp-server -d "\(folder)" ;;
              confirm) printf 'Are you sure? (Y/n) '; read answer; if [ "$answer" = "Y" ]; then echo done; else echo aborted; fi ;;
              slow) sleep 30 ;;
              *) echo "\(node)> $SSH_ORIGINAL_COMMAND" ;;
            esac

            """, to: script)
        chmod(script, 0o755)
        return script
    }

    func withServer(_ body: (SSHServer, String) async throws -> Void) async throws {
        let scripts = TestSupport.temporaryDirectory("nodes")
        let server = try SSHServer(nodes: ["cms1", "cms2"]) { Self.nodeScript(scripts, node: $0) }
        defer { server.stop() }
        try await body(server, scripts)
    }

    func transport(_ server: SSHServer, _ node: String, config: String? = nil) -> SSHTransport {
        SSHTransport(node: node, target: SSHDestination(host: node, configFile: config ?? server.configFile),
                     controlDirectory: server.directory + "/control", persistSeconds: 600)
    }

    @Test func commandsReachTheRightNodeOverOneConnectionEach() async throws {
        try await withServer { server, _ in
            let cms1 = transport(server, "cms1"), cms2 = transport(server, "cms2")
            defer { Task { await cms1.close(); await cms2.close() } }
            let first = try await cms1.run("pki list", answer: nil, timeout: .seconds(20))
            #expect(first.text == "cms1> pki list\n")
            let second = try await cms2.run("database cluster status", answer: nil, timeout: .seconds(20))
            #expect(second.text == "cms2> database cluster status\n")
            // The shared connection exists: ssh -O check answers for it.
            let check = TestSupport.run("ssh", ["-F", server.configFile, "-o", "ControlPath=\(server.directory)/control/cms1-%C", "-O", "check", "cms1"])
            #expect(check.output.contains("Master running"), "\(check.output)")
        }
    }

    @Test func theConfirmationAnswerIsTyped() async throws {
        try await withServer { server, _ in
            let cms1 = transport(server, "cms1")
            let yes = try await cms1.run("confirm", answer: "Y", timeout: .seconds(20))
            #expect(yes.text.contains("done"))
            let lower = try await cms1.run("confirm", answer: "y", timeout: .seconds(20))
            #expect(lower.text.contains("aborted"))
            await cms1.close()
        }
    }

    @Test func filesGoUpAndComeBack() async throws {
        try await withServer { server, scripts in
            let cms1 = transport(server, "cms1")
            let local = TestSupport.temporaryDirectory("local")
            TestSupport.write("certificate bytes\n", to: local + "/with space.crt")
            try await cms1.put(localPath: local + "/with space.crt", remoteName: "web.crt", timeout: .seconds(20))
            #expect(TestSupport.read(scripts + "/cms1-files/web.crt") == "certificate bytes\n")
            try await cms1.get(remoteName: "web.crt", localPath: local + "/back.crt", timeout: .seconds(20))
            #expect(TestSupport.read(local + "/back.crt") == "certificate bytes\n")
            await #expect(throws: TransportError.self) {
                try await cms1.get(remoteName: "missing.crt", localPath: local + "/x", timeout: .seconds(20))
            }
            await cms1.close()
        }
    }

    @Test func anUnknownHostKeyStopsWithItsFingerprint() async throws {
        try await withServer { server, _ in
            let config = server.configWithKnownHosts("", label: "empty")
            let cms1 = transport(server, "cms1", config: config)
            do {
                _ = try await cms1.run("pki list", answer: nil, timeout: .seconds(20))
                Issue.record("ran on a host whose key is unknown")
            } catch let error as TransportError {
                #expect(error.kind == .hostKey)
                #expect(error.message.contains("never accepts a host key silently"))
                let expected = TestSupport.run("ssh-keygen", ["-l", "-f", server.directory + "/host_key.pub"]).stdout.split(separator: " ")[1]
                #expect(error.message.contains(String(expected)), "\(error.message)")
            }
        }
    }

    @Test func aChangedHostKeyStops() async throws {
        try await withServer { server, _ in
            let other = TestSupport.temporaryDirectory("otherkey")
            TestSupport.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other + "/k"])
            let wrong = TestSupport.read(other + "/k.pub").split(separator: " ").prefix(2).joined(separator: " ")
            let config = server.configWithKnownHosts("[127.0.0.1]:\(server.port) \(wrong)\n", label: "wrong")
            let cms1 = transport(server, "cms1", config: config)
            do {
                _ = try await cms1.run("pki list", answer: nil, timeout: .seconds(20))
                Issue.record("ran on a host whose key changed")
            } catch let error as TransportError {
                #expect(error.kind == .hostKey)
                #expect(error.message.contains("CHANGED") || error.message.contains("not in known_hosts"), "\(error.message)")
            }
        }
    }

    @Test func unreachableAndTimeout() async throws {
        try await withServer { server, _ in
            let port = server.port
            server.stop()
            let dead = SSHTransport(node: "cms9", target: SSHDestination(host: "127.0.0.1", user: "root", port: port, configFile: server.configFile),
                                    controlDirectory: server.directory + "/control")
            await #expect { try await dead.run("pki list", answer: nil, timeout: .seconds(20)) } throws: {
                ($0 as? TransportError)?.kind == .unreachable
            }
        }
        try await withServer { server, _ in
            let cms2 = transport(server, "cms2")
            await #expect { try await cms2.run("slow", answer: nil, timeout: .seconds(2)) } throws: {
                ($0 as? TransportError)?.kind == .timeout
            }
            await cms2.close()
        }
    }
}
