import Foundation

/// The runs this process is carrying out, and the way to stop them all at a step boundary:
/// what the wizard does when it is left mid-run (Ctrl-C, SIGTERM, SIGHUP), so that the
/// process ends after its running steps have ended and been journaled, never in the middle
/// of one, and never while a run's threads still work (an exit then can crash).
public enum RunStop {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var active: [String] = []
    nonisolated(unsafe) private static var stopRequested = false

    /// Asks every run of this process to start nothing new; the steps running end.
    public static func requestAll() {
        lock.lock(); stopRequested = true; lock.unlock()
    }

    /// True once `requestAll()` was called.
    public static var requested: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopRequested
    }

    /// The ids of the runs going on now.
    public static var running: [String] {
        lock.lock(); defer { lock.unlock() }
        return active
    }

    /// Waits (blocking) until no run is going on, at most `timeout`; true when none is.
    @discardableResult
    public static func waitForRuns(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !running.isEmpty {
            if Date() > deadline { return false }
            usleep(10_000)
        }
        return true
    }

    static func enter(_ runID: String) {
        lock.lock(); active.append(runID); lock.unlock()
    }

    static func leave(_ runID: String) {
        lock.lock()
        if let i = active.firstIndex(of: runID) { active.remove(at: i) }
        lock.unlock()
    }
}
