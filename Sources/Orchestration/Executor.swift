import Deployment
import Foundation

/// How wide a run may go.
public struct ExecutorOptions: Sendable, Equatable {
    /// At most this many steps at once, across all nodes.
    public var parallel: Int
    /// At most this many steps at once on one node (the MMP is one admin's shell: 1 by
    /// default, as a person would type). Steps on this machine count as the node `local`.
    public var perNode: Int
    /// How long one command or transfer may take.
    public var stepTimeout: Duration

    public init(parallel: Int = 4, perNode: Int = 1, stepTimeout: Duration = .seconds(300)) {
        self.parallel = max(1, parallel)
        self.perNode = max(1, perNode)
        self.stepTimeout = stepTimeout
    }
}

/// Runs a Plan: every dependency honoured, nodes in parallel where the plan allows, each
/// step's output checked, a journal line before and after every step. On the first
/// failure it starts nothing new, lets running steps end and reports node, step, command
/// and output. A step that waits for a person's files does not fail the run: everything
/// that does not need those files runs, then the run ends `.waiting`, to be resumed.
///
///     let executor = Executor(plan: plan, transports: transports, workspace: dir, journal: journal)
///     let outcome = await executor.run(skipping: done) { event in ... }   // RunSession wraps this
public final class Executor: Sendable {
    public let plan: Plan
    public let transports: [String: any Transport]
    public let workspace: String
    public let journal: Journal
    public let options: ExecutorOptions

    /// `transports` by node name: one for every node a step runs on. `workspace` is the
    /// folder the plan's workspace paths are relative to.
    public init(plan: Plan, transports: [String: any Transport], workspace: String, journal: Journal,
                options: ExecutorOptions = ExecutorOptions()) {
        self.plan = plan
        self.transports = transports
        self.workspace = absolutePath(workspace)
        self.journal = journal
        self.options = options
    }

    /// The steps a run of `plan` would carry out, in an order it could take (a dry run prints them).
    public static func preview(_ plan: Plan, skipping done: Set<String> = []) -> [Step] {
        plan.runbookOrder().filter { !done.contains($0.id) }
    }

    /// Runs the plan, skipping `done` (steps an earlier run of the same plan finished).
    /// `interrupted` are steps a killed run started and never ended: those that must not
    /// run twice (a key made, the cluster joined) are looked at first and counted done
    /// when they took effect. `onEvent` is called in order, from one task at a time.
    public func run(skipping done: Set<String> = [], interrupted: Set<String> = [], onEvent: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }) async -> RunOutcome {
        RunStop.enter(journal.runID)
        defer { RunStop.leave(journal.runID) }
        var state = Schedule(plan: plan, done: done)
        if !done.isEmpty || !interrupted.isEmpty {
            try? journal.append(JournalRecord(type: "resume", runID: journal.runID, planDigest: plan.digest,
                                              flow: plan.flow.rawValue, start: Date()))
        }
        onEvent(.runStarted(runID: journal.runID, planDigest: plan.digest, toRun: state.pending.count, skipped: state.skipped))

        if let missing = Set(plan.steps.compactMap(\.node)).subtracting(transports.keys).sorted().first {
            let failure = StepFailure(stepID: "-", node: missing, command: "connect", output: "",
                                      reason: "no transport to \(missing): the deployment does not say how to reach it")
            onEvent(.runFinished(.failed([failure])))
            return .failed([failure])
        }

        let runner = StepRunner(workspace: workspace, partialDirectory: journal.stateDirectory + "/partial", timeout: options.stepTimeout)
        var failures: [StepFailure] = []
        var waitingFiles: [String] = []
        var waitingSteps: [String] = []

        await withTaskGroup(of: (Step, StepResult, Date, Date).self) { group in
            var running = 0
            func startReady() {
                while failures.isEmpty && !Task.isCancelled && !RunStop.requested && running < options.parallel, let step = state.next(perNode: options.perNode) {
                    let started = Date()
                    do {
                        try journal.append(record(step, outcome: "started", start: started))
                    } catch {
                        state.finish(step, ok: false)
                        failures.append(StepFailure(stepID: step.id, node: nodeName(step), command: step.command, output: "", reason: "\(error)"))
                        onEvent(.stepFailed(progress(step, state), failures.last!))
                        return
                    }
                    running += 1
                    onEvent(.stepStarted(progress(step, state)))
                    let transport = step.node.flatMap { transports[$0] }
                    let timeout = options.stepTimeout
                    let probe = interrupted.contains(step.id)
                    group.addTask {
                        if probe, let transport, let found = await ResumeProbe.alreadyDone(step, transport: transport, timeout: timeout) {
                            return (step, .done(output: found, inputDigest: nil), started, Date())
                        }
                        let result = await runner.run(step, transport: transport)
                        return (step, result, started, Date())
                    }
                }
            }
            startReady()
            while let (step, result, started, ended) = await group.next() {
                running -= 1
                switch result {
                case let .done(output, inputDigest):
                    var line = record(step, outcome: "done", start: started, end: ended, output: output)
                    line.inputDigest = inputDigest
                    do {
                        try journal.append(line)
                        state.finish(step, ok: true)
                        onEvent(.stepFinished(progress(step, state), output: output, seconds: ended.timeIntervalSince(started)))
                    } catch {
                        state.finish(step, ok: false)
                        let failure = StepFailure(stepID: step.id, node: nodeName(step), command: step.command, output: output, reason: "\(error)")
                        failures.append(failure)
                        onEvent(.stepFailed(progress(step, state), failure))
                    }
                case let .failed(output, reason):
                    var line = record(step, outcome: "failed", start: started, end: ended, output: output)
                    line.reason = reason
                    try? journal.append(line)
                    state.finish(step, ok: false)
                    let failure = StepFailure(stepID: step.id, node: nodeName(step), command: step.command, output: output, reason: reason)
                    failures.append(failure)
                    onEvent(.stepFailed(progress(step, state), failure))
                case let .waiting(files):
                    try? journal.append(record(step, outcome: "waiting", start: started, end: ended, output: ""))
                    state.finish(step, ok: false)
                    waitingFiles += files.filter { !waitingFiles.contains($0) }  // the bundle is awaited by several steps
                    waitingSteps.append(step.id)
                    onEvent(.stepWaiting(progress(step, state), files: files))
                }
                startReady()
            }
        }

        if (Task.isCancelled || RunStop.requested) && failures.isEmpty && !state.pending.isEmpty {
            failures.append(StepFailure(stepID: "-", node: "-", command: "-", output: "",
                                        reason: "the run was stopped at a step boundary: the steps running then ended, nothing new was started; resume to go on"))
        }
        let outcome: RunOutcome
        if !failures.isEmpty {
            outcome = .failed(failures)
        } else if !waitingSteps.isEmpty || !state.pending.isEmpty {
            outcome = .waiting(files: waitingFiles, steps: waitingSteps)
        } else {
            outcome = .done(ran: state.ran, skipped: state.skipped)
        }
        // How the run ended, so that the next look at the deployment (the wizard's Step 5)
        // knows a run is open and why.
        var end = JournalRecord(type: "end", runID: journal.runID, planDigest: plan.digest, flow: plan.flow.rawValue, end: Date())
        switch outcome {
        case .done: end.outcome = "done"
        case let .waiting(files, _): end.outcome = "waiting"; end.files = files
        case let .failed(failures): end.outcome = "failed"; end.reason = failures.first?.reason
        }
        try? journal.append(end)
        onEvent(.runFinished(outcome))
        return outcome
    }

    func nodeName(_ step: Step) -> String { step.node ?? "local" }

    func progress(_ step: Step, _ state: Schedule) -> StepProgress {
        let node = nodeName(step)
        return StepProgress(stepID: step.id, node: node, command: step.command,
                            nodeDone: state.finished[node, default: 0], nodeTotal: state.total[node, default: 0])
    }

    func record(_ step: Step, outcome: String, start: Date, end: Date? = nil, output: String? = nil) -> JournalRecord {
        JournalRecord(type: "step", runID: journal.runID, planDigest: plan.digest, step: step.id, node: nodeName(step),
                      command: step.command, start: start, end: end, outcome: outcome,
                      outputDigest: output.map { Digest.sha256Hex($0) })
    }
}

/// Which steps are ready: all they wait for done, their node not busy. Among the ready,
/// the one with the longest chain of steps after it goes first (then plan order), so that
/// the critical path is never kept waiting.
struct Schedule {
    let steps: [Step]
    var pending: Set<Int>
    var completed: Set<String>
    var busy: [String: Int] = [:]
    var finished: [String: Int] = [:]
    var total: [String: Int] = [:]
    var ran = 0
    let skipped: Int
    let rank: [Int]

    init(plan: Plan, done: Set<String>) {
        steps = plan.steps
        let ids = Set(plan.steps.map(\.id))
        completed = done.intersection(ids)
        skipped = completed.count
        pending = Set(plan.steps.indices.filter { !done.contains(plan.steps[$0].id) })
        var index: [String: Int] = [:]
        for (i, s) in plan.steps.enumerated() { index[s.id] = i }
        // Steps come in dependency order, so a reverse walk sees every dependent first.
        var rank = [Int](repeating: 1, count: plan.steps.count)
        for i in plan.steps.indices.reversed() {
            for dep in plan.steps[i].dependsOn { if let d = index[dep] { rank[d] = max(rank[d], rank[i] + 1) } }
        }
        self.rank = rank
        for s in plan.steps {
            let node = s.node ?? "local"
            total[node, default: 0] += 1
            if done.contains(s.id) { finished[node, default: 0] += 1 }
        }
    }

    /// The next step to start, taken out of `pending`; nil when none is ready.
    mutating func next(perNode: Int) -> Step? {
        let ready = pending.filter { i in
            let s = steps[i]
            return busy[s.node ?? "local", default: 0] < perNode && s.dependsOn.allSatisfy(completed.contains)
        }
        guard let pick = ready.min(by: { (rank[$0], -$0) > (rank[$1], -$1) }) else { return nil }
        pending.remove(pick)
        busy[steps[pick].node ?? "local", default: 0] += 1
        return steps[pick]
    }

    mutating func finish(_ step: Step, ok: Bool) {
        let node = step.node ?? "local"
        busy[node, default: 1] -= 1
        if ok {
            completed.insert(step.id)
            finished[node, default: 0] += 1
            ran += 1
        }
    }
}
