import Foundation
import Orchestration

/// `openssl s_server` on 127.0.0.1 at a free port, presenting `cert` and the extra chain
/// file as given (paths relative to `directory`): a live TLS endpoint for the tests of the
/// endpoint reader and the dashboard. Stopped by `stop()` or when released.
public final class TLSServer: @unchecked Sendable {
    public let pid: pid_t
    public let port: Int
    private var stopped = false

    public init(directory: String, cert: String, key: String, chain: String?) throws {
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

/// A TCP socket on 127.0.0.1 that listens and never answers: connections complete (the
/// kernel queues them) and then nothing is said, as a firewall that swallows traffic or a
/// hung service would. For the tests of timeouts.
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        var address = TestSupport.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard listening else {
            close(fd)
            throw HarnessError("cannot listen on 127.0.0.1")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
