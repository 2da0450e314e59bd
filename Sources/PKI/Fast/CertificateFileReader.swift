import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// The certificates of one file, every member of a bundle, as summaries.
public struct CertificateFileContents: Sendable {
    public var format: FileFormat
    /// In file order.
    public var certificates: [CertificateSummary]
    /// Private keys and CSRs met in the file (not listed, but the file was understood).
    public var otherItems: Int
}

/// Reads the certificates of a file as fast as the format allows: PEM files of
/// certificates (and keys or CSRs, skipped unread) and bare DER certificates go through
/// a lean DER walker; everything else (PKCS#7, PKCS#12, encrypted or odd files, and any
/// certificate the walker does not take on) goes through `Loader`, which also words
/// every error. Private keys in a PEM file are never decoded on the fast path.
public enum CertificateFileReader {
    /// How each certificate's DER is decoded on the fast path.
    public enum Parser: String, Sendable, CaseIterable {
        /// The lean DER walker (the default): reads only what a summary holds.
        case lean
        /// OpenSSL's d2i_X509 and its decoders, through `Certificate`: kept to measure
        /// against, and as the reference in tests.
        case openssl
    }

    /// Reads the file at `path`. Throws `PKIError` (the same words as `Loader`) when the
    /// file cannot be read or holds nothing cmscerts understands.
    public static func read(path: String, passphrase: String? = nil, parser: Parser = .lean) throws -> CertificateFileContents {
        guard let bytes = readBytes(path) else {
            // Loader words why (missing, a directory, unreadable, empty, too large).
            return try read(data: try Loader.readFile(path), name: path, passphrase: passphrase, parser: parser)
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            if let fast = fastRead(buffer, parser: parser) { return fast }
            return try slowRead(Data(buffer), name: path, passphrase: passphrase)
        }
    }

    /// Decodes bytes; `name` is used in messages.
    public static func read(data: Data, name: String, passphrase: String? = nil, parser: Parser = .lean) throws -> CertificateFileContents {
        let fast = data.withUnsafeBytes { raw in fastRead(raw.bindMemory(to: UInt8.self), parser: parser) }
        if let fast { return fast }
        return try slowRead(data, name: name, passphrase: passphrase)
    }

    static func slowRead(_ data: Data, name: String, passphrase: String?) throws -> CertificateFileContents {
        let file = try Loader.load(data: data, name: name, passphrase: passphrase, keys: .skip)
        return CertificateFileContents(format: file.format, certificates: file.certificates.map(CertificateSummary.init),
                                       otherItems: file.requests.count + file.privateKeyCount)
    }

    /// A regular file's bytes with plain POSIX calls; nil for anything unusual, which
    /// `Loader.readFile` then explains.
    static func readBytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        guard size > 0, size <= Loader.maximumFileSize else { return nil }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var done = 0
            while done < size {
                let n = systemRead(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
            failed = done != size
            count = done
        }
        return failed ? nil : bytes
    }

    // MARK: - The fast path

    static let begin: [UInt8] = Array("-----BEGIN ".utf8)
    static let endMarker: [UInt8] = Array("-----END ".utf8)
    static let dashes: [UInt8] = Array("-----".utf8)

    /// Nil means "not for the fast path": the caller goes through Loader.
    static func fastRead(_ bytes: UnsafeBufferPointer<UInt8>, parser: Parser = .lean) -> CertificateFileContents? {
        var scratch: [UInt8] = []
        return fastRead(bytes, parser: parser, scratch: &scratch)
    }

    /// As `fastRead(_:parser:)`, decoding base64 into `scratch` (kept between files).
    static func fastRead(_ bytes: UnsafeBufferPointer<UInt8>, parser: Parser, scratch: inout [UInt8]) -> CertificateFileContents? {
        guard bytes.count > 0 else { return nil }
        func summarise(_ der: UnsafeBufferPointer<UInt8>) -> CertificateSummary? {
            switch parser {
            case .lean: return CertificateSummary.walk(der, from: 0, to: der.count, exact: true)
            case .openssl: return (try? Certificate(der: Data(der))).map(CertificateSummary.init)
            }
        }
        guard let first = find(begin, in: bytes, from: 0) else {
            guard let summary = summarise(bytes) else { return nil }
            return CertificateFileContents(format: .der, certificates: [summary], otherItems: 0)
        }
        var certificates: [CertificateSummary] = []
        var other = 0
        var next: Int? = first
        while let start = next {
            // A BEGIN line starts a line (or the file, after an optional BOM).
            guard start == 0 || bytes[start - 1] == 0x0A || (start == 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) else { return nil }
            let labelStart = start + begin.count
            guard let labelEnd = find(dashes, in: bytes, from: labelStart) else { return nil }
            let label = UnsafeBufferPointer(rebasing: bytes[labelStart..<labelEnd])
            guard !label.isEmpty, !label.contains(0x0A) else { return nil }
            let bodyStart = labelEnd + dashes.count
            guard let end = find(endMarker, in: bytes, from: bodyStart) else { return nil }
            let endLabelStart = end + endMarker.count
            guard bytes.count - endLabelStart >= label.count + dashes.count,
                  memcmp(bytes.baseAddress! + endLabelStart, label.baseAddress!, label.count) == 0,
                  memcmp(bytes.baseAddress! + endLabelStart + label.count, dashes, dashes.count) == 0 else { return nil }
            let afterEnd = endLabelStart + label.count + dashes.count
            let name = String(decoding: label, as: UTF8.self)
            switch name {
            case "CERTIFICATE", "X509 CERTIFICATE":
                guard let count = decodeBase64(UnsafeBufferPointer(rebasing: bytes[bodyStart..<end]), into: &scratch),
                      let summary = scratch.withUnsafeBufferPointer({ summarise(UnsafeBufferPointer(rebasing: $0[0..<count])) })
                else { return nil }
                certificates.append(summary)
            case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
                // Loader decodes CSRs (inspect shows them), so a damaged one must stop this
                // reader too: same acceptance, and Loader words the error.
                guard let count = decodeBase64(UnsafeBufferPointer(rebasing: bytes[bodyStart..<end]), into: &scratch),
                      (try? CertificateRequest(der: Data(scratch[0..<count]))) != nil else { return nil }
                other += 1
            case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
                // Met, never decoded: as `Loader` with `KeyReading.skip`.
                other += 1
            case "EC PARAMETERS":
                break
            default:
                return nil
            }
            next = find(begin, in: bytes, from: afterEnd)
        }
        if certificates.isEmpty && other == 0 { return nil }
        return CertificateFileContents(format: .pem, certificates: certificates, otherItems: other)
    }

    /// The offset of `needle` in `bytes` at or after `start` (memchr on its first byte,
    /// then a compare: memmem is a GNU extension Swift does not see).
    static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let base = bytes.baseAddress!
        var position = start
        while bytes.count - position >= needle.count {
            guard let hit = memchr(base + position, Int32(needle[0]), bytes.count - position - needle.count + 1) else { return nil }
            let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + offset, needle, needle.count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }

    /// Four tables, one per place in a group of four base64 characters, holding the
    /// character's six bits already shifted to that place; anything else has bits above
    /// the 24 of a group (0x0100_0000 white space, 0x0200_0000 padding, 0x0400_0000 bad),
    /// so one OR of four loads decodes a whole group and one compare checks it.
    static let base64Places: [UInt32] = {
        var table = [UInt32](repeating: 0x0400_0000, count: 4 * 256)
        for place in 0..<4 {
            for space in [0x20, 0x09, 0x0D, 0x0A] { table[place * 256 + space] = 0x0100_0000 }
            table[place * 256 + Int(UInt8(ascii: "="))] = 0x0200_0000
            for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
                table[place * 256 + Int(byte)] = UInt32(index) << UInt32(18 - 6 * place)
            }
        }
        return table
    }()

    /// Decodes a PEM body into `out`; nil on anything but base64, white space and final
    /// padding (headers such as Proc-Type make it nil: those go to OpenSSL whole).
    static func decodeBase64(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Int? {
        if out.count < text.count { out = [UInt8](repeating: 0, count: text.count) }
        guard let input = text.baseAddress else { return 0 }
        return base64Places.withUnsafeBufferPointer { places -> Int? in
            out.withUnsafeMutableBufferPointer { output -> Int? in
                let table = places.baseAddress!
                let output = output.baseAddress!
                var count = 0
                var index = 0
                let end = text.count
                // Whole groups of four characters (a PEM line is 16 of them), one OR each.
                while true {
                    while end - index >= 4 {
                        let group = table[Int(input[index])] | table[256 + Int(input[index + 1])]
                            | table[512 + Int(input[index + 2])] | table[768 + Int(input[index + 3])]
                        guard group < 0x0100_0000 else { break }
                        output[count] = UInt8(truncatingIfNeeded: group >> 16)
                        output[count + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        output[count + 2] = UInt8(truncatingIfNeeded: group)
                        count += 3
                        index += 4
                    }
                    // A line break between groups: skip it and go on by groups.
                    var skipped = false
                    while index < end, table[Int(input[index])] == 0x0100_0000 {
                        index += 1
                        skipped = true
                    }
                    if index == end { return count }
                    if !skipped { break }
                }
                // The rest one character at a time: padding, a group cut by a line break,
                // or something that is not base64.
                var accumulator: UInt32 = 0
                var bits = 0
                var padding = false
                while index < end {
                    let value = table[768 + Int(input[index])]
                    index += 1
                    if value < 0x0100_0000 {
                        if padding { return nil }
                        accumulator = accumulator << 6 | value
                        bits += 6
                        if bits >= 8 {
                            bits -= 8
                            output[count] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                            count += 1
                        }
                    } else if value == 0x0100_0000 {
                        continue
                    } else if value == 0x0200_0000 {
                        padding = true
                    } else {
                        return nil
                    }
                }
                return count
            }
        }
    }
}
