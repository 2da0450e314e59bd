import ArgumentParser
import Deployment
import Foundation
import Lab
import PKI
import Orchestration

/// `cmscerts apply <deployment.yaml>`: runs the plan on the nodes, with a journal that
/// `--resume` continues. Shows the plan and asks before the first step unless --yes.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run a certificate procedure on the nodes (the plan `cmscerts plan` shows), with a journal to resume.",
        discussion: """
        The nodes are reached by SSH (each node's ssh target; your ~/.ssh/config, agent and \
        known_hosts apply), or through the lab the deployment file names (lab: DIR). Files \
        are read from and written to the workspace (the deployment file's folder unless \
        --workspace); the journal goes to <deployment folder>/.cmscerts/runs/<run id>.jsonl. \
        When the run waits for files (your CA's certificates), place them and resume with \
        --resume <run id>. Every flow is planned from what the nodes hold now (read-only: pki \
        list and each service's status): what already holds is not run again, and a step \
        that would break a live service is refused. One run at a time per deployment. \
        Exit codes: 0 done, or nothing to do; 1 a step failed; 2 usage or bad input; \
        3 waiting for your CA (the files to sign and the resume line are printed); \
        4 refused by the safety guard (it would break a live service, or another run holds \
        the deployment's lock); nothing was run.
        """
    )

    @Argument(help: "The deployment file (YAML).")
    var deployment: String

    @Option(help: "fresh, renew, renew-new-names or renew-database.")
    var flow: Flow = .fresh

    @Flag(name: .customLong("dry-run"), help: "Print what would run; run nothing.")
    var dryRun = false

    @Option(help: "Resume the run with this id: skip the steps it finished (the plan must be the same).")
    var resume: String?

    @Flag(help: "Run without asking.")
    var yes = false

    @Flag(name: .customLong("show-plan"), help: "Print every step of the plan before the summary (cmscerts plan prints the same).")
    var showPlan = false

    @Option(help: "At most this many steps at once across the nodes.")
    var parallel: Int = 4

    @Option(name: .customLong("per-node"), help: "At most this many steps at once on one node (1: one command at a time, as a person types).")
    var perNode: Int = 1

    @Option(help: "Plan from this state (JSON of CurrentState) instead of reading the nodes.")
    var state: String?

    @Option(help: "The workspace folder (default: the deployment file's folder).")
    var workspace: String?

    @Option(name: .customLong("ssh-config"), help: "An ssh_config file to use instead of ~/.ssh/config (ssh -F).")
    var sshConfig: String?

    func validate() throws {
        if parallel < 1 { throw ValidationError("--parallel is 1 or more") }
        if perNode < 1 { throw ValidationError("--per-node is 1 or more") }
    }

    func run() throws {
        let deploymentPath = Self.absolute(deployment)
        let folder = (deploymentPath as NSString).deletingLastPathComponent
        let estate: Deployment
        do {
            estate = try DeploymentFile.load(contentsOf: deploymentPath)
        } catch {
            throw CLIFailure(code: 2, message: "\(deployment): \(error)")
        }
        let stateFolder = Journal.stateDirectory(forDeploymentFile: deploymentPath)

        // One run at a time on a deployment, from before the nodes are read to the end:
        // what is planned from their state is not changed under us by another run.
        var lock: RunLock?
        if !dryRun {
            do {
                lock = try RunLock.acquire(stateDirectory: stateFolder, operation: "cmscerts apply" + (resume.map { " --resume \($0)" } ?? ""), runID: resume)
            } catch {
                throw CLIFailure(code: ExitCode.refused, message: "Refused, nothing was run: \(error)")
            }
        }
        defer { lock?.release() }

        // Every flow plans from what the nodes hold now, read once. A resumed run plans from
        // the state its plan was made from (kept beside its journal), so the plan is the same.
        var current = CurrentState.empty
        var gathered: CurrentState? = nil
        do {
            if let state {
                guard let json = FileManager.default.contents(atPath: state) else {
                    throw CLIFailure(code: 2, message: "cannot read the state file \(state)")
                }
                current = try JSONDecoder().decode(CurrentState.self, from: json)
            } else if let resume, let saved = try Journal.savedState(stateDirectory: stateFolder, runID: resume) {
                current = saved
            } else {
                current = try Self.readNodes(estate, deploymentFolder: folder, sshConfig: sshConfig)
                gathered = current
                Console.out("Read what \(current.nodes.count) node(s) hold now (pki list and each service's status, read-only).")
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure(code: 2, message: "\(deployment): cannot read what the nodes hold, so nothing was planned or run: \(error)")
        }
        let plan: Plan
        do {
            plan = try Planner.plan(estate, flow: flow, current: current)
        } catch {
            if error.kind == .refused {
                throw CLIFailure(code: ExitCode.refused, message: "\(deployment): Refused, nothing was run: \(error)")
            }
            throw CLIFailure(code: 2, message: "\(deployment): \(error)")
        }
        if plan.offline == true {
            throw CLIFailure(code: 2, message: "\(deployment): the plan was made without the nodes' state (no node was read): apply runs only plans made from what the nodes hold")
        }
        let workspaceFolder = workspace.map(Self.absolute) ?? folder

        // Which steps are done already (a resume), checked against this plan; a dry run
        // only reads the journal, the run itself opens it through its session.
        var done: Set<String> = []
        if let resume {
            do {
                let records = try Journal.read(path: stateFolder + "/runs/\(resume).jsonl")
                guard records.first?.planDigest == plan.digest else {
                    throw JournalError(.planChanged, "run \(resume) was made for another plan: the deployment file or the flow changed since")
                }
                done = Set(records.filter { $0.type == "step" && $0.outcome == "done" }.compactMap(\.step))
            } catch let error as JournalError {
                throw CLIFailure(code: 2, message: "cannot resume: \(error.message)")
            } catch {
                throw CLIFailure(code: 2, message: "cannot resume: \(error)")
            }
        } else if plan.isNoOp {
            // Running the same apply twice on a healthy estate: nothing to do, and it says so.
            for line in PlanSummary(plan).lines() { Console.out(line) }
            for line in plan.alreadySo ?? [] { Console.out("  = " + line) }
            return
        }

        let summary = PlanSummary(plan, skipping: done)
        if showPlan || dryRun { Console.out(PlanRenderer.render(plan, as: .text)) }
        for line in summary.lines() { Console.out(line) }
        if !showPlan && !dryRun { Console.out("Every step, command by command: cmscerts plan \(deployment)\(flow == .fresh ? "" : " --flow \(flow.rawValue)") (or apply --show-plan).") }
        let toRun = plan.steps.count - done.count
        if dryRun {
            Console.out("Dry run: \(toRun) steps would run\(done.isEmpty ? "" : ", \(done.count) done by run \(resume ?? "") skipped"); nothing was run.")
            for step in Executor.preview(plan, skipping: done) {
                Console.out("  would run  \(step.node ?? "local")  \(step.id)  \(step.command)")
            }
            return
        }
        if !yes {
            guard Console.stdinIsTerminal else {
                throw CLIFailure(code: 2, message: "Nothing was run: no terminal to ask on; review the plan above and add --yes to run it.")
            }
            guard Console.confirm("Run these \(toRun) steps on \(plan.nodes.map(\.name).joined(separator: ", "))?") else {
                throw CLIFailure(code: 1, message: "Nothing was run.")
            }
        }

        let session: RunSession
        do {
            session = try RunSession.start(plan: plan, state: gathered, stateDirectory: stateFolder, workspace: workspaceFolder,
                                           resume: resume, operation: "cmscerts apply", options: ExecutorOptions(parallel: parallel, perNode: perNode),
                                           lock: lock, transports: { try NodeTransports.make(for: estate, deploymentFolder: folder, sshConfig: sshConfig) })
        } catch let error as JournalError {
            throw CLIFailure(code: 2, message: "cannot resume: \(error.message)")
        } catch {
            throw CLIFailure(code: 2, message: "\(error)")
        }
        let journal = session.journal
        let display = NodeDisplay()
        let outcome = Self.runBlocking(session, display: display)
        Console.out(display.summary())
        // The snapshots taken (now or by the run resumed), each with the way back to it.
        let taken = plan.backups.filter { session.done.contains($0.stepID) || display.finished.contains($0.stepID) }
        if !taken.isEmpty {
            Console.out("Snapshots taken before any certificate changed:")
            for backup in taken { Console.out("  " + backup.rollbackLine) }
        }

        let again = "cmscerts apply \(deployment)\(flow == .fresh ? "" : " --flow \(flow.rawValue)") --resume \(journal.runID)"
        switch outcome {
        case let .done(ran, skipped):
            Console.out("Done: \(ran) steps run\(skipped > 0 ? ", \(skipped) done before" : ""). Journal: \(journal.path)")
        case let .waiting(files, steps):
            Console.out("Waiting for: \(files.joined(separator: ", "))")
            Console.out("Your CA's turn: \(files.count) file\(files.count == 1 ? "" : "s") to place in \(workspaceFolder):")
            for step in steps.compactMap(plan.step) { Console.out("  - " + step.command) }
            if let lab = estate.lab {
                let labFolder = lab.hasPrefix("/") ? lab : (folder as NSString).appendingPathComponent(lab)
                Console.out("In the lab, play your CA with: cmscerts lab sign \(labFolder)")
            }
            Console.out("Then run: \(again)")
            throw CLIFailure(code: ExitCode.waiting, message: "")
        case let .failed(failures):
            var text = failures.map { "FAILED: \($0)" }.joined(separator: "\n")
            text += "\nNothing new was started after the failure. Fix the cause, then run: \(again)"
            throw CLIFailure(code: 1, message: text)
        }
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }

    /// Runs the session to its end, printing a progress line per event (node, its count).
    static func runBlocking(_ session: RunSession, display: NodeDisplay) -> RunOutcome {
        let box = OutcomeBox()
        blocking {
            box.value = await session.run { event in
                display.note(event)
                if let line = progressLine(event) { Console.out(line) }
            }
        }
        return box.value ?? .failed([])
    }

    /// One line per event: `[cms1  4/52] done    cms1:csr.webadmin (0.1 s)`.
    static func progressLine(_ event: ExecutionEvent) -> String? {
        func head(_ p: StepProgress) -> String {
            "[\(p.node.padding(toLength: 6, withPad: " ", startingAt: 0)) \(p.nodeDone)/\(p.nodeTotal)]"
        }
        switch event {
        case let .runStarted(runID, digest, toRun, skipped):
            return "Run \(runID) (plan sha256:\(digest.prefix(16))...): \(toRun) steps to run\(skipped > 0 ? ", \(skipped) done before" : "")"
        case let .stepStarted(p):
            return "\(head(p)) start   \(p.stepID): \(p.command)"
        case let .stepFinished(p, _, seconds):
            return "\(head(p)) done    \(p.stepID) (\(String(format: "%.1f", seconds)) s)"
        case let .stepFailed(p, failure):
            return "\(head(p)) FAILED  \(p.stepID): \(failure.reason)"
        case let .stepWaiting(p, files):
            return "\(head(p)) waiting \(p.stepID): for \(files.joined(separator: ", "))"
        case .runFinished:
            return nil
        }
    }

    final class OutcomeBox: @unchecked Sendable { var value: RunOutcome? }

    /// Where each node stands, for the summary at the end: steps done of its total, and
    /// what stopped it.
    final class NodeDisplay: @unchecked Sendable {
        private let lock = NSLock()
        private var rows: [String: (done: Int, total: Int, state: String)] = [:]
        private var finishedSteps: Set<String> = []

        /// The steps this run finished.
        var finished: Set<String> { lock.lock(); defer { lock.unlock() }; return finishedSteps }

        func note(_ event: ExecutionEvent) {
            lock.lock(); defer { lock.unlock() }
            switch event {
            case let .stepStarted(p): rows[p.node] = (p.nodeDone, p.nodeTotal, rows[p.node]?.state ?? "running")
            case let .stepFinished(p, _, _):
                rows[p.node] = (p.nodeDone, p.nodeTotal, p.nodeDone == p.nodeTotal ? "done" : "running")
                finishedSteps.insert(p.stepID)
            case let .stepFailed(p, _): rows[p.node] = (p.nodeDone, p.nodeTotal, "FAILED at \(p.stepID)")
            case let .stepWaiting(p, _): rows[p.node] = (p.nodeDone, p.nodeTotal, "waiting for files")
            default: break
            }
        }

        func summary() -> String {
            lock.lock(); defer { lock.unlock() }
            var lines = ["", "Nodes:"]
            for (node, row) in rows.sorted(by: { $0.key < $1.key }) {
                var state = row.state
                if state == "running" { state = row.done == row.total ? "done" : "not finished" }
                lines.append("  \(node.padding(toLength: 8, withPad: " ", startingAt: 0)) \(row.done)/\(row.total)  \(state)")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Waits for async work from the synchronous command line.
    /// What the nodes hold now (`pki list` and each service's status, read-only), through
    /// the transports the deployment names: what the renewal flows plan from.
    static func readNodes(_ estate: Deployment, deploymentFolder: String, sshConfig: String?) throws -> CurrentState {
        let transports = try NodeTransports.make(for: estate, deploymentFolder: deploymentFolder, sshConfig: sshConfig)
        nonisolated(unsafe) var result: Result<CurrentState, Error> = .success(.empty)
        blocking {
            do { result = .success(try await NodeStateReader.read(estate, transports: transports)) } catch { result = .failure(error) }
            for transport in transports.values { await transport.close() }
        }
        return try result.get()
    }

    static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let semaphore = DispatchSemaphore(value: 0)
        Task.detached {
            await body()
            semaphore.signal()
        }
        semaphore.wait()
    }
}

/// The exit codes a script tells apart (README, `cmscerts apply --help`).
enum ExitCode {
    /// Done, or nothing to do.
    static let ok: Int32 = 0
    /// A step failed.
    static let failed: Int32 = 1
    /// Usage or bad input.
    static let badInput: Int32 = 2
    /// The run waits for the CA's certificates: place them, then resume.
    static let waiting: Int32 = 3
    /// Refused by the safety guard: it would break a live service, or another run holds the lock.
    static let refused: Int32 = 4
}
