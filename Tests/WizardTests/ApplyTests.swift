import Deployment
import Foundation
import Lab
import Orchestration
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

@Suite("Step 5: the plan per node, the run with progress, waiting, failure, resume")
struct ApplyTests {
    let app = WizardApp()

    /// Home → Step 5, once the nodes' state is read (every flow plans from it).
    func openStep5(_ f: WizardFixture, sourceLocation: SourceLocation = #_sourceLocation) async {
        f.open(.step5, sourceLocation: sourceLocation)
        await f.settle()
        #expect(f.state.apply?.needsNodeState == false, "the nodes were read", sourceLocation: sourceLocation)
    }

    @Test func theReviewShowsThePlanTheExecutorWillRunPerNode() async throws {
        let f = try WizardFixture()
        await openStep5(f)
        #expect(f.state.screen == .apply)
        let target = try #require(f.context.apply)
        let apply = try #require(f.state.apply)
        let current = try #require(apply.current, "planned from the nodes' state")
        #expect(current.nodes.count == 3)
        let expected = try Planner.plan(target.deployment, flow: .fresh, current: current)
        #expect(expected.offline == nil)
        #expect(try apply.plan.get() == expected, "the screen holds the planner's own Plan value")
        #expect(apply.nodes.map(\.node) == ApplyState.stepsPerNode(expected).map(\.node))
        #expect(apply.nodes.map(\.total).reduce(0, +) == expected.steps.count)
        #expect(f.screenText.contains("Procedure ◀ fresh ▶"))
        #expect(f.screenText.contains("\(expected.steps.count) steps on"))
        f.snapshot("apply-review-fresh")
        // The review opens on the summary; s shows every step under its node.
        #expect(!f.screenText.contains(" 1  S5 Place your CA's chain"))
        f.press(.char("s"))
        #expect(f.screenText.contains(" 1  S5 Place your CA's chain"), "\(f.screenText)")
        f.snapshot("apply-review-fresh-steps")
        // Every command of the plan is on the review, in order, when scrolled through.
        var seen = Set<String>()
        for _ in 0..<400 {
            for line in f.lines { seen.insert(line.trimmingCharacters(in: .whitespaces)) }
            f.press(.down)
        }
        let shortCommands = expected.steps.map(\.command).filter { $0.count < 60 && !$0.contains("\n") }
        for command in shortCommands {
            #expect(seen.contains { $0.hasSuffix(command) }, "\(command) is listed")
        }
    }

    /// A long workspace path: the head takes the rows its text needs
    /// (the path is not dropped) and the procedure's description is shortened with "…".
    @Test func theReviewsHeadKeepsTheWorkspaceAndShortensTheDescription() async throws {
        let f = try WizardFixture(context: { try WizardContext.lab(directory: $0 + "/a-folder-with-a-long-name-as-home-folders-have/lab") })
        await openStep5(f)
        let lines = f.lines
        #expect(lines.contains { $0.hasSuffix(f.workspace) }, "\(lines.joined(separator: "\n"))")
        let procedure = try #require(lines.first { $0.contains("Procedure ◀ fresh ▶") })
        #expect(procedure.hasSuffix("…"), "\(procedure)")
    }

    @Test func arrowsChangeTheProcedureAndEscRunsNothing() async throws {
        let f = try WizardFixture()
        await openStep5(f)
        f.press(.right)
        #expect(f.state.apply?.flow == .renew)
        f.press(.right, .right, .right)
        #expect(f.state.apply?.flow == .fresh)
        f.press(.left)
        #expect(f.state.apply?.flow == .renewDatabase)
        await f.settle()
        f.snapshot("apply-review-renew-database")
        f.press(.esc)
        #expect(f.state.screen == .home)
        #expect(f.state.apply == nil)
        let target = try #require(f.context.apply)
        #expect(!FileManager.default.fileExists(atPath: Journal.stateDirectory(forDeploymentFile: target.deploymentPath)), "no journal: nothing ran")
    }

    /// A state on Step 5 with the run started by hand (no executor), for the event tests.
    func runningState(_ f: WizardFixture) async throws -> WizardState {
        await openStep5(f)
        var s = f.state
        s.apply?.phase = .running
        return s
    }

    func progress(_ id: String, _ node: String, _ command: String, _ done: Int, _ total: Int) -> StepProgress {
        StepProgress(stepID: id, node: node, command: command, nodeDone: done, nodeTotal: total)
    }

    @Test func eventsMoveEachNodesRowAndAFailureShowsNodeCommandOutputAndTheWayOn() async throws {
        let f = try WizardFixture()
        var s = try await runningState(f)
        _ = app.update(&s, .applyEvent(.runStarted(runID: "20261129-120000-abcd", planDigest: "00", toRun: 50, skipped: 0)))
        #expect(s.apply?.runID == "20261129-120000-abcd")
        _ = app.update(&s, .applyEvent(.stepStarted(progress("cms1:csr.webadmin", "cms1", "pki csr webadmin CN:cms1.lab.example.com", 0, 14))))
        _ = app.update(&s, .applyEvent(.stepFinished(progress("cms1:csr.webadmin", "cms1", "pki csr webadmin CN:cms1.lab.example.com", 1, 14), output: "", seconds: 0.1)))
        _ = app.update(&s, .applyEvent(.stepStarted(progress("cms2:csr.webadmin", "cms2", "pki csr webadmin CN:cms2.lab.example.com", 0, 14))))
        let row = try #require(s.apply?.nodes.first { $0.node == "cms1" })
        #expect(row.done == 1 && row.state == "running")
        #expect(s.apply?.nodes.first { $0.node == "cms2" }?.state == "running")
        s.apply?.spinner = SpinnerState()
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "apply-running", replacing: f.placeholders)
        #expect(app.bindings(s).map(\.help) == ["scroll", "help", "stop and quit"], "scrolling, the help, or stopping, while it runs")
        // q asks first, saying the run stops at a step boundary; Stay keeps it running.
        #expect(app.update(&s, .key(.char("q"))).isEmpty)
        #expect(s.quitDialog != nil)
        #expect(s.unsavedWork.contains { $0.contains("is running: quitting stops it at the next step boundary") })
        s.quitDialog = nil
        #expect(s.apply?.isRunning == true)

        let failure = StepFailure(stepID: "cms2:csr.webadmin", node: "cms2", command: "pki csr webadmin CN:cms2.lab.example.com",
                                  output: "FAILURE: disk full", reason: "the output says FAILURE: disk full")
        _ = app.update(&s, .applyEvent(.stepFailed(progress("cms2:csr.webadmin", "cms2", failure.command, 0, 14), failure)))
        _ = app.update(&s, .applyEvent(.runFinished(.failed([failure]))))
        #expect(s.apply?.phase == .failed([failure]))
        #expect(s.apply?.canResume == true)
        let screen = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(screen.contains("Node cms2, step cms2:csr.webadmin: the output says FAILURE: disk full"))
        #expect(screen.contains("FAILURE: disk full"))
        #expect(screen.contains("press r"))
        #expect(screen.contains("Snapshots taken before any certificate changed:") && screen.contains("`backup rollback"),
                "the way back from the snapshot a node's first step took")
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "apply-failed", replacing: f.placeholders)
        #expect(s.unsavedWork.contains { $0.contains("20261129-120000-abcd") }, "quitting asks: the run is not finished")
        // Esc keeps the run: Step 5 opens on it again.
        _ = app.update(&s, .key(.esc))
        #expect(s.screen == .home && s.apply?.canResume == true)
        #expect(HomeScreen.items(s)[4].detail == "stopped on a failure: r resumes")
    }

    @Test func waitingShowsTheFilesAndWhereToPutThem() async throws {
        let f = try WizardFixture()
        var s = try await runningState(f)
        _ = app.update(&s, .applyEvent(.runStarted(runID: "20261129-120000-abcd", planDigest: "00", toRun: 50, skipped: 0)))
        _ = app.update(&s, .applyEvent(.stepWaiting(progress("local:signed", "local", "Place the signed certificates", 3, 4),
                                                    files: ["ca-bundle.crt", "cms1/webadmin.crt"])))
        _ = app.update(&s, .applyEvent(.runFinished(.waiting(files: ["ca-bundle.crt", "cms1/webadmin.crt"], steps: ["local:signed"]))))
        #expect(s.apply?.phase == .waiting(files: ["ca-bundle.crt", "cms1/webadmin.crt"], steps: ["local:signed"]))
        #expect(s.apply?.nodes.first { $0.node == "local" }?.state == "waiting for files")
        let screen = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(screen.contains("cms1/webadmin.crt"))
        #expect(screen.contains("Place them in " + (f.context.apply?.workspace ?? "?")))
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "apply-waiting", replacing: f.placeholders)
    }

    @Test func aRunThatCannotStartSaysWhyAndRanNothing() async throws {
        let f = try WizardFixture()
        var s = try await runningState(f)
        _ = app.update(&s, .applyCouldNotStart(WizardFailure("the lab in /nowhere cannot be opened")))
        #expect(s.apply?.phase == .couldNotStart("the lab in /nowhere cannot be opened"))
        #expect(app.view(s, size: .standard).trimmedLines.joined(separator: "\n").contains("Nothing was run."))
        _ = app.update(&s, .key(.enter))
        #expect(s.screen == .home && s.apply == nil)
    }

    /// The fresh flow on a fresh lab through the wizard's own commands: the run waits for
    /// the signed certificates, an outside CA signs them, r resumes, and every service runs
    /// with the cluster's primary Connected.
    @Test(.timeLimit(.minutes(10))) func theFreshFlowRunsOnTheLabWaitsForTheCAAndResumesToTheEnd() async throws {
        let f = try WizardFixture()
        f.runtime.timeout = 300
        await openStep5(f)
        let target = try #require(f.context.apply)
        f.press(.char("y"))
        #expect(f.state.apply?.isRunning == true)
        let stopped = await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) }
        #expect(stopped, "the run ends")
        guard case .waiting(let files, _)? = f.state.apply?.phase else {
            Issue.record("the run waits for files: \(String(describing: f.state.apply?.phase))\n\(f.screenText)")
            return
        }
        #expect(files.contains("ca-bundle.crt"))
        #expect(files.contains { $0.hasPrefix("cms1/") && $0.hasSuffix(".crt") })
        #expect(f.screenText.contains("waits for the CA ("))
        let runID = try #require(f.state.apply?.runID)

        try OutsideCA().place(files, in: target.workspace)
        f.press(.char("r"))
        let finished = await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) }
        #expect(finished)
        guard case .done(let ran, let skipped)? = f.state.apply?.phase else {
            Issue.record("the resumed run finishes: \(String(describing: f.state.apply?.phase))\n\(f.screenText)")
            return
        }
        #expect(f.state.apply?.runID == runID, "the same run, resumed from its journal")
        #expect(ran > 0 && skipped > 0)
        #expect(f.state.apply?.nodes.allSatisfy { $0.done == $0.total && $0.state == "done" } == true)
        #expect(f.screenText.contains("✓ Done"))
        await f.settle()

        try f.expectEveryServiceRunning()
        let lab = try Lab(directory: f.folder + "/lab")
        let primary = try lab.run("database cluster status", on: "cms1", answer: nil).text
        #expect(primary.split(separator: "\n").contains { $0.contains("(me)") && $0.contains("Connected Primary") }, "\(primary)")
        // The judge: openssl agrees that cms1's callbridge certificate chains to the outside CA.
        let judge = TestSupport.openssl(["verify", "-CAfile", lab.nodeDirectory("cms1") + "/ca-bundle.crt", lab.nodeDirectory("cms1") + "/callbridge.crt"])
        #expect(judge.status == 0, "\(judge.output)")

        // Step 5 again on the healthy lab: read from the nodes, nothing to do, and y runs nothing.
        f.press(.enter)
        await openStep5(f)
        let again = try #require(try f.state.apply?.plan.get())
        #expect(again.isNoOp && again.alreadySo?.count == 13, "\(again.alreadySo ?? [])")
        #expect(f.screenText.contains("Nothing to do (fresh): the nodes already hold what the deployment file wants."))
        #expect(!f.lines.last!.contains("y/F10"), "no run is offered")
        f.press(.char("y"))
        #expect(f.state.apply?.phase == .review)
        let runs = try FileManager.default.contentsOfDirectory(atPath: f.folder + "/lab/.cmscerts/runs").filter { $0.hasSuffix(".jsonl") }
        #expect(runs == ["\(runID).jsonl"], "no second run")
    }

    /// A certificate signed from the wrong CSR (another key) makes a step fail mid-apply:
    /// the screen shows the node, the command and its output; the right certificate placed,
    /// r resumes from the journal (the changed file is sent again) to the end.
    @Test(.timeLimit(.minutes(10))) func aWrongCertificateIsRefusedBeforeItIsSentAndResumeFinishes() async throws {
        let f = try WizardFixture()
        f.runtime.timeout = 300
        await openStep5(f)
        let target = try #require(f.context.apply)
        f.press(.char("y"))
        #expect(await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) })
        guard case .waiting(let files, _)? = f.state.apply?.phase else {
            Issue.record("the run waits for files: \(String(describing: f.state.apply?.phase))")
            return
        }
        let ca = try OutsideCA()
        try ca.place(files, in: target.workspace)
        // cms1's web admin certificate made from the callbridge CSR: not webadmin.key's.
        let wrong = target.workspace + "/cms1/webadmin.crt"
        try? FileManager.default.removeItem(atPath: wrong)
        TestSupport.write(TestSupport.read(target.workspace + "/cms1/callbridge.crt"), to: wrong)
        f.press(.char("r"))
        #expect(await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) })
        guard case .failed(let failures)? = f.state.apply?.phase, let failure = failures.first else {
            Issue.record("the run stops on the wrong certificate: \(String(describing: f.state.apply?.phase))\n\(f.screenText)")
            return
        }
        // Refused in the workspace, against its own CSR, before it reaches cms1.
        #expect(failure.node == "local")
        #expect(failure.stepID == "local:signed.cms1.webadmin")
        #expect(failure.reason.contains("is not the CA's answer to cms1/webadmin.csr"), "\(failure)")
        #expect(f.screenText.contains("Node local, step \(failure.stepID)"))
        #expect(f.screenText.contains("is not the CA's"), "\(f.screenText)")
        #expect(f.screenText.contains("press r"))
        let webadmin = try #require(try Lab(directory: f.folder + "/lab").status().nodes.first { $0.node.name == "cms1" }?.services.first { $0.service == .webadmin })
        #expect(!webadmin.enabled, "the web admin was never given the wrong certificate")
        // The fix: the certificate from the right CSR; r resumes the same run.
        try? FileManager.default.removeItem(atPath: wrong)
        try ca.place(["cms1/webadmin.crt"], in: target.workspace)
        f.press(.char("r"))
        #expect(await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) })
        guard case .done? = f.state.apply?.phase else {
            Issue.record("the resumed run finishes: \(String(describing: f.state.apply?.phase))\n\(f.screenText)")
            return
        }
        await f.settle()
        try f.expectEveryServiceRunning()
    }

    /// A deployment file in the current folder (here naming a lab with `lab: lab`, as
    /// `cmscerts lab init` writes it): Step 5 plans it and runs it through the transports
    /// the file names, with the file's folder as the workspace and the journal beside it.
    @Test(.timeLimit(.minutes(10))) func aDeploymentFileIsPlannedAndRunThroughTheTransportsItNames() async throws {
        let f = try WizardFixture(context: { folder in
            _ = try? Lab.create(at: folder + "/lab", nodes: 3, version: .v3)
            var text = "version: 1\ncms_version: \"3.8\"\ndomain: lab.example.com\njoin_url: join.lab.example.com\nlab: lab\nnodes:\n"
            for (i, node) in ["cms1", "cms2", "cms3"].enumerated() {
                text += "  - name: \(node)\n    fqdn: \(node).lab.example.com\n    address: 10.0.0.\(i + 1)\n"
                text += "    services: [webadmin, callbridge, webbridge3, turn]\n    database: \(i == 0 ? "primary" : "joined")\n"
            }
            TestSupport.write(text, to: folder + "/deployment.yaml")
            return WizardContext.deployment(path: folder + "/deployment.yaml", text: text, currentDirectory: folder, connections: .wired)
        })
        f.runtime.timeout = 300
        let target = try #require(f.context.apply)
        #expect(target.workspace == f.folder)
        await openStep5(f)
        #expect(f.screenText.contains("workspace " + f.folder))
        f.press(.char("y"))
        #expect(await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) })
        guard case .waiting(let files, _)? = f.state.apply?.phase else {
            Issue.record("the run waits for files: \(String(describing: f.state.apply?.phase))\n\(f.screenText)")
            return
        }
        #expect(files.contains("cms1/webadmin.crt"))
        #expect(FileManager.default.fileExists(atPath: f.folder + "/cms1/webadmin.csr"), "the CSRs came down into the deployment's folder")
        let runID = try #require(f.state.apply?.runID)
        #expect(FileManager.default.fileExists(atPath: f.folder + "/.cmscerts/runs/\(runID).jsonl"), "the journal is beside the deployment file")
        f.press(.esc)  // the waiting screen watches the folder until it is left
        await f.settle()
    }

    /// Troubleshooting end to end: the fresh flow done on the lab, the lab's clock moved
    /// past the database certificates' expiry, then the expired-database flow picked under
    /// Fix, reviewed and run to the end: the cluster is whole again with new certificates.
    @Test(.timeLimit(.minutes(10))) func theExpiredDatabaseFlowFromTroubleshootingRunsAfterTheClockMoves() async throws {
        let f = try WizardFixture()
        f.runtime.timeout = 300
        let target = try #require(f.context.apply)
        await openStep5(f)
        f.press(.char("y"))
        #expect(await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) })
        guard case .waiting(let files, _)? = f.state.apply?.phase else {
            Issue.record("the run waits for files: \(String(describing: f.state.apply?.phase))")
            return
        }
        try OutsideCA().place(files, in: target.workspace)
        f.press(.char("r"))
        #expect(await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) })
        guard case .done? = f.state.apply?.phase else {
            Issue.record("the fresh flow finishes: \(String(describing: f.state.apply?.phase))")
            return
        }
        await f.settle()
        f.press(.enter)
        #expect(f.state.screen == .home && f.state.apply == nil)

        let lab = try Lab(directory: f.folder + "/lab")
        let before = try lab.status().nodes[0].database.certificates
        let daysLeft = try #require(before.compactMap(\.daysLeft).min())
        try lab.moveClock(by: TimeInterval(daysLeft + 2) * 86_400)
        let expired = try lab.status().nodes[0].database.certificates.filter { $0.file != "dbca.crt" }
        #expect(!expired.isEmpty && expired.allSatisfy { ($0.daysLeft ?? 0) < 0 }, "dbserver and dbclient have expired: \(before) then \(expired)")

        f.open(.troubleshoot)
        f.press(.down, .down)
        #expect(TroubleshootScreen.flows[f.state.troubleshoot.menu.selected] == .renewDatabase)
        f.press(.enter)
        #expect(f.state.apply?.flow == .renewDatabase)
        let read = await f.runtime.waitUntil { state in state.apply.map { !$0.needsNodeState } ?? false }
        #expect(read)
        #expect(f.screenText.contains("database remove"), "the summary: \(f.screenText)")
        f.press(.char("s"))
        #expect(f.screenText.contains("database cluster remove"))
        f.press(.char("y"))
        #expect(await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) })
        // The fresh run left its database keys in the workspace; the new ones are fetched
        // there too, and cmscerts never overwrites a key: the run stops saying so. The way on
        // the screen gives: move the old one away, then r.
        var moved: [String] = []
        while case .failed(let failures)? = f.state.apply?.phase, let failure = failures.first, moved.count < 4,
              failure.reason.contains("never overwrites a key"), let key = failure.command.split(separator: " ").last.map(String.init) {
            #expect(f.screenText.contains("Node \(failure.node), step \(failure.stepID)"))
            try FileManager.default.moveItem(atPath: target.workspace + "/" + key, toPath: target.workspace + "/" + key + ".old")
            moved.append(key)
            f.press(.char("r"))
            #expect(await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) })
        }
        guard case .done? = f.state.apply?.phase else {
            Issue.record("the expired-database flow finishes: \(String(describing: f.state.apply?.phase))\n\(f.screenText)")
            return
        }
        await f.settle()
        let after = try lab.status().nodes[0].database.certificates
        #expect(after.allSatisfy { ($0.daysLeft ?? -1) > 0 }, "new database certificates: \(after)")
        let primary = try lab.run("database cluster status", on: "cms1", answer: nil).text
        #expect(primary.split(separator: "\n").contains { $0.contains("(me)") && $0.contains("Connected Primary") }, "\(primary)")
        for node in ["cms2", "cms3"] {
            let replica = try lab.run("database cluster status", on: node, answer: nil).text
            #expect(replica.contains("Connected Replica"), "\(node): \(replica)")
        }
    }
}
