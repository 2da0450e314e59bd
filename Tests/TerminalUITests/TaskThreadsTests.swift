import Foundation
import Testing
@testable import TerminalUI

/// `TaskThreads`, where the wizard's `.task` commands run: work that blocks a thread
/// (an ssh process, a socket) never waits for another's to end, however few cores.
@Suite("Task threads: .task work off the cooperative pool")
struct TaskThreadsTests {
    /// A barrier `parties` threads must all reach; false when it took longer than 20 s.
    final class Barrier: @unchecked Sendable {
        let condition = NSCondition()
        var arrived = 0
        let parties: Int
        init(_ parties: Int) { self.parties = parties }
        func arriveAndWait() -> Bool {
            condition.lock()
            defer { condition.unlock() }
            arrived += 1
            condition.broadcast()
            let deadline = Date(timeIntervalSinceNow: 20)
            while arrived < parties {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }

    /// More blocking tasks than cores all run at once: each waits for every other, which
    /// on a pool as wide as the cores (two here) could never happen.
    @Test func moreBlockingTasksThanCoresRunAtOnce() async {
        let parties = ProcessInfo.processInfo.activeProcessorCount + 2
        let threads = TaskThreads(limit: 64, idleSeconds: 1)
        let barrier = Barrier(parties)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<parties {
                group.addTask(executorPreference: threads) { barrier.arriveAndWait() }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == parties && results.allSatisfy { $0 }, "\(results)")
        #expect(threads.peak >= parties)
    }

    /// A task's own children (a task group reading the nodes) inherit the threads.
    @Test func childrenOfATaskRunHereToo() async {
        let threads = TaskThreads(limit: 64, idleSeconds: 1)
        let parties = ProcessInfo.processInfo.activeProcessorCount + 2
        let barrier = Barrier(parties)
        let all = await Task.detached(executorPreference: threads) {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<parties { group.addTask { barrier.arriveAndWait() } }
                return await group.reduce(true) { $0 && $1 }
            }
        }.value
        #expect(all)
        #expect(threads.peak >= parties)
    }

    /// The limit holds: jobs beyond it wait for a thread, and run once one is free.
    @Test func theLimitHolds() async {
        let threads = TaskThreads(limit: 2, idleSeconds: 1)
        let sum = await withTaskGroup(of: Int.self) { group in
            for i in 0..<20 {
                group.addTask(executorPreference: threads) { usleep(5_000); return i }
            }
            return await group.reduce(0, +)
        }
        #expect(sum == 190)
        #expect(threads.peak == 2)
    }

    /// Idle threads end after a while: a wizard left open holds none.
    @Test func idleThreadsEnd() async throws {
        let threads = TaskThreads(limit: 8, idleSeconds: 0.2)
        await Task.detached(executorPreference: threads) { _ = usleep(10_000) }.value
        #expect(threads.peak >= 1)
        let deadline = Date(timeIntervalSinceNow: 10)
        while threads.threadCount > 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(threads.threadCount == 0)
    }
}
