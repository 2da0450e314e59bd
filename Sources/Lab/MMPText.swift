import Foundation

/// Every line the simulated MMP prints, in one place.
///
/// Lines marked (public) were seen in public Cisco material (CMS-REFERENCE.md). Lines
/// marked (unverified) were seen in no source: the lab defines them so that guards and
/// tests have something to match, and they are kept here so that they are easy to
/// correct when someone reads them on a real CMS.
public enum MMPText {
    // MARK: the shell

    /// The prompt of a node's shell: `cms1> ` (public).
    public static func prompt(_ node: String) -> String { "\(node)> " }

    /// (unverified) The answer to a command the MMP does not know.
    public static func unknownCommand(_ line: String) -> String {
        "Unknown command: \(line)"
    }

    /// (unverified) The answer to a known command with the wrong arguments.
    public static func usage(_ syntax: String) -> String { "Usage: \(syntax)" }

    /// (unverified) A file name that leaves the MMP's root folder.
    public static func badFileName(_ name: String) -> String {
        "FAILURE: \(name) is not a file name in the MMP root folder"
    }

    /// (unverified) A file a command names that is not in the MMP's root folder.
    public static func missingFile(_ name: String) -> String {
        "FAILURE: file \(name) not found"
    }

    /// (unverified) A file that holds no certificate (or no key) where one is needed.
    public static func unreadableFile(_ name: String, _ reason: String) -> String {
        "FAILURE: \(name) could not be read: \(reason)"
    }

    // MARK: pki

    /// (unverified) How a PKI engine error is shown by a `pki` command.
    public static func pkiFailure(_ message: String) -> String { "FAILURE: \(message)" }

    /// (public, as services print it on enable) `pki match` when the key belongs to the certificate.
    public static let keyMatches = "SUCCESS: Key and certificate pair match"
    /// (unverified) `pki match` / enable when it does not.
    public static let keyDoesNotMatch = "FAILURE: Key and certificate pair do not match"
    /// (unverified) A `certs` command given a file that holds no private key where the key goes.
    public static func notAKey(_ file: String) -> String { "FAILURE: \(file) is not a private key file" }
    /// (unverified) A `certs` or `trust` command given a file with no certificate in it.
    public static func notACertificate(_ file: String) -> String { "FAILURE: \(file) holds no certificate" }
    /// (public, as services print it on enable) The certificate chains to the bundle.
    public static let chainVerified = "SUCCESS: certificate verified against CA bundle"
    /// (unverified) It does not.
    public static func chainFailed(_ reason: String) -> String {
        "FAILURE: certificate could not be verified against CA bundle: \(reason)"
    }
    /// (unverified) A service's certificate is past its notAfter (by the lab's clock).
    public static func certificateExpired(_ name: String, _ date: String) -> String {
        "FAILURE: certificate \(name) expired on \(date)"
    }

    // MARK: services

    /// (unverified) Enabling or restarting a service whose certificates are not configured.
    public static func noCertificates(_ service: String) -> String {
        "FAILURE: no certificates configured: use \(service) certs <key-file> <crt-file> [<crt-bundle>]"
    }
    /// (unverified) `restart` on a service that is disabled.
    public static func serviceDisabled(_ service: String) -> String {
        "FAILURE: \(service) is disabled: use \(service) enable"
    }
    /// (unverified) The reason a running service broke when `pki csr` overwrote its key.
    public static func keyOverwritten(_ key: String) -> String {
        "key file \(key) was overwritten: the key no longer matches the certificate"
    }
    /// (unverified) The service status labels that public material does not give.
    public static let enabledLabel = "Enabled"
    /// (unverified) The lab's own status line: running, stopped or failing (reason).
    public static let stateLabel = "State"
    /// (public) callbridge/webadmin/... status labels.
    public static let keyFileLabel = "Key file"
    public static let certificateFileLabel = "Certificate file"
    public static let bundleFileLabel = "CA Bundle file"
    /// (unverified) The trust bundle label (webbridge 2.x trust, callbridge trust c2w).
    public static let trustLabel = "Trust bundle"
    /// (public, TAC 221729) TURN's status names its files `TLS key`, `TLS cert`, `TLS bundle`.
    public static let turnKeyLabel = "TLS key"
    public static let turnCertificateLabel = "TLS cert"
    public static let turnBundleLabel = "TLS bundle"
    /// (unverified) The label of `callbridge trust c2w`.
    public static let c2wTrustLabel = "C2W Trust bundle"
    /// (public) webbridge3 labels.
    public static let httpsKeyLabel = "HTTPS Key file"
    public static let httpsFullChainLabel = "HTTPS Full chain certificate file"
    public static let c2wKeyLabel = "C2W Key file"
    /// (unverified) the rest of webbridge3's labels.
    public static let c2wFullChainLabel = "C2W Full chain certificate file"
    /// (unverified) The labels of the trust lists the lab's status shows.
    public static let clusterTrustLabel = "Cluster trust bundle"
    public static let cmsTrustLabel = "CMS trust bundle"
    public static let revTrustLabel = "Rev trust bundle"
    public static let tagLabel = "Tag"
    /// (unverified) A listener's status line: `Listening interfaces`, `HTTPS listening`, ...
    public static func listenLabel(_ key: String) -> String {
        switch key {
        case "listen": return "Listening interfaces"
        case "tls": return "TLS port"
        default: return key.uppercased() + " listening"
        }
    }
    /// (unverified) A listener command naming an interface the node does not have.
    public static func unknownInterface(_ name: String) -> String { "FAILURE: unknown interface \(name): use a, b, c or d" }
    /// (unverified) A listener port that is not 1 to 65535.
    public static func badPort(_ text: String) -> String { "FAILURE: invalid port \(text): use 1 to 65535" }
    /// (unverified) An `<if>:<port>` that is not one.
    public static func badListener(_ text: String) -> String { "FAILURE: invalid listener \(text): use <interface>:<port>, e.g. a:443" }
    /// (unverified) `loadbalancer enable <tag>` (or trunk) for a tag no `certs` set.
    public static func noSuchTag(_ service: String, _ tag: String) -> String { "FAILURE: no \(service) with tag \(tag): use \(service) certs \(tag) ... first" }
    /// (unverified) The uploader enabled without both of its trust lists.
    public static let noUploaderTrust = "FAILURE: uploader needs its trust lists: use uploader cms trust <crt-bundle> and uploader rev trust <crt-bundle>"
    /// (unverified) `tls sip` status.
    public static let sipTrustLabel = "SIP trust bundle"
    /// (unverified) How an unset file shows in a status.
    public static let none = "none"
    /// (unverified) Service states as the lab prints them.
    public static let running = "running"
    public static let stopped = "stopped"
    public static func failing(_ reason: String) -> String { "failing (\(reason))" }

    // MARK: database cluster

    /// (unverified) The question `database cluster remove` asks; only an upper-case Y goes on.
    public static let removeQuestion =
        "WARNING: this node will leave the database cluster and its local database will be lost.\nAre you sure you want to continue? (Y/n) "
    /// (unverified) Any other answer.
    public static let removeCancelled = "database cluster remove cancelled"
    /// (unverified) After a confirmed remove.
    public static let removeDone = "SUCCESS: node removed from the database cluster"
    /// (unverified) `database cluster certs` while the cluster is active.
    public static let certsWhileActive =
        "FAILURE: cannot change certificates while the database cluster is enabled: run database cluster remove first"
    /// (unverified) `database cluster certs` accepted.
    public static let certsSet = "SUCCESS: database cluster certificates configured"
    /// (unverified) `database cluster localnode <if>` accepted.
    public static func localnodeSet(_ interface: String) -> String { "SUCCESS: local node interface set to \(interface)" }
    /// (unverified) `database cluster initialize` done.
    public static let initialized = "SUCCESS: database cluster initialized: this node is the primary"
    /// (unverified) `database cluster join` done.
    public static func joined(_ primary: String) -> String { "SUCCESS: joined the database cluster of \(primary)" }
    /// (unverified) `database cluster connect` done.
    public static func connected(_ primary: String) -> String { "SUCCESS: connected to the database cluster of \(primary)" }
    /// (unverified) `database cluster clear error`.
    public static let errorCleared = "SUCCESS: database cluster error cleared"
    /// (unverified) Failures of the cluster commands. (public, TAC 210530: three nodes join
    /// the cluster, further nodes connect.)
    public static func clusterFailure(_ reason: String) -> String { "FAILURE: \(reason)" }
    public static let notConfiguredCertificates = "the database cluster certificates are not configured: run database cluster certs first"
    public static let notConfiguredInterface = "the local node interface is not set: run database cluster localnode a first"
    public static let alreadyInCluster = "this node is already part of a database cluster: run database cluster remove first"
    public static func secondPrimary(_ primary: String) -> String {
        "a database cluster primary already exists (\(primary)): join it, or remove it first"
    }
    public static func noPrimary(_ target: String) -> String {
        "\(target) is not the primary of an initialized database cluster: run database cluster initialize on the primary first"
    }
    public static func unknownHost(_ target: String) -> String { "cannot reach \(target): no database node answers at that address" }
    public static let joinSelf = "a node cannot join itself: give the primary's FQDN or address"
    public static let clusterFull = "the database cluster already has 3 database nodes, the most it can have: connect this node instead (database cluster connect)"
    public static let clientCommonName = "the client certificate's CN must be postgres"
    public static func databaseCertificate(_ what: String, _ reason: String) -> String { "\(what): \(reason)" }

    /// (public) Labels of `database cluster status`, padded to 25 columns.
    public static let statusLabel = "Status"
    public static let nodesLabel = "Nodes:"
    public static let nodeInUseLabel = "Node in use"
    public static let interfaceLabel = "Interface"
    public static let certificatesLabel = "Certificates"
    public static let serverKeyLabel = "Server Key"
    public static let serverCertificateLabel = "Server Certificate"
    public static let clientKeyLabel = "Client Key"
    public static let clientCertificateLabel = "Client Certificate"
    public static let caCertificateLabel = "CA Certificate"
    public static let lastCommandLabel = "Last command"
    /// (public) `Status : Enabled`.
    public static let clusterEnabled = "Enabled"
    /// (unverified) A node outside any cluster.
    public static let clusterDisabled = "Disabled"
    /// (public) Node states.
    public static let connectedPrimary = "Connected Primary"
    public static let replicaInSync = "Connected Replica ( In Sync )"
    /// (unverified) A replica that cannot reach its primary (expired certificates, primary gone).
    public static let replicaDisconnected = "Disconnected"
    /// (unverified) No last command yet.
    public static let noLastCommand = "none"
    /// (public) `'database cluster join 10.48.36.61' (Success)`; (unverified) `(Failed)`.
    public static func lastCommand(_ command: String, succeeded: Bool) -> String {
        "'\(command)' (\(succeeded ? "Success" : "Failed"))"
    }

    // MARK: backup

    /// (unverified) `backup snapshot <name>`.
    public static func backupDone(_ file: String) -> String { "Backup file \(file) ready for download via SFTP" }
    /// (unverified) `backup rollback <name>` when there is no such snapshot.
    public static func noBackup(_ name: String) -> String { "FAILURE: no backup named \(name)" }
    /// (unverified) `backup rollback <name>`: restored, then the node reboots (TAC 214620).
    public static func rolledBack(_ name: String) -> String {
        "SUCCESS: configuration, certificates and keys restored from \(name); the node rebooted"
    }

    // MARK: help

    /// (unverified) The syntax `pki <verb>` shows on wrong arguments.
    public static let pkiSyntax: [String: String] = [
        "list": "pki list",
        "csr": "pki csr <key/cert basename> <CN:value> [OU:<value>] [O:<value>] [ST:<value>] [C:<value>] [subjectAltName:<value>]",
        "selfsigned": "pki selfsigned <key/cert basename> <CN:value> [...]",
        "sign": "pki sign <basename> <ca basename>",
        "inspect": "pki inspect <filename>",
        "match": "pki match <keyfile> <certificate file>",
        "verify": "pki verify <cert> <certificate bundle/Root CA>",
    ]

    /// (unverified) `help`: the commands this simulated node knows.
    public static func help(services: [LabService]) -> [String] {
        var lines = ["Commands:"]
        lines += ["list", "csr", "selfsigned", "sign", "inspect", "match", "verify"].compactMap { pkiSyntax[$0] }.map { "  " + $0 }
        for service in services {
            switch service {
            case .webbridge3:
                lines += ["  webbridge3 [enable|disable|restart]", "  webbridge3 https certs <key-file> <fullchain-file>",
                          "  webbridge3 c2w certs <key-file> <fullchain-file>", "  webbridge3 c2w trust <crt-bundle>",
                          "  webbridge3 https listen <if>:<port>", "  webbridge3 c2w listen <if>:<port>"]
            case .recorder, .streamer, .uploader, .scheduler, .loadbalancer, .trunk:
                continue  // their syntax depends on the release: the node adds it
            default:
                lines.append("  \(service.rawValue) [enable|disable|restart|certs <key-file> <crt-file> [<crt-bundle>]]")
                if service == .webbridge { lines.append("  webbridge trust <crt-bundle>") }
                if service == .callbridge && services.contains(.webbridge3) { lines.append("  callbridge trust c2w <crt-bundle>") }
            }
        }
        if services.contains(.callbridge) { lines.append("  tls sip trust <crt-bundle>") }
        lines += ["  database cluster status|localnode <a-e>|initialize|join <primary>|connect <primary>|remove|clear error",
                  "  database cluster certs <server-key> <server-crt> <client-key> <client-crt> <ca-crt>",
                  "  database cluster certs <client-key> <client-crt> <ca-crt>",
                  "  backup snapshot <name>", "  backup rollback <name>"]
        return lines
    }
}
