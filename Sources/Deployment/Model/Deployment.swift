import PKI

/// One CMS estate as the deployment file describes it: the CMS release, the names the
/// certificates carry, how certificates are cut (per service, one SAN certificate, a
/// wildcard), where keys are made, and the nodes with their services and database roles.
///
/// Built by `DeploymentFile.load(yaml:)`, which checks every rule and reports every
/// problem with its key path and line; a value built in code can be checked with
/// `validate()`. Codable so that the JSON form of a plan can carry it.
public struct Deployment: Codable, Hashable, Sendable {
    /// The version of the file format this value was read from; only 1 exists.
    public var version: Int
    /// The CMS release of every node (2.9 and later 2.x, or 3.x): it decides webbridge
    /// or webbridge3, XMPP or not, and whether bundles are full chains.
    public var cmsVersion: CMSVersion
    /// The DNS domain of the estate: the built-in CA's CN (`pki selfsigned dbca CN:<domain>`)
    /// and the wildcard's domain.
    public var domain: String
    /// The host name of the web bridge join URL (`join.example.com`), added to the web
    /// bridge certificate's SANs.
    public var joinURL: String?
    /// The XMPP domain (CMS 2.x), added to the XMPP certificate's SANs.
    public var xmppDomain: String?
    /// OU, O, ST, L and C written into every service CSR.
    public var subject: SubjectDefaults
    /// The key type when cmscerts makes keys itself (`keys: local`); `pki csr` on the MMP
    /// always makes RSA 2048.
    public var keyType: KeyType
    /// Validity, in days, of the built-in CA and the certificates it signs when cmscerts
    /// makes the database certificates itself (`keys: local`).
    public var caValidityDays: Int
    /// How service certificates are cut.
    public var strategy: CertificateStrategy
    /// The CN of the one SAN certificate (`strategy: sanCertificate`); the first node's
    /// FQDN when not given.
    public var clusterFQDN: String?
    /// The basename of the one shared certificate (sanCertificate and wildcard).
    public var certificateName: String
    /// The SANs of the one shared certificate (sanCertificate and wildcard), when the admin
    /// gave them: they REPLACE the computed list (the CN is still added, as Step 1 does).
    public var sans: [String]?
    /// The file, in the workspace, that holds the CA chain of the user's CA (intermediates
    /// then root, no entity certificate): uploaded to every node as the services' bundle.
    public var caBundle: String
    /// Where keys are made: on the node by `pki csr` (the key never leaves the server,
    /// as the article does it) or here by cmscerts.
    public var keys: KeyLocation
    /// The servers, in the order the file lists them.
    public var nodes: [DeploymentNode]
    /// A lab folder (`cmscerts lab init`) that stands in for the servers: when given,
    /// `cmscerts apply` reaches each node through the lab instead of SSH. A relative path
    /// is taken from the deployment file's folder.
    public var lab: String?
    /// The live TLS services `cmscerts expiry --endpoints` probes.
    public var endpoints: [DeploymentEndpoint]
    /// The "override" host name Cisco Unified CM uses for the web admin (TAC 222766):
    /// added to the web admin certificate's SANs, as CUCM checks it there.
    public var cucmHost: String?
    /// The workspace file with the CA chain of the far ends of SIP TLS (CUCM, Expressway):
    /// the call bridges trust it (`tls sip trust <bundle>`).
    public var sipTrustBundle: String?
    /// The workspace file with the CA chain of the Vbrick Rev server the uploader sends
    /// recordings to (`uploader rev trust <bundle>`, TAC 211261).
    public var revBundle: String?

    /// A deployment with the file format's defaults for everything but what has none.
    public init(version: Int = 1, cmsVersion: CMSVersion, domain: String, joinURL: String? = nil,
                xmppDomain: String? = nil, subject: SubjectDefaults = SubjectDefaults(),
                keyType: KeyType = .rsa2048, caValidityDays: Int = Deployment.defaultCAValidityDays,
                strategy: CertificateStrategy = .perService, clusterFQDN: String? = nil,
                certificateName: String = "cms", caBundle: String = "ca-bundle.crt",
                keys: KeyLocation = .node, nodes: [DeploymentNode], lab: String? = nil,
                sans: [String]? = nil, endpoints: [DeploymentEndpoint] = [], cucmHost: String? = nil,
                sipTrustBundle: String? = nil, revBundle: String? = nil) {
        self.version = version
        self.cmsVersion = cmsVersion
        self.domain = domain
        self.joinURL = joinURL
        self.xmppDomain = xmppDomain
        self.subject = subject
        self.keyType = keyType
        self.caValidityDays = caValidityDays
        self.strategy = strategy
        self.clusterFQDN = clusterFQDN
        self.certificateName = certificateName
        self.caBundle = caBundle
        self.keys = keys
        self.nodes = nodes
        self.lab = lab
        self.sans = sans
        self.endpoints = endpoints
        self.cucmHost = cucmHost
        self.sipTrustBundle = sipTrustBundle
        self.revBundle = revBundle
    }

    /// The keys as the deployment file spells them, so that YAML and JSON agree.
    enum CodingKeys: String, CodingKey {
        case version, domain, subject, strategy, keys, nodes, lab, sans, endpoints
        case cmsVersion = "cms_version"
        case joinURL = "join_url"
        case xmppDomain = "xmpp_domain"
        case keyType = "key_type"
        case caValidityDays = "ca_validity_days"
        case clusterFQDN = "cluster_fqdn"
        case certificateName = "certificate_name"
        case caBundle = "ca_bundle"
        case cucmHost = "cucm_host"
        case sipTrustBundle = "sip_trust_bundle"
        case revBundle = "rev_bundle"
    }

    /// Decodes with the file's defaults for every key left out (as swift-format's
    /// Configuration does). `DeploymentFile.load` is the reader that reports lines.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            version: try c.decode(Int.self, forKey: .version),
            cmsVersion: try c.decode(CMSVersion.self, forKey: .cmsVersion),
            domain: try c.decode(String.self, forKey: .domain),
            joinURL: try c.decodeIfPresent(String.self, forKey: .joinURL),
            xmppDomain: try c.decodeIfPresent(String.self, forKey: .xmppDomain),
            subject: try c.decodeIfPresent(SubjectDefaults.self, forKey: .subject) ?? SubjectDefaults(),
            keyType: try c.decodeIfPresent(KeyType.self, forKey: .keyType) ?? .rsa2048,
            caValidityDays: try c.decodeIfPresent(Int.self, forKey: .caValidityDays) ?? Deployment.defaultCAValidityDays,
            strategy: try c.decodeIfPresent(CertificateStrategy.self, forKey: .strategy) ?? .perService,
            clusterFQDN: try c.decodeIfPresent(String.self, forKey: .clusterFQDN),
            certificateName: try c.decodeIfPresent(String.self, forKey: .certificateName) ?? "cms",
            caBundle: try c.decodeIfPresent(String.self, forKey: .caBundle) ?? "ca-bundle.crt",
            keys: try c.decodeIfPresent(KeyLocation.self, forKey: .keys) ?? .node,
            nodes: try c.decode([DeploymentNode].self, forKey: .nodes),
            lab: try c.decodeIfPresent(String.self, forKey: .lab),
            sans: try c.decodeIfPresent([String].self, forKey: .sans),
            endpoints: try c.decodeIfPresent([DeploymentEndpoint].self, forKey: .endpoints) ?? [],
            cucmHost: try c.decodeIfPresent(String.self, forKey: .cucmHost),
            sipTrustBundle: try c.decodeIfPresent(String.self, forKey: .sipTrustBundle),
            revBundle: try c.decodeIfPresent(String.self, forKey: .revBundle))
    }

    /// Writes the file's keys in the order a person reads them, leaving out what is unset
    /// (no `sans`, no empty `endpoints`).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(cmsVersion, forKey: .cmsVersion)
        try c.encode(domain, forKey: .domain)
        try c.encodeIfPresent(joinURL, forKey: .joinURL)
        try c.encodeIfPresent(xmppDomain, forKey: .xmppDomain)
        if subject != SubjectDefaults() { try c.encode(subject, forKey: .subject) }
        try c.encode(keyType, forKey: .keyType)
        try c.encode(caValidityDays, forKey: .caValidityDays)
        try c.encode(strategy, forKey: .strategy)
        try c.encodeIfPresent(clusterFQDN, forKey: .clusterFQDN)
        try c.encode(certificateName, forKey: .certificateName)
        try c.encodeIfPresent(sans, forKey: .sans)
        try c.encode(caBundle, forKey: .caBundle)
        try c.encodeIfPresent(cucmHost, forKey: .cucmHost)
        try c.encodeIfPresent(sipTrustBundle, forKey: .sipTrustBundle)
        try c.encodeIfPresent(revBundle, forKey: .revBundle)
        try c.encode(keys, forKey: .keys)
        try c.encode(nodes, forKey: .nodes)
        if !endpoints.isEmpty { try c.encode(endpoints, forKey: .endpoints) }
        try c.encodeIfPresent(lab, forKey: .lab)
    }

    /// The only file format version there is.
    public static let currentVersion = 1
    /// Ten years, the built-in CA's default validity.
    public static let defaultCAValidityDays = 3650

    /// The node that is the database primary, if any.
    public var primary: DeploymentNode? { nodes.first { $0.database == .primary } }

    /// The nodes that hold a copy of the database (primary and joined), in file order.
    public var databaseNodes: [DeploymentNode] { nodes.filter { $0.database.holdsDatabase } }

    /// The nodes that take part in the database cluster in any role.
    public var databaseMembers: [DeploymentNode] { nodes.filter { $0.database != .none } }

    /// The node with that name.
    public func node(named name: String) -> DeploymentNode? { nodes.first { $0.name == name } }
}

/// A CMS release: 2.9 or a later 2.x, or any 3.x.
public struct CMSVersion: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Reads `2.9`, `3.8`, `3.10`; nil when the text is not MAJOR.MINOR.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    /// True for 3.x: full chains, no XMPP, no older web bridge.
    public var isThreeX: Bool { major >= 3 }

    /// True for the releases cmscerts plans for (2.9 and later).
    public var isSupported: Bool { (major == 2 && minor >= 9) || major == 3 }

    public var description: String { "\(major).\(minor)" }

    public static func < (a: CMSVersion, b: CMSVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let v = CMSVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a CMS version: \(text)"))
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The optional subject fields of Step 1, written into every service CSR.
public struct SubjectDefaults: Hashable, Sendable, Codable {
    enum CodingKeys: String, CodingKey {
        case organizationalUnit = "ou", organization = "o", state = "st", locality = "l", country = "c"
    }

    public var organizationalUnit: String?
    public var organization: String?
    public var state: String?
    public var locality: String?
    public var country: String?

    public init(organizationalUnit: String? = nil, organization: String? = nil, state: String? = nil,
                locality: String? = nil, country: String? = nil) {
        self.organizationalUnit = organizationalUnit
        self.organization = organization
        self.state = state
        self.locality = locality
        self.country = country
    }

    /// The full subject for a CN.
    public func subject(commonName: String) -> SubjectFields {
        SubjectFields(commonName: commonName, organizationalUnit: organizationalUnit, organization: organization,
                      state: state, locality: locality, country: country)
    }
}

/// How service certificates are cut (Step 2).
public enum CertificateStrategy: String, Hashable, Sendable, Codable, CaseIterable {
    /// One certificate per service on each node (the article's tables).
    case perService
    /// One certificate for everything: the cluster FQDN as CN, every node FQDN and the
    /// join URL as SANs.
    case sanCertificate
    /// One certificate for everything with the CN `*.<domain>`.
    case wildcard
}

/// Where private keys are made.
public enum KeyLocation: String, Hashable, Sendable, Codable, CaseIterable {
    /// On the node, by `pki csr` over the MMP: the key never leaves the server (the default).
    case node
    /// Here, by cmscerts, then uploaded with the certificate.
    case local
}
