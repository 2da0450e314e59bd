/// What the admin changed in one service certificate's request (Step 2 made editable):
/// its basename, its CN, its SAN list. Anything left nil keeps what the strategy computes.
public struct CertificateOverride: Codable, Hashable, Sendable {
    /// The basename of the key, CSR and certificate (`<basename>.key`); the service's name
    /// when nil.
    public var basename: String?
    /// The CN; the node's FQDN when nil.
    public var commonName: String?
    /// The SANs: when given, they REPLACE the computed list (the CN is still added, as
    /// Step 1 does).
    public var sans: [String]?

    enum CodingKeys: String, CodingKey {
        case basename, sans
        case commonName = "cn"
    }

    public init(basename: String? = nil, commonName: String? = nil, sans: [String]? = nil) {
        self.basename = basename
        self.commonName = commonName
        self.sans = sans
    }

    /// True when it changes nothing (then it is not written to the file).
    public var isEmpty: Bool { basename == nil && commonName == nil && sans == nil }
}

/// Service names are the keys of `certificates:` in YAML and JSON (a mapping, not a list
/// of pairs).
extension Service: CodingKeyRepresentable {}
