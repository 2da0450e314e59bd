import Deployment
import Foundation
import Orchestration
import TerminalUI

/// Step 5 as a screen: the review of the plan made from what the nodes hold (←/→ another
/// procedure, s every step), then the run through the command line's RunSession with
/// progress per node, waiting for files or failed until r resumes it.
extension ApplyState: WizardScreen {
    /// What happens on Step 5.
    public enum Message: Sendable {
        /// Scroll by `rows`.
        case scroll(Int)
        /// ←/→: the next procedure (or the one before, negative).
        case procedure(Int)
        /// s: every step under its node, or the summary.
        case toggleSteps
        /// y or F10: run the plan reviewed.
        case run
        /// r: resume the run left waiting or failed.
        case resume
        /// What the executor reports while it runs.
        case event(ExecutionEvent)
        /// The run could not start (the transports or the journal), and why.
        case couldNotStart(WizardFailure)
        /// What the nodes hold now, read for `flow`'s plan (or why not).
        case stateRead(flow: Flow, Result<CurrentState, WizardFailure>)
        /// s while the run waits, in the lab: the lab's CA signs exactly the files waited for.
        case signWithLab
        /// What the lab's CA wrote (or why it could not).
        case labSigned(Result<[String], WizardFailure>)
        /// The waiting run's timer: look whether the files are there (poll number `generation`).
        case poll(generation: Int)
        /// Whether every file waited for is in the workspace, for poll number `generation`.
        case polled(generation: Int, allThere: Bool)
    }

    func title(_ app: WizardState) -> String { "Step 5: applying certificates" }

    func footnote(_ app: WizardState) -> String { ApplyView.footnote(self) }

    func helpText(_ app: WizardState) -> String {
        """
        Step 5 reads what the nodes hold (read-only), plans a procedure from it and opens on a summary per node: steps, keys made, certificates applied, restarts, what happens to the database cluster, and what is already so (not run). s shows every command that will run and every file it will write, node by node, in the order the executor runs them. ←/→ picks the procedure: fresh deployment, renewal under the same names, renewal under new names, expired database certificates. A procedure that would overwrite what a live service uses is refused, with the reason; on an estate that already holds what the deployment file wants there is nothing to run.
        y or F10 runs exactly that plan, nodes in parallel where the order allows; progress shows per node. Every step goes to a journal beside the deployment file (.cmscerts/runs). One run at a time: another run on the same deployment (the command line's too) is refused while this one holds it.
        When the run waits for files (certificates your CA signs), the screen lists each with what your CA must do (sign its CSR for TLS Web Server and Client authentication, or give its chain); place them in the workspace and press r or Enter, or let the run see them (it looks every 2 s). In the built-in lab, s has the lab's CA sign exactly those files, as cmscerts lab sign would. Then each is checked against its CSR and the CA bundle before anything is sent, and the run resumes from its journal, skipping what is done. After a failure, the node, the command and its output are shown: fix the cause, then r resumes the same way. A run left open opens here again the next time cmscerts starts.
        q (after asking), Ctrl-C or a signal during a run stop it at a step boundary: the steps running end and are journaled; r, or cmscerts apply <deployment.yaml> --resume <run id>, goes on.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        let scroll = ScreenBinding<Message>(KeyBinding([.up, .down, .pageUp, .pageDown], label: "↑↓", help: "scroll")) { .send(.scroll(ListNavigation.scrollRows($0))) }
        let procedure = ScreenBinding<Message>(KeyBinding([.left, .right], label: "←→", help: "procedure")) { .send(.procedure($0 == .left ? -1 : 1)) }
        switch phase {
        case .review:
            if case .failure = plan { return [procedure, scroll, ScreenBinding(KeyBinding(.esc, help: "back"), .shell(.close(to: origin))), .help, .quit] }
            // Nothing to run: no run is offered.
            if case .success(let plan) = plan, plan.isNoOp {
                return [procedure, scroll, ScreenBinding(KeyBinding(.esc, help: "home"), .shell(.close(to: origin))), .help, .quit]
            }
            return [ScreenBinding(KeyBinding([.char("y"), .char("Y"), .f(10)], label: "y/F10", help: "run"), .send(.run)), procedure,
                    ScreenBinding(KeyBinding(.char("s"), help: showSteps ? "fold" : "steps"), .send(.toggleSteps)),
                    scroll, ScreenBinding(KeyBinding(.esc, help: "home"), .shell(.close(to: origin))), .help, .quit]
        case .running:
            return [scroll, .help, ScreenBinding(KeyBinding([.char("q")], help: "stop and quit"), .shell(.quit))]
        case .waiting:
            // The run stays open: r or Enter resumes (the files' arrival too); in the lab, s
            // has the lab's CA sign what it waits for.
            let sign = app.context.labControls == nil ? [] : [ScreenBinding<Message>(KeyBinding(.char("s"), help: "sign with lab CA"), .send(.signWithLab))]
            return [ScreenBinding(KeyBinding([.char("r"), .enter], label: "r", help: "resume"), .send(.resume))] + sign
                + [scroll, ScreenBinding(KeyBinding(.esc, help: "home (run kept)"), .shell(.back(to: .home))), .help, .quit]
        case .failed:
            // The run stays open: Step 5 shows it again, r resumes.
            return [ScreenBinding(KeyBinding(.char("r"), help: "resume"), .send(.resume)), scroll,
                    ScreenBinding(KeyBinding([.esc, .enter], label: "Esc", help: "home (run kept)"), .shell(.back(to: .home))), .help, .quit]
        case .done, .couldNotStart:
            return [ScreenBinding(KeyBinding([.enter, .esc], label: "Enter", help: "home"), .shell(.close(to: .home))), scroll, .help, .quit]
        }
    }

    /// Opened: a plan that waits for the nodes' state reads it; a run that waits for files
    /// watches for them.
    mutating func opened(_ app: WizardState) -> [ScreenEffect<Message>] {
        guard let target = app.context.apply else { return [] }
        if case .waiting = phase { return watchForFiles() }
        return readNodeStateIfNeeded(target, app.context.connections)
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .scroll(let rows):
            scroll = max(0, scroll + rows)
        case .procedure(let step):
            guard let target = app.context.apply else { return [] }
            return switchProcedure(by: step, target, app.context.connections)
        case .toggleSteps:
            // The summary, or every step under its node, of a plan there is.
            guard case .success(let plan) = plan, !plan.isNoOp else { return [] }
            showSteps.toggle()
            scroll = 0
        case .run:
            // Nothing to run when the nodes already hold what the file wants.
            guard case .success(let plan) = plan, !plan.isNoOp, let target = app.context.apply else { return [] }
            return startRun(plan: plan, target: target, resume: nil, app.context.connections)
        case .resume:
            guard canResume, case .success(let plan) = plan, let target = app.context.apply else { return [] }
            return startRun(plan: plan, target: target, resume: runID, app.context.connections)
        case .event(let event):
            note(event)
            if case .runFinished = event, case .waiting = phase { return watchForFiles() }
        case .couldNotStart(let failure): phase = .couldNotStart(failure.message)
        case let .stateRead(flow, result): stateRead(flow, result, app)
        case .signWithLab: return signWithLab(app)
        case .labSigned(let result): labSigned(result)
        case .poll(let generation): return poll(generation, app)
        case let .polled(generation, allThere):
            guard generation == pollGeneration, case .waiting = phase else { return [] }
            guard allThere else { return later() }
            log.append("every file waited for is in the workspace: resuming")
            return update(.resume, app)
        }
        return []
    }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        ApplyView.render(app, area: area, buffer: &b)
    }

    /// ←/→ on the review: the procedure `step` places on, planned from the nodes read
    /// once for this review (a renewal reads them when they were not read yet).
    mutating func switchProcedure(by step: Int, _ target: ApplyTarget, _ connections: WizardConnections) -> [ScreenEffect<Message>] {
        let flows = WizardApp.applyFlows
        let i = flows.firstIndex(of: flow) ?? 0
        let next = flows[(i + step + flows.count) % flows.count]
        var replanned = ApplyState(target: target, flow: next, current: current)
        replanned.showSteps = showSteps
        replanned.origin = origin
        self = replanned
        return readNodeStateIfNeeded(target, connections)
    }

    /// Runs `plan` (the value the review showed) with the executor: a new journal, or the
    /// journal of `resume` with its finished steps skipped. Every event comes back as a message.
    mutating func startRun(plan: Plan, target: ApplyTarget, resume: String?, _ connections: WizardConnections) -> [ScreenEffect<Message>] {
        phase = .running
        scroll = 0
        log.append(resume.map { "resume run \($0)" } ?? "start")
        let current = self.current
        let run: Command<Message> = .task { send in
            // The command line's RunSession: one run at a time on a deployment (the lock),
            // the journal (a new run keeps the state its plan was made from), the transports.
            let session: RunSession
            do {
                session = try RunSession.start(
                    plan: plan, state: current, stateDirectory: Journal.stateDirectory(forDeploymentFile: target.deploymentPath),
                    workspace: target.workspace, resume: resume, operation: "the wizard's Step 5",
                    transports: { try connections.connect(target) })
            } catch {
                send(.couldNotStart(WizardFailure(error)))
                return
            }
            _ = await session.run { send(.event($0)) }
        }
        return [.command(run), .shell(.tick)]
    }

    /// An executor event or a run that could not start.
    /// What the nodes hold arrived, for `flow`: its plan is made from it. A reply for a
    /// flow the user has since moved away from is dropped.
    mutating func stateRead(_ flow: Flow, _ result: Result<CurrentState, WizardFailure>, _ app: WizardState) {
        guard flow == self.flow, needsNodeState, case .review = phase, let target = app.context.apply else { return }
        switch result {
        case .success(let state):
            var planned = ApplyState(target: target, flow: flow, current: state)
            planned.origin = origin
            self = planned
        case .failure(let failure):
            plan = .failure(WizardFailure("Could not read what the nodes hold now: \(failure.message)"))
        }
    }

    /// A renewal's plan needs what the nodes hold now: read it off the input loop, through
    /// the same transports the run uses (read-only: `pki list` and the status commands).
    func readNodeStateIfNeeded(_ target: ApplyTarget, _ connections: WizardConnections) -> [ScreenEffect<Message>] {
        guard needsNodeState else { return [] }
        let flow = self.flow
        return [.command(.task { send in
            send(.stateRead(flow: flow, await target.readNodeState(connections)))
        })]
    }
}
