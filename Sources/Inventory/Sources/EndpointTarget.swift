import Deployment
import Foundation

/// A live TLS endpoint to read: where to connect, which name to ask for by SNI, and
/// (when known) the certificate the node is configured to present there.
public struct EndpointTarget: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The SNI name; nil sends the host's name when it is a name, nothing for an address.
    public var serverName: String?
    /// The SHA-256 fingerprint ("AB:CD:...") of the certificate the service is configured
    /// with, to compare with the one presented.
    public var configuredFingerprint: String?
    /// Where that configured certificate comes from (a file, `node:file`), for messages.
    public var configuredSource: String?
    /// A certificate file named with `=file`, not read yet: `EndpointSource.readingConfiguredFile`
    /// reads it into `configuredFingerprint`.
    public var configuredFile: String?
    public var node: String?
    public var service: String?

    public init(host: String, port: Int, serverName: String? = nil, configuredFingerprint: String? = nil,
                configuredSource: String? = nil, configuredFile: String? = nil, node: String? = nil, service: String? = nil) {
        self.host = host
        self.port = port
        self.serverName = serverName
        self.configuredFingerprint = configuredFingerprint
        self.configuredSource = configuredSource
        self.configuredFile = configuredFile
        self.node = node
        self.service = service
    }

    /// An endpoint a deployment file lists (`endpoints:`): its host (the node's FQDN by
    /// default), port and SNI name, named by its node and service.
    public init(_ endpoint: DeploymentEndpoint, of deployment: Deployment) {
        self.init(host: deployment.endpointHost(endpoint), port: endpoint.port, serverName: endpoint.serverName,
                  node: endpoint.node, service: endpoint.service.rawValue)
    }

    /// Parses `host:port`, `host:port@sni`, `[v6]:port[@sni]`.
    public static func parse(_ text: String) throws -> EndpointTarget {
        var rest = Substring(text)
        var serverName: String?
        if let at = rest.lastIndex(of: "@") {
            serverName = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            if serverName!.isEmpty { throw InventoryError("'\(text)': nothing after '@': give the SNI name, e.g. host:443@cms1.example.com") }
        }
        let host: Substring, portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw InventoryError("'\(text)' is not [address]:port")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw InventoryError("'\(text)' has no port: write host:port, e.g. cms1.example.com:443")
            }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty else { throw InventoryError("'\(text)' has no host: write host:port") }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw InventoryError("'\(text)': the port '\(portText)' is not a number from 1 to 65535")
        }
        return EndpointTarget(host: String(host), port: port, serverName: serverName)
    }

    /// Parses `host:port[@sni][=file]`, as `cmscerts expiry --endpoint` takes it: `=file`
    /// names the certificate the service is configured with, to compare with the one presented.
    public static func parse(specification text: String) throws -> EndpointTarget {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var target = try parse(parts[0])
        if parts.count > 1 {
            guard !parts[1].isEmpty else {
                throw InventoryError("'\(text)': nothing after '=': name the certificate file the service is configured with, e.g. \(parts[0])=callbridge.crt")
            }
            target.configuredFile = parts[1]
        }
        return target
    }

    /// Parses several endpoints separated by spaces or commas, each `host:port[@sni][=file]`;
    /// an empty text is no endpoint. The first one that cannot be used throws, naming it.
    public static func parseList(_ text: String) throws -> [EndpointTarget] {
        try text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map { try parse(specification: String($0)) }
    }

    /// As `parse(specification:)` takes it back: the label, with `=file` when one is named.
    public var specification: String { label + (configuredFile.map { "=\($0)" } ?? "") }

    /// `host:port`, with `@sni` when a name was asked for.
    public var label: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(hostPart):\(port)" + (serverName.map { "@\($0)" } ?? "")
    }

    /// The SNI name actually sent.
    var effectiveServerName: String? {
        if let serverName { return serverName }
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        return isAddress ? nil : host
    }
}
