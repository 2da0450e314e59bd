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
    /// The tag of the node's load balancer (`loadbalancer certs <tag> ...`), when it runs one.
    public var loadBalancerTag: String
    /// What the admin changed in the certificate of each service (perService only): its
    /// basename, CN, SANs. Empty when the strategy's names are kept. An override that
    /// changes nothing is dropped, so that the file written and read back is equal.
    public var certificates: [Service: CertificateOverride] {
        didSet { certificates = certificates.filter { !$0.value.isEmpty } }
    }

    enum CodingKeys: String, CodingKey {
        case name, fqdn, address, ssh, services, database, certificates
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
            certificates: try c.decodeIfPresent([Service: CertificateOverride].self, forKey: .certificates) ?? [:])
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
                certificates: [Service: CertificateOverride] = [:]) {
        self.name = name
        self.fqdn = fqdn
        self.address = address
        self.ssh = ssh ?? SSHTarget(host: fqdn)
        self.services = services
        self.database = database
        self.loadBalancerTag = loadBalancerTag
        self.certificates = certificates.filter { !$0.value.isEmpty }
    }

    /// True when the node runs the service.
    public func runs(_ service: Service) -> Bool { services.contains(service) }
}

/// A CMS service that holds a certificate.
public enum Service: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    case webadmin, callbridge, webbridge, webbridge3, xmpp, turn, loadbalancer

    /// The order services are applied in on one node: web admin first (the way back in),
    /// the call bridge last among those it trusts.
    var order: Int { Service.allCases.firstIndex(of: self)! }

    public static func < (a: Service, b: Service) -> Bool { a.order < b.order }

    /// True when the release has the service: webbridge, xmpp and the load balancer are
    /// 2.x only (3.0 removed them, TAC 217062), webbridge3 is 3.x only.
    public func exists(in version: CMSVersion) -> Bool {
        switch self {
        case .webbridge, .xmpp, .loadbalancer: return !version.isThreeX
        case .webbridge3: return version.isThreeX
        default: return true
        }
    }
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
