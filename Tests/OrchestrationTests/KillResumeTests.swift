import Deployment
import Foundation
import Lab
import Orchestration
import TestSupport
import Testing

/// `cmscerts apply` killed (SIGKILL: no handler runs) at a point of the set-up, then
/// resumed, with the CA's certificates placed when asked, until it is done: every end
/// state must be the healthy cluster, with no key made twice and none lost.
@Suite("Killed at any point of the set-up, resumed to a healthy cluster", .serialized)
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
    func throughTheLab(_ point: Point) async throws {
        try await Self.killAndResume(point, fixture: try LabFixture(label: "kill"), extra: [])
    }

    @Test("through a real sshd", .enabled(if: SSHServer.unavailableReason == nil, "needs a real sshd (.ci/run installs openssh-server)"),
          arguments: sshPoints)
    func throughSSH(_ point: Point) async throws {
        let fixture = try LabFixture(label: "kill-ssh")
        let labNode = TestSupport.productPath("cms-lab-node")
        let server = try SSHServer(nodes: LabFixture.nodes) { "\(labNode) --lab \(fixture.lab.directory) --node \($0)" }
        defer { server.stop() }
        fixture.writeDeployment(sshPort: server.port)
        try await Self.killAndResume(point, fixture: fixture, extra: ["--ssh-config", server.configFile])
    }

    static func apply(_ fixture: LabFixture, _ arguments: [String]) -> ProcessResult {
        TestSupport.runProduct("cmscerts", ["apply", fixture.deploymentFile, "--yes"] + arguments, in: fixture.folder)
    }

    /// What the kill and the resumes left, gathered off the cooperative pool.
    struct Run: Sendable {
        var problems: [String] = []
        var keysAtKill: [String: String] = [:]
        var transcript = ""
    }

    static func killAndResume(_ point: Point, fixture: LabFixture, extra: [String]) async throws {
        let ca = try OutsideCA()
        let run = try await TestSupport.offThePool { () throws -> Run in
            var run = Run()
            var resume: [String] = []
            if point.afterCA {
                let first = apply(fixture, extra)
                guard first.status == 3, let id = LabFixture.runID(in: first.stdout) else {
                    run.problems.append("the set-up did not wait for the CA: \(first.output)")
                    return run
                }
                try ca.place(LabFixture.waitingFiles(in: first.stdout), in: fixture.folder)
                resume = ["--resume", id]
            }
            // One step at a time, so that the kill lands inside the step it aims at, or right after it.
            let (pid, out) = try fixture.spawnApply(resume + extra, name: "killed")
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
            guard killed && (status & 0x7f) == SIGKILL, let id = fixture.journalRunID else {
                run.problems.append("not killed at \(point.testDescription): \(TestSupport.read(out))")
                return run
            }
            run.keysAtKill = keyFiles(fixture)
            // Resume (placing what the CA is asked for) until done; never more than three rounds.
            for _ in 0..<3 {
                let r = apply(fixture, ["--resume", id] + extra)
                run.transcript += r.output + "\n"
                if r.status == 0 { return run }
                guard r.status == 3 else {
                    run.problems.append("after a kill at \(point.testDescription), the resume failed (exit \(r.status))")
                    return run
                }
                try ca.place(LabFixture.waitingFiles(in: r.stdout), in: fixture.folder)
            }
            run.problems.append("\(point.testDescription): not done after three resumes")
            return run
        }
        try #require(run.problems.isEmpty, "\(run.problems)\n\(run.transcript)")
        try fixture.expectFreshFlowDone()
        let keysNow = keyFiles(fixture)
        for (path, content) in run.keysAtKill {
            #expect(keysNow[path] == content, "\(path) changed after the kill at \(point.testDescription): a key was made twice")
        }
        // The same apply once more: nothing to do.
        let again = try await TestSupport.offThePool { apply(fixture, extra) }
        #expect(again.status == 0 && again.stdout.contains("Nothing to do"), "\(again.output)")
        #expect(keyFiles(fixture) == keysNow)
    }
}
