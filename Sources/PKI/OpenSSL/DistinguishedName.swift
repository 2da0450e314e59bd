import COpenSSL
import Foundation
import TerminalText

/// An X.509 name read out of a certificate or CSR: its attributes in order.
public struct DistinguishedName: Hashable, Sendable, Codable, CustomStringConvertible {
    /// One attribute: its short name (`CN`, `O`, `C`, ...) and its value.
    public struct Attribute: Hashable, Sendable, Codable {
        public var name: String
        public var value: String
    }

    public var attributes: [Attribute]

    public init(attributes: [Attribute]) { self.attributes = attributes }

    /// The first CN, if any.
    public var commonName: String? { attributes.first { $0.name == "CN" }?.value }

    /// The value of the first attribute with this short name.
    public subscript(name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// "C=FR, O=Org Zero\, LLC, CN=cms1.example.com", in the order the name holds them,
    /// each value escaped as RFC 4514 says (so a comma inside a value never reads as the
    /// start of another attribute) and every control character as a `\XX` hex pair (so
    /// none reaches a terminal).
    public var description: String {
        attributes.map { "\($0.name)=\(Self.escape($0.value))" }.joined(separator: ", ")
    }

    /// One attribute value escaped as RFC 4514 section 2.4 says: `"+,;<>\` with a
    /// backslash, a leading space or `#` and a trailing space likewise, and every control
    /// character (those `TerminalText` escapes, NUL included) as the `\XX` hex pairs of
    /// its UTF-8 bytes, as OpenSSL's `-nameopt esc_ctrl` does.
    public static func escape(_ value: String) -> String {
        let scalars = Array(value.unicodeScalars)
        guard scalars.contains(where: { needsEscape($0) }) || scalars.first == " " || scalars.first == "#" || scalars.last == " " else {
            return value
        }
        var out = ""
        for (index, scalar) in scalars.enumerated() {
            if TerminalText.needsEscape(scalar) {
                for byte in String(scalar).utf8 { out += "\\" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
            } else if "\"+,;<>\\".unicodeScalars.contains(scalar)
                        || (index == 0 && (scalar == " " || scalar == "#"))
                        || (index == scalars.count - 1 && scalar == " ") {
                out += "\\" + String(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        TerminalText.needsEscape(scalar) || "\"+,;<>\\".unicodeScalars.contains(scalar)
    }

    init(_ name: OpaquePointer?) {
        var attributes: [Attribute] = []
        if let name {
            for i in 0..<X509_NAME_entry_count(name) {
                guard let entry = X509_NAME_get_entry(name, i) else { continue }
                let key = OpenSSL.shortName(of: X509_NAME_ENTRY_get_object(entry))
                let value = OpenSSL.text(of: X509_NAME_ENTRY_get_data(entry))
                attributes.append(Attribute(name: key == "emailAddress" ? "E" : key, value: value))
            }
        }
        self.attributes = attributes
    }

    /// Builds an OpenSSL X509_NAME from Step 1's fields. The caller frees it.
    static func make(_ subject: SubjectFields) throws -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw OpenSSL.failure("could not allocate a name") }
        for (key, value) in subject.entries {
            let ok = value.withCString { cValue in
                X509_NAME_add_entry_by_txt(name, key, MBSTRING_UTF8,
                                           UnsafeRawPointer(cValue).assumingMemoryBound(to: UInt8.self), -1, -1, 0)
            }
            if ok != 1 {
                X509_NAME_free(name)
                throw OpenSSL.failure("\(key) '\(value)' cannot go into an X.509 name", field: key)
            }
        }
        return name
    }
}

extension String {
    /// The string with zeros in front up to `width` characters (hex pairs).
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
