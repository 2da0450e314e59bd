#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// A buffer one reader thread reuses for every file it reads, so that reading a file
/// costs three system calls (open, read, close) and no allocation: no stat, since the
/// folder listing already said the file is regular, and no size asked, since a read of
/// a regular file returns fewer bytes than asked only at its end (POSIX `read`). One
/// thread uses it at a time.
public final class ReadBuffer: @unchecked Sendable {
    public private(set) var bytes: UnsafeMutableBufferPointer<UInt8>
    /// Where PEM bodies are decoded, kept between files too.
    var scratch: [UInt8] = []

    public init(capacity: Int = 1 << 16) {
        bytes = .allocate(capacity: capacity)
    }

    deinit { bytes.deallocate() }

    /// Reads the regular file at `path` whole into the buffer: the bytes read, or nil when
    /// it cannot be opened or read, is empty, or is larger than `Loader.maximumFileSize`
    /// (`Loader.readFile` then words why).
    /// With `directory` (an open folder) and `name`, the file is opened by its name in that
    /// folder (openat), which spares the kernel walking the whole path again.
    public func readRegularFile(_ path: String, directory: Int32 = AT_FDCWD, name: String? = nil) -> UnsafeBufferPointer<UInt8>? {
        // O_NONBLOCK: a FIFO put in the file's place since the listing does not hang the scan.
        // withCString: a short name is not stored with its NUL, and passing the String
        // itself copied it into a new array for every file.
        let fd = (name ?? path).withCString { openat(directory, $0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= Loader.maximumFileSize else { return nil }
                grow()
            }
            let n = systemRead(fd, bytes.baseAddress! + count, bytes.count - count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            count += n
            // Short of what was asked: the end of a regular file.
            if n == 0 || count < bytes.count { break }
        }
        guard count > 0, count <= Loader.maximumFileSize else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[0..<count])
    }

    private func grow() {
        let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count * 2)
        _ = larger.initialize(fromContentsOf: bytes)
        bytes.deallocate()
        bytes = larger
    }
}

extension CertificateFileReader {
    /// The certificates of a regular file read into `buffer` (three system calls), as
    /// `read(path:)` gives them: the fast path, else `Loader`, which also words errors.
    public static func read(regularFile path: String, directory: Int32 = AT_FDCWD, name: String? = nil, buffer: ReadBuffer,
                            passphrase: String? = nil, parser: Parser = .lean) throws -> CertificateFileContents {
        guard let bytes = buffer.readRegularFile(path, directory: directory, name: name) else { return try read(path: path, passphrase: passphrase, parser: parser) }
        if let fast = fastRead(bytes, parser: parser, scratch: &buffer.scratch) { return fast }
        return try slowRead(Data(bytes), name: path, passphrase: passphrase)
    }
}

import Foundation
