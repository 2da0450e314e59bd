import Deployment
import Foundation
import Lab
import Orchestration
import TestSupport
import Testing

/// `cmscerts apply` killed (SIGKILL: no handler runs) at a point of the set-up, then
/// resumed, with the CA's certificates placed when asked, until it is done: every end
/// state must be the healthy cluster, with no key made twice and none lost.
@Suite("Killed at any point of the set-up, resumed to a healthy cluster")
struct KillResumeTests {
    /// Where to kill: once the journal shows the `occurrence`-th start of a command that
    /// begins with `command`; `afterCA`: in the run resumed once the CA's files are placed.
    struct Point: CustomTestStringConvertible, Sendable {
        var command: String
        var occurrence: Int
        var afterCA: Bool
        var testDescription: String { "\(afterCA ? "after the CA: " : "")\(command) #\(occurrence)" }
    }

    static let points: [Point] = [
        Point(command: "pki csr", occurrence: 1, afterCA: false),
        Point(command: "pki csr", occurrence: 6, afterCA: false),
        Point(command: "get ", occurrence: 2, afterCA: false),
        Point(command: "backup snapshot", occurrence: 2, afterCA: false),
        Point(command: "database cluster remove", occurrence: 1, afterCA: false),
        Point(command: "database cluster remove", occurrence: 3, afterCA: false),
        Point(command: "pki selfsigned", occurrence: 1, afterCA: false),
        Point(command: "pki sign", occurrence: 2, afterCA: false),
        Point(command: "put db/", occurrence: 4, afterCA: false),
        Point(command: "database cluster certs", occurrence: 1, afterCA: false),
        Point(command: "database cluster initialize", occurrence: 1, afterCA: false),
        Point(command: "database cluster join", occurrence: 1, afterCA: false),
        Point(command: "Have ", occurrence: 3, afterCA: true),
        Point(command: "put cms", occurrence: 3, afterCA: true),
        Point(command: "webadmin certs", occurrence: 1, afterCA: true),
        Point(command: "webbridge3 https certs", occurrence: 2, afterCA: true),
        Point(command: "callbridge restart", occurrence: 1, afterCA: true),
    ]

    static let sshPoints: [Point] = [
        Point(command: "pki csr", occurrence: 4, afterCA: false),
        Point(command: "database cluster remove", occurrence: 2, afterCA: false),
        Point(command: "turn certs", occurrence: 1, afterCA: true),
    ]

    @Test("through the lab", arguments: points)
    func throughTheLab(_ point: Point) throws {
        try killAndResume(point, fixture: try LabFixture(label: "kill"), extra: [])
    }

    @Test("through a real sshd", .enabled(if: SSHServer.unavailableReason == nil, "needs a real sshd (.ci/run installs openssh-server)"),
          arguments: sshPoints)
    func throughSSH(_ point: Point) throws {
        let fixture = try LabFixture(label: "kill-ssh")
        let labNode = TestSupport.productPath("cms-lab-node")
        let server = try SSHServer(nodes: LabFixture.nodes) { "\(labNode) --lab \(fixture.lab.directory) --node \($0)" }
        defer { server.stop() }
        fixture.writeDeployment(sshPort: server.port)
        try killAndResume(point, fixture: fixture, extra: ["--ssh-config", server.configFile])
    }

    func apply(_ fixture: LabFixture, _ arguments: [String]) -> ProcessResult {
        TestSupport.runProduct("cmscerts", ["apply", fixture.deploymentFile, "--yes"] + arguments, in: fixture.folder)
    }

    func killAndResume(_ point: Point, fixture: LabFixture, extra: [String]) throws {
        let ca = try OutsideCA()
        var resume: [String] = []
        if point.afterCA {
            let first = apply(fixture, extra)
            try #require(first.status == 3, "\(first.output)")
            try ca.place(Self.waitingFiles(first.stdout), in: fixture.folder)
            resume = ["--resume", try #require(Self.runID(first.stdout))]
        }
        // One step at a time, so that the kill lands inside the step it aims at, or right after it.
        let out = fixture.folder + "/killed.out"
        let pid = try LocalCommand.spawn(TestSupport.productPath("cmscerts"),
                                         ["apply", fixture.deploymentFile, "--yes", "--parallel", "1"] + resume + extra,
                                         stdout: out, stderr: out + ".err", directory: fixture.folder)
        let marker = "\"command\":\"\(point.command)"
        var killed = false
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && LocalCommand.isRunning(pid) {
            let started = fixture.journalText().split(separator: "\n").filter { $0.contains("\"outcome\":\"started\"") && $0.contains(marker) }
            if started.count >= point.occurrence {
                killed = kill(pid, SIGKILL) == 0
                break
            }
            usleep(500)
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try #require(killed && (status & 0x7f) == SIGKILL, "not killed at \(point.testDescription): \(TestSupport.read(out))")
        let keysAtKill = keyFiles(fixture)

        // Resume (placing what the CA is asked for) until done; never more than three rounds.
        let id = try #require(Self.journalRunID(fixture))
        var finished = false
        var transcript = ""
        for _ in 0..<3 {
            let r = apply(fixture, ["--resume", id] + extra)
            transcript += r.output + "\n"
            if r.status == 0 { finished = true; break }
            try #require(r.status == 3, "after a kill at \(point.testDescription), the resume failed: \(r.output)")
            try ca.place(Self.waitingFiles(r.stdout), in: fixture.folder)
        }
        try #require(finished, "\(point.testDescription): \(transcript)")
        try fixture.expectFreshFlowDone()
        let keysNow = keyFiles(fixture)
        for (path, content) in keysAtKill {
            #expect(keysNow[path] == content, "\(path) changed after the kill at \(point.testDescription): a key was made twice")
        }
        // The same apply once more: nothing to do.
        let again = apply(fixture, extra)
        #expect(again.status == 0 && again.stdout.contains("Nothing to do"), "\(again.output)")
        #expect(keyFiles(fixture) == keysNow)
    }

    static func waitingFiles(_ output: String) -> [String] {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Waiting for: ") }) else { return [] }
        return line.dropFirst("Waiting for: ".count).components(separatedBy: ", ")
    }

    static func runID(_ output: String) -> String? {
        guard let range = output.range(of: "--resume ") else { return nil }
        return output[range.upperBound...].split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init)
    }

    static func journalRunID(_ fixture: LabFixture) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixture.stateDirectory + "/runs")) ?? []
        return names.first { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(".jsonl".count)) }
    }
}
