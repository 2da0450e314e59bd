import COpenSSL
import Foundation
#if canImport(Glibc)
import Glibc
private let systemConnect = Glibc.connect
#elseif canImport(Darwin)
import Darwin
private let systemConnect = Darwin.connect
#endif

/// Why a TLS endpoint could not be read, worded for the admin: which endpoint, what
/// failed, what to check.
public struct TLSProbeError: Error, CustomStringConvertible, Sendable, Equatable {
    public var endpoint: String
    public var message: String

    public init(endpoint: String, message: String) {
        self.endpoint = endpoint
        self.message = message
    }

    public var description: String { "\(endpoint): \(message)" }
}

/// Connects to a TLS endpoint and returns the certificate chain exactly as the server
/// presents it (entity first, then whatever the server sends, in its order). Nothing is
/// verified or trusted: the point is to see what a client is shown.
public enum TLSProbe {
    /// The chain `host:port` presents, asking for `serverName` by SNI (none for an IP
    /// literal without a name). `timeout` bounds the connection and the handshake.
    public static func presentedChain(host: String, port: Int, serverName: String?,
                                      timeout: Duration = .seconds(10)) throws -> [Certificate] {
        let endpoint = "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        let deadline = ContinuousClock.now + timeout
        let fd = try connect(host: host, port: port, endpoint: endpoint, deadline: deadline)
        defer { close(fd) }

        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TLSProbeError(endpoint: endpoint, message: "OpenSSL could not make a TLS context (\(OpenSSL.drainErrors()))")
        }
        defer { SSL_CTX_free(context) }
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        guard let ssl = SSL_new(context) else {
            throw TLSProbeError(endpoint: endpoint, message: "OpenSSL could not make a TLS session (\(OpenSSL.drainErrors()))")
        }
        defer { SSL_free(ssl) }
        if let serverName, !serverName.isEmpty {
            guard cms_ssl_set_tlsext_host_name(ssl, serverName) == 1 else {
                throw TLSProbeError(endpoint: endpoint, message: "'\(serverName)' cannot be sent as the SNI name")
            }
        }
        SSL_set_fd(ssl, fd)
        ERR_clear_error()
        guard SSL_connect(ssl) == 1 else {
            let detail = OpenSSL.drainErrors()
            let timedOut = ContinuousClock.now >= deadline
            throw TLSProbeError(endpoint: endpoint, message: timedOut
                ? "the TLS handshake did not finish in time: is this port a TLS service (STARTTLS services such as XMPP need a plain connection first)?"
                : "the TLS handshake failed\(detail.isEmpty ? "" : " (\(detail))"): check that this port serves TLS")
        }
        guard let stack = SSL_get_peer_cert_chain(ssl) else {
            throw TLSProbeError(endpoint: endpoint, message: "the server presented no certificate")
        }
        var chain: [Certificate] = []
        for i in 0..<cms_sk_X509_num(stack) {
            guard let x = cms_sk_X509_value(stack, i), X509_up_ref(x) == 1 else { continue }
            chain.append(try Certificate(owning: x))
        }
        SSL_shutdown(ssl)
        ERR_clear_error()
        if chain.isEmpty { throw TLSProbeError(endpoint: endpoint, message: "the server presented no certificate") }
        return chain
    }

    /// A connected TCP socket with send and receive timeouts up to `deadline`.
    static func connect(host: String, port: Int, endpoint: String, deadline: ContinuousClock.Instant) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw TLSProbeError(endpoint: endpoint, message: "the name \(host) does not resolve (\(String(cString: gai_strerror(status)))): check the host name and DNS")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let address = entry {
            entry = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if fd < 0 { lastError = String(cString: strerror(errno)); continue }
            let flags = fcntl(fd, F_GETFL, 0)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var result = systemConnect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen)
            if result != 0 && errno == EINPROGRESS {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let remaining = max(0, milliseconds(until: deadline))
                if poll(&poller, 1, Int32(remaining)) == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    result = error == 0 ? 0 : -1
                    if error != 0 { lastError = String(cString: strerror(error)) }
                } else {
                    lastError = "no answer in time"
                    result = -1
                }
            } else if result != 0 {
                lastError = String(cString: strerror(errno))
            }
            if result == 0 {
                _ = fcntl(fd, F_SETFL, flags)
                let remaining = max(1, milliseconds(until: deadline))
                var limit = timeval(tv_sec: remaining / 1000, tv_usec: Int((remaining % 1000) * 1000))
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                return fd
            }
            close(fd)
        }
        throw TLSProbeError(endpoint: endpoint, message: "cannot connect (\(lastError)): check the address, the port and any firewall")
    }

    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int {
        let left = deadline - ContinuousClock.now
        return Int(left.components.seconds) * 1000 + Int(left.components.attoseconds / 1_000_000_000_000_000)
    }
}
