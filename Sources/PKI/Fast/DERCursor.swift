/// One DER element: its tag and where its header and content lie in the buffer.
struct DERElement {
    var tag: UInt8
    var start: Int
    var contentStart: Int
    var end: Int

    var contentCount: Int { end - contentStart }
}

/// A cursor over DER bytes that reads one element at a time and never reads past the end
/// it was given. Every malformed input (indefinite or overlong lengths, high tag
/// numbers, a length past the end) makes `next()` return nil: the caller then hands the
/// bytes to OpenSSL, which words the error.
struct DERCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        position = start
        self.end = end ?? bytes.count
    }

    var atEnd: Bool { position >= end }

    var peekTag: UInt8? { position < end ? bytes[position] : nil }

    mutating func next() -> DERElement? {
        guard end - position >= 2 else { return nil }
        let tag = bytes[position]
        if tag & 0x1F == 0x1F { return nil }
        var i = position + 1
        let first = bytes[i]
        i += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count >= 1, count <= 4, end - i >= count else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[i])
                i += 1
            }
        }
        guard length <= end - i else { return nil }
        let element = DERElement(tag: tag, start: position, contentStart: i, end: i + length)
        position = i + length
        return element
    }

    /// The next element when it has `tag`; otherwise nil, and the cursor does not move.
    mutating func next(tag: UInt8) -> DERElement? {
        let saved = position
        guard let element = next(), element.tag == tag else {
            position = saved
            return nil
        }
        return element
    }

    /// A cursor over the content of `element`.
    func inside(_ element: DERElement) -> DERCursor {
        DERCursor(bytes, from: element.contentStart, to: element.end)
    }

    func equal(_ a: DERElement, _ b: DERElement) -> Bool {
        guard a.end - a.start == b.end - b.start else { return false }
        return memcmp(bytes.baseAddress! + a.start, bytes.baseAddress! + b.start, a.end - a.start) == 0
    }

    func content(_ element: DERElement, equals literal: [UInt8]) -> Bool {
        guard element.contentCount == literal.count else { return false }
        for (offset, byte) in literal.enumerated() where bytes[element.contentStart + offset] != byte { return false }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
