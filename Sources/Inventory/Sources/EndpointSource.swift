import Foundation
import PKI

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
    public var node: String?
    public var service: String?

    public init(host: String, port: Int, serverName: String? = nil, configuredFingerprint: String? = nil,
                configuredSource: String? = nil, node: String? = nil, service: String? = nil) {
        self.host = host
        self.port = port
        self.serverName = serverName
        self.configuredFingerprint = configuredFingerprint
        self.configuredSource = configuredSource
        self.node = node
        self.service = service
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

/// What an endpoint presented, and what is wrong with it.
public struct EndpointScan: Sendable {
    public var target: EndpointTarget
    /// One row per presented certificate, in the order presented; or one unreadable row.
    public var rows: [CertificateRow]
    /// True when each certificate is followed by its issuer (the entity first).
    public var inOrder: Bool
    /// The order problems, in words.
    public var orderProblems: [String]
    /// Whether the entity presented is the configured certificate; nil when none was given
    /// (or nothing could be read).
    public var matchesConfigured: Bool?
}

/// Reads live TLS endpoints: the chain as presented, whether it is in order (entity
/// first, each next certificate the issuer of the one before), and whether the entity
/// is the certificate the node is configured with.
public enum EndpointSource {
    public static func scan(_ target: EndpointTarget, policy: ExpiryPolicy, now: Date = Date(),
                            timeout: Duration = .seconds(10)) -> EndpointScan {
        let chain: [Certificate]
        do {
            chain = try TLSProbe.presentedChain(host: target.host, port: target.port,
                                                serverName: target.effectiveServerName, timeout: timeout)
        } catch {
            let row = CertificateRow(unreadable: target.label, reason: "\(error)", source: .endpoint,
                                     node: target.node, service: target.service)
            return EndpointScan(target: target, rows: [row], inOrder: false, orderProblems: [], matchesConfigured: nil)
        }
        return analyse(chain, target: target, policy: policy, now: now)
    }

    /// The rows and findings of a presented chain (apart from the network, for tests and
    /// for chains read some other way).
    public static func analyse(_ chain: [Certificate], target: EndpointTarget, policy: ExpiryPolicy, now: Date) -> EndpointScan {
        var rows = chain.enumerated().map { index, certificate in
            CertificateRow(summary: CertificateSummary(certificate), source: .endpoint, file: target.label, member: index + 1,
                           node: target.node, service: target.service, policy: policy, now: now)
        }
        let findings = orderProblems(chain)
        for finding in findings { rows[finding.index].problems.append(finding.message) }
        var matches: Bool?
        if let expected = target.configuredFingerprint, let entity = chain.first {
            matches = normalise(entity.sha256Fingerprint) == normalise(expected)
            if matches == false {
                let from = target.configuredSource.map { " (\($0))" } ?? ""
                rows[0].problems.append("the certificate presented (\(entity.displayName), SHA-256 \(entity.sha256Fingerprint)) is not the one configured\(from), SHA-256 \(expected): restart or re-enable the service, or check which certificate it was given")
            }
        }
        return EndpointScan(target: target, rows: rows, inOrder: findings.isEmpty,
                            orderProblems: findings.map(\.message), matchesConfigured: matches)
    }

    /// What is out of order in a chain as presented: the first certificate must be the
    /// entity, each next one the issuer of the one before it.
    public static func orderProblems(_ chain: [Certificate]) -> [(index: Int, message: String)] {
        var problems: [(index: Int, message: String)] = []
        if let first = chain.first, chain.dropFirst().contains(where: { $0.isIssued(by: first) && $0 != first }) {
            problems.append((0, "the first certificate presented (\(first.displayName)) is a CA, not the server's own certificate: the entity must come first"))
        }
        for index in 0..<max(0, chain.count - 1) {
            let certificate = chain[index], next = chain[index + 1]
            if certificate.isIssued(by: next) { continue }
            let name = "certificate \(index + 1) (\(certificate.displayName))"
            if let at = chain.indices.first(where: { $0 != index && certificate.isIssued(by: chain[$0]) }) {
                problems.append((index, "wrong order: the issuer of \(name) is presented at place \(at + 1), not right after it at place \(index + 2): put each issuer right after the certificate it signed"))
            } else if certificate.isSelfSigned {
                problems.append((index, "wrong order: \(name) is a root, yet \(next.displayName) follows it: the root goes last"))
            } else {
                problems.append((index, "the issuer of \(name), '\(certificate.issuer)', is not presented and \(next.displayName) follows instead: add the missing intermediate in its place"))
            }
        }
        return problems
    }

    static func normalise(_ fingerprint: String) -> String {
        fingerprint.uppercased().filter { $0 != ":" && $0 != " " }
    }
}
