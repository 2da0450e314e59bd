import Foundation

/// A TCP socket on 127.0.0.1 that listens and never answers: connections complete (the
/// kernel queues them) and then nothing is said, as a firewall that swallows traffic or a
/// hung service would. For the tests of timeouts.
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        (fd, port) = try TestSupport.listenOnLoopback()
    }

    deinit { close(fd) }
}

extension TestSupport {
    /// A TCP socket listening on 127.0.0.1 at a port the kernel picks: the socket and the port.
    static func listenOnLoopback() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        var address = loopback(port: 0)
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
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
