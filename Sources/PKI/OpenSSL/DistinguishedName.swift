import COpenSSL
import Foundation

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

    /// "C=FR, O=Example Inc., CN=cms1.example.com", in the order the name holds them.
    public var description: String {
        attributes.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
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
