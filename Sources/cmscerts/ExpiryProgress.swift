import Foundation

/// The progress line of `cmscerts expiry` on a terminal: one line on standard error,
/// redrawn in place a few times a second ("files read 12000 · nodes read 3/6 · endpoints
/// probed 40/300"), cleared before anything is written to standard output and at the end.
/// Off (nothing at all is written) unless both standard output and standard error are
/// terminals: a cron job, a pipe or a file gets no progress.
final class ExpiryProgress: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var files = 0
    private var nodes = 0, nodesTotal = 0
    private var endpoints = 0, endpointsTotal = 0
    private var shown = false
    private var stopped = false

    init(enabled: Bool) {
        self.enabled = enabled
        guard enabled else { return }
        let thread = Thread { [weak self] in
            while let self, self.tick() { usleep(100_000) }
        }
        thread.start()
    }

    /// Both standard output and standard error are terminals.
    static var wanted: Bool { isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 }

    func filesRead(_ count: Int) { update { files += count } }
    func expectNodes(_ count: Int) { update { nodesTotal += count } }
    func nodeRead() { update { nodes += 1 } }
    func expectEndpoints(_ count: Int) { update { endpointsTotal += count } }
    func endpointProbed() { update { endpoints += 1 } }

    /// The line as shown, for the counts given.
    static func line(files: Int, nodes: Int, nodesTotal: Int, endpoints: Int, endpointsTotal: Int) -> String {
        var parts = ["files read \(files)"]
        if nodesTotal > 0 { parts.append("nodes read \(nodes)/\(nodesTotal)") }
        if endpointsTotal > 0 { parts.append("endpoints probed \(endpoints)/\(endpointsTotal)") }
        return parts.joined(separator: " · ")
    }

    /// Clears the line before standard output is written (the output would otherwise
    /// follow the progress on the same line); it is drawn again at the next tick.
    func clear() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        erase()
    }

    /// Clears the line for good.
    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        erase()
        stopped = true
    }

    private func update(_ change: () -> Void) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        change()
    }

    /// Draws the line; false once finished.
    private func tick() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !stopped else { return false }
        let text = Self.line(files: files, nodes: nodes, nodesTotal: nodesTotal, endpoints: endpoints, endpointsTotal: endpointsTotal)
        write("\r\u{1B}[K" + text)
        shown = true
        return true
    }

    private func erase() {
        if shown { write("\r\u{1B}[K") }
        shown = false
    }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = Foundation.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
