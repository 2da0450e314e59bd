import Deployment
import Foundation
import Lab
import Orchestration
import TestSupport
import Testing

/// A three-node CMS 3.x lab and a deployment file that describes it, in one temporary
/// folder that is also the workspace: `<folder>/deployment.yaml`, `<folder>/lab`.
final class LabFixture: @unchecked Sendable {
    let folder: String
    let lab: Lab
    static let nodes = ["cms1", "cms2", "cms3"]

    init(label: String = "apply") throws {
        folder = TestSupport.temporaryDirectory(label)
        lab = try Lab.create(at: folder + "/lab", nodes: 3, version: .v3)
        writeDeployment()
    }

    var deploymentFile: String { folder + "/deployment.yaml" }
    var stateDirectory: String { folder + "/.cmscerts" }

    /// The deployment: the lab's names; `lab: lab` unless SSH targets are given (host =
    /// node name, an alias of the test sshd's ssh_config).
    func writeDeployment(joinURL: String = "join.lab.example.com", sshPort: Int? = nil, keys: String = "node") {
        var text = """
            version: 1
            cms_version: "3.8"
            domain: lab.example.com
            join_url: \(joinURL)
            keys: \(keys)

            """
        if sshPort == nil { text += "lab: lab\n" }
        text += "nodes:\n"
        for (i, node) in Self.nodes.enumerated() {
            text += """
                  - name: \(node)
                    fqdn: \(node).lab.example.com
                    address: 10.0.0.\(i + 1)
                    services: [webadmin, callbridge, webbridge3, turn]
                    database: \(i == 0 ? "primary" : "joined")

                """
            if let sshPort {
                text += "    ssh: {host: \(node), user: root, port: \(sshPort)}\n"
            }
        }
        TestSupport.write(text, to: deploymentFile)
    }

    func plan(flow: Flow = .fresh) throws -> Plan {
        try Planner.plan(try DeploymentFile.load(yaml: TestSupport.read(deploymentFile)), flow: flow)
    }

    func transports() throws -> [String: any Transport] {
        var out: [String: any Transport] = [:]
        for node in Self.nodes { out[node] = try LabTransport(lab: lab, node: node) }
        return out
    }

    func executor(_ plan: Plan, journal: Journal, transports: [String: any Transport]? = nil, parallel: Int = 4) throws -> Executor {
        Executor(plan: plan, transports: try transports ?? self.transports(), workspace: folder, journal: journal,
                 options: ExecutorOptions(parallel: parallel, stepTimeout: .seconds(60)))
    }

    /// `cmscerts apply` on this fixture started in the background, one step at a time (so
    /// that a test can stop it inside or between steps); its output in `<folder>/<name>.out`.
    func spawnApply(_ extra: [String] = [], name: String = "background") throws -> (pid: pid_t, out: String) {
        let out = folder + "/\(name).out"
        let pid = try LocalCommand.spawn(TestSupport.productPath("cmscerts"),
                                         ["apply", deploymentFile, "--yes", "--parallel", "1"] + extra,
                                         stdout: out, stderr: out + ".err", directory: folder)
        return (pid, out)
    }

    /// The files of apply's `Waiting for: a, b, c` line.
    static func waitingFiles(in output: String) -> [String] {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Waiting for: ") }) else { return [] }
        return line.dropFirst("Waiting for: ".count).components(separatedBy: ", ")
    }

    /// The run id of the `--resume <id>` apply prints.
    static func runID(in output: String) -> String? {
        guard let range = output.range(of: "--resume ") else { return nil }
        return output[range.upperBound...].split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init)
    }

    /// The id of the (first) run in the journal folder.
    var journalRunID: String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/runs")) ?? []
        return names.first { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(".jsonl".count)) }
    }

    /// Every journal line of every run.
    func journalText() -> String {
        let runs = stateDirectory + "/runs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.map { TestSupport.read(runs + "/" + $0) }.joined()
    }

    /// The end state the fresh flow must leave: every service enabled and running with the
    /// new certificates, the cluster whole, `pki verify` passing on every node.
    func expectFreshFlowDone(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let status = try lab.status()
        for node in status.nodes {
            #expect(node.services.map(\.service) == [.webadmin, .callbridge, .webbridge3, .turn], sourceLocation: sourceLocation)
            for service in node.services {
                #expect(service.enabled && service.running, "\(node.node.name) \(service.service): \(service.state)", sourceLocation: sourceLocation)
                let expected = service.service == .webbridge3 ? "webbridge3-fullchain.crt" : "\(service.service.rawValue).crt"
                #expect(service.certificates.first?.file == expected, "\(node.node.name) \(service.service)", sourceLocation: sourceLocation)
                #expect(service.certificates.first?.commonName == node.node.fqdn, sourceLocation: sourceLocation)
            }
        }
        let primary = try lab.run("database cluster status", on: "cms1", answer: nil).text
        #expect(primary.split(separator: "\n").contains { $0.contains("(me)") && $0.contains("Connected Primary") }, "\(primary)", sourceLocation: sourceLocation)
        for node in ["cms2", "cms3"] {
            let replica = try lab.run("database cluster status", on: node, answer: nil).text
            #expect(replica.split(separator: "\n").contains { $0.contains("(me)") && $0.contains("Connected Replica ( In Sync )") }, "\(replica)", sourceLocation: sourceLocation)
        }
        for node in Self.nodes {
            for certificate in ["webadmin.crt", "callbridge.crt", "turn.crt", "webbridge3-fullchain.crt"] {
                let verify = try lab.run("pki verify \(certificate) ca-bundle.crt", on: node, answer: nil).text
                #expect(verify.hasSuffix("SUCCESS: certificate verified against CA bundle\n"), "\(node) \(certificate): \(verify)", sourceLocation: sourceLocation)
            }
            // The judge: openssl agrees that the certificate chains to the outside CA.
            let judge = TestSupport.openssl(["verify", "-CAfile", lab.nodeDirectory(node) + "/ca-bundle.crt", lab.nodeDirectory(node) + "/callbridge.crt"])
            #expect(judge.status == 0, "\(judge.output)", sourceLocation: sourceLocation)
        }
    }
}

/// Collects a run's events (the executor calls back from one task at a time).
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [ExecutionEvent] = []

    func add(_ event: ExecutionEvent) { lock.lock(); list.append(event); lock.unlock() }
    var events: [ExecutionEvent] { lock.lock(); defer { lock.unlock() }; return list }

    var started: [String] {
        events.compactMap { if case let .stepStarted(p) = $0 { return p.stepID }; return nil }
    }

    /// The ids of steps started after the first failure was reported.
    var startedAfterFirstFailure: [String] {
        guard let first = events.firstIndex(where: { if case .stepFailed = $0 { return true }; return false }) else { return [] }
        return events[first...].compactMap { if case let .stepStarted(p) = $0 { return p.stepID }; return nil }
    }
}

/// A transport that works like the one it wraps until `failAfter` commands have run,
/// then finds the node unreachable (as SSH does when a node goes down in the middle).
final class FailingTransport: Transport, @unchecked Sendable {
    let inner: any Transport
    let failAfter: Int
    private let lock = NSLock()
    private var count = 0

    init(_ inner: any Transport, failAfter: Int) {
        self.inner = inner
        self.failAfter = failAfter
    }

    var node: String { inner.node }

    func tick(_ operation: String) throws {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        if count > failAfter {
            throw TransportError(.unreachable, node: node, operation: operation,
                                 message: "\(node) cannot be reached (Connection refused); check the address, the network and that SSH is enabled on the node")
        }
    }

    func run(_ command: String, answer: String?, timeout: Duration) async throws -> CommandOutput {
        try tick(command)
        return try await inner.run(command, answer: answer, timeout: timeout)
    }

    func put(localPath: String, remoteName: String, timeout: Duration) async throws {
        try tick("put \(remoteName)")
        try await inner.put(localPath: localPath, remoteName: remoteName, timeout: timeout)
    }

    func get(remoteName: String, localPath: String, timeout: Duration) async throws {
        try tick("get \(remoteName)")
        try await inner.get(remoteName: remoteName, localPath: localPath, timeout: timeout)
    }
}

/// Every key file (`*.key`) in the lab's node folders and the workspace, with its content.
func keyFiles(_ fixture: LabFixture) -> [String: String] {
    var out: [String: String] = [:]
    let roots = [fixture.folder + "/lab/nodes", fixture.folder]
    for root in roots {
        guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
        while let name = walker.nextObject() as? String {
            if name.hasPrefix("lab/") || name.hasPrefix(".cmscerts") { continue }
            if name.hasSuffix(".key") { out[root + "/" + name] = TestSupport.read(root + "/" + name) }
        }
    }
    return out
}
