import Foundation
import PKI
import Testing
import TestSupport
@testable import Inventory

/// Endpoints are probed at once, never more than `--jobs` at a time: a fleet with silent
/// endpoints takes about one timeout, not one per endpoint.
@Suite("Endpoints probed at once")
struct ConcurrentProbeTests {
    /// Counts the work running at once, and the most seen.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private var running = 0
        private(set) var most = 0
        func enter() { lock.lock(); running += 1; most = max(most, running); lock.unlock() }
        func leave() { lock.lock(); running -= 1; lock.unlock() }
    }

    @Test func neverMoreThanTheBoundAtOnceAndTheBoundIsReached() {
        for jobs in [1, 4, 16] {
            let gauge = Gauge()
            let results = BoundedWork.map(Array(0..<40), jobs: jobs) { item in
                gauge.enter()
                usleep(20_000)
                gauge.leave()
                return item * 2
            }
            #expect(results == (0..<40).map { $0 * 2 }, "in the items' order")
            #expect(gauge.most <= jobs)
            // Each item waits 20 ms: the threads started together overlap.
            #expect(gauge.most == jobs, "\(jobs) jobs: \(gauge.most) at most")
        }
        #expect(BoundedWork.map([Int](), jobs: 8) { $0 }.isEmpty)
    }

    @Test func silentEndpointsWaitTheirTimeoutTogether() throws {
        let count = 12
        let listeners = try (0..<count).map { _ in try SilentListener() }
        let refused = try TestSupport.freePort()
        let targets = listeners.map { EndpointTarget(host: "127.0.0.1", port: $0.port) }
            + [EndpointTarget(host: "127.0.0.1", port: refused)]
        let done = Gauge()
        let start = Date()
        let scans = EndpointSource.scan(targets, jobs: 32, policy: try ExpiryPolicy(), timeout: .seconds(2),
                                        done: { done.enter() })
        let elapsed = Date().timeIntervalSince(start)
        #expect(scans.count == count + 1)
        #expect(scans.map(\.target) == targets, "in the targets' order")
        #expect(scans.allSatisfy { $0.rows.count == 1 && $0.rows[0].status == .unreadable })
        #expect(scans.prefix(count).allSatisfy { $0.rows[0].reason?.contains("did not finish in time") == true || $0.rows[0].reason?.contains("no answer in time") == true },
                "\(scans.map { $0.rows[0].reason ?? "" })")
        #expect(done.most == count + 1, "each probe said it was done")
        // One after another: 12 x 2 s = 24 s. At once: about 2 s; a loaded machine gets a wide margin.
        #expect(elapsed < 12, "\(elapsed) s")
        withExtendedLifetime(listeners) {}
    }
}
