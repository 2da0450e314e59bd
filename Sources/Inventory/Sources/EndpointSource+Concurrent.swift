import Foundation
import PKI

extension EndpointSource {
    /// Probes `targets` at once, at most `jobs` at a time, each with its own `timeout`:
    /// a fleet with a few silent endpoints takes about one timeout, not one per endpoint.
    /// The scans come back in the order of `targets`; `done` is called (from any thread)
    /// as each one ends.
    public static func scan(_ targets: [EndpointTarget], jobs: Int, policy: ExpiryPolicy, now: Date = Date(),
                            timeout: Duration = .seconds(10), done: @escaping @Sendable () -> Void = {}) -> [EndpointScan] {
        BoundedWork.map(targets, jobs: jobs) { target in
            let result = scan(target, policy: policy, now: now, timeout: timeout)
            done()
            return result
        }
    }
}

/// Blocking work (a TLS handshake, a connect that waits for its timeout) spread over up
/// to `jobs` threads of its own, not Dispatch's or Swift's pools, which keep to the
/// number of cores and would run one silent endpoint per core.
public enum BoundedWork {
    /// `work` applied to every item, at most `jobs` at a time; the results in the items' order.
    public static func map<Item: Sendable, Output: Sendable>(_ items: [Item], jobs: Int,
                                                             _ work: @escaping @Sendable (Item) -> Output) -> [Output] {
        guard !items.isEmpty else { return [] }
        let state = Shared<Output>(count: items.count)
        let threads = max(1, min(jobs, items.count))
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            let thread = Thread {
                while let index = state.take() {
                    state.put(work(items[index]), at: index)
                }
                finished.signal()
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        for _ in 0..<threads { finished.wait() }
        return state.results()
    }

    /// The next index to do and the results so far, under one lock.
    private final class Shared<Output>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private let count: Int
        private var outputs: [Output?]

        init(count: Int) {
            self.count = count
            outputs = Array(repeating: nil, count: count)
        }

        func take() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < count else { return nil }
            next += 1
            return next - 1
        }

        func put(_ output: Output, at index: Int) {
            lock.lock(); defer { lock.unlock() }
            outputs[index] = output
        }

        func results() -> [Output] {
            lock.lock(); defer { lock.unlock() }
            return outputs.map { $0! }
        }
    }
}
