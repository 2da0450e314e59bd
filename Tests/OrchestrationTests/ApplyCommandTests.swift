import Deployment
import Foundation
import Lab
import Orchestration
import PKI
import TestSupport
import Testing

/// `cmscerts apply` as a user runs it: the built binary, on a lab, and through a real
/// OpenSSH sshd on 127.0.0.1 whose forced command is `cms-lab-node`.
@Suite("cmscerts apply", .serialized)
struct ApplyCommandTests {
    func apply(_ fixture: LabFixture, _ arguments: [String]) -> ProcessResult {
        TestSupport.runProduct("cmscerts", ["apply", fixture.deploymentFile] + arguments, in: fixture.folder)
    }

    func runID(in output: String) -> String? { LabFixture.runID(in: output) }
    func waitingFiles(in output: String) -> [String] { LabFixture.waitingFiles(in: output) }

    /// Waits, resumes after placing the CA's certificates, finishes; checks the lab's end state.
    func waitPlaceResume(_ fixture: LabFixture, extra: [String] = []) throws {
        let first = apply(fixture, ["--yes"] + extra)
        #expect(first.status == 3, "waiting for the CA is exit 3: \(first.output)")
        let files = waitingFiles(in: first.stdout)
        #expect(files.contains("ca-bundle.crt") && files.count == 13, "\(first.output)")
        let id = try #require(runID(in: first.stdout), "\(first.output)")
        try OutsideCA().place(files, in: fixture.folder)
        let second = apply(fixture, ["--yes", "--resume", id] + extra)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.stdout.contains("Done: "))
        try fixture.expectFreshFlowDone()
        #expect(!fixture.journalText().contains("PRIVATE KEY"))
    }

    @Test func theFreshFlowThroughTheLab() throws {
        try waitPlaceResume(try LabFixture(label: "cli-lab"))
    }

    @Test(.enabled(if: SSHServer.unavailableReason == nil, "needs a real sshd (.ci/run installs openssh-server)"))
    func theFreshFlowThroughARealSSHServer() throws {
        let fixture = try LabFixture(label: "cli-ssh")
        let labNode = TestSupport.productPath("cms-lab-node")
        let server = try SSHServer(nodes: LabFixture.nodes) { "\(labNode) --lab \(fixture.lab.directory) --node \($0)" }
        defer { server.stop() }
        fixture.writeDeployment(sshPort: server.port)
        try waitPlaceResume(fixture, extra: ["--ssh-config", server.configFile])
        // It went through sshd: the lab saw nothing else, and sftp served the node folders.
        #expect(FileManager.default.fileExists(atPath: fixture.lab.nodeDirectory("cms2") + "/ca-bundle.crt"))
    }

    @Test(.enabled(if: SSHServer.unavailableReason == nil, "needs a real sshd (.ci/run installs openssh-server)"))
    func aNodeBehindAStoppedSSHServerStopsTheRunWithTheNodeStepAndCommand() throws {
        let fixture = try LabFixture(label: "cli-sshdown")
        let labNode = TestSupport.productPath("cms-lab-node")
        let server = try SSHServer(nodes: LabFixture.nodes) { "\(labNode) --lab \(fixture.lab.directory) --node \($0)" }
        defer { server.stop() }
        fixture.writeDeployment(sshPort: server.port)
        let first = apply(fixture, ["--yes", "--ssh-config", server.configFile])
        let id = try #require(runID(in: first.stdout), "\(first.output)")
        try OutsideCA().place(waitingFiles(in: first.stdout), in: fixture.folder)
        let before = try fixture.lab.status()
        server.stop()
        let down = apply(fixture, ["--yes", "--resume", id, "--ssh-config", server.configFile])
        #expect(down.status == 1, "\(down.output)")
        #expect(down.stderr.contains("FAILED: step cms"), "\(down.stderr)")
        #expect(down.stderr.contains("cannot be reached"))
        #expect(down.stderr.contains("  command: "))
        #expect(down.stderr.contains("--resume \(id)"))
        #expect(try fixture.lab.status().nodes == before.nodes)
    }

    @Test(.enabled(if: SSHServer.unavailableReason == nil, "needs a real sshd (.ci/run installs openssh-server)"))
    func anUnknownHostKeyIsRefusedAndNothingRuns() throws {
        let fixture = try LabFixture(label: "cli-hostkey")
        let labNode = TestSupport.productPath("cms-lab-node")
        let server = try SSHServer(nodes: LabFixture.nodes) { "\(labNode) --lab \(fixture.lab.directory) --node \($0)" }
        defer { server.stop() }
        fixture.writeDeployment(sshPort: server.port)
        let unknown = server.configWithKnownHosts("", label: "empty")
        let result = apply(fixture, ["--yes", "--ssh-config", unknown])
        // Found while reading the nodes (read-only), before anything is planned or run.
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("cannot read what the nodes hold, so nothing was planned or run"), "\(result.stderr)")
        #expect(result.stderr.contains("never accepts a host key silently"), "\(result.stderr)")
        let fingerprint = TestSupport.run("ssh-keygen", ["-l", "-f", server.directory + "/host_key.pub"]).stdout.split(separator: " ")[1]
        #expect(result.stderr.contains(String(fingerprint)))
        // Nothing reached a node.
        for node in LabFixture.nodes {
            #expect(try Workspace(directory: fixture.lab.nodeDirectory(node)).list().isEmpty)
        }
    }

    @Test func killedInTheMiddleThenResumedWithoutMakingNewKeys() throws {
        let fixture = try LabFixture(label: "cli-kill")
        // One step at a time, so that the kill lands between or inside steps, never in a burst.
        let (pid, out) = try fixture.spawnApply(name: "killed")
        let runs = fixture.stateDirectory + "/runs"
        var killed = false
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            // Best when a `pki csr` is under way (the step a second run must not repeat); else
            // anywhere after the thirtieth step.
            let text = fixture.journalText()
            let started = text.components(separatedBy: "\"outcome\":\"started\"").count - 1
            let last = text.split(separator: "\n").last.map(String.init) ?? ""
            let inCSR = started >= 8 && last.contains("\"outcome\":\"started\"") && last.contains("\"command\":\"pki csr ")
            if inCSR || started >= 30 {
                killed = kill(pid, SIGKILL) == 0
                break
            }
            if !LocalCommand.isRunning(pid) { break }
            usleep(1_000)
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(killed && (status & 0x7f) == SIGKILL, "the run ended before it could be killed: \(TestSupport.read(out))")
        let keysAtKill = keyFiles(fixture)
        #expect(!keysAtKill.isEmpty)

        let name = try #require((try? FileManager.default.contentsOfDirectory(atPath: runs))?.first { $0.hasSuffix(".jsonl") })
        let id = String(name.dropLast(".jsonl".count))
        let resumed = apply(fixture, ["--yes", "--resume", id])
        #expect(resumed.status == 3 && resumed.stdout.contains("Waiting for: "), "\(resumed.output)")
        try OutsideCA().place(waitingFiles(in: resumed.stdout), in: fixture.folder)
        let finished = apply(fixture, ["--yes", "--resume", id])
        #expect(finished.status == 0, "\(finished.output)")
        try fixture.expectFreshFlowDone()
        // Every key there at the kill is the same key now: none was made twice.
        let keysNow = keyFiles(fixture)
        for (path, content) in keysAtKill {
            #expect(keysNow[path] == content, "\(path) changed after the resume")
        }
        #expect(!fixture.journalText().contains("PRIVATE KEY"))
    }

    @Test func aSecondApplyWhileTheFirstRunsIsRefusedWithTheHolderNamed() throws {
        let fixture = try LabFixture(label: "cli-lock")
        let (pid, out) = try fixture.spawnApply(name: "first")
        // The first holds the lock once it has a run (a journal line is written after the lock is noted).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && !fixture.journalText().contains("\"outcome\":\"started\"") && LocalCommand.isRunning(pid) { usleep(2_000) }
        let second = apply(fixture, ["--yes"])
        let firstStillRan = LocalCommand.isRunning(pid)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try #require(firstStillRan, "the first run ended before the second began: \(TestSupport.read(out))")
        #expect(second.status == 4, "\(second.output)")
        #expect(second.stderr.contains("another run holds this deployment's lock: cmscerts apply (pid \(pid) on "), "\(second.stderr)")
        #expect(second.stderr.contains(", run 2"), "the holder's run id is named: \(second.stderr)")
        #expect(!second.stdout.contains("Run "), "the second started nothing: \(second.stdout)")
        // One run, one set of keys: the first ran to its wait for the CA, alone.
        #expect((status >> 8) & 0xff == 3, "\(TestSupport.read(out))")
        let runs = try FileManager.default.contentsOfDirectory(atPath: fixture.stateDirectory + "/runs").filter { $0.hasSuffix(".jsonl") }
        #expect(runs.count == 1)
        // Its holder gone, the lock is free: the next apply (a resume) is not refused.
        #expect(RunLock.holder(stateDirectory: fixture.stateDirectory) == nil)
        let id = String(runs[0].dropLast(".jsonl".count))
        let resumed = apply(fixture, ["--yes", "--resume", id])
        #expect(resumed.status == 3, "\(resumed.output)")
    }

    @Test func aLockLeftByAKilledRunIsTakenOver() throws {
        let fixture = try LabFixture(label: "cli-lockkill")
        let (pid, _) = try fixture.spawnApply(name: "killed")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && RunLock.holder(stateDirectory: fixture.stateDirectory) == nil && LocalCommand.isRunning(pid) { usleep(1_000) }
        #expect(RunLock.holder(stateDirectory: fixture.stateDirectory)?.pid == pid)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(RunLock.holder(stateDirectory: fixture.stateDirectory) == nil, "the kernel let go of a killed holder's lock")
        let lock = try RunLock.acquire(stateDirectory: fixture.stateDirectory, operation: "test")
        #expect(RunLock.holder(stateDirectory: fixture.stateDirectory)?.operation == "test")
        #expect(throws: RunLockError.self) { try RunLock.acquire(stateDirectory: fixture.stateDirectory, operation: "a second") }
        lock.release()
        #expect(RunLock.holder(stateDirectory: fixture.stateDirectory) == nil)
    }

    @Test func withoutATerminalAndWithoutYesNothingRuns() throws {
        let fixture = try LabFixture(label: "cli-noyes")
        let result = apply(fixture, [])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("no terminal") && result.stderr.contains("--yes"))
        #expect(result.stdout.contains("fresh: 159 steps on 4 places:"), "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").count <= 24, "the question comes after a summary that fits 24 lines")
        #expect(!FileManager.default.fileExists(atPath: fixture.stateDirectory + "/runs"))
        #expect(try fixture.lab.status().nodes.allSatisfy { node in node.services.allSatisfy { !$0.enabled } })
    }

    @Test func aDryRunOnlyPrints() throws {
        let fixture = try LabFixture(label: "cli-dry")
        let plan = try fixture.plan()
        let result = apply(fixture, ["--dry-run"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Dry run: \(plan.steps.count) steps would run"))
        #expect(result.stdout.components(separatedBy: "\n  would run  ").count - 1 == plan.steps.count)
        #expect(!FileManager.default.fileExists(atPath: fixture.stateDirectory))
        #expect(try Workspace(directory: fixture.lab.nodeDirectory("cms1")).list().isEmpty)
    }

    @Test func aResumeOfAnotherPlanIsRefusedAndBadInputIsExitTwo() throws {
        let fixture = try LabFixture(label: "cli-refuse")
        let first = apply(fixture, ["--yes"])
        let id = try #require(runID(in: first.stdout), "\(first.output)")
        fixture.writeDeployment(joinURL: "meet.lab.example.com")
        let refused = apply(fixture, ["--yes", "--resume", id])
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("another plan"))
        #expect(!refused.stdout.contains("Run \(id)"))
        let unknown = apply(fixture, ["--yes", "--resume", "20991231T000000Z-nosuch"])
        #expect(unknown.status == 2)
        TestSupport.write("version: 1\ncms_version: \"3.8\"\n", to: fixture.deploymentFile)
        #expect(apply(fixture, ["--yes"]).status == 2)
    }
}
