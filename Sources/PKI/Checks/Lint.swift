import Foundation

/// One thing wrong with a certificate or CSR for CMS, and why CMS cares.
public struct LintFinding: Codable, Hashable, Sendable {
    /// How bad: an error breaks a client or a service; a warning is a risk to look at.
    public enum Severity: String, Codable, Sendable { case error, warning }

    /// A short stable name: `no-san`, `cn-not-in-san`, `rsa-short`, `sha1`,
    /// `no-server-auth`, `no-client-auth`, `validity-too-long`, `missing-san`.
    public var code: String
    public var severity: Severity
    /// What is wrong, then why CMS cares, in one sentence.
    public var message: String

    /// `error no-san: ...`.
    public var text: String { "\(severity.rawValue) \(code): \(message)" }
}

/// What a certificate is for, which decides what it must carry.
public enum LintRole: String, CaseIterable, Codable, Sendable {
    /// A service's TLS certificate (web admin, call bridge, web bridge, XMPP, TURN):
    /// SANs, serverAuth.
    case server
    /// The web bridge 3 C2W pair and the call bridge's side of it: serverAuth and clientAuth.
    case c2w
    /// The database server certificate: serverAuth and clientAuth; SANs optional (the
    /// client uses verify-ca).
    case databaseServer = "database-server"
    /// The database client certificate (CN postgres): clientAuth; no SAN needed.
    case databaseClient = "database-client"
    /// A CA certificate: only its key and signature matter here.
    case ca

    /// The role a certificate's own fields suggest, when nothing else says: a CA, the
    /// database client (CN postgres), else a server.
    public static func inferred(isCA: Bool, commonName: String?) -> LintRole {
        if isCA { return .ca }
        if commonName == "postgres" { return .databaseClient }
        return .server
    }
}

/// The checks a CMS engineer runs by eye on every certificate: the SANs browsers and CMS
/// match against, key size, signature hash, extended key usage, validity, and the names a
/// deployment needs. Pure: reads what the certificate says, nothing else.
public enum Lint {
    /// The longest validity browsers accept for a publicly trusted TLS certificate (since
    /// September 2020): the web bridge's join page is opened in browsers.
    public static let publicValidityDays = 398

    /// The findings for a certificate used as `role`; `requiredNames` are names the
    /// deployment needs in its SANs (join URL, XMPP domain, cluster FQDN).
    public static func certificate(_ c: Certificate, role: LintRole? = nil, requiredNames: [String] = []) -> [LintFinding] {
        let role = role ?? .inferred(isCA: c.isCA, commonName: c.subject.commonName)
        var out = common(key: c.publicKeyDescription, signature: c.signatureAlgorithm, selfSigned: c.isSelfSigned,
                         commonName: c.subject.commonName, sans: c.subjectAltNames, eku: c.extensions.extendedKeyUsage,
                         role: role, requiredNames: requiredNames)
        if role != .ca, c.timesAreReadable {
            let days = Int((c.notAfter.timeIntervalSince(c.notBefore) / 86_400).rounded())
            if days > publicValidityDays && (role == .server || role == .c2w) {
                out.append(LintFinding(code: "validity-too-long", severity: .warning,
                    message: "valid \(days) days: browsers refuse a publicly trusted certificate valid longer than \(publicValidityDays) days, and the join page is opened in browsers (fine from an internal CA that browsers trust by policy)"))
            }
        }
        return out
    }

    /// The findings for a CSR (no validity yet): what the signed certificate would carry.
    public static func request(_ r: CertificateRequest, role: LintRole = .server, requiredNames: [String] = []) -> [LintFinding] {
        common(key: r.publicKeyDescription, signature: r.signatureAlgorithm, selfSigned: false,
               commonName: r.subject.commonName, sans: r.subjectAltNames, eku: r.requestedExtensions.extendedKeyUsage,
               role: role, requiredNames: requiredNames)
    }

    static func common(key: String, signature: String, selfSigned: Bool, commonName: String?, sans: [SubjectAltName],
                       eku: [String]?, role: LintRole, requiredNames: [String]) -> [LintFinding] {
        var out: [LintFinding] = []
        if key.hasPrefix("RSA "), let bits = Int(key.dropFirst(4)), bits < 2048 {
            out.append(LintFinding(code: "rsa-short", severity: .error,
                message: "an RSA key of \(bits) bits: browsers and OpenSSL's default security level refuse RSA under 2048 bits; make a new key (pki csr makes 2048)"))
        }
        // A root's own signature is never checked by anyone: only issued certificates count.
        if !selfSigned, signature.lowercased().contains("sha1") {
            out.append(LintFinding(code: "sha1", severity: .error,
                message: "signed with SHA-1 (\(signature)): browsers and current TLS stacks refuse SHA-1 signatures; have it signed again with SHA-256"))
        }
        guard role != .ca else { return out }
        let names = sans.filter { if case .dns = $0 { return true }; if case .ip = $0 { return true }; return false }.map { $0.value.lowercased() }
        let needsNames = role == .server || role == .c2w
        if needsNames && names.isEmpty {
            out.append(LintFinding(code: "no-san", severity: .error,
                message: "no subjectAltName: browsers and TLS clients match the host name against the SANs only, never the CN (RFC 6125), so every client refuses it; put the service's FQDNs in subjectAltName"))
        } else if needsNames, let cn = commonName?.lowercased(), cn.contains("."), !names.contains(where: { covers($0, cn) }) {
            out.append(LintFinding(code: "cn-not-in-san", severity: .warning,
                message: "the CN \(cn) is not among the SANs: clients ignore the CN, so a client that reaches the node by that name refuses it (pki csr adds the CN to the SANs; a CSR made elsewhere may not)"))
        }
        if let eku {
            let needsServer = role != .databaseClient
            let needsClient = role == .c2w || role == .databaseServer || role == .databaseClient
            if needsServer && !eku.contains("serverAuth") {
                out.append(LintFinding(code: "no-server-auth", severity: .error,
                    message: "extended key usage without serverAuth (\(eku.joined(separator: ", "))): TLS clients refuse it as a server certificate; ask the CA for TLS Web Server Authentication"))
            }
            if needsClient && !eku.contains("clientAuth") {
                let why = role == .c2w ? "the call bridge presents it to the web bridge as a client (C2W)" : "the database cluster's nodes present it to each other as clients"
                out.append(LintFinding(code: "no-client-auth", severity: .error,
                    message: "extended key usage without clientAuth (\(eku.joined(separator: ", "))): \(why), and that side refuses it; ask the CA for TLS Web Client Authentication too"))
            }
        }
        for name in requiredNames where !names.contains(where: { covers($0, name.lowercased()) }) {
            out.append(LintFinding(code: "missing-san", severity: .error,
                message: "\(name) is not in the SANs, and the deployment needs it there: clients reaching CMS by that name refuse the certificate"))
        }
        return out
    }

    /// Whether a SAN covers a host name, case aside: the same name, or a wildcard for one
    /// label (`*.example.com` covers `a.example.com`, not `example.com` nor
    /// `a.b.example.com`). The deployment's wildcard strategy asks the same question.
    public static func covers(_ san: String, _ host: String) -> Bool {
        let p = san.lowercased(), h = host.lowercased()
        if p == h { return true }
        guard p.hasPrefix("*.") else { return false }
        let suffix = String(p.dropFirst(1))
        guard h.hasSuffix(suffix) else { return false }
        let head = h.dropLast(suffix.count)
        return !head.isEmpty && !head.contains(".")
    }
}
