import Deployment
import Orchestration
import TerminalUI

/// Step 5: the Plan reviewed per node, then run by the executor with live progress per
/// node, and where the run ended (done, waiting for files, a failure) with the way on.
public struct ApplyState: Sendable {
    /// Where the run stands.
    public enum Phase: Sendable, Equatable {
        /// The plan is shown; nothing has run.
        case review
        /// The executor is running it.
        case running
        /// Every step is done.
        case done(ran: Int, skipped: Int)
        /// Steps wait for files a person must place in the workspace.
        case waiting(files: [String], steps: [String])
        /// A step failed; nothing new was started after it.
        case failed([StepFailure])
        /// The run could not start (a transport or the journal), in words.
        case couldNotStart(String)
    }

    /// Where one node stands, from the executor's events.
    public struct NodeProgress: Sendable, Equatable {
        /// The node (`local` for this machine).
        public var node: String
        /// Steps of the node ended.
        public var done: Int
        /// Steps of the node in the plan.
        public var total: Int
        /// running, done, waiting for files, FAILED, not started.
        public var state: String
        /// The command it runs or ran last.
        public var command: String
    }

    /// The procedure planned.
    public var flow: Flow
    /// Where Esc goes back to before anything ran (home, or troubleshooting).
    public var origin: Screen = .home
    /// The plan the review shows and the executor runs (the same value), or why there is none.
    public var plan: Result<Plan, WizardFailure>
    /// Where it stands.
    public var phase: Phase = .review
    /// The run's id once started: a resume continues it from its journal.
    public var runID: String?
    /// Per node, in the plan's order.
    public var nodes: [NodeProgress] = []
    /// The last events, one line each.
    public var log: [String] = []
    /// Rows scrolled past in the review or the result.
    public var scroll = 0
    /// The spinner while it runs.
    public var spinner = SpinnerState()
    /// The review shows every step under its node (s), not only the summary.
    public var showSteps = false
    /// The waiting run's file watch: each new watch numbers its polls, older ones stop.
    public var pollGeneration = 0
    /// What the lab's CA last did for the waiting run (or why it could not), in words.
    public var labNote: String?

    /// What the nodes held when a renewal was planned (the plan is made from it).
    public var current: CurrentState?

    /// The plan of `flow` for `target`, ready for review. The renewals plan from what the
    /// nodes hold now: without `current`, the plan waits for it (`needsNodeState`).
    public init(target: ApplyTarget, flow: Flow, current: CurrentState? = nil) {
        self.flow = flow
        self.current = current
        // Every flow is planned from the nodes' present state (the set-up too, so that what
        // holds already is not run again and nothing live is overwritten).
        if current == nil {
            plan = .failure(WizardFailure("Reading what the nodes hold now (pki list and each service's status), to plan from it…"))
        } else {
            do {
                plan = .success(try Planner.plan(target.deployment, flow: flow, current: current ?? .empty))
            } catch {
                plan = .failure(WizardFailure("\(error)"))
            }
        }
        resetProgress()
    }

    /// True while the plan waits for the nodes' state to be read.
    public var needsNodeState: Bool { current == nil }

    /// True while the executor runs.
    public var isRunning: Bool { phase == .running }

    /// True when a resume can continue the run (it waits for files or stopped on a failure).
    public var canResume: Bool {
        guard runID != nil else { return false }
        switch phase {
        case .waiting, .failed: return true
        default: return false
        }
    }

    /// The plan's steps grouped per node in the plan's order; `local` for this machine.
    static func stepsPerNode(_ plan: Plan) -> [(node: String, steps: [Step])] {
        var order: [String] = []
        var groups: [String: [Step]] = [:]
        for step in plan.steps {
            let node = step.node ?? "local"
            if groups[node] == nil { order.append(node) }
            groups[node, default: []].append(step)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// Every node at 0 of its steps.
    mutating func resetProgress() {
        guard case .success(let plan) = plan else { nodes = []; return }
        nodes = Self.stepsPerNode(plan).map { NodeProgress(node: $0.node, done: 0, total: $0.steps.count, state: "not started", command: "") }
    }

    /// Applies one executor event to the per-node rows and the log.
    mutating func note(_ event: ExecutionEvent) {
        func update(_ p: StepProgress, state: String) {
            if let i = nodes.firstIndex(where: { $0.node == p.node }) {
                nodes[i].done = p.nodeDone
                nodes[i].total = p.nodeTotal
                nodes[i].state = state
                nodes[i].command = p.command
            } else {
                nodes.append(NodeProgress(node: p.node, done: p.nodeDone, total: p.nodeTotal, state: state, command: p.command))
            }
        }
        switch event {
        case let .runStarted(runID, _, toRun, skipped):
            self.runID = runID
            log.append("run \(runID): \(toRun) steps to run" + (skipped > 0 ? ", \(skipped) done before" : ""))
        case let .stepStarted(p):
            update(p, state: "running")
            log.append("start  \(p.stepID)")
        case let .stepFinished(p, _, _):
            update(p, state: p.nodeDone == p.nodeTotal ? "done" : "running")
            log.append("done   \(p.stepID)")
        case let .stepFailed(p, failure):
            update(p, state: "FAILED")
            log.append("FAILED \(p.stepID): \(failure.reason)")
        case let .stepWaiting(p, files):
            update(p, state: "waiting for files")
            log.append("wait   \(p.stepID): \(files.joined(separator: ", "))")
        case let .runFinished(outcome):
            switch outcome {
            case let .done(ran, skipped): phase = .done(ran: ran, skipped: skipped)
            case let .waiting(files, steps): phase = .waiting(files: files, steps: steps)
            case let .failed(failures): phase = .failed(failures)
            }
            for i in nodes.indices where nodes[i].state == "running" {
                nodes[i].state = nodes[i].done == nodes[i].total ? "done" : "stopped"
            }
            scroll = 0
        }
        if log.count > 200 { log.removeFirst(log.count - 200) }
    }
}
