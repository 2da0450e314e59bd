import Deployment
import Foundation
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
            return focused(.apply).opened(&s)
        }
        if s.apply == nil { s.apply = ApplyState(target: target, flow: .fresh) }
        s.screen = .apply
        return focused(.apply).opened(&s)
    }

    /// Home → Step 2 or 3: Step 5's plan, read-only (the set-up's, planned from the nodes'
    /// state as Step 5 plans it, when Step 5 has none yet).
    func openPlanView(_ screen: Screen, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard let target = s.context.apply else { return [] }
        if s.planView == nil { s.planView = PlanViewState(target: target) }
        s.planView?.scroll = 0
        s.screen = screen
        guard s.apply == nil else { return [] }
        s.apply = ApplyState(target: target, flow: .fresh)
        return focused(.apply).opened(&s)
    }

    /// Step 5 with `flow` planned (troubleshooting's situations); Esc on its review goes
    /// back to `origin`. An unfinished run comes first: resume it or leave it.
    func openApply(planning flow: Flow, from origin: Screen, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard let target = s.context.apply else { return [] }
        if let apply = s.apply, apply.canResume || apply.isRunning {
            s.screen = .apply
            return apply.canResume ? focused(.apply).opened(&s) : []
        }
        var apply = ApplyState(target: target, flow: flow)
        apply.origin = origin
        s.apply = apply
        s.screen = .apply
        return focused(.apply).opened(&s)
    }
}
