import Foundation
import PKI

/// The certificates a database node presents, read from its folder.
struct DatabaseMaterial {
    var serverKey: PrivateKey?
    var server: Certificate?
    var clientKey: PrivateKey?
    var client: Certificate?
    var ca: [Certificate]
}

extension NodeInterpreter {
    static let databaseSyntax = "database cluster status|localnode <a-e>|certs <server-key> <server-crt> <client-key> <client-crt> <ca-crt>|certs <client-key> <client-crt> <ca-crt>|initialize|join <primary>|connect <primary>|remove|clear error"

    mutating func database(_ args: [String], line: String) -> [String] {
        var db = nodeState.database
        defer { nodeState.database = db }
        switch args {
        case ["status"]:
            return clusterStatus()
        case ["clear", "error"]:
            db.error = nil
            return [MMPText.errorCleared]
        case ["remove"]:
            // Confirmed by Lab.run before the lock was taken.
            db.membership = .none
            db.primary = nil
            db.clusterID = nil
            db.lastCommand = line
            db.lastCommandSucceeded = true
            db.error = nil
            return [MMPText.removeDone]
        case ["initialize"]:
            return record(&db, line, initialize(db))
        default:
            break
        }
        if args.first == "localnode" {
            guard args.count == 2, ["a", "b", "c", "d", "e"].contains(args[1]) else {
                return [MMPText.usage("database cluster localnode <a|b|c|d|e>")]
            }
            db.interface = args[1]
            return [MMPText.localnodeSet(args[1])]
        }
        if args.first == "certs" {
            let files = Array(args.dropFirst())
            guard files.count == 5 || files.count == 3 else { return [MMPText.usage(Self.databaseSyntax)] }
            guard !db.isActive else { return [MMPText.certsWhileActive] }
            if let bad = checkFiles(files) { return [bad] }
            // The server pair (5 files) and the client pair, each checked as a service's pair
            // is, and the CA.
            let pairs = stride(from: 0, to: files.count - 1, by: 2).map { (key: files[$0], certificate: files[$0 + 1]) }
            if let bad = kindProblem(pairs: pairs, certificates: [files[files.count - 1]]) { return [bad] }
            if files.count == 5 {
                (db.serverKey, db.serverCertificate) = (files[0], files[1])
                (db.clientKey, db.clientCertificate, db.caCertificate) = (files[2], files[3], files[4])
            } else {
                (db.serverKey, db.serverCertificate) = (nil, nil)
                (db.clientKey, db.clientCertificate, db.caCertificate) = (files[0], files[1], files[2])
            }
            return [MMPText.certsSet]
        }
        if (args.first == "join" || args.first == "connect") && args.count == 2 {
            return record(&db, line, args[0] == "join" ? join(db, args[1]) : connect(db, args[1]))
        }
        return [MMPText.usage(Self.databaseSyntax)]
    }

    /// Notes the last command and its result; returns the line to print.
    private func record(_ db: inout LabDatabaseState, _ line: String, _ result: Result<LabDatabaseState, ClusterFailure>) -> [String] {
        switch result {
        case .success(let updated):
            db = updated
            db.lastCommand = line
            db.lastCommandSucceeded = true
            db.error = nil
            switch db.membership {
            case .primary: return [MMPText.initialized]
            case .replica: return [MMPText.joined(db.primary.map(address) ?? "")]
            default: return [MMPText.connected(db.primary.map(address) ?? "")]
            }
        case .failure(let failure):
            db.lastCommand = line
            db.lastCommandSucceeded = false
            db.error = failure.reason
            return [MMPText.clusterFailure(failure.reason)]
        }
    }

    struct ClusterFailure: Error { var reason: String }

    func address(_ node: String) -> String {
        state.topology.nodes.first { $0.name == node }?.address ?? node
    }

    private func initialize(_ db: LabDatabaseState) -> Result<LabDatabaseState, ClusterFailure> {
        guard !db.isActive else { return .failure(ClusterFailure(reason: MMPText.alreadyInCluster)) }
        guard db.serverKey != nil, db.clientKey != nil, db.caCertificate != nil else {
            return .failure(ClusterFailure(reason: MMPText.notConfiguredCertificates))
        }
        guard db.interface != nil else { return .failure(ClusterFailure(reason: MMPText.notConfiguredInterface)) }
        if let other = state.nodes.first(where: { $0.key != node && $0.value.database.membership == .primary }) {
            return .failure(ClusterFailure(reason: MMPText.secondPrimary(address(other.key))))
        }
        if let problem = selfCheck(node, db, server: true) { return .failure(ClusterFailure(reason: problem)) }
        var updated = db
        updated.membership = .primary
        updated.primary = node
        updated.clusterID = UUID().uuidString
        return .success(updated)
    }

    private func join(_ db: LabDatabaseState, _ target: String) -> Result<LabDatabaseState, ClusterFailure> {
        attach(db, target, as: .replica)
    }

    private func connect(_ db: LabDatabaseState, _ target: String) -> Result<LabDatabaseState, ClusterFailure> {
        attach(db, target, as: .connected)
    }

    private func attach(_ db: LabDatabaseState, _ target: String, as membership: LabDatabaseState.Membership) -> Result<LabDatabaseState, ClusterFailure> {
        let server = membership == .replica
        guard !db.isActive else { return .failure(ClusterFailure(reason: MMPText.alreadyInCluster)) }
        guard db.clientKey != nil, db.caCertificate != nil, !server || db.serverKey != nil else {
            return .failure(ClusterFailure(reason: MMPText.notConfiguredCertificates))
        }
        guard db.interface != nil else { return .failure(ClusterFailure(reason: MMPText.notConfiguredInterface)) }
        guard let primaryInfo = state.topology.node(target) else {
            return .failure(ClusterFailure(reason: MMPText.unknownHost(target)))
        }
        guard primaryInfo.name != node else { return .failure(ClusterFailure(reason: MMPText.joinSelf)) }
        let primaryDB = state.nodes[primaryInfo.name]!.database
        guard primaryDB.membership == .primary, let clusterID = primaryDB.clusterID else {
            return .failure(ClusterFailure(reason: MMPText.noPrimary(target)))
        }
        if server && state.nodes.values.filter({ $0.database.clusterID == clusterID && $0.database.membership != .connected }).count >= 3 {
            return .failure(ClusterFailure(reason: MMPText.clusterFull))
        }
        if let problem = selfCheck(node, db, server: server) { return .failure(ClusterFailure(reason: problem)) }
        // verify-ca both ways: the primary's server certificate against this node's CA,
        // this node's client certificate against the primary's CA.
        let mine = material(node, db)
        let theirs = material(primaryInfo.name, primaryDB)
        if let problem = chainProblem(theirs.server, to: mine.ca, what: "the primary's server certificate (checked against \(db.caCertificate!))") {
            return .failure(ClusterFailure(reason: problem))
        }
        if let problem = chainProblem(mine.client, to: theirs.ca, what: "\(db.clientCertificate!) (checked against the primary's CA certificate)") {
            return .failure(ClusterFailure(reason: problem))
        }
        var updated = db
        updated.membership = membership
        updated.primary = primaryInfo.name
        updated.clusterID = clusterID
        return .success(updated)
    }

    /// Loads a node's configured database files (missing or unreadable ones are nil).
    func material(_ name: String, _ db: LabDatabaseState) -> DatabaseMaterial {
        let dir = lab.nodeDirectory(name)
        func key(_ file: String?) -> PrivateKey? { file.flatMap { try? Loader.privateKey(path: dir + "/" + $0) } }
        func certs(_ file: String?) -> [Certificate] { file.flatMap { try? Loader.certificates(path: dir + "/" + $0) } ?? [] }
        return DatabaseMaterial(serverKey: key(db.serverKey), server: certs(db.serverCertificate).first,
                                clientKey: key(db.clientKey), client: certs(db.clientCertificate).first, ca: certs(db.caCertificate))
    }

    func chainProblem(_ certificate: Certificate?, to ca: [Certificate], what: String) -> String? {
        guard let certificate else { return MMPText.databaseCertificate(what, "missing or unreadable") }
        let report = ChainVerifier.verify(certificate, against: ca, at: now)
        return report.verified ? nil : MMPText.databaseCertificate(what, report.failures.joined(separator: "; "))
    }

    /// A node's own database certificates: readable, pairs matching, in date, chained to its CA, client CN postgres.
    func selfCheck(_ name: String, _ db: LabDatabaseState, server: Bool) -> String? {
        let m = material(name, db)
        if m.ca.isEmpty { return MMPText.databaseCertificate(db.caCertificate ?? "CA certificate", "missing or unreadable") }
        var pairs: [(String?, PrivateKey?, Certificate?)] = [(db.clientCertificate, m.clientKey, m.client)]
        if server { pairs.insert((db.serverCertificate, m.serverKey, m.server), at: 0) }
        for (file, key, certificate) in pairs {
            let fileName = file ?? "certificate"
            guard let key, let certificate else { return MMPText.databaseCertificate(fileName, "missing or unreadable, or its key is") }
            guard KeyMatch.matches(key, certificate) else { return MMPText.databaseCertificate(fileName, "does not match its key") }
            if let problem = chainProblem(certificate, to: m.ca, what: fileName) { return problem }
        }
        if m.client?.subject.commonName != "postgres" { return MMPText.clientCommonName }
        return nil
    }

    /// Does a cluster member's link work now (its own certificates and the primary's in date and chained)?
    func memberInSync(_ name: String, primary: String) -> Bool {
        guard let db = state.nodes[name]?.database, let p = state.nodes[primary]?.database,
              p.membership == .primary, p.clusterID == db.clusterID else { return false }
        let mine = material(name, db)
        let theirs = material(primary, p)
        return selfCheck(name, db, server: true) == nil && selfCheck(primary, p, server: true) == nil
            && chainProblem(theirs.server, to: mine.ca, what: "") == nil && chainProblem(mine.client, to: theirs.ca, what: "") == nil
    }

    /// `database cluster status`, in the layout of CMS-REFERENCE.md.
    func clusterStatus() -> [String] {
        let db = nodeState.database
        var out: [String] = []
        func row(_ label: String, _ value: String) -> String {
            label.padding(toLength: max(25, label.count + 1), withPad: " ", startingAt: 0) + ": " + value
        }
        out.append(row(MMPText.statusLabel, db.isActive ? MMPText.clusterEnabled : MMPText.clusterDisabled))
        out.append(MMPText.nodesLabel)
        var inUse: String? = nil
        if db.isActive, let clusterID = db.clusterID {
            let primary = state.nodes.first { $0.value.database.membership == .primary && $0.value.database.clusterID == clusterID }?.key
            inUse = primary.map(address)
            for member in state.topology.nodes {
                let m = state.nodes[member.name]!.database
                guard m.clusterID == clusterID, m.membership == .primary || m.membership == .replica else { continue }
                let label = "    " + member.address + (member.name == node ? " (me)" : "")
                let value: String
                if m.membership == .primary {
                    value = MMPText.connectedPrimary
                } else if let primary, memberInSync(member.name, primary: primary) {
                    value = MMPText.replicaInSync
                } else {
                    value = MMPText.replicaDisconnected
                }
                out.append(row(label, value))
            }
            if let inUse { out.append(row(MMPText.nodeInUseLabel, inUse)) }
        }
        out.append(row(MMPText.interfaceLabel, db.interface ?? MMPText.none))
        out.append(MMPText.certificatesLabel)
        for (label, file) in [(MMPText.serverKeyLabel, db.serverKey), (MMPText.serverCertificateLabel, db.serverCertificate),
                              (MMPText.clientKeyLabel, db.clientKey), (MMPText.clientCertificateLabel, db.clientCertificate),
                              (MMPText.caCertificateLabel, db.caCertificate)] {
            out.append(row("  " + label, file ?? MMPText.none))
        }
        out.append(row(MMPText.lastCommandLabel, db.lastCommand.map { MMPText.lastCommand($0, succeeded: db.lastCommandSucceeded) } ?? MMPText.noLastCommand))
        return out
    }
}
