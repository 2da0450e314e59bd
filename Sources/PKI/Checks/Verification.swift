import Foundation

/// Does a private key belong to a certificate or a CSR (`pki match`)?
public enum KeyMatch {
    public static func matches(_ key: PrivateKey, _ certificate: Certificate) -> Bool {
        key.publicKeyDER() == certificate.publicKeyDER
    }

    public static func matches(_ key: PrivateKey, _ request: CertificateRequest) -> Bool {
        key.publicKeyDER() == request.publicKeyDER
    }
}

/// Is a certificate the CA's answer to this CSR? The same public key (else it was made for
/// another key: a stale file of an earlier round, or another request's), the CSR's common
/// name, and every name the CSR asks for among the certificate's SANs. Each problem is one
/// sentence naming what differs.
public enum AnswerCheck {
    public static func problems(_ certificate: Certificate, answers request: CertificateRequest) -> [String] {
        var problems: [String] = []
        if certificate.publicKeyDER != request.publicKeyDER {
            problems.append("its public key is not the CSR's: it was signed for another key (a certificate of an earlier round, or another CSR's)")
        }
        if let asked = request.subject.commonName, certificate.subject.commonName?.lowercased() != asked.lowercased() {
            problems.append("its CN is \(certificate.subject.commonName ?? "missing"), the CSR asks for \(asked)")
        }
        let given = Set(certificate.subjectAltNames.map { $0.typedValue.lowercased() })
        let missing = request.subjectAltNames.filter { !given.contains($0.typedValue.lowercased()) }
        if !missing.isEmpty {
            problems.append("it lacks the SAN\(missing.count == 1 ? "" : "s") \(missing.map(\.typedValue).joined(separator: ", ")) that the CSR asks for")
        }
        return problems
    }
}

/// The result of checking a certificate against a bundle or root (`pki verify`): the
/// chain found, link by link, and every failure in plain words.
public struct ChainReport: Sendable, Codable {
    /// One certificate of the chain, from the entity up.
    public struct Link: Sendable, Codable {
        public var subject: String
        public var issuer: String
        public var notAfter: String
        /// Problems with this certificate itself (expired, not yet valid, not a CA).
        public var problems: [String]
        /// How it is tied to the next link: "signed by the next", "self-signed root", or the problem.
        public var link: String
    }

    public var links: [Link]
    public var failures: [String]
    public var verified: Bool { failures.isEmpty }

    /// The report as lines: the chain top to bottom, then SUCCESS or each FAILURE.
    public var text: String {
        var out: [String] = []
        for (index, link) in links.enumerated() {
            out.append("[\(index)] \(link.subject)")
            out.append("    issuer: \(link.issuer); not after \(link.notAfter)")
            for problem in link.problems { out.append("    problem: \(problem)") }
            out.append("    \(link.link)")
        }
        if failures.isEmpty {
            out.append("SUCCESS: certificate verified against CA bundle")
        } else {
            for failure in failures { out.append("FAILURE: \(failure)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// Builds and checks chains: the same rules as `openssl verify -CAfile`, with reasons a
/// person can act on.
public enum ChainVerifier {
    /// Checks `certificate` against the certificates of a bundle or root file. Trust ends
    /// at a self-signed certificate found in `trusted`.
    public static func verify(_ certificate: Certificate, against trusted: [Certificate], at now: Date = Date()) -> ChainReport {
        var links: [ChainReport.Link] = []
        var failures: [String] = []
        var current = certificate
        var seen: Set<Data> = []
        let pool = trusted

        while true {
            seen.insert(current.der)
            var problems: [String] = []
            if !current.timesAreReadable {
                problems.append("its validity dates cannot be read (not valid ASN.1 times): get the certificate issued again")
            } else if current.isExpired(at: now) {
                problems.append("expired on \(PKIFormat.date(current.notAfter))")
            } else if current.isNotYetValid(at: now) {
                problems.append("not valid before \(PKIFormat.date(current.notBefore)): check the clock, or wait")
            }
            if links.count > 0 && !current.isCA {
                problems.append("is not a CA (basicConstraints CA:TRUE missing) but issued the certificate below it")
            }
            for problem in problems { failures.append("\(current.displayName) \(problem)") }

            // A self-signed certificate ends the chain; it is trusted only when the bundle holds it.
            if current.isIssued(by: current) {
                let selfSignatureOK = current.isSigned(by: current)
                let inBundle = pool.contains(current)
                var linkText = "self-signed root"
                if !selfSignatureOK {
                    linkText = "self-issued, but its signature does not verify"
                    failures.append("\(current.displayName): bad signature on the self-signed root")
                } else if !inBundle {
                    linkText = "self-signed, not in the bundle"
                    failures.append("\(current.displayName) is self-signed and not in the bundle: the bundle does not trust it")
                }
                links.append(.init(subject: current.subject.description, issuer: current.issuer.description,
                                   notAfter: current.notAfterText, problems: problems, link: linkText))
                break
            }
            let candidates = pool.filter { !seen.contains($0.der) && current.isIssued(by: $0) }
            guard !candidates.isEmpty else {
                links.append(.init(subject: current.subject.description, issuer: current.issuer.description,
                                   notAfter: current.notAfterText, problems: problems,
                                   link: "issuer not found in the bundle"))
                if let namesake = pool.first(where: { !seen.contains($0.der) && $0.subject == current.issuer }) {
                    failures.append("bad signature: the bundle's '\(namesake.subject.description)' has the issuer's name but not its key, so it did not sign \(current.displayName) (a re-issued CA?); get the CA certificate that really signed it")
                } else {
                    failures.append("unknown issuer: the bundle has no certificate for '\(current.issuer.description)', which issued \(current.displayName); add that CA (and its own issuers up to the root) to the bundle")
                }
                break
            }
            // Prefer a candidate whose signature verifies and that is valid now.
            let ordered = candidates.sorted { a, b in
                let sa = current.isSigned(by: a), sb = current.isSigned(by: b)
                if sa != sb { return sa }
                return !a.isExpired(at: now) && b.isExpired(at: now)
            }
            let issuer = ordered[0]
            if current.isSigned(by: issuer) {
                links.append(.init(subject: current.subject.description, issuer: current.issuer.description,
                                   notAfter: current.notAfterText, problems: problems, link: "signed by the next"))
            } else {
                links.append(.init(subject: current.subject.description, issuer: current.issuer.description,
                                   notAfter: current.notAfterText, problems: problems,
                                   link: "BAD SIGNATURE: the next certificate has the issuer's name but its key did not sign this one"))
                failures.append("bad signature: \(current.displayName) was not signed by the key of \(issuer.displayName) (same name, different key: a re-issued CA?); get the issuer certificate that really signed it")
                break
            }
            current = issuer
            if links.count > 16 {
                failures.append("the chain is longer than 16 certificates: the bundle loops")
                break
            }
        }
        return ChainReport(links: links, failures: failures)
    }
}
