import Foundation

/// Where the jobs of `.task` commands run: threads of their own, one more whenever every
/// thread is busy (up to `limit`), never Swift's cooperative pool. Much of the work behind
/// a task is synchronous (the dashboard's file scan, the lab's in-process nodes, file
/// writes): on the pool, which is as wide as the cores, it held the pool's threads, and
/// it waited in turn for whatever else held them (in the test runner, every other suite:
/// the dashboard's scan once waited minutes on two loaded cores). Child tasks (a task
/// group reading the nodes at once) inherit the preference, so they run side by side
/// here too.
public final class TaskThreads: TaskExecutor, @unchecked Sendable {
    public static let shared = TaskThreads()

    /// The most threads at once; beyond it jobs wait for a thread to come free.
    public let limit: Int
    /// How long an idle thread waits for a job before it ends.
    let idleSeconds: TimeInterval

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var idle = 0
    private var threads = 0
    /// The most threads that ran at once (for the tests).
    public private(set) var peak = 0

    public init(limit: Int = 64, idleSeconds: TimeInterval = 5) {
        self.limit = max(1, limit)
        self.idleSeconds = idleSeconds
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        // Every job waiting has an idle thread to take it (a thread signalled counts as
        // idle until it wakes and takes one), or a new thread is made for it.
        if jobs.count <= idle {
            condition.signal()
        } else if threads < limit {
            threads += 1
            peak = max(peak, threads)
            let thread = Thread { [self] in work() }
            thread.name = "cmscerts task"
            thread.start()
        }
        condition.unlock()
    }

    /// The number of threads alive now.
    public var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return threads
    }

    private func work() {
        let executor = asUnownedTaskExecutor()
        condition.lock()
        while true {
            if jobs.isEmpty {
                idle += 1
                let woken = condition.wait(until: Date(timeIntervalSinceNow: idleSeconds))
                idle -= 1
                if !woken && jobs.isEmpty {
                    threads -= 1
                    condition.unlock()
                    return
                }
                continue
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: executor)
            condition.lock()
        }
    }
}
