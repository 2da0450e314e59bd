/// A live TLS service of the deployment, for `cmscerts expiry --endpoints` to probe: which
/// node and service it is, and where to connect.
public struct DeploymentEndpoint: Codable, Hashable, Sendable {
    /// The node's name (`nodes[].name`).
    public var node: String
    /// The service listening there: its presented certificate is compared with the one
    /// the service is configured with.
    public var service: Service
    public var port: Int
    /// Where to connect; the node's FQDN when nil (`Deployment.endpointHost`).
    public var host: String?
    /// The SNI server name; when nil, the host's name is sent (nothing for an address),
    /// as `--endpoint` does.
    public var serverName: String?

    enum CodingKeys: String, CodingKey {
        case node, service, port, host
        case serverName = "sni"
    }

    public init(node: String, service: Service, port: Int, host: String? = nil, serverName: String? = nil) {
        self.node = node
        self.service = service
        self.port = port
        self.host = host
        self.serverName = serverName
    }
}

extension Deployment {
    /// Where to connect for an endpoint: its host, or its node's FQDN.
    public func endpointHost(_ e: DeploymentEndpoint) -> String {
        e.host ?? node(named: e.node)?.fqdn ?? e.node
    }
}
