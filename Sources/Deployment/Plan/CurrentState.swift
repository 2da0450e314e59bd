/// What the nodes hold now: their files and which service uses which. Gathered by the
/// executor (`pki list`, each service's status), never by the planner; empty for a new
/// deployment.
public struct CurrentState: Codable, Hashable, Sendable {
    /// By node name.
    public var nodes: [String: NodeState]

    public init(nodes: [String: NodeState] = [:]) { self.nodes = nodes }

    /// Nothing known: a new deployment.
    public static let empty = CurrentState()

    /// The state of a node (empty when unknown).
    public func node(_ name: String) -> NodeState { nodes[name] ?? NodeState() }
}

/// One node's files and what its services use.
public struct NodeState: Codable, Hashable, Sendable {
    /// The files in the MMP's folder (`pki list`).
    public var files: [String]
    /// What each configured service uses now.
    public var services: [ServiceFiles]

    public init(files: [String] = [], services: [ServiceFiles] = []) {
        self.files = files
        self.services = services
    }

    enum CodingKeys: String, CodingKey { case files, services }

    /// Either list may be left out of a state file.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(files: try c.decodeIfPresent([String].self, forKey: .files) ?? [],
                  services: try c.decodeIfPresent([ServiceFiles].self, forKey: .services) ?? [])
    }

    /// The files a service uses now, if known.
    public func uses(_ service: Service) -> ServiceFiles? { services.first { $0.service == service.rawValue } }

    /// The services that use a file now, by name (`database` among them).
    public func users(of file: String) -> [String] {
        services.filter { $0.allFiles.contains(file) }.map(\.service).sorted()
    }
}

/// The files one service uses now.
public struct ServiceFiles: Codable, Hashable, Sendable {
    /// The service's name: a `Service` raw value, or `database`.
    public var service: String
    /// Its private key (for webbridge3 the HTTPS key; for the database the server key).
    public var key: String?
    /// Its certificate (for webbridge3 the HTTPS full chain).
    public var certificate: String?
    /// Its CA bundle or root.
    public var bundle: String?
    /// Any other file it uses (webbridge3's C2W files, the database's client files).
    public var other: [String]
    /// What its status says of it: a service's `State` (`running`, `failing ...`); for the
    /// database, this node's row in the cluster (`Connected Primary`, `Connected Replica
    /// ( In Sync )`) or, with no row of its own, the cluster's `Status` (`Enabled`,
    /// `Disabled`). Nil when the status did not say.
    public var state: String?

    public init(service: String, key: String? = nil, certificate: String? = nil, bundle: String? = nil, other: [String] = [],
                state: String? = nil) {
        self.service = service
        self.key = key
        self.certificate = certificate
        self.bundle = bundle
        self.other = other
        self.state = state
    }

    enum CodingKeys: String, CodingKey { case service, key, certificate, bundle, other, state }

    /// Only `service` is required in a state file.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(service: try c.decode(String.self, forKey: .service),
                  key: try c.decodeIfPresent(String.self, forKey: .key),
                  certificate: try c.decodeIfPresent(String.self, forKey: .certificate),
                  bundle: try c.decodeIfPresent(String.self, forKey: .bundle),
                  other: try c.decodeIfPresent([String].self, forKey: .other) ?? [],
                  state: try c.decodeIfPresent(String.self, forKey: .state))
    }

    /// For the database: the node is in a cluster now (a `Connected ...` row of its own, or
    /// a cluster `Enabled` on a node that only connects). A cluster in use: removing it
    /// stops every call bridge that reads it.
    public var inDatabaseCluster: Bool {
        guard let state else { return false }
        return state.contains("Connected") || state.contains("Disconnected") || state == "Enabled"
    }

    /// Every file it uses.
    public var allFiles: [String] { [key, certificate, bundle].compactMap { $0 } + other }
}
