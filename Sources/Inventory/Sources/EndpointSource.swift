import Foundation
import PKI

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

    /// A scan as given (`EndpointSource.scan` makes them from the network).
    public init(target: EndpointTarget, rows: [CertificateRow], inOrder: Bool, orderProblems: [String], matchesConfigured: Bool?) {
        self.target = target
        self.rows = rows
        self.inOrder = inOrder
        self.orderProblems = orderProblems
        self.matchesConfigured = matchesConfigured
    }
}

/// Reads live TLS endpoints: the chain as presented, whether it is in order (entity
/// first, each next certificate the issuer of the one before), and whether the entity
/// is the certificate the node is configured with.
public enum EndpointSource {
    /// Connects to `target`, reads the chain it presents and analyses it. Never throws:
    /// an endpoint that cannot be reached or does not speak TLS is an unreadable row.
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

    /// `target` with the certificate of its `configuredFile` (a relative path is taken from
    /// `directory`) as the one to compare with; when that file cannot be read, the target
    /// as it was and a row saying why. A target without a file is returned as it is.
    public static func readingConfiguredFile(_ target: EndpointTarget, relativeTo directory: String? = nil,
                                             passphrase: String? = nil) -> (target: EndpointTarget, problem: CertificateRow?) {
        guard let file = target.configuredFile else { return (target, nil) }
        let path = file.hasPrefix("/") || directory == nil ? file : directory! + "/" + file
        var resolved = target
        do {
            let contents = try CertificateFileReader.read(path: path, passphrase: passphrase)
            guard let entity = contents.certificates.first else {
                throw InventoryError("\(file) holds no certificate to compare \(target.label) with")
            }
            resolved.configuredFingerprint = entity.sha256Fingerprint
            resolved.configuredSource = file
            return (resolved, nil)
        } catch {
            return (target, CertificateRow(unreadable: file, reason: (error as? PKIError)?.message ?? "\(error)", source: .file))
        }
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
