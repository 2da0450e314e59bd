import Foundation

/// A plain HTTP/1.0 server on 127.0.0.1 that answers GET with the bytes given for a path
/// (404 otherwise), one connection at a time, for the tests of fetching a CA's
/// certificate from the URL a certificate names. `requests` lists the paths asked.
public final class HTTPFileServer: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var files: [String: Data]
    private var raw: [String: Data] = [:]
    private var asked: [String] = []

    public init(files: [String: Data]) throws {
        self.files = files
        (fd, port) = try TestSupport.listenOnLoopback()
        let thread = Thread { [weak self] in self?.serve() }
        thread.start()
    }

    /// `http://127.0.0.1:PORT/path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// Serves `data` at `path` from now on.
    public func set(_ path: String, _ data: Data) { lock.lock(); files[path] = data; lock.unlock() }

    /// Answers `path` with `bytes` as they are (status line, headers and body), to play
    /// servers that redirect, send chunks or answer badly.
    public func setRaw(_ path: String, _ bytes: Data) { lock.lock(); raw[path] = bytes; lock.unlock() }

    /// The request lines and headers received so far, one string per request.
    public var heads: [String] { lock.lock(); defer { lock.unlock() }; return received }
    private var received: [String] = []

    /// The paths asked so far.
    public var requests: [String] { lock.lock(); defer { lock.unlock() }; return asked }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { if errno == EINTR { continue }; return }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.ends(with: [0x0D, 0x0A, 0x0D, 0x0A]), request.count < 16_384 {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            request += buffer[0..<n]
        }
        let line = String(decoding: request.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = line.split(separator: " ")
        let path = parts.count >= 2 ? String(parts[1].drop { $0 == "/" }) : ""
        lock.lock()
        asked.append(path)
        received.append(String(decoding: request, as: UTF8.self))
        let body = files[path]
        let rawAnswer = raw[path]
        lock.unlock()
        if let rawAnswer {
            send(rawAnswer, to: client)
            return
        }
        let head = body == nil ? "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : "HTTP/1.0 200 OK\r\nContent-Type: application/pkix-cert\r\nContent-Length: \(body!.count)\r\nConnection: close\r\n\r\n"
        var out = Data(head.utf8)
        if let body { out += body }
        send(out, to: client)
    }

    private func send(_ out: Data, to client: Int32) {
        out.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(client, raw.baseAddress! + done, raw.count - done)
                if n <= 0 { return }
                done += n
            }
        }
    }

    deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
