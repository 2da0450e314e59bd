import Deployment
import Foundation
import Lab
import Orchestration
import TerminalUI

extension WizardApp {
    /// The flows in the order ←/→ cycles them.
    static let applyFlows: [Flow] = [.fresh, .renew, .renewNewNames, .renewDatabase]

    /// At launch, and whenever Step 5 opens with no run on screen: the deployment's newest
    /// run, when it did not finish (it waits for the CA, failed, or was interrupted), is
    /// put back on Step 5 from the journal and the state its plan was made from, so that
    /// r resumes it instead of a new run making new keys. False when there is none.
    @discardableResult
    func reopenOpenRun(_ s: inout WizardState) -> Bool {
        guard s.apply == nil, let target = s.context.apply else { return false }
        let stateDirectory = Journal.stateDirectory(forDeploymentFile: target.deploymentPath)
        guard let open = Journal.openRun(stateDirectory: stateDirectory),
              let saved = try? Journal.savedState(stateDirectory: stateDirectory, runID: open.runID) else { return false }
        var apply = ApplyState(target: target, flow: open.flow, current: saved)
        guard case .success(let plan) = apply.plan, plan.digest == open.planDigest else { return false }
        apply.runID = open.runID
        // Each node's row as the journal has it (a read: the resume itself reopens it).
        if let journal = try? Journal.resume(stateDirectory: stateDirectory, runID: open.runID, plan: plan, workspace: target.workspace) {
            for i in apply.nodes.indices {
                let node = apply.nodes[i].node
                let done = plan.steps.filter { ($0.node ?? "local") == node && journal.done.contains($0.id) }.count
                apply.nodes[i].done = done
                apply.nodes[i].state = done == apply.nodes[i].total ? "done" : "stopped"
            }
        }
        switch open.outcome {
        case "waiting":
            apply.phase = .waiting(files: open.files, steps: plan.steps.filter { $0.local.map { if case .awaitFiles = $0 { true } else { false } } ?? false }.map(\.id))
        default:
            let reason = open.outcome == "interrupted"
                ? "the run was interrupted (the wizard was left, or the process stopped) after its last step began; r looks at the nodes before repeating a key, a join or a connect, and goes on"
                : (open.reason ?? "a step failed")
            apply.phase = .failed([StepFailure(stepID: "-", node: "-", command: "-", output: "", reason: reason)])
        }
        apply.log.append("run \(open.runID) reopened from its journal (\(open.outcome))")
        s.apply = apply
        return true
    }

    /// Home → Step 5: the run left open, or the plan of the fresh flow for review.
    func openApply(_ s: inout WizardState) -> [Command<WizardMessage>] {
        guard let target = s.context.apply else { return [] }
        if s.apply == nil && reopenOpenRun(&s) {
            s.screen = .apply
            return []
        }
        if s.apply == nil { s.apply = ApplyState(target: target, flow: .fresh) }
        s.screen = .apply
        return readNodeStateIfNeeded(s, target: target)
    }

    /// A renewal's plan needs what the nodes hold now: read it off the input loop, through
    /// the same transports the run uses (read-only: `pki list` and the status commands).
    func readNodeStateIfNeeded(_ s: WizardState, target: ApplyTarget) -> [Command<WizardMessage>] {
        guard let apply = s.apply, apply.needsNodeState else { return [] }
        let flow = apply.flow
        return [.task { send in
            do {
                let transports = try NodeTransports.make(for: target.deployment, deploymentFolder: target.deploymentFolder, sshConfig: nil)
                let state = try await NodeStateReader.read(target.deployment, transports: transports)
                for transport in transports.values {
                    await transport.close()
                }
                send(.applyStateRead(flow: flow, .success(state)))
            } catch {
                send(.applyStateRead(flow: flow, .failure(WizardFailure(error))))
            }
        }]
    }

    /// Home → Step 2 or 3: the fresh plan, read-only.
    func openPlanView(_ screen: Screen, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard let target = s.context.apply else { return [] }
        if s.planView == nil { s.planView = PlanViewState(target: target) }
        s.planView?.scroll = 0
        s.screen = screen
        return []
    }

    /// Step 5 with `flow` planned (troubleshooting's situations); Esc on its review goes
    /// back to `origin`. An unfinished run comes first: resume it or leave it.
    func openApply(planning flow: Flow, from origin: Screen, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard let target = s.context.apply else { return [] }
        if let apply = s.apply, apply.canResume || apply.isRunning {
            s.screen = .apply
            return []
        }
        var apply = ApplyState(target: target, flow: flow)
        apply.origin = origin
        s.apply = apply
        s.screen = .apply
        return readNodeStateIfNeeded(s, target: target)
    }

    func applyKey(_ key: Key, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard var apply = s.apply, let target = s.context.apply else {
            s.screen = .home
            return []
        }
        switch key {
        case .char("q"): return requestQuit(&s)
        case .char("?"): s.help = HelpState(); return []
        case .up, .pageUp:
            apply.scroll = max(0, apply.scroll - (key == .up ? 1 : 10))
            s.apply = apply
            return []
        case .down, .pageDown:
            apply.scroll += key == .down ? 1 : 10
            s.apply = apply
            return []
        default: break
        }
        switch apply.phase {
        case .running:
            return []
        case .review:
            switch key {
            case .left, .right:
                let flows = Self.applyFlows
                let i = flows.firstIndex(of: apply.flow) ?? 0
                let next = flows[(i + (key == .right ? 1 : flows.count - 1)) % flows.count]
                // The nodes were read once for this review: every flow plans from that reading.
                var replanned = ApplyState(target: target, flow: next, current: apply.current)
                replanned.showSteps = apply.showSteps
                replanned.origin = apply.origin
                s.apply = replanned
                return readNodeStateIfNeeded(s, target: target)
            case .char("s"):
                // The summary, or every step under its node, of a plan there is.
                guard case .success(let plan) = apply.plan, !plan.isNoOp else { return [] }
                apply.showSteps.toggle()
                apply.scroll = 0
                s.apply = apply
                return []
            case .char("y"), .char("Y"), .f(10):
                // Nothing to run when the nodes already hold what the file wants.
                guard case .success(let plan) = apply.plan, !plan.isNoOp else { return [] }
                return startRun(&s, plan: plan, target: target, resume: nil)
            case .esc:
                s.apply = nil
                s.screen = apply.origin
            default: break
            }
        case .waiting, .failed:
            switch key {
            case .char("r"):
                guard apply.canResume, case .success(let plan) = apply.plan else { return [] }
                return startRun(&s, plan: plan, target: target, resume: apply.runID)
            case .esc, .enter:
                s.screen = .home  // the run stays open: Step 5 shows it again, r resumes
            default: break
            }
        case .done, .couldNotStart:
            switch key {
            case .esc, .enter:
                s.apply = nil
                s.screen = .home
            default: break
            }
        }
        return []
    }

    /// Runs `plan` (the value the review showed) with the executor: a new journal, or the
    /// journal of `resume` with its finished steps skipped. Every event comes back as a message.
    func startRun(_ s: inout WizardState, plan: Plan, target: ApplyTarget, resume: String?) -> [Command<WizardMessage>] {
        guard var apply = s.apply else { return [] }
        apply.phase = .running
        apply.scroll = 0
        apply.log.append(resume.map { "resume run \($0)" } ?? "start")
        s.apply = apply
        let current = apply.current
        let run: Command<WizardMessage> = .task { send in
            // The command line's RunSession: one run at a time on a deployment (the lock),
            // the journal (a new run keeps the state its plan was made from), the transports.
            let session: RunSession
            do {
                session = try RunSession.start(
                    plan: plan, state: current, stateDirectory: Journal.stateDirectory(forDeploymentFile: target.deploymentPath),
                    workspace: target.workspace, resume: resume, operation: "the wizard's Step 5",
                    transports: { try NodeTransports.make(for: target.deployment, deploymentFolder: target.deploymentFolder, sshConfig: nil) })
            } catch {
                send(.applyCouldNotStart(WizardFailure(error)))
                return
            }
            _ = await session.run { send(.applyEvent($0)) }
        }
        return [run, .after(0.1, .tick)]
    }

    /// An executor event or a run that could not start.
    func applyMessage(_ message: WizardMessage, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard var apply = s.apply else { return [] }
        switch message {
        case .applyEvent(let event):
            apply.note(event)
        case .applyCouldNotStart(let failure):
            apply.phase = .couldNotStart(failure.message)
        case let .applyStateRead(flow, result):
            // A reply for a flow the user has since moved away from is dropped.
            guard flow == apply.flow, apply.needsNodeState, case .review = apply.phase, let target = s.context.apply else { return [] }
            switch result {
            case .success(let state):
                var planned = ApplyState(target: target, flow: flow, current: state)
                planned.origin = apply.origin
                apply = planned
            case .failure(let failure):
                apply.plan = .failure(WizardFailure("Could not read what the nodes hold now: \(failure.message)"))
            }
        default:
            return []
        }
        s.apply = apply
        return []
    }
}
