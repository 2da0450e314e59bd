import Deployment
import Foundation
import Lab
@testable import Orchestration
import TestSupport
import Testing

/// What the SSH transport hands to the OpenSSH client: the host after `--` in every call,
/// a user and port only when the deployment file sets them (so that ~/.ssh/config decides
/// otherwise). Checked on the argument lists, then with the real `ssh -G`, which resolves
/// the configuration without connecting (no sshd needed, nothing written to ~/.ssh).
@Suite("SSH arguments")
struct SSHArgumentsTests {
    static let sshAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh")

    func transport(_ target: SSHDestination, node: String = "cms1") -> SSHTransport {
        SSHTransport(node: node, target: target, controlDirectory: TestSupport.temporaryDirectory("control"))
    }

    static let invocations: [SSHTransport.Invocation] = [.exec("pki list"), .sftp, .closeMaster, .resolve]

    @Test("every ssh and sftp call puts -- immediately before the host", arguments: [
        SSHDestination(host: "cms1.example.com"),
        SSHDestination(host: "cms1-lab", user: "admin", port: 2222, configFile: "/tmp/ssh config"),
        SSHDestination(host: "2001:db8::11", user: "ops"),
    ])
    func doubleDashBeforeHost(target: SSHDestination) {
        let t = transport(target)
        for invocation in Self.invocations {
            let (program, arguments) = t.arguments(for: invocation)
            guard let dash = arguments.firstIndex(of: "--") else {
                Issue.record("\(invocation): no -- in \(arguments)")
                continue
            }
            // sftp takes an IPv6 address in brackets (it reads host:path); ssh as it is.
            let host = invocation == .sftp ? SSHTransport.sftpHost(target.host) : target.host
            #expect(dash + 1 < arguments.count && arguments[dash + 1] == host, "\(invocation): \(arguments)")
            // Nothing after the host but the MMP command of an exec.
            if case .exec(let command) = invocation {
                #expect(arguments.suffix(2) == [target.host, command])
                #expect(program.hasSuffix("ssh"))
            } else {
                #expect(arguments.last == host, "\(invocation): \(arguments)")
                #expect(program.hasSuffix(invocation == .sftp ? "sftp" : "ssh"))
            }
        }
        let scan = SSHTransport.keyscanArguments(host: target.host, port: 22)
        #expect(scan.suffix(2) == ["--", target.host])
    }

    @Test("sftp reaches an IPv6 address whole, not the first group of it", .enabled(if: Self.sshAvailable))
    func sftpIPv6() async throws {
        #expect(SSHTransport.sftpHost("2001:db8::11") == "[2001:db8::11]")
        #expect(SSHTransport.sftpHost("cms1.example.com") == "cms1.example.com")
        // Which host ssh is handed, told by a ProxyCommand per host that only says so: the
        // whole address, or `0` had sftp cut it at the first colon.
        // (Files, not stderr: with ControlPersist the proxy runs in ssh's detached master.)
        let folder = TestSupport.temporaryDirectory("sftp6")
        let config = folder + "/config"
        TestSupport.write("""
            Host 0:0:0:0:0:0:0:1
                ProxyCommand touch \(folder)/whole
            Host 0
                ProxyCommand touch \(folder)/cut

            """, to: config)
        let t = transport(SSHDestination(host: "0:0:0:0:0:0:0:1", configFile: config))
        let call = t.arguments(for: .sftp)
        let result = try await LocalCommand.run(call.program, call.arguments, input: Data(), timeout: .seconds(20))
        #expect(result.status != 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/whole"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/cut"))
    }

    @Test("user and port reach ssh only when the deployment file sets them")
    func userAndPortOnlyWhenSet() {
        let bare = transport(SSHDestination(host: "cms1-lab")).arguments(for: .exec("pki list")).arguments
        #expect(!bare.contains { $0.hasPrefix("User=") || $0.hasPrefix("Port=") }, "\(bare)")
        let set = transport(SSHDestination(host: "cms1-lab", user: "admin", port: 2222)).arguments(for: .exec("pki list")).arguments
        #expect(set.contains("User=admin") && set.contains("Port=2222"), "\(set)")
    }

    @Test("a control folder with a space or % stays one ssh_config value", .enabled(if: Self.sshAvailable))
    func controlPathQuoted() async throws {
        let folder = TestSupport.temporaryDirectory("control") + "/with space %d"
        let t = SSHTransport(node: "cms1", target: SSHDestination(host: "cms1-lab", configFile: "/dev/null"), controlDirectory: folder)
        let resolved = try #require(await t.resolvedConfiguration())
        #expect(resolved["controlpath"]?.hasPrefix(folder + "/cms1-") == true, "\(resolved["controlpath"] ?? "none")")
    }

    @Test("a hostile host is refused before ssh runs, and -- keeps ssh from reading it as an option", .enabled(if: Self.sshAvailable))
    func hostileHost() async throws {
        let folder = TestSupport.temporaryDirectory("hostile")
        let marker = folder + "/owned"
        let target = SSHDestination(host: "-oProxyCommand=touch \(marker)", configFile: "/dev/null")
        let t = transport(target)
        await #expect(throws: TransportError.self) { try await t.run("pki list", answer: nil, timeout: .seconds(10)) }
        await #expect(throws: TransportError.self) { try await t.put(localPath: "/etc/hostname", remoteName: "x", timeout: .seconds(10)) }
        await t.close()
        // The argument list alone, given to the real ssh: the text after -- is a host name,
        // never the ProxyCommand option.
        let (program, arguments) = t.arguments(for: .resolve)
        let result = try await LocalCommand.run(program, arguments, timeout: .seconds(10))
        #expect(!result.stdout.lowercased().contains("proxycommand touch"), "\(result.output)")
        let sftp = t.arguments(for: .sftp)
        _ = try await LocalCommand.run(sftp.program, sftp.arguments, input: Data(), timeout: .seconds(10))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    /// A deployment whose one node is reached as `cms1-lab`, with `extra` under `ssh:`.
    func deployment(ssh extra: String) throws -> Deployment {
        try DeploymentFile.load(yaml: """
            version: 1
            cms_version: "3.8"
            domain: example.com
            nodes:
              - name: cms1
                fqdn: cms1.example.com
                address: 10.0.0.11
                ssh: {host: cms1-lab\(extra)}
                services: [webadmin]
                database: primary

            """)
    }

    @Test("an alias's Port and User in ssh_config are honoured when the file sets none", .enabled(if: Self.sshAvailable))
    func aliasPortHonoured() async throws {
        let config = TestSupport.temporaryDirectory("sshconfig") + "/config"
        TestSupport.write("Host cms1-lab\n    HostName 127.0.0.1\n    Port 22022\n    User ops\n", to: config)

        // The file sets neither: what ssh resolves for the transport is the alias's.
        let bare = try deployment(ssh: "")
        let transports = try NodeTransports.make(for: bare, deploymentFolder: "/tmp", sshConfig: config)
        let t = try #require(transports["cms1"] as? SSHTransport)
        let resolved = try #require(await t.resolvedConfiguration())
        #expect(resolved["hostname"] == "127.0.0.1")
        #expect(resolved["port"] == "22022")
        #expect(resolved["user"] == "ops")
        // The same as `ssh -F config -G -- cms1-lab` says, with none of cmscerts' options.
        let plain = try await LocalCommand.run("/usr/bin/ssh", ["-F", config, "-G", "--", "cms1-lab"], timeout: .seconds(10))
        #expect(plain.stdout.split(separator: "\n").contains("port 22022"))

        // The file sets both: they win over the alias.
        let set = try deployment(ssh: ", user: admin, port: 2222")
        let setTransport = try #require(try NodeTransports.make(for: set, deploymentFolder: "/tmp", sshConfig: config)["cms1"] as? SSHTransport)
        let overridden = try #require(await setTransport.resolvedConfiguration())
        #expect(overridden["port"] == "2222")
        #expect(overridden["user"] == "admin")
        #expect(overridden["hostname"] == "127.0.0.1")

        // What the messages tell a person to type, and the known_hosts name ssh stores.
        #expect(t.manualCommand == "ssh -F \(config) -- cms1-lab")
        #expect(setTransport.manualCommand == "ssh -F \(config) -p 2222 -l admin -- cms1-lab")
        #expect(await t.knownHostsName() == "[127.0.0.1]:22022")
        #expect(await setTransport.knownHostsName() == "[127.0.0.1]:2222")
    }
}
