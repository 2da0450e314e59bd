import Foundation
import PKI

/// The renderers' per-row text appended straight to a byte buffer: the same bytes as
/// the `Text` helpers' Strings, without a String made per field.
extension Text {
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    static func append(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            append(UInt(value.magnitude), to: &out)
        } else {
            append(UInt(value), to: &out)
        }
    }

    static func append(_ value: UInt, to out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// "2027-11-29T10:04:05Z", as `iso`.
    static func appendISO(_ date: Date, to out: inout [UInt8]) {
        let (y, _, _, hh, mm, ss) = civil(date)
        guard (0...9999).contains(y) else { return append(iso(date), to: &out) }
        func two(_ v: Int) { out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10)) }
        appendDay(date, to: &out)
        out.append(UInt8(ascii: "T")); two(hh)
        out.append(UInt8(ascii: ":")); two(mm)
        out.append(UInt8(ascii: ":")); two(ss)
        out.append(UInt8(ascii: "Z"))
    }

    /// "2027-11-29", as `day`.
    static func appendDay(_ date: Date, to out: inout [UInt8]) {
        let (y, m, d, _, _, _) = civil(date)
        guard (0...9999).contains(y) else { return append(day(date), to: &out) }
        func two(_ v: Int) { out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10)) }
        two(y / 100); two(y % 100)
        out.append(UInt8(ascii: "-")); two(m)
        out.append(UInt8(ascii: "-")); two(d)
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string literal, as `json`: the bytes of valid UTF-8 need escaping only
    /// below 0x20 and for `"` and `\`, all ASCII.
    static func appendJSON(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendJSON(bytes: $0, to: &out) }
    }

    static func appendJSON(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            start = index + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x22, 0x5C: out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                out.append(contentsOf: "u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        out.append(UInt8(ascii: "\""))
    }

    static func appendJSON(_ text: String?, to out: inout [UInt8]) {
        if let text { appendJSON(text, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// A name as `DistinguishedName.description` writes it, JSON-quoted; `scratch` is reused.
    static func appendJSON(_ name: DistinguishedName?, to out: inout [UInt8], scratch: inout [UInt8]) {
        guard let name else { return out.append(contentsOf: "null".utf8) }
        scratch.removeAll(keepingCapacity: true)
        appendDescription(name, to: &scratch)
        scratch.withUnsafeBufferPointer { appendJSON(bytes: $0, to: &out) }
    }

    /// `DistinguishedName.description`'s bytes: a value of plain printable ASCII with
    /// none of RFC 4514's specials is copied; any other goes through its `escape`.
    static func appendDescription(_ name: DistinguishedName, to out: inout [UInt8]) {
        for (index, attribute) in name.attributes.enumerated() {
            if index > 0 { out.append(contentsOf: ", ".utf8) }
            append(attribute.name, to: &out)
            out.append(UInt8(ascii: "="))
            var value = attribute.value
            let plain = value.withUTF8 { bytes in
                guard let first = bytes.first, let last = bytes.last else { return true }
                return first != 0x20 && first != 0x23 && last != 0x20 && bytes.allSatisfy { byte in
                    byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x2B && byte != 0x2C
                        && byte != 0x3B && byte != 0x3C && byte != 0x3E && byte != 0x5C
                }
            }
            append(plain ? value : DistinguishedName.escape(value), to: &out)
        }
    }
}
