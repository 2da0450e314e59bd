import Foundation
import Orchestration

/// `openssl s_server` on 127.0.0.1 at a free port, presenting `cert` (and the extra
/// chain file, as given) until `stop()`: a live TLS endpoint for the expiry tests.
public final class TLSServer: @unchecked Sendable {
    public let pid: pid_t
    public let port: Int
    private var stopped = false

    /// Starts it in `directory` (the files are taken from there) and waits until it accepts.
    public init(directory: String, cert: String, key: String, chain: String? = nil) throws {
        port = try TestSupport.freePort()
        var arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-naccept", "100", "-quiet"]
        if let chain { arguments += ["-cert_chain", chain] }
        // LocalCommand, not Foundation's Process: a long-lived child must not hide other children's exits.
        pid = try LocalCommand.spawn("openssl", arguments, directory: directory)
        // Poll until it accepts (no fixed sleep); give up after 20 s.
        let deadline = Date().addingTimeInterval(20)
        while !TestSupport.accepts(port: port) {
            guard LocalCommand.isRunning(pid), Date() < deadline else {
                stop()
                throw HarnessError("openssl s_server did not start on port \(port)")
            }
            usleep(20_000)
        }
    }

    public func stop() {
        if !stopped {
            stopped = true
            LocalCommand.terminate(pid, grace: 0)
        }
    }

    deinit { stop() }
}
