import Foundation
import PKI

/// Where a row's certificate was found.
public enum RowSource: String, Codable, Sendable, CaseIterable {
    /// A file or folder given on this machine.
    case file
    /// A file in a CMS node's MMP root folder, fetched through its Transport.
    case node
    /// A live TLS endpoint, as its server presents the chain.
    case endpoint
}

/// One line of the expiry dashboard: one certificate (every member of a bundle or of a
/// presented chain has its own), or one file that could not be read. Small and plain:
/// it holds what is shown, never the certificate itself.
public struct CertificateRow: Sendable, Hashable, Codable {
    public var source: RowSource
    /// The node's name (node rows; endpoint rows when the endpoint belongs to one).
    public var node: String?
    /// The services that use the file ("callbridge", "webbridge3 https", ...), when known.
    public var service: String?
    /// The path, the remote file name, or `host:port` (with `@sni` when one was asked).
    public var file: String
    /// 1-based place in the file or in the presented chain; nil for an unreadable file.
    public var member: Int?
    public var subject: DistinguishedName?
    public var issuer: DistinguishedName?
    public var subjectAltNames: [String]
    public var serialHex: String?
    public var sha256Fingerprint: String?
    public var notBefore: Date?
    public var notAfter: Date?
    public var daysLeft: Int?
    public var position: ChainPosition?
    public var status: CertificateStatus
    /// Why the file is unreadable (unreadable rows), or why its expiry is unknown.
    public var reason: String?
    /// What else is wrong: a chain presented out of order, a certificate that is not the
    /// one the node is configured with. Any problem makes the row at least a warning.
    public var problems: [String]

    public var commonName: String? { subject?.commonName }

    /// The issuer's CN, or its whole name when it has none.
    public var issuerName: String? { issuer.map { $0.commonName ?? $0.description } }

    /// What monitoring makes of this row.
    public var checkState: CheckState {
        problems.isEmpty ? status.checkState : status.checkState.worse(.warning)
    }

    /// A row for one certificate.
    public init(summary: CertificateSummary, source: RowSource, file: String, member: Int,
                node: String? = nil, service: String? = nil, policy: ExpiryPolicy, now: Date) {
        self.source = source
        self.node = node
        self.service = service
        self.file = file
        self.member = member
        subject = summary.subject
        issuer = summary.issuer
        subjectAltNames = summary.subjectAltNames.map(\.value)
        serialHex = summary.serialHex
        sha256Fingerprint = summary.sha256Fingerprint
        position = summary.position
        if summary.timesAreReadable {
            notBefore = summary.notBefore
            notAfter = summary.notAfter
            daysLeft = summary.daysLeft(at: now)
            status = policy.status(notBefore: summary.notBefore, notAfter: summary.notAfter, at: now)
            reason = nil
        } else {
            notBefore = nil
            notAfter = nil
            daysLeft = nil
            status = .unknown
            reason = "its validity dates cannot be read (not valid ASN.1 times): its expiry is unknown; get it issued again"
        }
        problems = []
    }

    /// A row for a file (or node, or endpoint) that could not be read, and why.
    public init(unreadable file: String, reason: String, source: RowSource, node: String? = nil, service: String? = nil) {
        self.source = source
        self.node = node
        self.service = service
        self.file = file
        member = nil
        subject = nil
        issuer = nil
        subjectAltNames = []
        serialHex = nil
        sha256Fingerprint = nil
        notBefore = nil
        notAfter = nil
        daysLeft = nil
        position = nil
        status = .unreadable
        self.reason = reason
        problems = []
    }

    /// Where the certificate is, as one string: the path, `node:file`, or `host:port`.
    public var location: String {
        switch source {
        case .file: return file
        case .node: return "\(node ?? "?"):\(file)"
        case .endpoint: return file
        }
    }
}

extension Sequence where Element == CertificateRow {
    /// The state of them all: the worst row's (OK when there is none).
    public var checkState: CheckState { reduce(CheckState.ok) { $0.worse($1.checkState) } }

    /// Sorted for the table: the nearest expiry first, unreadable rows on top (they are
    /// unknowns to look at), then by location.
    public func sortedByDaysLeft() -> [CertificateRow] {
        sorted { a, b in
            switch (a.notAfter, b.notAfter) {
            case (nil, nil): return a.location < b.location
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?):
                if x != y { return x < y }
                if a.location != b.location { return a.location < b.location }
                return (a.member ?? 0) < (b.member ?? 0)
            }
        }
    }
}
