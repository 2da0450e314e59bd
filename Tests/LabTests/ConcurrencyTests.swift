import Foundation
import Lab
import Testing

/// Commands on two nodes at once, from threads and from processes: the shared state is
/// never torn and no update is lost.
@Suite("Concurrent commands")
struct ConcurrencyTests {
    static let rounds = 25

    /// Files k0.key/c0.crt ... in a node's folder: one real pair under every name (the
    /// service commands check that each key is a key and is its certificate's).
    static func seed(_ lab: TestLab, _ nodes: [String]) throws {
        for node in nodes {
            try lab.ok(node, "pki selfsigned pair CN:\(node).lab.example.com")
            let key = try Data(contentsOf: URL(fileURLWithPath: lab.path(node, "pair.key")))
            let certificate = try Data(contentsOf: URL(fileURLWithPath: lab.path(node, "pair.crt")))
            for i in 0..<rounds {
                try key.write(to: URL(fileURLWithPath: lab.path(node, "k\(i).key")))
                try certificate.write(to: URL(fileURLWithPath: lab.path(node, "c\(i).crt")))
            }
        }
    }

    static func index(_ key: String?) -> Int {
        guard let key, key.hasPrefix("k"), key.hasSuffix(".key") else { return -1 }
        return Int(key.dropFirst().dropLast(4)) ?? -1
    }

    /// Watches the state file while writers run: it must always decode (atomic writes),
    /// and no slot may go back to an older value (a lost update).
    final class Watcher: @unchecked Sendable {
        let lab: TestLab
        let slots: [(String, LabService)]
        private let lock = NSLock()
        private var _problems: [String] = []
        private var _stop = false
        var reads = 0

        init(lab: TestLab, slots: [(String, LabService)]) {
            self.lab = lab
            self.slots = slots
        }

        var problems: [String] { lock.withLock { _problems } }
        /// Keeps the first 20 problems: enough to see what went wrong.
        func problem(_ text: String) { lock.withLock { if _problems.count < 20 { _problems.append(text) } } }
        func stop() { lock.withLock { _stop = true } }
        var stopped: Bool { lock.withLock { _stop } }

        func watch() {
            var highest = Array(repeating: -1, count: slots.count)
            let raw = lab.directory + "/lab.json"
            while !stopped {
                // Unlocked read of the file itself: never half written.
                if let data = FileManager.default.contents(atPath: raw) {
                    do { _ = try JSONSerialization.jsonObject(with: data) } catch { problem("torn lab.json: \(error)") }
                }
                do {
                    let state = try lab.lab.state()
                    for (n, (node, service)) in slots.enumerated() {
                        let now = ConcurrencyTests.index(state.nodes[node]?.services[service]?.files[.key])
                        if now < highest[n] { problem("\(node) \(service) went back from k\(highest[n]) to k\(now)") }
                        highest[n] = max(highest[n], now)
                    }
                    reads += 1
                } catch {
                    problem("state unreadable: \(error)")
                }
            }
        }
    }

    static func start(_ body: @escaping @Sendable () -> Void) -> DispatchGroup {
        let group = DispatchGroup()
        group.enter()
        let thread = Thread { body(); group.leave() }
        thread.start()
        return group
    }

    @Test func threadsOnTwoNodes() throws {
        let lab = try TestLab(label: "threads")
        try Self.seed(lab, ["cms1", "cms2"])
        let slots: [(String, LabService)] = [("cms1", .webadmin), ("cms1", .turn), ("cms2", .webadmin), ("cms2", .turn)]
        let watcher = Watcher(lab: lab, slots: slots)
        let watching = Self.start { watcher.watch() }
        var writers: [DispatchGroup] = []
        for (node, service) in slots {
            writers.append(Self.start {
                for i in 0..<Self.rounds {
                    do {
                        let mine = try lab.lab.state().nodes[node]!.services[service]!.files[.key]
                        if Self.index(mine) != i - 1 { watcher.problem("\(node) \(service): expected k\(i - 1), found \(mine ?? "nil")") }
                        let out = try lab.lab.run("\(service.rawValue) certs k\(i).key c\(i).crt", on: node).text
                        if !out.isEmpty { watcher.problem("\(node) \(service): \(out)") }
                        _ = try lab.lab.run("pki list", on: node)
                    } catch {
                        watcher.problem("\(node) \(service): \(error)")
                    }
                }
            })
        }
        for writer in writers { writer.wait() }
        watcher.stop()
        watching.wait()
        #expect(watcher.problems == [])
        #expect(watcher.reads > 0)
        let state = try lab.lab.state()
        for (node, service) in slots {
            #expect(state.nodes[node]!.services[service]!.files == [.key: "k\(Self.rounds - 1).key", .certificate: "c\(Self.rounds - 1).crt"])
        }
        #expect(state.nodes["cms3"]! == LabNodeState(services: LabVersion.v3.services))
    }

    @Test func processesOnTwoNodes() throws {
        let lab = try TestLab(label: "processes")
        try Self.seed(lab, ["cms1", "cms2", "cms3"])
        let slots: [(String, LabService)] = [("cms1", .turn), ("cms3", .turn), ("cms2", .webadmin)]
        let watcher = Watcher(lab: lab, slots: slots)
        let watching = Self.start { watcher.watch() }
        let binary = labNodeBinary()
        let script = (0..<Self.rounds).map { "turn certs k\($0).key c\($0).crt\npki list\n" }.joined() + "exit\n"
        var groups: [DispatchGroup] = []
        for node in ["cms1", "cms3"] {
            groups.append(Self.start {
                do {
                    let result = try runProcess(binary, ["--lab", lab.directory, "--node", node], input: script)
                    if result.status != 0 || !result.stderr.isEmpty { watcher.problem("\(node): \(result.status) \(result.stderr)") }
                    if result.stdout.components(separatedBy: "\(node)> ").count != 2 * Self.rounds + 2 {
                        watcher.problem("\(node): unexpected output \(result.stdout.prefix(300))")
                    }
                } catch {
                    watcher.problem("\(node): \(error)")
                }
            })
        }
        groups.append(Self.start {
            for i in 0..<Self.rounds {
                do {
                    _ = try lab.lab.run("webadmin certs k\(i).key c\(i).crt", on: "cms2")
                } catch {
                    watcher.problem("cms2: \(error)")
                }
            }
        })
        for group in groups { group.wait() }
        watcher.stop()
        watching.wait()
        #expect(watcher.problems == [])
        let state = try lab.lab.state()
        for (node, service) in slots {
            #expect(state.nodes[node]!.services[service]!.files[.key] == "k\(Self.rounds - 1).key")
        }
    }
}
