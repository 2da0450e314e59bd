import Deployment
import Foundation

/// One run of a plan, the same for the command line and the wizard: the deployment's lock
/// (one run at a time), the transports, the journal (a new run keeps the state its plan
/// was made from; a resumed one skips what it finished and looks at the nodes before
/// repeating what must not run twice), the executor, and closing it all.
///
///     let session = try RunSession.start(plan: plan, state: read, stateDirectory: dir, workspace: ws,
///                                        resume: nil, operation: "cmscerts apply", transports: { ... })
///     let outcome = await session.run { event in ... }   // closes transports and lock at the end
public final class RunSession: @unchecked Sendable {
    public let plan: Plan
    public let journal: Journal
    /// Steps an earlier run of the same plan finished (skipped).
    public let done: Set<String>
    /// Steps an earlier run started and never ended (looked at before they run again).
    public let interrupted: Set<String>
    let executor: Executor
    private let transports: [String: any Transport]
    private let lock: RunLock

    private init(plan: Plan, journal: Journal, done: Set<String>, interrupted: Set<String>, executor: Executor,
                 transports: [String: any Transport], lock: RunLock) {
        self.plan = plan
        self.journal = journal
        self.done = done
        self.interrupted = interrupted
        self.executor = executor
        self.transports = transports
        self.lock = lock
    }

    /// Opens the run: takes the lock (unless the caller holds it already, as `apply` does
    /// from before it reads the nodes), opens the journal of `resume` (checked against
    /// `plan`) or a new one that keeps `state`, and makes the transports. Throws
    /// `RunLockError` when another run holds the deployment, `JournalError` when `resume`
    /// cannot be continued with this plan, or the transports' error.
    public static func start(plan: Plan, state: CurrentState?, stateDirectory: String, workspace: String, resume: String?,
                             operation: String, options: ExecutorOptions = ExecutorOptions(), lock held: RunLock? = nil,
                             transports make: () throws -> [String: any Transport]) throws -> RunSession {
        let lock = try held ?? RunLock.acquire(stateDirectory: stateDirectory, operation: operation, runID: resume)
        let journal: Journal
        var done: Set<String> = []
        var interrupted: Set<String> = []
        if let resume {
            let resumption = try Journal.resume(stateDirectory: stateDirectory, runID: resume, plan: plan, workspace: workspace)
            journal = resumption.journal
            done = resumption.done
            interrupted = resumption.interrupted
        } else {
            journal = try Journal.create(stateDirectory: stateDirectory, plan: plan)
            if let state { try journal.saveState(state) }
        }
        lock.note(runID: journal.runID)
        let transports = try make()
        let executor = Executor(plan: plan, transports: transports, workspace: workspace, journal: journal, options: options)
        return RunSession(plan: plan, journal: journal, done: done, interrupted: interrupted, executor: executor,
                          transports: transports, lock: lock)
    }

    /// Runs the plan to its end (done, waiting for files, failed or stopped), then closes
    /// the transports and lets go of the lock.
    public func run(onEvent: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }) async -> RunOutcome {
        let outcome = await executor.run(skipping: done, interrupted: interrupted, onEvent: onEvent)
        await close()
        return outcome
    }

    /// Closes the transports (SSH's shared connections) and lets go of the lock.
    public func close() async {
        for transport in transports.values { await transport.close() }
        lock.release()
    }
}
