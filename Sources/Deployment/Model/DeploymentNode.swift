/// One CMS server of the deployment: its names, how to reach it, what it runs and its
/// place in the database cluster.
public struct DeploymentNode: Codable, Hashable, Sendable {
    /// A short name, unique in the file (`cms1`): it names the node in plans and step ids.
    public var name: String
    /// The server's FQDN: the CN of its certificates.
    public var fqdn: String
    /// The address the database cluster uses (`database cluster join <address>`).
    public var address: String
    /// How to log in to the MMP.
    public var ssh: SSHTarget
    /// The services this node runs, in the order the file lists them.
    public var services: [Service]
    /// The node's role in the database cluster.
    public var database: DatabaseRole
    /// The tag of the node's load balancer or trunk (`loadbalancer certs <tag> ...`, `trunk
    /// certs <tag> ...`), when it runs one.
    public var loadBalancerTag: String
    /// What the admin changed in the certificate of each service (perService only): its
    /// basename, CN, SANs. Empty when the strategy's names are kept. An override that
    /// changes nothing is dropped, so that the file written and read back is equal.
    public var certificates: [Service: CertificateOverride] {
        didSet { certificates = certificates.filter { !$0.value.isEmpty } }
    }
    /// The interfaces and ports its services listen on, for a first-time enablement.
    public var listen: NodeListeners

    enum CodingKeys: String, CodingKey {
        case name, fqdn, address, ssh, services, database, certificates, listen
        case loadBalancerTag = "loadbalancer_tag"
    }

    /// Decodes with the file's defaults: ssh to the FQDN (user and port as the user's
    /// ssh_config says), no services, no database role, the load balancer tag `edge`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            fqdn: try c.decode(String.self, forKey: .fqdn),
            address: try c.decode(String.self, forKey: .address),
            ssh: try c.decodeIfPresent(SSHTarget.self, forKey: .ssh),
            services: try c.decodeIfPresent([Service].self, forKey: .services) ?? [],
            database: try c.decodeIfPresent(DatabaseRole.self, forKey: .database) ?? .none,
            loadBalancerTag: try c.decodeIfPresent(String.self, forKey: .loadBalancerTag) ?? "edge",
            certificates: try c.decodeIfPresent([Service: CertificateOverride].self, forKey: .certificates) ?? [:],
            listen: try c.decodeIfPresent(NodeListeners.self, forKey: .listen) ?? NodeListeners())
    }

    /// Writes the overrides in service order, and none at all when there are none.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(fqdn, forKey: .fqdn)
        try c.encode(address, forKey: .address)
        try c.encode(ssh, forKey: .ssh)
        try c.encode(services, forKey: .services)
        try c.encode(database, forKey: .database)
        try c.encode(loadBalancerTag, forKey: .loadBalancerTag)
        if !certificates.isEmpty {
            var map = c.nestedContainer(keyedBy: ServiceKey.self, forKey: .certificates)
            for service in certificates.keys.sorted() { try map.encode(certificates[service]!, forKey: ServiceKey(service)) }
        }
        if !listen.isEmpty { try c.encode(listen, forKey: .listen) }
    }

    /// A service name as a mapping key.
    struct ServiceKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ service: Service) { stringValue = service.rawValue }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(name: String, fqdn: String, address: String, ssh: SSHTarget? = nil,
                services: [Service], database: DatabaseRole = .none, loadBalancerTag: String = "edge",
                certificates: [Service: CertificateOverride] = [:], listen: NodeListeners = NodeListeners()) {
        self.name = name
        self.fqdn = fqdn
        self.address = address
        self.ssh = ssh ?? SSHTarget(host: fqdn)
        self.services = services
        self.database = database
        self.loadBalancerTag = loadBalancerTag
        self.certificates = certificates.filter { !$0.value.isEmpty }
        self.listen = listen
    }

    /// True when the node runs the service.
    public func runs(_ service: Service) -> Bool { services.contains(service) }
}

/// A CMS service whose certificates or trust lists the MMP configures.
public enum Service: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    case webadmin, callbridge, webbridge, webbridge3, xmpp, turn, loadbalancer, trunk, recorder, streamer, uploader, scheduler

    /// The order services are applied in on one node: web admin first (the way back in),
    /// the call bridge last among those it trusts.
    var order: Int { Service.allCases.firstIndex(of: self)! }

    public static func < (a: Service, b: Service) -> Bool { a.order < b.order }

    /// The first release that has the service (2.9 for what cmscerts plans since then):
    /// Web Bridge 3 came with 2.9 beside the older web bridge (TAC 217062), the scheduler
    /// with 3.3 (TAC 217367).
    public var introduced: CMSVersion {
        self == .scheduler ? CMSVersion(major: 3, minor: 3) : CMSVersion(major: 2, minor: 9)
    }

    /// The release that removed the service, if one did: 3.0 removed the older web bridge,
    /// the XMPP server, trunks and load balancers (TAC 217062, 216270).
    public var removed: CMSVersion? {
        switch self {
        case .webbridge, .xmpp, .loadbalancer, .trunk: return CMSVersion(major: 3, minor: 0)
        default: return nil
        }
    }

    /// True when the release has the service.
    public func exists(in version: CMSVersion) -> Bool {
        version >= introduced && removed.map { version < $0 } ?? true
    }

    /// Why the release lacks the service, with what to write instead; nil when it has it.
    public func absence(in version: CMSVersion) -> String? {
        if exists(in: version) { return nil }
        if let removed, version >= removed {
            let instead: String
            switch self {
            case .webbridge: instead = "write webbridge3 (Web Bridge 3)"
            case .xmpp: instead = "remove xmpp (3.x clients use the web bridge, not XMPP)"
            default: instead = "remove \(rawValue) (3.x has no trunks nor load balancers; the edge is an Expressway)"
            }
            return "CMS \(version) has no \(rawValue): CMS \(removed) removed it (TAC 217062, 216270): \(instead)"
        }
        return "CMS \(version) has no \(rawValue): it came with CMS \(introduced) (TAC 217367): set cms_version to \(introduced) or later, or remove \(rawValue)"
    }

    /// True when the service is given a key and certificate of its own (the uploader only
    /// has trust lists: `uploader cms trust`, `uploader rev trust`, TAC 211261).
    public var holdsCertificate: Bool { self != .uploader }

    /// True when the service names its instance by tag (`loadbalancer enable <tag>`).
    public var isTagged: Bool { self == .loadbalancer || self == .trunk }

    /// True when the service takes its certificate as a full chain (entity, intermediates,
    /// root) in one file: `webbridge3 https|c2w certs`, `scheduler c2w certs` (TAC 217367).
    public var takesFullChain: Bool { self == .webbridge3 || self == .scheduler }
}

/// A node's place in the database cluster (Step 3).
public enum DatabaseRole: String, Codable, Hashable, Sendable, CaseIterable {
    /// Holds the database and initializes the cluster; the built-in CA lives here.
    case primary
    /// Holds a copy of the database (`database cluster join <primary>`).
    case joined
    /// Has no local database but uses the cluster (`database cluster connect <primary>`).
    case connected
    /// Takes no part in the database cluster.
    case none

    /// Primary and joined nodes hold a copy of the database.
    public var holdsDatabase: Bool { self == .primary || self == .joined }
}
