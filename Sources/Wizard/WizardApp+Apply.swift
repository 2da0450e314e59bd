import Deployment
import Foundation
import Lab
import Orchestration
import TerminalUI

extension WizardApp {
    /// The flows in the order ←/→ cycles them.
    static let applyFlows: [Flow] = [.fresh, .renew, .renewNewNames, .renewDatabase]

    /// Home → Step 5: the plan of the fresh flow (or the run left open) for review.
    func openApply(_ s: inout WizardState) -> [Command<WizardMessage>] {
        guard let target = s.context.apply else { return [] }
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

    func planViewKey(_ key: Key, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard var st = s.planView else { s.screen = .home; return [] }
        if s.screen == .step2, st.editor != nil {
            let commands = certificateEditorKey(key, &st, &s)
            if s.planView != nil { s.planView = st }
            return commands
        }
        if s.screen == .step2, case .success(let plan) = st.plan {
            let count = PlanViewState.csrRows(plan).count
            if st.table.handle(key, count: count, height: PlanViews.tableHeight(s.size)) {
                s.planView = st
                return []
            }
            if key == .enter {
                openCertificateEditor(&st)
                s.planView = st
                return []
            }
        }
        switch key {
        case .esc: s.screen = .home
        case .char("q"): return requestQuit(&s)
        case .char("?"): s.help = HelpState()
        case .char("5"): return openApply(&s)
        case .up, .pageUp: st.scroll = max(0, st.scroll - (key == .up ? 1 : 10))
        case .down, .pageDown: st.scroll += key == .down ? 1 : 10
        default: break
        }
        s.planView = st
        return []
    }

    /// Troubleshooting → Step 5 with the situation's flow planned.
    func troubleshootKey(_ key: Key, _ s: inout WizardState) -> [Command<WizardMessage>] {
        let items = TroubleshootView.items()
        if s.troubleshoot.handle(key, items: items, height: items.count) { return [] }
        switch key {
        case .esc: s.screen = .home
        case .char("q"): return requestQuit(&s)
        case .char("?"): s.help = HelpState()
        case .enter:
            guard let target = s.context.apply else { return [] }
            if let apply = s.apply, apply.canResume || apply.isRunning {
                s.screen = .apply  // an unfinished run comes first: resume or leave it
                return []
            }
            var apply = ApplyState(target: target, flow: TroubleshootView.flows[min(s.troubleshoot.selected, TroubleshootView.flows.count - 1)])
            apply.origin = .troubleshoot
            s.apply = apply
            s.screen = .apply
            return readNodeStateIfNeeded(s, target: target)
        default: break
        }
        return []
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
                var replanned = ApplyState(target: target, flow: next)
                replanned.origin = apply.origin
                s.apply = replanned
                return readNodeStateIfNeeded(s, target: target)
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
        let run: Command<WizardMessage> = .task { send in
            let stateDirectory = Journal.stateDirectory(forDeploymentFile: target.deploymentPath)
            let transports: [String: any Transport]
            let journal: Journal
            var done: Set<String> = [], interrupted: Set<String> = []
            // One run at a time on a deployment, the command line's and the wizard's alike.
            let lock: RunLock
            do {
                lock = try RunLock.acquire(stateDirectory: stateDirectory, operation: "the wizard's Step 5", runID: resume)
            } catch {
                send(.applyCouldNotStart(WizardFailure("\(error)")))
                return
            }
            defer { lock.release() }
            do {
                transports = try NodeTransports.make(for: target.deployment, deploymentFolder: target.deploymentFolder, sshConfig: nil)
                if let resume {
                    let resumption = try Journal.resume(stateDirectory: stateDirectory, runID: resume, plan: plan, workspace: target.workspace)
                    journal = resumption.journal
                    done = resumption.done
                    interrupted = resumption.interrupted
                } else {
                    journal = try Journal.create(stateDirectory: stateDirectory, plan: plan)
                }
            } catch {
                send(.applyCouldNotStart(WizardFailure(error)))
                return
            }
            lock.note(runID: journal.runID)
            let executor = Executor(plan: plan, transports: transports, workspace: target.workspace, journal: journal)
            for await event in executor.events(skipping: done, interrupted: interrupted) {
                send(.applyEvent(event))
            }
            for transport in transports.values {
                await transport.close()
            }
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
