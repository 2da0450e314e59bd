import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
private let systemWrite = Darwin.write
#endif

/// Why an HTTP fetch failed, worded for the admin (the URL is added by the caller).
public struct HTTPGetError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A plain `http://` GET, as fetching a CA's certificate from the URL a certificate names
/// needs (RFC 5280 4.2.2.1: caIssuers over HTTP): one request, `Connection: close`, a body
/// sized by Content-Length, chunked, or the connection's end; redirects followed (to
/// `http://` only, at most five); one deadline for everything; at most `maximumSize`
/// bytes of body. Written on sockets so that cmscerts does not load URLSession (and
/// libcurl with its thirty libraries) into every run for a rare command.
///
/// The URL comes from a certificate, so it is hostile: only printable ASCII without
/// spaces reaches the request line, and the host goes to getaddrinfo, never to a shell.
public enum HTTPGet {
    public struct Response: Sendable, Equatable {
        /// The URL that answered (after redirects).
        public var url: String
        public var status: Int
        public var body: [UInt8]
    }

    public static let maximumRedirects = 5

    /// GETs `url`; a status other than a redirect is returned as it is (the caller
    /// decides what a 404 means). Throws `HTTPGetError` when there is no answer.
    public static func get(_ url: String, accept: String, timeout: Duration = .seconds(10),
                           maximumSize: Int = 1 << 20) throws -> Response {
        let deadline = ContinuousClock.now + timeout
        var current = url
        for _ in 0...maximumRedirects {
            let target = try Target(current)
            let response = try exchange(target, accept: accept, deadline: deadline, timeout: timeout, maximumSize: maximumSize)
            guard [301, 302, 303, 307, 308].contains(response.status) else {
                return Response(url: current, status: response.status, body: response.body)
            }
            guard let location = response.headers["location"], !location.isEmpty else {
                throw HTTPGetError("answered HTTP \(response.status) without saying where to go (no Location)")
            }
            guard let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString else {
                throw HTTPGetError("answered HTTP \(response.status) with a Location that is not a URL")
            }
            current = next
        }
        throw HTTPGetError("redirected more than \(maximumRedirects) times")
    }

    /// Where to connect and what to ask, from an `http://` URL.
    struct Target: Equatable {
        var host: String
        var port: Int
        /// The path and query, as sent on the request line.
        var resource: String
        /// The Host header: the host, with the port when it is not 80.
        var hostHeader: String

        init(_ url: String) throws {
            guard let parsed = URL(string: url), parsed.scheme?.lowercased() == "http",
                  let host = parsed.host, !host.isEmpty else {
                throw HTTPGetError("only http:// URLs are fetched (RFC 5280)")
            }
            guard parsed.user == nil, parsed.password == nil else {
                throw HTTPGetError("the URL carries a user name or password: cmscerts does not send credentials")
            }
            let port = parsed.port ?? 80
            guard (1...65_535).contains(port) else { throw HTTPGetError("the URL's port \(port) is not a TCP port") }
            let resource = Target.resource(of: url)
            let printable: (String) -> Bool = { text in text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } }
            // The host as getaddrinfo takes it (an IPv6 literal without its brackets).
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            guard printable(bare), printable(resource), !bare.hasPrefix("-") else {
                throw HTTPGetError("the URL holds spaces or control characters: it cannot be asked for as it is")
            }
            self.host = bare
            self.port = port
            self.resource = resource
            let shown = bare.contains(":") ? "[\(bare)]" : bare
            hostHeader = port == 80 ? shown : "\(shown):\(port)"
        }

        /// The path and query of `url` as written in it (percent escapes kept), without a fragment.
        static func resource(of url: String) -> String {
            guard let schemeEnd = url.range(of: "://") else { return "/" }
            let afterScheme = url[schemeEnd.upperBound...]
            guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            var resource = String(afterScheme[slash...])
            if let hash = resource.firstIndex(of: "#") { resource = String(resource[..<hash]) }
            return resource.hasPrefix("?") ? "/" + resource : resource
        }
    }

    struct RawResponse {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    static func exchange(_ target: Target, accept: String, deadline: ContinuousClock.Instant, timeout: Duration,
                         maximumSize: Int) throws -> RawResponse {
        let endpoint = "\(target.hostHeader)"
        let fd: Int32
        do {
            fd = try TLSProbe.connect(host: target.host, port: target.port, endpoint: endpoint, deadline: deadline)
        } catch let error as TLSProbeError {
            throw HTTPGetError(error.message)
        }
        defer { close(fd) }
        let request = "GET \(target.resource) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nAccept: \(accept)\r\n"
            + "User-Agent: cmscerts\r\nConnection: close\r\n\r\n"
        try send(Array(request.utf8), to: fd, deadline: deadline, timeout: timeout)
        // Headers are small; the body at most maximumSize: anything beyond is refused.
        let limit = maximumSize + 64 * 1024
        var received: [UInt8] = []
        var parsed: ParsedHead?
        while true {
            if parsed == nil, let head = try ParsedHead(received) { parsed = head }
            if let head = parsed, let body = try head.completeBody(received, maximumSize: maximumSize, ended: false) {
                return RawResponse(status: head.status, headers: head.headers, body: body)
            }
            guard received.count <= limit else {
                throw HTTPGetError("answered more than \(maximumSize) bytes: far too large for a CA certificate")
            }
            let chunk = try receive(from: fd, deadline: deadline, timeout: timeout)
            if chunk.isEmpty {
                // The server closed the connection: what was sent is the whole answer.
                guard let head = try parsed ?? ParsedHead(received) else {
                    throw HTTPGetError(received.isEmpty ? "closed the connection without answering" : "answered something that is not HTTP")
                }
                guard let body = try head.completeBody(received, maximumSize: maximumSize, ended: true) else {
                    throw HTTPGetError("closed the connection before the whole answer was sent")
                }
                return RawResponse(status: head.status, headers: head.headers, body: body)
            }
            received += chunk
        }
    }

    /// The status line and headers of an answer, once all of them have arrived.
    struct ParsedHead {
        var status: Int
        /// Lower-cased names; a repeated header keeps its last value.
        var headers: [String: String]
        /// Where the body starts in the bytes received.
        var bodyStart: Int

        /// Nil while the blank line that ends the headers has not arrived.
        init?(_ bytes: [UInt8]) throws {
            guard let end = Self.headEnd(bytes) else {
                if bytes.count > 64 * 1024 { throw HTTPGetError("answered headers longer than 64 KB") }
                return nil
            }
            // Split on the bytes: in a Swift String "\r\n" is one Character, not a "\n".
            var lines = bytes[0..<end.headEnd].split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
                String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            }
            let statusLine = lines.removeFirst()
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
                throw HTTPGetError("answered something that is not HTTP")
            }
            var headers: [String: String] = [:]
            for line in lines where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            self.status = status
            self.headers = headers
            bodyStart = end.bodyStart
        }

        static func headEnd(_ bytes: [UInt8]) -> (headEnd: Int, bodyStart: Int)? {
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0A {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x0A { return (i, i + 2) }
                    if i + 2 < bytes.count && bytes[i + 1] == 0x0D && bytes[i + 2] == 0x0A { return (i, i + 3) }
                }
                i += 1
            }
            return nil
        }

        /// The body when it is all there: by Content-Length, by chunks, or (`ended`) all
        /// that came before the connection closed. Nil while more is to come.
        func completeBody(_ bytes: [UInt8], maximumSize: Int, ended: Bool) throws -> [UInt8]? {
            let rest = Array(bytes[min(bodyStart, bytes.count)...])
            if let coding = headers["transfer-encoding"]?.lowercased(), coding != "identity" {
                guard coding == "chunked" else { throw HTTPGetError("answered with transfer coding '\(coding)', which cmscerts does not read") }
                return try Self.dechunk(rest, maximumSize: maximumSize)
            }
            if let lengthText = headers["content-length"] {
                guard let length = Int(lengthText), length >= 0 else { throw HTTPGetError("answered a Content-Length that is not a number") }
                guard length <= maximumSize else {
                    throw HTTPGetError("answered \(length) bytes: far too large for a CA certificate")
                }
                if rest.count >= length { return Array(rest[0..<length]) }
                return nil
            }
            guard rest.count <= maximumSize else {
                throw HTTPGetError("answered more than \(maximumSize) bytes: far too large for a CA certificate")
            }
            return ended ? rest : nil
        }

        /// A chunked body decoded; nil while the last chunk has not arrived.
        static func dechunk(_ bytes: [UInt8], maximumSize: Int) throws -> [UInt8]? {
            var out: [UInt8] = []
            var i = 0
            while true {
                guard let lineEnd = bytes[i...].firstIndex(of: 0x0A) else { return nil }
                let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self)
                    .split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
                guard let size = Int(sizeText, radix: 16), size >= 0 else {
                    throw HTTPGetError("answered a chunked body that cannot be read")
                }
                i = lineEnd + 1
                if size == 0 { return out }
                guard out.count + size <= maximumSize else {
                    throw HTTPGetError("answered more than \(maximumSize) bytes: far too large for a CA certificate")
                }
                guard bytes.count >= i + size + 1 else { return nil }
                out += bytes[i..<(i + size)]
                i += size
                if bytes[i] == 0x0D { i += 1 }
                guard i < bytes.count else { return nil }
                guard bytes[i] == 0x0A else { throw HTTPGetError("answered a chunked body that cannot be read") }
                i += 1
            }
        }
    }

    static func waitFor(_ events: Int32, on fd: Int32, deadline: ContinuousClock.Instant, timeout: Duration) throws {
        while true {
            let remaining = TLSProbe.milliseconds(until: deadline)
            guard remaining > 0 else { throw HTTPGetError("did not answer in \(timeout.components.seconds) seconds") }
            var poller = pollfd(fd: fd, events: Int16(events), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, Int(Int32.max))))
            if ready < 0 && errno == EINTR { continue }
            if ready > 0 { return }
            if ready < 0 { throw HTTPGetError("cannot wait for the answer (\(String(cString: strerror(errno))))") }
        }
    }

    static func send(_ bytes: [UInt8], to fd: Int32, deadline: ContinuousClock.Instant, timeout: Duration) throws {
        var done = 0
        while done < bytes.count {
            try waitFor(Int32(POLLOUT), on: fd, deadline: deadline, timeout: timeout)
            let n = bytes[done...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard n > 0 else { throw HTTPGetError("the connection failed while asking (\(String(cString: strerror(errno))))") }
            done += n
        }
    }

    /// What the server sent next; empty when it closed the connection.
    static func receive(from fd: Int32, deadline: ContinuousClock.Instant, timeout: Duration) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            try waitFor(Int32(POLLIN), on: fd, deadline: deadline, timeout: timeout)
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard n >= 0 else { throw HTTPGetError("the connection failed while reading the answer (\(String(cString: strerror(errno))))") }
            return Array(buffer[0..<n])
        }
    }
}
