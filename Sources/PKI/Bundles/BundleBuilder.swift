import Foundation

/// Where a certificate stands in a chain.
public enum ChainPosition: String, Codable, Sendable {
    case entity, intermediate, root
}

/// A certificate with where it was read from.
public struct SourcedCertificate: @unchecked Sendable {
    public var certificate: Certificate
    public var location: String
    public init(certificate: Certificate, location: String) {
        self.certificate = certificate
        self.location = location
    }
}

/// A bundle as `bundle build` will write it, with everything found on the way.
public struct BundlePlan: @unchecked Sendable {
    public enum Mode: String, Codable, Sendable {
        /// Entity on top, intermediates, root at the bottom: webbridge3's full chain.
        case fullChain
        /// The same without the entity: a CA bundle (`... certs <key> <cert> <bundle>`).
        case caBundle
    }

    public struct Member: @unchecked Sendable {
        public var certificate: Certificate
        public var location: String
        public var position: ChainPosition
    }

    public var mode: Mode
    /// The chain in CMS order, top to bottom.
    public var members: [Member]
    /// The issuer name the chain stops at when its last certificate is not a root.
    public var missingIssuer: String?
    /// Certificates given twice: (the copy's location, the kept one's location).
    public var duplicates: [(dropped: String, kept: String)]
    /// Certificates not in the chain, with why.
    public var strangers: [(location: String, reason: String)]
    /// Anything else the user must know: expired members, the entity left out of a CA bundle.
    public var warnings: [String]

    /// True when the chain reaches a self-signed root.
    public var isComplete: Bool { missingIssuer == nil }

    /// The bundle file's text: PEM blocks only, LF only, no blank lines, one final newline.
    public var pemText: String { members.map(\.certificate.pem).joined() }
}

/// Builds bundles in the order CMS wants from any pile of certificates.
public enum BundleBuilder {
    /// Orders `pile` into a chain. In full-chain mode exactly one entity (non-CA)
    /// certificate must be among them; in CA-bundle mode an entity, if present, is left
    /// out and its chain kept.
    public static func build(_ pile: [SourcedCertificate], mode: BundlePlan.Mode, at now: Date = Date()) throws -> BundlePlan {
        guard !pile.isEmpty else { throw PKIError.input("no certificates given: name the entity certificate and its CA files") }
        var unique: [SourcedCertificate] = []
        var duplicates: [(dropped: String, kept: String)] = []
        for item in pile {
            if let kept = unique.first(where: { $0.certificate == item.certificate }) {
                duplicates.append((item.location, kept.location))
            } else {
                unique.append(item)
            }
        }

        let entities = unique.filter { !$0.certificate.isCA && !$0.certificate.isSelfSigned }
        var warnings: [String] = []
        var start: SourcedCertificate
        switch mode {
        case .fullChain:
            guard !entities.isEmpty else {
                throw PKIError.input("no entity (server) certificate among the files, only CAs: add the server's certificate, or build a CA bundle with --ca-only")
            }
            if entities.count > 1 {
                let list = entities.map { "\($0.certificate.displayName) (\($0.location))" }.joined(separator: ", ")
                throw PKIError.input("several entity certificates: \(list); a full chain has exactly one: give only the one this bundle is for")
            }
            start = entities[0]
        case .caBundle:
            let cas = unique.filter { $0.certificate.isCA || $0.certificate.isSelfSigned }
            guard !cas.isEmpty else {
                throw PKIError.input("no CA certificate among the files: a CA bundle holds the intermediates and the root; add them")
            }
            if let entity = entities.first, entities.count == 1,
               let issuer = cas.first(where: { entity.certificate.isIssued(by: $0.certificate) && entity.certificate.isSigned(by: $0.certificate) }) {
                start = issuer
                warnings.append("\(entity.certificate.displayName) (\(entity.location)) left out: a CA bundle holds no entity certificate")
            } else {
                // The lowest CA: one that issued no other CA of the pile; the longest chain wins.
                let lowest = cas.filter { candidate in
                    !cas.contains { other in other.certificate != candidate.certificate
                        && other.certificate.isIssued(by: candidate.certificate) && other.certificate.isSigned(by: candidate.certificate) }
                }
                let ranked = (lowest.isEmpty ? cas : lowest).sorted {
                    chain(from: $0, in: unique).chain.count > chain(from: $1, in: unique).chain.count
                }
                start = ranked[0]
                for entity in entities {
                    warnings.append("\(entity.certificate.displayName) (\(entity.location)) left out: a CA bundle holds no entity certificate")
                }
            }
        }

        let walk = chain(from: start, in: unique)
        var members: [BundlePlan.Member] = []
        for (index, item) in walk.chain.enumerated() {
            let position: ChainPosition
            if item.certificate.isSelfSigned { position = .root }
            else if index == 0 && mode == .fullChain { position = .entity }
            else { position = .intermediate }
            members.append(.init(certificate: item.certificate, location: item.location, position: position))
            if !item.certificate.timesAreReadable {
                warnings.append("\(item.certificate.displayName) (\(item.location)): its validity dates cannot be read (not valid ASN.1 times); get it issued again")
            } else if item.certificate.isExpired(at: now) {
                warnings.append("\(item.certificate.displayName) (\(item.location)) expired on \(PKIFormat.date(item.certificate.notAfter)): renew it")
            }
        }
        let inChain = Set(walk.chain.map(\.certificate.der))
        var strangers: [(location: String, reason: String)] = []
        for item in unique where !inChain.contains(item.certificate.der) {
            if mode == .caBundle && !item.certificate.isCA && !item.certificate.isSelfSigned { continue }
            strangers.append((item.location, "\(item.certificate.displayName) is not in the chain of \(start.certificate.displayName): left out"))
        }
        return BundlePlan(mode: mode, members: members, missingIssuer: walk.missingIssuer,
                          duplicates: duplicates, strangers: strangers, warnings: warnings)
    }

    /// Walks up from `start` through `pool`: each step the certificate that issued and
    /// signed the current one, until a self-signed root or a missing issuer.
    static func chain(from start: SourcedCertificate, in pool: [SourcedCertificate]) -> (chain: [SourcedCertificate], missingIssuer: String?) {
        var chain = [start]
        var current = start
        while !current.certificate.isSelfSigned {
            guard let issuer = pool.first(where: { candidate in
                !chain.contains { $0.certificate == candidate.certificate }
                    && current.certificate.isIssued(by: candidate.certificate)
                    && current.certificate.isSigned(by: candidate.certificate)
            }) else {
                return (chain, current.certificate.issuer.description)
            }
            chain.append(issuer)
            current = issuer
        }
        return (chain, nil)
    }
}
