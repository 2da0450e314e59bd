/// One subject alternative name, typed as CMS's `subjectAltName:` list types its items.
public enum SubjectAltName: Hashable, Sendable, Codable, CustomStringConvertible {
    case dns(String)
    case ip(String)
    case email(String)
    /// A type CMS does not write (URI, directory name, ...) met while reading a certificate.
    case other(String)

    /// The bare value, as written in a `subjectAltName:` list.
    public var value: String {
        switch self {
        case .dns(let v), .ip(let v), .email(let v), .other(let v): return v
        }
    }

    /// OpenSSL's configuration form (`DNS:a.example.com`, `IP:10.0.0.1`, `email:a@b`).
    public var typedValue: String {
        switch self {
        case .dns(let v): return "DNS:\(v)"
        case .ip(let v): return "IP:\(v)"
        case .email(let v): return "email:\(v)"
        case .other(let v): return v
        }
    }

    public var description: String { typedValue }

    /// Types one item of a `subjectAltName:` list, or says why it is not a valid item.
    public static func parse(_ item: String) -> Result<SubjectAltName, PKIError> {
        let field = "subjectAltName"
        if item.isEmpty {
            return .failure(.input("subjectAltName has an empty item (two commas in a row, or a comma at an end): remove it", field: field))
        }
        if item.contains(where: { $0 == " " || $0 == "\t" }) {
            return .failure(.input("subjectAltName item '\(item)' contains a space: the list is comma-separated with no spaces, e.g. subjectAltName:a.example.com,b.example.com", field: field))
        }
        for prefix in ["DNS:", "IP:", "email:", "IP Address:", "URI:", "RID:"] where item.lowercased().hasPrefix(prefix.lowercased()) {
            let bare = String(item.dropFirst(prefix.count))
            return .failure(.input("subjectAltName item '\(item)' has a '\(prefix)' prefix: CMS takes bare values, write '\(bare)'", field: field))
        }
        if NameRules.isIPv4(item) || NameRules.isIPv6(item) { return .success(.ip(item)) }
        if item.contains("@") {
            if let problem = NameRules.emailProblem(item) {
                return .failure(.input("subjectAltName item '\(item)' is not a valid e-mail address: \(problem)", field: field))
            }
            return .success(.email(item))
        }
        if item.allSatisfy({ $0.isNumber || $0 == "." }) || item.contains(":") {
            return .failure(.input("subjectAltName item '\(item)' is neither a valid IP address nor a DNS name: check the address", field: field))
        }
        if let problem = NameRules.hostnameOrWildcardProblem(item) {
            return .failure(.input("subjectAltName item '\(item)' is not a valid DNS name: \(problem)", field: field))
        }
        return .success(.dns(item))
    }
}

/// The subject of a CSR as CMS's Step 1 syntax writes it: CN and the optional OU, O, ST,
/// L and C. Written into the certificate in the order C, ST, L, O, OU, CN.
public struct SubjectFields: Hashable, Sendable, Codable {
    public var commonName: String
    public var organizationalUnit: String?
    public var organization: String?
    public var state: String?
    public var locality: String?
    public var country: String?

    public init(commonName: String, organizationalUnit: String? = nil, organization: String? = nil,
                state: String? = nil, locality: String? = nil, country: String? = nil) {
        self.commonName = commonName
        self.organizationalUnit = organizationalUnit
        self.organization = organization
        self.state = state
        self.locality = locality
        self.country = country
    }

    /// (short name, value) pairs in the order they go into an X.509 name.
    public var entries: [(String, String)] {
        var out: [(String, String)] = []
        if let country { out.append(("C", country)) }
        if let state { out.append(("ST", state)) }
        if let locality { out.append(("L", locality)) }
        if let organization { out.append(("O", organization)) }
        if let organizationalUnit { out.append(("OU", organizationalUnit)) }
        out.append(("CN", commonName))
        return out
    }
}
