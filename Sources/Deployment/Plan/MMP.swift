import PKI

/// Every MMP command text and every expected output the planner uses, in one place, so
/// that what the article and public material say (and what was only assumed) is easy to
/// check and to correct.
public enum MMP {
    // Step 1-3: pki.
    /// `pki csr ...` prints `Created key file <b>.key and CSR <b>.csr` (public, real output).
    static let csrCreated = SuccessCriterion.contains("Created key file")
    /// `pki selfsigned <basename> CN:...`: the same fields as `pki csr`.
    static func selfSigned(_ spec: CSRSpec) -> String {
        let line = spec.mmpCommand()
        let prefix = "pki csr "
        return "pki selfsigned " + (line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : line)
    }
    static func sign(_ basename: String, ca: String) -> String { "pki sign \(basename) \(ca)" }
    // Step 4 (unverified: the exact output of `pki match` and `pki verify` was not seen;
    // services print `SUCCESS: ...` lines, so the same word is expected here).
    public static func match(key: String, certificate: String) -> String { "pki match \(key) \(certificate)" }
    public static let matchOK = SuccessCriterion.contains("SUCCESS")
    static func verify(certificate: String, bundle: String) -> String { "pki verify \(certificate) \(bundle)" }
    static let verifyOK = SuccessCriterion.contains("SUCCESS")

    // Step 3: the database cluster.
    static func backupSnapshot(_ name: String) -> String { "backup snapshot \(name)" }
    static let databaseRemove = "database cluster remove"
    /// `database cluster remove` proceeds only on an upper-case Y.
    static let removeConfirmation = "Y"
    static func databaseCerts(_ files: [String]) -> String { "database cluster certs " + files.joined(separator: " ") }
    static let localnode = "database cluster localnode a"
    static let initialize = "database cluster initialize"
    static let status = "database cluster status"
    static func join(_ primary: String) -> String { "database cluster join \(primary)" }
    static func connect(_ primary: String) -> String { "database cluster connect \(primary)" }
    /// On the primary after initialize: `<address> (me) : Connected Primary` (Master on older releases).
    static let connectedPrimaryHere = SuccessCriterion(alternatives: [["(me)", "Connected Primary"], ["(me)", "Connected Master"]])
    /// On a node that joined: `<address> (me) : Connected Replica ...` (Slave on older releases).
    static let connectedReplicaHere = SuccessCriterion(alternatives: [["(me)", "Connected Replica"], ["(me)", "Connected Slave"]])
    /// On a node that connected (no local database): it sees the primary, `<address> : Connected Primary`.
    static let reachesPrimary = SuccessCriterion(alternatives: [["Connected Primary"], ["Connected Master"]])
    /// On the node the deployment names primary, before a database renewal: it is the primary.
    static let primaryHere = SuccessCriterion(alternatives: [["(me)", "Primary"], ["(me)", "Master"]])

    // Step 5: services.
    static func disable(_ s: Service, tag: String) -> String { s.isTagged ? "\(s.rawValue) disable \(tag)" : "\(s.rawValue) disable" }
    static func enable(_ s: Service, tag: String) -> String { s.isTagged ? "\(s.rawValue) enable \(tag)" : "\(s.rawValue) enable" }
    /// `<service> certs <key> <cert> [<bundle>]`; the load balancer and the trunk take their
    /// tag first, and a trust bundle of the other side's certificates last (public; which
    /// certificates, unverified).
    static func certs(_ s: Service, tag: String, key: String, certificate: String, bundle: String?) -> String {
        let files = [key, certificate] + (bundle.map { [$0] } ?? [])
        return (s.isTagged ? "\(s.rawValue) certs \(tag) " : "\(s.rawValue) certs ") + files.joined(separator: " ")
    }
    /// CMS 3.x recorder and streamer: `recorder sip certs <key> <crt> [<bundle>]` (TAC 225405).
    static func sipCerts(_ s: Service, key: String, certificate: String, bundle: String) -> String {
        "\(s.rawValue) sip certs \(key) \(certificate) \(bundle)"
    }
    /// `webbridge trust <file>`, `recorder trust <file>`, `streamer trust <file>` (2.x).
    static func trust(_ s: Service, _ file: String) -> String { "\(s.rawValue) trust \(file)" }
    /// `xmpp cluster trust <bundle>`: a clustered XMPP server's trust (TAC 213479).
    static func xmppClusterTrust(_ file: String) -> String { "xmpp cluster trust \(file)" }
    /// `tls sip trust <bundle>`: the call bridge's trust for SIP TLS.
    static func tlsSIPTrust(_ file: String) -> String { "tls sip trust \(file)" }
    /// The scheduler (3.3+): `scheduler c2w certs <key> <fullchain>`, `scheduler c2w trust <bundle>` (TAC 217367).
    static func schedulerC2W(key: String, fullChain: String) -> String { "scheduler c2w certs \(key) \(fullChain)" }
    static func schedulerC2WTrust(_ bundle: String) -> String { "scheduler c2w trust \(bundle)" }
    /// The uploader has no certs command, only its two trust lists (TAC 211261).
    static func uploaderCMSTrust(_ bundle: String) -> String { "uploader cms trust \(bundle)" }
    static func uploaderRevTrust(_ bundle: String) -> String { "uploader rev trust \(bundle)" }
    /// A listener as the MMP takes it (TAC 221729, 213479): `webadmin listen a 445` (a space
    /// before the port), `webbridge3 https listen a:443`, `webbridge3 c2w listen a:4443`,
    /// `callbridge listen a`, `xmpp listen a`, `turn listen a b`, `turn tls 447`.
    static func listen(_ entry: NodeListeners.Entry) -> String {
        switch entry.key {
        case "webadmin": return "webadmin listen " + entry.value.replacingOccurrences(of: ":", with: " ")
        case "webbridge3": return "webbridge3 https listen \(entry.value)"
        case "c2w": return "webbridge3 c2w listen \(entry.value)"
        case "turn_tls": return "turn tls \(entry.value)"
        default: return "\(entry.service.rawValue) listen \(entry.value)"
        }
    }
    static let callbridgeRestart = "callbridge restart"
    static func callbridgeTrustC2W(_ bundle: String) -> String { "callbridge trust c2w \(bundle)" }
    static func webbridge3HTTPS(key: String, fullChain: String) -> String { "webbridge3 https certs \(key) \(fullChain)" }
    static func webbridge3C2W(key: String, fullChain: String) -> String { "webbridge3 c2w certs \(key) \(fullChain)" }
    static func webbridge3C2WTrust(_ bundle: String) -> String { "webbridge3 c2w trust \(bundle)" }

    // SFTP, as typed in psftp or sftp.
    static func put(_ local: String, _ remote: String) -> String { "put \(local) \(remote)" }
    static func get(_ remote: String, _ local: String) -> String { "get \(remote) \(local)" }
}
