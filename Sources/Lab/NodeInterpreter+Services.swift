import Foundation
import PKI

/// A key and certificate a service presents, and what its certificate must chain to.
struct CertificatePair {
    var keySlot: LabSlot
    var certificateSlot: LabSlot
    /// The certificate file is a full chain (webbridge3): it is verified against itself.
    var fullChain: Bool
}

extension NodeInterpreter {
    /// The pairs a service presents when it starts.
    static func pairs(_ service: LabService) -> [CertificatePair] {
        switch service {
        case .webbridge3:
            return [CertificatePair(keySlot: .key, certificateSlot: .certificate, fullChain: true),
                    CertificatePair(keySlot: .c2wKey, certificateSlot: .c2wCertificate, fullChain: true)]
        default:
            return [CertificatePair(keySlot: .key, certificateSlot: .certificate, fullChain: false)]
        }
    }

    static func syntax(_ service: LabService, _ version: LabVersion) -> String {
        switch service {
        case .webbridge3:
            return "webbridge3 [enable|disable|restart|https certs <key-file> <fullchain-file>|c2w certs <key-file> <fullchain-file>|c2w trust <crt-bundle>]"
        case .webbridge:
            return "webbridge [enable|disable|restart|certs <key-file> <crt-file> [<crt-bundle>]|trust <crt-bundle>]"
        case .callbridge where version == .v3:
            return "callbridge [restart|enable|disable|certs <key-file> <crt-file> [<crt-bundle>]|trust c2w <crt-bundle>]"
        default:
            return "\(service.rawValue) [enable|disable|restart|certs <key-file> <crt-file> [<crt-bundle>]]"
        }
    }

    mutating func service(_ service: LabService, _ args: [String], line: String) -> [String] {
        let version = state.topology.version
        let usage = [MMPText.usage(Self.syntax(service, version))]
        switch args {
        case []:
            return serviceStatus(service)
        case ["enable"]:
            return start(service)
        case ["disable"]:
            var s = nodeState.services[service]!
            s.enabled = false
            s.loaded = nil
            s.failure = nil
            nodeState.services[service] = s
            return []
        case ["restart"]:
            // The call bridge has no separate enable in the article: restart starts it.
            guard nodeState.services[service]!.enabled || service == .callbridge else {
                return [MMPText.serviceDisabled(service.rawValue)]
            }
            return start(service)
        default:
            break
        }
        // In the order typed, so that the first missing file is the one named.
        var assignments: [(LabSlot, String?)] = []
        switch (service, args.first) {
        case (.webbridge3, "https") where args.count == 4 && args[1] == "certs":
            assignments = [(.key, args[2]), (.certificate, args[3])]
        case (.webbridge3, "c2w") where args.count == 4 && args[1] == "certs":
            assignments = [(.c2wKey, args[2]), (.c2wCertificate, args[3])]
        case (.webbridge3, "c2w") where args.count == 3 && args[1] == "trust":
            assignments = [(.c2wTrust, args[2])]
        case (.webbridge3, _):
            return usage
        case (_, "certs") where args.count == 3 || args.count == 4:
            assignments = [(.key, args[1]), (.certificate, args[2]), (.bundle, args.count == 4 ? args[3] : nil)]
        case (.webbridge, "trust") where args.count == 2:
            assignments = [(.trust, args[1])]
        case (.callbridge, "trust") where version == .v3 && args.count == 3 && args[1] == "c2w":
            assignments = [(.c2wTrust, args[2])]
        default:
            return usage
        }
        if let bad = checkFiles(assignments.compactMap { $0.1 }) { return [bad] }
        if let bad = kindProblem(assignments) { return [bad] }
        var s = nodeState.services[service]!
        for (slot, file) in assignments { s.files[slot] = file }
        nodeState.services[service] = s
        // The service goes on with what it loaded until it is restarted.
        return []
    }

    /// What the MMP refuses in a `certs` or `trust` command before it takes the files: a
    /// key file that holds no private key, a certificate or bundle file that holds no
    /// certificate, a key that is not its certificate's. (Expiry and the chain are judged
    /// when the service starts, as before.)
    func kindProblem(pairs: [(key: String, certificate: String)], certificates others: [String] = []) -> String? {
        for pair in pairs {
            guard let key = try? Loader.privateKey(path: folder + "/" + pair.key) else { return MMPText.notAKey(pair.key) }
            guard let certificate = try? Loader.certificates(path: folder + "/" + pair.certificate).first else {
                return MMPText.notACertificate(pair.certificate)
            }
            if !KeyMatch.matches(key, certificate) { return MMPText.keyDoesNotMatch }
        }
        for file in others where (try? Loader.certificates(path: folder + "/" + file).first) == nil {
            return MMPText.notACertificate(file)
        }
        return nil
    }

    /// A service command's files as `kindProblem` takes them: its key and certificate
    /// pairs, and the bundles and trust lists beside them.
    func kindProblem(_ assignments: [(LabSlot, String?)]) -> String? {
        var files: [LabSlot: String] = [:]
        for (slot, file) in assignments { if let file { files[slot] = file } }
        let pairs = [(LabSlot.key, LabSlot.certificate), (.c2wKey, .c2wCertificate)].compactMap { k, c -> (key: String, certificate: String)? in
            guard let key = files[k], let certificate = files[c] else { return nil }
            return (key, certificate)
        }
        let paired: Set<LabSlot> = [.key, .certificate, .c2wKey, .c2wCertificate]
        return kindProblem(pairs: pairs, certificates: assignments.filter { !paired.contains($0.0) }.compactMap(\.1))
    }

    /// `<service>`: its configuration and state, one aligned line each.
    func serviceStatus(_ service: LabService) -> [String] {
        let s = nodeState.services[service]!
        var rows: [(String, String)] = [
            (MMPText.enabledLabel, s.enabled ? "true" : "false"),
            (MMPText.stateLabel, s.health(at: now).description),
        ]
        func file(_ slot: LabSlot) -> String { s.files[slot] ?? MMPText.none }
        switch service {
        case .webbridge3:
            rows += [(MMPText.httpsKeyLabel, file(.key)), (MMPText.httpsFullChainLabel, file(.certificate)),
                     (MMPText.c2wKeyLabel, file(.c2wKey)), (MMPText.c2wFullChainLabel, file(.c2wCertificate)),
                     (MMPText.c2wTrustLabel, file(.c2wTrust))]
        case .turn:
            // TURN names its files its own way (TAC 221729).
            rows += [(MMPText.turnKeyLabel, file(.key)), (MMPText.turnCertificateLabel, file(.certificate)),
                     (MMPText.turnBundleLabel, file(.bundle))]
        default:
            rows += [(MMPText.keyFileLabel, file(.key)), (MMPText.certificateFileLabel, file(.certificate)),
                     (MMPText.bundleFileLabel, file(.bundle))]
            if service == .webbridge { rows.append((MMPText.trustLabel, file(.trust))) }
            if service == .callbridge && state.topology.version == .v3 { rows.append((MMPText.c2wTrustLabel, file(.c2wTrust))) }
        }
        return aligned(rows)
    }

    /// Enables and (re)starts a service: every pair must match, be in date (by the lab's
    /// clock) and chain to its bundle, else FAILURE and the service stays down.
    mutating func start(_ service: LabService) -> [String] {
        var s = nodeState.services[service]!
        s.enabled = true
        var out: [String] = []
        var failure: String? = nil
        var earliest: LoadedCertificates? = nil
        let pairs = Self.pairs(service).filter { s.files[$0.keySlot] != nil || s.files[$0.certificateSlot] != nil }
        if pairs.isEmpty || s.files[.certificate] == nil || s.files[.key] == nil {
            failure = MMPText.noCertificates(service == .webbridge3 ? "webbridge3 https" : service.rawValue)
            out.append(failure!)
        }
        for pair in pairs where failure == nil {
            let keyName = s.files[pair.keySlot] ?? ""
            let certificateName = s.files[pair.certificateSlot] ?? ""
            let bundleName = pair.fullChain ? nil : s.files[.bundle]
            let lines = check(key: keyName, certificate: certificateName, bundle: bundleName, fullChain: pair.fullChain)
            out += lines.output
            if let reason = lines.failure {
                failure = reason
            } else if let notAfter = lines.notAfter, earliest == nil || notAfter < earliest!.notAfter {
                earliest = LoadedCertificates(notAfter: notAfter, earliestFile: certificateName)
            }
        }
        if let failure {
            s.failure = failure.hasPrefix("FAILURE: ") ? String(failure.dropFirst(9)) : failure
            s.loaded = nil
        } else {
            s.failure = nil
            s.loaded = earliest
        }
        nodeState.services[service] = s
        return out
    }

    /// Checks one key and certificate (and bundle, or the full chain) the way a service
    /// does when it starts. `failure` is the first FAILURE line, when there is one.
    func check(key: String, certificate: String, bundle: String?, fullChain: Bool) -> (output: [String], failure: String?, notAfter: Date?) {
        if let bad = checkFiles([key, certificate] + (bundle.map { [$0] } ?? [])) { return ([bad], bad, nil) }
        let privateKey: PrivateKey
        let chain: [Certificate]
        do {
            privateKey = try Loader.privateKey(path: folder + "/" + key)
        } catch let error as PKIError {
            let line = MMPText.unreadableFile(key, error.message)
            return ([line], line, nil)
        } catch { return (["\(error)"], "\(error)", nil) }
        do {
            chain = try Loader.certificates(path: folder + "/" + certificate)
        } catch let error as PKIError {
            let line = MMPText.unreadableFile(certificate, error.message)
            return ([line], line, nil)
        } catch { return (["\(error)"], "\(error)", nil) }
        let leaf = chain[0]
        var out: [String] = []
        guard KeyMatch.matches(privateKey, leaf) else {
            return ([MMPText.keyDoesNotMatch], MMPText.keyDoesNotMatch, nil)
        }
        out.append(MMPText.keyMatches)
        if leaf.isExpired(at: now) {
            let line = MMPText.certificateExpired(certificate, labDate(leaf.notAfter))
            return (out + [line], line, nil)
        }
        var trusted: [Certificate]? = nil
        if fullChain {
            trusted = chain
        } else if let bundle {
            do {
                trusted = try Loader.certificates(path: folder + "/" + bundle)
            } catch let error as PKIError {
                let line = MMPText.unreadableFile(bundle, error.message)
                return (out + [line], line, nil)
            } catch { return (out + ["\(error)"], "\(error)", nil) }
        }
        if let trusted {
            let report = ChainVerifier.verify(leaf, against: trusted, at: now)
            if report.verified {
                out.append(MMPText.chainVerified)
            } else {
                let line = MMPText.chainFailed(report.failures.joined(separator: "; "))
                return (out + [line], line, nil)
            }
        }
        return (out, nil, leaf.notAfter)
    }

    /// "Label : value" rows, the labels padded as the MMP pads them (25 columns at least).
    func aligned(_ rows: [(String, String)]) -> [String] {
        let width = max(25, (rows.map(\.0.count).max() ?? 0) + 1)
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + ": " + $0.1 }
    }
}
