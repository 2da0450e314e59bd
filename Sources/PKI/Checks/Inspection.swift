import Foundation
import TerminalText

/// What `pki inspect` shows of a certificate or a CSR; Codable for `--json`.
public struct Inspection: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case certificate, csr }

    public var kind: Kind
    public var subject: String
    public var commonName: String?
    /// Certificates only.
    public var issuer: String?
    public var subjectAltNames: [String]
    public var serial: String?
    public var notBefore: String?
    public var notAfter: String?
    public var daysLeft: Int?
    /// "valid", "expired", "not yet valid", or "unknown" when the certificate's dates
    /// cannot be read (certificates only).
    public var validity: String?
    public var keyType: String
    public var signatureAlgorithm: String
    public var keyUsage: [String]?
    public var extendedKeyUsage: [String]?
    /// "CA:TRUE", "CA:TRUE, pathlen:0", "CA:FALSE"; nil when absent.
    public var basicConstraints: String?
    public var sha256Fingerprint: String
    public var selfSigned: Bool?
    /// CSRs only: does the CSR's signature verify with its own key?
    public var signatureValid: Bool?
    /// What `Lint` finds, for the role the certificate's own fields suggest (a CA, the
    /// database client, else a server); empty when nothing.
    public var lint: [LintFinding]

    public init(_ certificate: Certificate, now: Date = Date()) {
        kind = .certificate
        subject = certificate.subject.description
        commonName = certificate.subject.commonName
        issuer = certificate.issuer.description
        subjectAltNames = certificate.subjectAltNames.map(\.typedValue)
        serial = certificate.serialHex
        if certificate.timesAreReadable {
            notBefore = PKIFormat.iso(certificate.notBefore)
            notAfter = PKIFormat.iso(certificate.notAfter)
            daysLeft = certificate.daysLeft(at: now)
            validity = certificate.isExpired(at: now) ? "expired" : certificate.isNotYetValid(at: now) ? "not yet valid" : "valid"
        } else {
            // Not a time OpenSSL can read: neither valid nor expired, unknown.
            notBefore = nil
            notAfter = nil
            daysLeft = nil
            validity = "unknown"
        }
        keyType = certificate.publicKeyDescription
        signatureAlgorithm = certificate.signatureAlgorithm
        keyUsage = certificate.extensions.keyUsage
        extendedKeyUsage = certificate.extensions.extendedKeyUsage
        basicConstraints = Self.constraints(certificate.extensions)
        sha256Fingerprint = certificate.sha256Fingerprint
        selfSigned = certificate.isSelfSigned
        signatureValid = nil
        lint = Lint.certificate(certificate)
    }

    public init(_ request: CertificateRequest) {
        kind = .csr
        subject = request.subject.description
        commonName = request.subject.commonName
        issuer = nil
        subjectAltNames = request.subjectAltNames.map(\.typedValue)
        serial = nil
        notBefore = nil
        notAfter = nil
        daysLeft = nil
        validity = nil
        keyType = request.publicKeyDescription
        signatureAlgorithm = request.signatureAlgorithm
        keyUsage = request.requestedExtensions.keyUsage
        extendedKeyUsage = request.requestedExtensions.extendedKeyUsage
        basicConstraints = Self.constraints(request.requestedExtensions)
        sha256Fingerprint = request.sha256Fingerprint
        selfSigned = nil
        signatureValid = request.signatureIsValid
        lint = Lint.request(request, role: .inferred(isCA: request.requestedExtensions.isCA == true, commonName: request.subject.commonName))
    }

    static func constraints(_ e: ExtensionSummary) -> String? {
        guard let ca = e.isCA else { return nil }
        if ca, let length = e.pathLength { return "CA:TRUE, pathlen:\(length)" }
        return ca ? "CA:TRUE" : "CA:FALSE"
    }

    /// The inspection as aligned "Field : value" lines, as an admin reads them in a terminal.
    public var text: String {
        var rows: [(String, String)] = []
        rows.append(("Type", kind == .certificate ? "certificate" : "certificate signing request"))
        rows.append(("Subject", subject))
        if let issuer { rows.append(("Issuer", issuer)) }
        rows.append(("Subject alt names", subjectAltNames.isEmpty ? "(none)" : subjectAltNames.joined(separator: ", ")))
        if let serial { rows.append(("Serial number", serial)) }
        if let notBefore { rows.append(("Not before", notBefore)) }
        if let notAfter, let daysLeft, let validity {
            let left = daysLeft < 0 ? "expired \(-daysLeft) days ago" : "\(daysLeft) days left"
            rows.append(("Not after", "\(notAfter) (\(left))"))
            rows.append(("Validity", validity))
        } else if kind == .certificate, let validity {
            rows.append(("Not after", Certificate.unreadableDate))
            rows.append(("Validity", "\(validity): the certificate's validity dates are not valid ASN.1 times; get it issued again"))
        }
        rows.append(("Public key", keyType))
        rows.append(("Signature algorithm", signatureAlgorithm))
        rows.append(("Key usage", keyUsage?.joined(separator: ", ") ?? "(none)"))
        rows.append(("Extended key usage", extendedKeyUsage?.joined(separator: ", ") ?? "(none)"))
        rows.append(("Basic constraints", basicConstraints ?? "(none)"))
        rows.append(("SHA-256 fingerprint", sha256Fingerprint))
        if let selfSigned { rows.append(("Self-signed", selfSigned ? "yes" : "no")) }
        if let signatureValid { rows.append(("CSR signature", signatureValid ? "valid" : "INVALID: the CSR is damaged or altered")) }
        if lint.isEmpty {
            rows.append(("Lint", "nothing found (SANs, key, signature, key usage, validity)"))
        } else {
            for (i, finding) in lint.enumerated() { rows.append((i == 0 ? "Lint" : "", finding.text)) }
        }
        let width = rows.map(\.0.count).max() ?? 0
        // Every value may come from a stranger's certificate: each stays on its line, its
        // control characters written out.
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + " : " + TerminalText.visible($0.1) }
            .joined(separator: "\n") + "\n"
    }
}
