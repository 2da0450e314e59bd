import Deployment
import Foundation
import Lab
import Orchestration
import TestSupport
import Testing

/// The executor on a three-node CMS 3.x lab, through the lab's transport: the fresh flow
/// end to end, the wait for the outside CA's certificates, resume, and the faults.
@Suite("Executor on the lab")
struct ExecutorTests {
    /// Runs until the run waits for the outside CA's certificates; returns the journal and the outcome.
    func firstPhase(_ fixture: LabFixture, _ plan: Plan, log: EventLog) async throws -> (Journal, RunOutcome) {
        let journal = try Journal.create(stateDirectory: fixture.stateDirectory, plan: plan)
        let outcome = try await fixture.executor(plan, journal: journal).run { log.add($0) }
        return (journal, outcome)
    }

    @Test func freshFlowEndToEndWaitsForTheCAThenResumes() async throws {
        let fixture = try LabFixture(label: "fresh")
        let ca = try OutsideCA()
        let plan = try fixture.plan()
        let log = EventLog()
        let (journal, outcome) = try await firstPhase(fixture, plan, log: log)

        // It waits for the CA chain and the twelve service certificates, and for nothing else.
        guard case let .waiting(files, steps) = outcome else {
            Issue.record("expected the run to wait for the signed certificates, got \(outcome)")
            return
        }
        var expected = ["ca-bundle.crt"]
        for node in LabFixture.nodes { for s in ["webadmin", "callbridge", "webbridge3", "turn"] { expected.append("\(node)/\(s).crt") } }
        #expect(Set(files) == Set(expected))
        #expect(steps.allSatisfy { $0.hasPrefix("local:") })
        // The CSRs are in the workspace for the CA; the database cluster is up already.
        for node in LabFixture.nodes {
            #expect(FileManager.default.fileExists(atPath: fixture.folder + "/\(node)/webadmin.csr"))
        }
        #expect(try fixture.lab.run("database cluster status", on: "cms2", answer: nil).text.contains("In Sync"))
        // Every step started ended (done or waiting), and steps ran on several nodes at once.
        let finished = log.events.compactMap { event -> String? in
            switch event {
            case let .stepFinished(p, _, _), let .stepWaiting(p, _): return p.stepID
            default: return nil
            }
        }
        #expect(Set(log.started) == Set(finished) && log.started.count == finished.count)
        #expect(Self.maximumOverlap(log.events) >= 2)

        // The person places the CA's certificates; resume finishes the run.
        try ca.place(files, in: fixture.folder)
        let resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
        #expect(resumption.done.count == finished.count - steps.count)
        #expect(resumption.interrupted.isEmpty)
        let second = EventLog()
        let final = try await fixture.executor(plan, journal: resumption.journal).run(skipping: resumption.done) { second.add($0) }
        #expect(final == .done(ran: plan.steps.count - resumption.done.count, skipped: resumption.done.count))
        // Nothing done before ran again.
        #expect(Set(second.started).isDisjoint(with: resumption.done))
        try fixture.expectFreshFlowDone()

        // The journal: one done line per step, each with its output's digest, no key material.
        let records = try Journal.read(path: journal.path)
        let doneLines = records.filter { $0.type == "step" && $0.outcome == "done" }
        #expect(Set(doneLines.compactMap(\.step)) == Set(plan.steps.map(\.id)))
        #expect(doneLines.count == plan.steps.count)
        #expect(doneLines.allSatisfy { $0.outputDigest?.count == 64 && $0.planDigest == plan.digest && $0.start != nil && $0.end != nil })
        #expect(!fixture.journalText().contains("PRIVATE KEY"))
        #expect(!fixture.journalText().contains("BEGIN"))
    }

    @Test func keysMadeHereTheLocalStepsRunInTheWorkspace() async throws {
        let fixture = try LabFixture(label: "localkeys")
        fixture.writeDeployment(keys: "local")
        let plan = try fixture.plan()
        #expect(plan.steps.contains { $0.kind == .localPKI })
        let (journal, outcome) = try await firstPhase(fixture, plan, log: EventLog())
        guard case let .waiting(files, _) = outcome else {
            Issue.record("expected a wait, got \(outcome)")
            return
        }
        // The keys and CSRs made here: keys 0600, CSRs that openssl verifies, the built-in CA's database pair.
        for path in ["cms1/webadmin.key", "cms3/turn.key", "db/dbca.key", "db/dbserver.key", "db/dbclient.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: fixture.folder + "/" + path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path)")
        }
        #expect(TestSupport.openssl(["req", "-in", fixture.folder + "/cms2/callbridge.csr", "-noout", "-verify"]).status == 0)
        let db = TestSupport.openssl(["verify", "-CAfile", fixture.folder + "/db/dbca.crt", fixture.folder + "/db/dbserver.crt", fixture.folder + "/db/dbclient.crt"])
        #expect(db.status == 0, "\(db.output)")

        try OutsideCA().place(files, in: fixture.folder)
        let resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
        let final = try await fixture.executor(plan, journal: resumption.journal).run(skipping: resumption.done)
        #expect(final == .done(ran: plan.steps.count - resumption.done.count, skipped: resumption.done.count))
        try fixture.expectFreshFlowDone()
        // The full chain made here: entity, intermediate, root.
        let chain = TestSupport.read(fixture.folder + "/cms1/webbridge3-fullchain.crt")
        #expect(chain.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1 == 3)
        #expect(!fixture.journalText().contains("PRIVATE KEY"))
    }

    /// A run killed after `pki csr` made the key on the node but before the journal said
    /// so: the resumed run finds the files and does not make the key again (the MMP would
    /// make a new one over the first, whose CSR may be at the CA already).
    @Test func aKeyMadeJustBeforeTheKillIsNotMadeAgain() async throws {
        for probe in [true, false] {
            let fixture = try LabFixture(label: "interrupted")
            let plan = try fixture.plan()
            let step = try #require(plan.step("cms1:csr.webadmin"))
            let journal = try Journal.create(stateDirectory: fixture.stateDirectory, plan: plan)
            try journal.append(JournalRecord(type: "step", runID: journal.runID, planDigest: plan.digest, step: step.id, node: "cms1",
                                             command: step.command, start: Date(), outcome: "started"))
            try fixture.lab.run(step.command, on: "cms1", answer: nil)
            let key = TestSupport.read(fixture.lab.nodeDirectory("cms1") + "/webadmin.key")

            let resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
            #expect(resumption.interrupted == [step.id])
            #expect(resumption.done.isEmpty)
            let outcome = try await fixture.executor(plan, journal: resumption.journal)
                .run(skipping: resumption.done, interrupted: probe ? resumption.interrupted : [])
            guard case .waiting = outcome else {
                Issue.record("expected the resumed run to reach the wait for the CA, got \(outcome)")
                continue
            }
            let now = TestSupport.read(fixture.lab.nodeDirectory("cms1") + "/webadmin.key")
            if probe {
                #expect(now == key, "the key was made again")
            } else {
                // Run again blindly, `pki csr` makes a new key over the first, as the MMP
                // does: what the look before the step prevents.
                #expect(now != key)
            }
        }
    }

    /// The same for `database cluster initialize`: a node in the cluster already is not
    /// initialized again (the MMP refuses, and the run would stop for nothing).
    @Test func aClusterInitializedJustBeforeTheKillIsNotInitializedAgain() async throws {
        let fixture = try LabFixture(label: "interrupted-db")
        let plan = try fixture.plan()
        _ = try await firstPhase(fixture, plan, log: EventLog())
        let initialize = "cms1:db.initialize"
        let others = Set(plan.steps.map(\.id)).subtracting([initialize])
        for probe in [true, false] {
            let journal = try Journal.create(stateDirectory: fixture.stateDirectory, plan: plan)
            let outcome = try await fixture.executor(plan, journal: journal)
                .run(skipping: others, interrupted: probe ? [initialize] : [])
            if probe {
                #expect(outcome == .done(ran: 1, skipped: others.count))
            } else {
                guard case let .failed(failures) = outcome else {
                    Issue.record("a second initialize was expected to be refused, got \(outcome)")
                    continue
                }
                #expect(failures.first?.stepID == initialize && failures.first?.output.contains("FAILURE") == true)
            }
        }
    }

    /// The most steps seen running at once.
    static func maximumOverlap(_ events: [ExecutionEvent]) -> Int {
        var running = 0, most = 0
        for event in events {
            switch event {
            case .stepStarted: running += 1; most = max(most, running)
            case .stepFinished, .stepFailed, .stepWaiting: running -= 1
            default: break
            }
        }
        return most
    }

    @Test func aNodeUnreachableInTheMiddleStopsTheRunThenResumeFinishes() async throws {
        let fixture = try LabFixture(label: "unreachable")
        let plan = try fixture.plan()
        var transports = try fixture.transports()
        transports["cms2"] = FailingTransport(transports["cms2"]!, failAfter: 5)
        let journal = try Journal.create(stateDirectory: fixture.stateDirectory, plan: plan)
        let log = EventLog()
        let outcome = try await fixture.executor(plan, journal: journal, transports: transports).run { log.add($0) }
        guard case let .failed(failures) = outcome, let failure = failures.first else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(failure.node == "cms2")
        #expect(plan.step(failure.stepID)?.node == "cms2")
        #expect(failure.command == plan.step(failure.stepID)?.command)
        #expect(failure.output.contains("cannot be reached"))
        #expect(failure.reason.hasPrefix("unreachable"))
        #expect(log.startedAfterFirstFailure.isEmpty, "started after the failure: \(log.startedAfterFirstFailure)")
        #expect(failure.description.contains("command: \(failure.command)"))

        // The node is back: resume skips what was done and goes on to the wait for the CA.
        let resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
        #expect(!resumption.done.contains(failure.stepID))
        let second = EventLog()
        let next = try await fixture.executor(plan, journal: resumption.journal).run(skipping: resumption.done) { second.add($0) }
        guard case .waiting = next else {
            Issue.record("expected the resumed run to reach the wait for the CA, got \(next)")
            return
        }
        #expect(second.started.contains(failure.stepID))
        #expect(Set(second.started).isDisjoint(with: resumption.done))
    }

    @Test func aMismatchedCertificateIsRefusedBeforeItIsSentThenAFixResumes() async throws {
        let fixture = try LabFixture(label: "mismatch")
        let ca = try OutsideCA()
        let plan = try fixture.plan()
        let (journal, outcome) = try await firstPhase(fixture, plan, log: EventLog())
        guard case let .waiting(files, _) = outcome else {
            Issue.record("expected a wait, got \(outcome)")
            return
        }
        try ca.place(files, in: fixture.folder)
        // The wrong certificate for cms2's web admin: signed from another key's CSR.
        try ca.sign(fixture.folder + "/cms2/callbridge.csr", into: fixture.folder + "/cms2/webadmin.crt")

        var resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
        let log = EventLog()
        let failed = try await fixture.executor(plan, journal: resumption.journal).run(skipping: resumption.done) { log.add($0) }
        guard case let .failed(failures) = failed else {
            Issue.record("expected the mismatch to fail the run, got \(failed)")
            return
        }
        #expect(failures.count == 1)
        let failure = failures[0]
        // Caught in the workspace, against its own CSR, before anything is sent to cms2.
        #expect(failure.node == "local")
        #expect(failure.stepID == "local:signed.cms2.webadmin")
        #expect(failure.reason.contains("cms2/webadmin.crt is not the CA's answer to cms2/webadmin.csr"), "\(failure.reason)")
        #expect(failure.reason.contains("public key is not the CSR's"), "\(failure.reason)")
        #expect(failure.reason.contains("Nothing was sent"), "\(failure.reason)")
        #expect(!log.started.contains("cms2:put.webadmin.crt"), "the wrong certificate was sent")
        #expect(log.startedAfterFirstFailure.isEmpty, "started after the failure: \(log.startedAfterFirstFailure)")
        // The service was never given the wrong pair.
        let webadmin = try fixture.lab.status().nodes.first { $0.node.name == "cms2" }!.services.first { $0.service == .webadmin }!
        #expect(!webadmin.enabled)

        // Fixed in the workspace: resume sends the changed file again and finishes.
        try ca.sign(fixture.folder + "/cms2/webadmin.csr", into: fixture.folder + "/cms2/webadmin.crt")
        resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
        #expect(!resumption.done.contains("cms2:put.webadmin.crt"))
        let second = EventLog()
        let final = try await fixture.executor(plan, journal: resumption.journal).run(skipping: resumption.done) { second.add($0) }
        #expect(final == .done(ran: plan.steps.count - resumption.done.count, skipped: resumption.done.count))
        #expect(second.started.contains("cms2:put.webadmin.crt"))
        try fixture.expectFreshFlowDone()
        #expect(!fixture.journalText().contains("PRIVATE KEY"))
    }

    /// The right key and names, but signed by another CA than the bundle's: refused in the
    /// workspace, named, before it is sent; nothing of cms2's web admin changes.
    @Test func aCertificateFromAnotherCAIsRefusedBeforeItIsSent() async throws {
        let fixture = try LabFixture(label: "otherca")
        let plan = try fixture.plan()
        #expect(plan.step("local:signed.cms2.webadmin")?.local == .awaitFiles(files: ["cms2/webadmin.crt"], chain: "ca-bundle.crt", lint: AnswerLint(role: .server, names: ["cms2.lab.example.com"])),
                "the answer is checked against the chain of the bundle the services get")
        let (journal, outcome) = try await firstPhase(fixture, plan, log: EventLog())
        guard case let .waiting(files, _) = outcome else {
            Issue.record("expected a wait, got \(outcome)")
            return
        }
        try OutsideCA().place(files, in: fixture.folder)
        try OutsideCA().sign(fixture.folder + "/cms2/webadmin.csr", into: fixture.folder + "/cms2/webadmin.crt")
        let resumption = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
        let log = EventLog()
        let failed = try await fixture.executor(plan, journal: resumption.journal).run(skipping: resumption.done) { log.add($0) }
        guard case let .failed(failures) = failed, let failure = failures.first else {
            Issue.record("expected the stranger to fail the run, got \(failed)")
            return
        }
        #expect(failure.stepID == "local:signed.cms2.webadmin")
        #expect(failure.reason.contains("does not chain to the CA in ca-bundle.crt"), "\(failure.reason)")
        #expect(!log.started.contains("cms2:put.webadmin.crt"))
        // openssl, the judge, agrees: the file does not verify against the bundle.
        let judge = TestSupport.openssl(["verify", "-CAfile", fixture.folder + "/ca-bundle.crt", fixture.folder + "/cms2/webadmin.crt"])
        #expect(judge.status != 0)
    }

    @Test func aResumeAgainstAChangedPlanIsRefused() async throws {
        let fixture = try LabFixture(label: "changed")
        let plan = try fixture.plan()
        let (journal, _) = try await firstPhase(fixture, plan, log: EventLog())
        fixture.writeDeployment(joinURL: "meet.lab.example.com")
        let changed = try fixture.plan()
        #expect(changed.digest != plan.digest)
        #expect {
            try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: changed, workspace: fixture.folder)
        } throws: { ($0 as? JournalError)?.kind == .planChanged }
        #expect {
            try Journal.resume(stateDirectory: fixture.stateDirectory, runID: "20991231T000000Z-nosuch", plan: plan, workspace: fixture.folder)
        } throws: { ($0 as? JournalError)?.kind == .notFound }
        // The same plan is still accepted.
        _ = try Journal.resume(stateDirectory: fixture.stateDirectory, runID: journal.runID, plan: plan, workspace: fixture.folder)
    }

    @Test func aDeploymentWithoutATransportForANodeFailsBeforeAnyStep() async throws {
        let fixture = try LabFixture(label: "notransport")
        let plan = try fixture.plan()
        var transports = try fixture.transports()
        transports["cms3"] = nil
        let journal = try Journal.create(stateDirectory: fixture.stateDirectory, plan: plan)
        let log = EventLog()
        let outcome = try await fixture.executor(plan, journal: journal, transports: transports).run { log.add($0) }
        guard case let .failed(failures) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(failures.first?.node == "cms3")
        #expect(log.started.isEmpty)
    }

    /// The wizard's and the command line's way to run a plan: lock, journal, state, events.
    @Test func aSessionHoldsTheLockKeepsTheStateAndReportsFromStartToOutcome() async throws {
        let fixture = try LabFixture(label: "stream")
        let plan = try fixture.plan()
        let state = CurrentState(nodes: ["cms1": NodeState(files: ["x.crt"])])
        let session = try RunSession.start(plan: plan, state: state, stateDirectory: fixture.stateDirectory, workspace: fixture.folder,
                                           resume: nil, operation: "test", transports: { try fixture.transports() })
        let journal = session.journal
        #expect(RunLock.holder(stateDirectory: fixture.stateDirectory)?.runID == journal.runID)
        #expect(throws: RunLockError.self) {
            try RunSession.start(plan: plan, state: nil, stateDirectory: fixture.stateDirectory, workspace: fixture.folder,
                                 resume: nil, operation: "a second", transports: { try fixture.transports() })
        }
        let log = EventLog()
        _ = await session.run { log.add($0) }
        let events = log.events
        #expect(RunLock.holder(stateDirectory: fixture.stateDirectory) == nil, "the lock is let go at the end")
        #expect(try Journal.savedState(stateDirectory: fixture.stateDirectory, runID: journal.runID) == state)
        let open = Journal.openRun(stateDirectory: fixture.stateDirectory)
        #expect(open?.runID == journal.runID && open?.outcome == "waiting" && open?.files.contains("ca-bundle.crt") == true, "\(String(describing: open))")
        #expect(events.first == .runStarted(runID: journal.runID, planDigest: plan.digest, toRun: plan.steps.count, skipped: 0))
        guard case let .runFinished(outcome) = events.last, case .waiting = outcome else {
            Issue.record("the stream did not end with the run's outcome: \(String(describing: events.last))")
            return
        }
        // Per node, the counts climb to what the node has done.
        var last: [String: Int] = [:]
        for case let .stepFinished(p, _, _) in events {
            #expect(p.nodeDone > last[p.node, default: 0] && p.nodeDone <= p.nodeTotal)
            last[p.node] = p.nodeDone
        }
        #expect(Set(last.keys) == ["cms1", "cms2", "cms3"])
    }

    @Test func aCancelledRunStartsNothingNewAndSaysSo() async throws {
        let fixture = try LabFixture(label: "cancel")
        let plan = try fixture.plan()
        let journal = try Journal.create(stateDirectory: fixture.stateDirectory, plan: plan)
        let log = EventLog()
        let executor = try fixture.executor(plan, journal: journal)
        let outcome = await executor.run { event in
            log.add(event)
            // The wizard's "stop": the run's own task is cancelled when the first step ends.
            if case .stepFinished = event, log.events.filter({ if case .stepFinished = $0 { return true }; return false }).count == 1 {
                withUnsafeCurrentTask { $0?.cancel() }
            }
        }
        guard case let .failed(failures) = outcome else {
            Issue.record("expected the cancelled run to stop, got \(outcome)")
            return
        }
        #expect(failures.first?.reason.contains("stopped at a step boundary") == true, "\(failures)")
        let firstEnd = log.events.firstIndex { if case .stepFinished = $0 { return true }; return false }!
        let startedAfter = log.events[(firstEnd + 1)...].filter { if case .stepStarted = $0 { return true }; return false }
        #expect(startedAfter.isEmpty)
        #expect(log.started.count < plan.steps.count)
    }

    @Test func theOutputGate() {
        let status = SuccessCriterion(alternatives: [["(me)", "Connected Primary"], ["(me)", "Connected Master"]])
        #expect(OutputGate.judge(CommandOutput(text: "    10.0.0.1 (me)  : Connected Primary\n"), success: status) == nil)
        #expect(OutputGate.judge(CommandOutput(text: "    10.0.0.1 (me)  : Connected Master\n"), success: status) == nil)
        #expect(OutputGate.judge(CommandOutput(text: "    10.0.0.2 (me)  : Connected Replica\n"), success: status)?.contains("lacks") == true)
        #expect(OutputGate.judge(CommandOutput(text: "SUCCESS: a\nFAILURE: b\n"), success: .contains("SUCCESS")) == "the node answered: FAILURE: b")
        #expect(OutputGate.judge(CommandOutput(text: "Unknown command: xmpp\n"), success: nil) != nil)
        #expect(OutputGate.judge(CommandOutput(text: "", exitStatus: 255), success: nil) != nil)
        #expect(OutputGate.judge(CommandOutput(text: ""), success: nil) == nil)
    }
}
