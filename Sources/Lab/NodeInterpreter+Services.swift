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
        case .scheduler:
            return [CertificatePair(keySlot: .c2wKey, certificateSlot: .c2wCertificate, fullChain: true)]
        case .uploader:
            return []
        default:
            return [CertificatePair(keySlot: .key, certificateSlot: .certificate, fullChain: false)]
        }
    }

    /// The syntax a service's commands take on this release (unverified: the MMP's usage
    /// text; the commands are CMS-REFERENCE.md's).
    static func syntax(_ service: LabService, _ version: LabVersion) -> String {
        let v3 = version == .v3
        switch service {
        case .webbridge3:
            return "webbridge3 [enable|disable|restart|https certs <key-file> <fullchain-file>|https listen <if>:<port>|c2w certs <key-file> <fullchain-file>|c2w listen <if>:<port>|c2w trust <crt-bundle>]"
        case .webbridge:
            return "webbridge [enable|disable|restart|certs <key-file> <crt-file> [<crt-bundle>]|trust <crt-bundle>|listen <if>:<port>]"
        case .callbridge:
            return "callbridge [restart|enable|disable|certs <key-file> <crt-file> [<crt-bundle>]|trust c2w <crt-bundle>|listen <if> [<if>...]]"
        case .webadmin:
            return "webadmin [enable|disable|restart|certs <key-file> <crt-file> [<crt-bundle>]|listen <if> <port>]"
        case .xmpp:
            return "xmpp [enable|disable|restart|certs <key-file> <crt-file> [<crt-bundle>]|listen <if> [<if>...]|cluster trust <crt-bundle>]"
        case .turn:
            return "turn [enable|disable|restart|certs <key-file> <crt-file> [<crt-bundle>]|listen <if> [<if>...]|tls <port>]"
        case .loadbalancer, .trunk:
            return "\(service.rawValue) [list|enable <tag>|disable <tag>|certs <tag> <key-file> <crt-file> <trust-bundle>]"
        case .recorder, .streamer:
            return v3 ? "\(service.rawValue) [enable|disable|restart|sip certs <key-file> <crt-file> [<crt-bundle>]]"
                      : "\(service.rawValue) [enable|disable|restart|certs <key-file> <crt-file>|trust <crt-bundle>]"
        case .uploader:
            return "uploader [enable|disable|restart|cms trust <crt-bundle>|rev trust <crt-bundle>]"
        case .scheduler:
            return "scheduler [enable|disable|restart|c2w certs <key-file> <fullchain-file>|c2w trust <crt-bundle>]"
        }
    }

    mutating func service(_ service: LabService, _ args: [String], line: String) -> [String] {
        let version = state.topology.version
        let usage = [MMPText.usage(Self.syntax(service, version))]
        var args = args
        // The load balancer and the trunk name their instance by tag first: `loadbalancer
        // enable edge`.
        if service == .loadbalancer || service == .trunk {
            if args.count == 2, args[0] == "enable" || args[0] == "disable" {
                // Disabling a load balancer that has no certificates yet names its tag.
                let tag = nodeState.services[service]!.tag
                if args[0] == "disable" && tag == nil, checkName(args[1]) == nil { nodeState.services[service]!.tag = args[1] }
                guard nodeState.services[service]!.tag == args[1] else { return [MMPText.noSuchTag(service.rawValue, args[1])] }
                args = [args[0]]
            } else if args.first == "certs", args.count == 5 {
                if let bad = checkName(args[1]) { return [bad] }
                nodeState.services[service]!.tag = args[1]
                args.remove(at: 1)
            } else if args == ["list"] {
                // (unverified) `loadbalancer list`, `trunk list`: the configuration, as the others' status.
                args = []
            } else if !args.isEmpty {
                return usage
            }
        }
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
        if let listener = listener(service, args) {
            if let problem = listener.problem { return [problem] }
            nodeState.services[service]!.listen = (nodeState.services[service]!.listen ?? [:]).merging([listener.key: listener.value]) { $1 }
            return []
        }
        // In the order typed, so that the first missing file is the one named.
        var assignments: [(LabSlot, String?)] = []
        let v3 = version == .v3
        switch (service, args.first) {
        case (.webbridge3, "https") where args.count == 4 && args[1] == "certs":
            assignments = [(.key, args[2]), (.certificate, args[3])]
        case (.webbridge3, "c2w") where args.count == 4 && args[1] == "certs",
             (.scheduler, "c2w") where args.count == 4 && args[1] == "certs":
            assignments = [(.c2wKey, args[2]), (.c2wCertificate, args[3])]
        case (.webbridge3, "c2w") where args.count == 3 && args[1] == "trust",
             (.scheduler, "c2w") where args.count == 3 && args[1] == "trust":
            assignments = [(.c2wTrust, args[2])]
        case (.webbridge3, _), (.scheduler, _):
            return usage
        case (.recorder, "sip"), (.streamer, "sip"):
            guard v3, args.count == 4 || args.count == 5, args[1] == "certs" else { return usage }
            assignments = [(.key, args[2]), (.certificate, args[3]), (.bundle, args.count == 5 ? args[4] : nil)]
        case (.recorder, "certs"), (.streamer, "certs"):
            // CMS 2.x: key and certificate only; 3.x moved them under `sip certs`.
            guard !v3, args.count == 3 else { return usage }
            assignments = [(.key, args[1]), (.certificate, args[2])]
        case (.recorder, "trust"), (.streamer, "trust"):
            guard !v3, args.count == 2 else { return usage }
            assignments = [(.trust, args[1])]
        case (.uploader, "cms") where args.count == 3 && args[1] == "trust":
            assignments = [(.cmsTrust, args[2])]
        case (.uploader, "rev") where args.count == 3 && args[1] == "trust":
            assignments = [(.revTrust, args[2])]
        case (.uploader, _), (.recorder, _), (.streamer, _):
            return usage
        case (.xmpp, "cluster") where args.count == 3 && args[1] == "trust":
            assignments = [(.clusterTrust, args[2])]
        case (.loadbalancer, "certs") where args.count == 4, (.trunk, "certs") where args.count == 4:
            // The last file is the other side's certificates it trusts, not a CA bundle.
            assignments = [(.key, args[1]), (.certificate, args[2]), (.trust, args[3])]
        case (.loadbalancer, _), (.trunk, _):
            return usage
        case (_, "certs") where args.count == 3 || args.count == 4:
            assignments = [(.key, args[1]), (.certificate, args[2]), (.bundle, args.count == 4 ? args[3] : nil)]
        case (.webbridge, "trust") where args.count == 2:
            assignments = [(.trust, args[1])]
        case (.callbridge, "trust") where args.count == 3 && args[1] == "c2w":
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

    /// A listener command (`webadmin listen a 445`, `webbridge3 https listen a:443`,
    /// `turn listen a b`, `turn tls 447`, ...): its key and value, or the MMP's refusal of
    /// an unknown interface or a bad port; nil when `args` is not a listener command.
    func listener(_ service: LabService, _ args: [String]) -> (key: String, value: String, problem: String?)? {
        enum Form { case interfaces, interfaceSpacePort, interfaceColonPort, port }
        let form: Form, key: String, values: [String]
        switch (service, args.first) {
        case (.webadmin, "listen") where args.count == 3: (form, key, values) = (.interfaceSpacePort, "listen", Array(args.dropFirst()))
        case (.callbridge, "listen") where args.count >= 2, (.xmpp, "listen") where args.count >= 2, (.turn, "listen") where args.count >= 2:
            (form, key, values) = (.interfaces, "listen", Array(args.dropFirst()))
        case (.webbridge, "listen") where args.count == 2: (form, key, values) = (.interfaceColonPort, "listen", [args[1]])
        case (.webbridge3, "https") where args.count == 3 && args[1] == "listen": (form, key, values) = (.interfaceColonPort, "https", [args[2]])
        case (.webbridge3, "c2w") where args.count == 3 && args[1] == "listen": (form, key, values) = (.interfaceColonPort, "c2w", [args[2]])
        case (.turn, "tls") where args.count == 2: (form, key, values) = (.port, "tls", [args[1]])
        default: return nil
        }
        func interface(_ name: String) -> String? { ["a", "b", "c", "d"].contains(name) ? nil : MMPText.unknownInterface(name) }
        func port(_ text: String) -> String? {
            guard text.allSatisfy(\.isNumber), let p = Int(text), (1...65535).contains(p) else { return MMPText.badPort(text) }
            return nil
        }
        let problem: String?
        switch form {
        case .interfaces: problem = values.lazy.compactMap(interface).first
        case .interfaceSpacePort: problem = interface(values[0]) ?? port(values[1])
        case .port: problem = port(values[0])
        case .interfaceColonPort:
            let parts = values[0].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            problem = parts.count == 2 ? interface(parts[0]) ?? port(parts[1]) : MMPText.badListener(values[0])
        }
        return (key, values.joined(separator: " "), problem)
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
        case .scheduler:
            rows += [(MMPText.c2wKeyLabel, file(.c2wKey)), (MMPText.c2wFullChainLabel, file(.c2wCertificate)),
                     (MMPText.c2wTrustLabel, file(.c2wTrust))]
        case .uploader:
            rows += [(MMPText.cmsTrustLabel, file(.cmsTrust)), (MMPText.revTrustLabel, file(.revTrust))]
        default:
            rows += [(MMPText.keyFileLabel, file(.key)), (MMPText.certificateFileLabel, file(.certificate)),
                     (MMPText.bundleFileLabel, file(.bundle))]
            if [.webbridge, .recorder, .streamer, .loadbalancer, .trunk].contains(service) { rows.append((MMPText.trustLabel, file(.trust))) }
            if service == .xmpp { rows.append((MMPText.clusterTrustLabel, file(.clusterTrust))) }
            if service == .callbridge { rows.append((MMPText.c2wTrustLabel, file(.c2wTrust))) }
            if service == .loadbalancer || service == .trunk { rows.append((MMPText.tagLabel, s.tag ?? MMPText.none)) }
        }
        for (key, value) in (s.listen ?? [:]).sorted(by: { $0.key < $1.key }) {
            rows.append((MMPText.listenLabel(key), value))
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
        if service == .uploader {
            // No certificate of its own: it needs both trust lists (TAC 211261).
            if s.files[.cmsTrust] == nil || s.files[.revTrust] == nil {
                failure = MMPText.noUploaderTrust
                out.append(failure!)
            } else {
                // What it loaded: its trust lists, as long as their certificates last.
                for file in [s.files[.cmsTrust]!, s.files[.revTrust]!] {
                    for certificate in (try? Loader.certificates(path: folder + "/" + file)) ?? []
                    where earliest == nil || certificate.notAfter < earliest!.notAfter {
                        earliest = LoadedCertificates(notAfter: certificate.notAfter, earliestFile: file)
                    }
                }
            }
        } else if let required = Self.pairs(service).first, s.files[required.keySlot] == nil || s.files[required.certificateSlot] == nil {
            let name = service == .webbridge3 ? "webbridge3 https" : service == .scheduler ? "scheduler c2w" : service.rawValue
            failure = MMPText.noCertificates(name)
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
