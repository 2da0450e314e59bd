// The executor's speed on labs of several sizes, with a latency added to every command
// and transfer (as a WAN link to the nodes adds it). Not a test: it prints, per lab, the
// wall time beside the sum of the step times and the Plan's critical path.
//
//     swift run -c release apply-bench [--latency-ms 50] [--per-node 1] [--nodes 3,5,24]
//     swift run -c release apply-bench --help
import Deployment
import Foundation
import Lab
import Orchestration
import PKI

/// A transport that waits `latency` before each operation, outside the lab's lock.
struct LatencyTransport: Transport {
    let inner: any Transport
    let latency: Duration
    var node: String { inner.node }

    func run(_ command: String, answer: String?, timeout: Duration) async throws -> CommandOutput {
        try await Task.sleep(for: latency)
        return try await inner.run(command, answer: answer, timeout: timeout)
    }

    func put(localPath: String, remoteName: String, timeout: Duration) async throws {
        try await Task.sleep(for: latency)
        try await inner.put(localPath: localPath, remoteName: remoteName, timeout: timeout)
    }

    func get(remoteName: String, localPath: String, timeout: Duration) async throws {
        try await Task.sleep(for: latency)
        try await inner.get(remoteName: remoteName, localPath: localPath, timeout: timeout)
    }
}

final class Timings: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: [String: Double] = [:]
    func add(_ event: ExecutionEvent) {
        lock.lock(); defer { lock.unlock() }
        switch event {
        case let .stepFinished(p, _, s): seconds[p.stepID, default: 0] += s
        default: break
        }
    }
    var all: [String: Double] { lock.lock(); defer { lock.unlock() }; return seconds }
}

let usage = """
    usage: apply-bench [--latency-ms 50] [--per-node 1] [--nodes 3,5,24]

    Runs the fresh flow on labs of the given sizes, with a latency added to every command
    and transfer, and prints the wall time beside the sum of the step times, the critical
    path and the busiest node's total.
      --latency-ms N   milliseconds added before each command or transfer (default 50)
      --per-node N     steps at once per node (default 1)
      --nodes LIST     lab sizes, comma-separated (default 3,5,24)
      -h, --help       this text
    """

/// The options given, checked: an unknown argument, a missing or bad value is a usage
/// error (exit 2), `--help` prints the usage and exits 0.
func options(_ arguments: [String]) -> [String: String] {
    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("apply-bench: \(message)\n\n\(usage)\n".utf8))
        exit(2)
    }
    var found: [String: String] = [:]
    var rest = arguments[...]
    while let name = rest.popFirst() {
        if name == "-h" || name == "--help" {
            print(usage)
            exit(0)
        }
        guard ["--latency-ms", "--per-node", "--nodes"].contains(name) else { fail("unknown argument '\(name)'") }
        guard let value = rest.popFirst() else { fail("\(name) needs a value") }
        let numbers = value.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !numbers.isEmpty, numbers.allSatisfy({ ($0 ?? -1) >= (name == "--latency-ms" ? 0 : 1) }),
              name == "--nodes" || numbers.count == 1 else { fail("\(name) \(value) is not a valid value") }
        found[name] = value
    }
    return found
}

let given = options(Array(CommandLine.arguments.dropFirst()))

func argument(_ name: String, _ fallback: String) -> String { given[name] ?? fallback }

/// The deployment that describes a lab.
func deployment(for topology: LabTopology) -> Deployment {
    let nodes = topology.nodes.map { n in
        DeploymentNode(name: n.name, fqdn: n.fqdn, address: n.address,
                       services: n.services.compactMap { Service(rawValue: $0.rawValue) },
                       database: DatabaseRole(rawValue: n.databaseRole.rawValue) ?? .none)
    }
    return Deployment(cmsVersion: CMSVersion(major: 3, minor: 8), domain: topology.domain, joinURL: topology.joinURL, nodes: nodes)
}

/// The outside CA's part, done by PKI here: a root that signs every awaited certificate.
func place(_ files: [String], workspace: String, root: (key: PrivateKey, certificate: Certificate)) throws {
    let store = FileStore(directory: workspace)
    for file in files {
        if file.hasSuffix("ca-bundle.crt") {
            try store.write(Data(root.certificate.pem.utf8), to: file, isPrivateKey: false)
            continue
        }
        let csr = try Loader.load(path: store.path(String(file.dropLast(4)) + ".csr")).requests[0]
        var notes: [String] = []
        let certificate = try Issuance.sign(csr, caCertificate: root.certificate, caKey: root.key, days: 365, notes: &notes)
        try store.write(Data(certificate.pem.utf8), to: file, isPrivateKey: false)
    }
}

/// The longest chain of dependencies, each step weighted by its measured time.
func criticalPath(_ plan: Plan, _ seconds: [String: Double]) -> Double {
    var finish: [String: Double] = [:]
    for step in plan.steps {
        finish[step.id] = (step.dependsOn.compactMap { finish[$0] }.max() ?? 0) + (seconds[step.id] ?? 0)
    }
    return finish.values.max() ?? 0
}

let latency = Int(argument("--latency-ms", "50")) ?? 50
let perNode = Int(argument("--per-node", "1")) ?? 1
let sizes = argument("--nodes", "3,5,24").split(separator: ",").compactMap { Int($0) }
let rootKey = try PrivateKey.generate(.rsa2048)
let rootCertificate = try Issuance.selfSigned(try CSRSpec.parse(arguments: ["benchroot", "CN:bench-root.example.com"]), key: rootKey)

print("latency \(latency) ms per command or transfer; at most \(perNode) step(s) at once per node")
print("nodes  steps   wall s   sum of steps s   critical path s   busiest node s   wall/critical   wall/max(critical,busiest)")
for size in sizes {
    let folder = NSTemporaryDirectory() + "apply-bench-\(size)-\(UUID().uuidString.prefix(6))"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let lab = try Lab.create(at: folder + "/lab", nodes: size, version: .v3)
    let plan = try Planner.plan(deployment(for: try lab.topology()), flow: .fresh)
    var transports: [String: any Transport] = [:]
    for node in try lab.topology().nodes {
        transports[node.name] = LatencyTransport(inner: try LabTransport(lab: lab, node: node.name), latency: .milliseconds(latency))
    }
    let journal = try Journal.create(stateDirectory: folder + "/.cmscerts", plan: plan)
    let options = ExecutorOptions(parallel: 4 * size + 4, perNode: perNode)
    let timings = Timings()
    let clock = ContinuousClock()
    var start = clock.now
    let first = await Executor(plan: plan, transports: transports, workspace: folder, journal: journal, options: options).run { timings.add($0) }
    var wall = clock.now - start
    guard case let .waiting(files, _) = first else { print("\(size): the first phase ended \(first)"); continue }
    try place(files, workspace: folder, root: (rootKey, rootCertificate))
    let resumption = try Journal.resume(stateDirectory: folder + "/.cmscerts", runID: journal.runID, plan: plan, workspace: folder)
    start = clock.now
    let second = await Executor(plan: plan, transports: transports, workspace: folder, journal: resumption.journal, options: options)
        .run(skipping: resumption.done) { timings.add($0) }
    wall += clock.now - start
    guard case .done = second else { print("\(size): the second phase ended \(second)"); continue }
    let seconds = timings.all
    let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
    let sum = seconds.values.reduce(0, +)
    let critical = criticalPath(plan, seconds)
    var perNodeSum: [String: Double] = [:]
    for step in plan.steps { perNodeSum[step.node ?? "local", default: 0] += seconds[step.id] ?? 0 }
    let busiest = (perNodeSum.values.max() ?? 0) / Double(perNode)
    func f(_ x: Double, _ width: Int) -> String { String(format: "%.2f", x).padding(toLength: width, withPad: " ", startingAt: 0) }
    print("\(String(size).padding(toLength: 7, withPad: " ", startingAt: 0))\(String(plan.steps.count).padding(toLength: 8, withPad: " ", startingAt: 0))\(f(wallSeconds, 9))\(f(sum, 17))\(f(critical, 18))\(f(busiest, 17))\(f(wallSeconds / critical, 16))\(f(wallSeconds / max(critical, busiest), 10))")
}
