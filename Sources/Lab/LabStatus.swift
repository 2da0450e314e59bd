import Foundation
import PKI

/// A certificate file a service or the database is configured with, as `lab status` shows it.
public struct LabCertificateStatus: Codable, Sendable, Equatable {
    /// What the file is for: `certificate`, `bundle`, `server certificate`, ...
    public var role: String
    public var file: String
    public var commonName: String?
    /// Days left at the lab's time (negative: expired).
    public var daysLeft: Int?
    /// Why the file could not be read, when it could not.
    public var problem: String?
}

/// One service of one node in `lab status`.
public struct LabServiceStatus: Codable, Sendable, Equatable {
    public var service: LabService
    public var enabled: Bool
    public var running: Bool
    /// `running`, `stopped` or `failing (reason)`.
    public var state: String
    public var certificates: [LabCertificateStatus]
}

/// One node's part of the database cluster in `lab status`.
public struct LabDatabaseStatus: Codable, Sendable, Equatable {
    public var membership: LabDatabaseState.Membership
    /// As `database cluster status` shows this node: `Connected Primary`, `Connected Replica ( In Sync )`, ...
    public var state: String
    public var primary: String?
    public var certificates: [LabCertificateStatus]
}

/// One node in `lab status`.
public struct LabNodeStatus: Codable, Sendable, Equatable {
    public var node: LabNodeInfo
    public var services: [LabServiceStatus]
    public var database: LabDatabaseStatus
}

/// The whole lab at a glance: every node's services (running or failing, and why), their
/// certificates (file, CN, days left) and the database cluster, at the lab's time.
public struct LabStatus: Codable, Sendable, Equatable {
    public var directory: String
    public var version: LabVersion
    public var clockOffset: TimeInterval
    public var now: Date
    public var nodes: [LabNodeStatus]

    /// The status as text for a terminal (fits 80 columns).
    public var text: String {
        var out: [String] = []
        let days = Int((clockOffset / 86_400).rounded())
        let clock = clockOffset == 0 ? "real time" : "moved \(days >= 0 ? "+" : "")\(days)d"
        out.append("Lab \(directory): CMS \(version.rawValue), \(nodes.count) nodes, clock \(labDate(now)) (\(clock))")
        for node in nodes {
            out.append("")
            out.append("\(node.node.name)  \(node.node.fqdn)  \(node.node.address)")
            for service in node.services {
                out.append("  " + service.service.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                           + (service.enabled ? "enabled   " : "disabled  ") + service.state)
                for certificate in service.certificates { out.append("      " + Self.describe(certificate)) }
            }
            let db = node.database
            out.append("  database    " + db.state + (db.primary.map { db.membership == .primary ? "" : " (primary \($0))" } ?? ""))
            for certificate in db.certificates { out.append("      " + Self.describe(certificate)) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func describe(_ c: LabCertificateStatus) -> String {
        var text = "\(c.role): \(c.file)"
        if let problem = c.problem { return text + "  (\(problem))" }
        if let cn = c.commonName { text += "  CN=\(cn)" }
        if let days = c.daysLeft { text += days < 0 ? "  EXPIRED \(-days) days ago" : "  \(days) days left" }
        return text
    }
}

extension Lab {
    /// Every node's services, certificates and database membership, at the lab's time.
    public func status() throws -> LabStatus {
        let state = try self.state()
        let now = state.now()
        var nodes: [LabNodeStatus] = []
        for info in state.topology.nodes {
            let nodeState = state.nodes[info.name]!
            let folder = nodeDirectory(info.name)
            func describe(_ role: String, _ file: String?) -> LabCertificateStatus? {
                guard let file else { return nil }
                do {
                    let certificate = try Loader.certificates(path: folder + "/" + file)[0]
                    return LabCertificateStatus(role: role, file: file, commonName: certificate.subject.commonName,
                                                daysLeft: certificate.daysLeft(at: now), problem: nil)
                } catch let error as PKIError {
                    return LabCertificateStatus(role: role, file: file, problem: error.message)
                } catch {
                    return LabCertificateStatus(role: role, file: file, problem: "\(error)")
                }
            }
            let services = info.services.map { service -> LabServiceStatus in
                let s = nodeState.services[service] ?? LabServiceState()
                let health = s.health(at: now)
                let slots: [(String, LabSlot)] = [("certificate", .certificate), ("bundle", .bundle), ("trust", .trust),
                                                  ("c2w certificate", .c2wCertificate), ("c2w trust", .c2wTrust),
                                                  ("cluster trust", .clusterTrust), ("cms trust", .cmsTrust), ("rev trust", .revTrust)]
                return LabServiceStatus(service: service, enabled: s.enabled, running: health.isRunning, state: health.description,
                                        certificates: slots.compactMap { describe($0.0, s.files[$0.1]) })
            }
            let interpreter = NodeInterpreter(lab: self, node: info.name, state: state)
            let line = interpreter.clusterStatus().first { $0.contains("(me)") }
            let db = nodeState.database
            let dbState: String
            switch db.membership {
            case .none: dbState = "not in a cluster"
            case .connected: dbState = "connected"
            default: dbState = line.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? db.membership.rawValue
            }
            let certificates = [("server certificate", db.serverCertificate), ("client certificate", db.clientCertificate),
                                ("CA certificate", db.caCertificate)].compactMap { describe($0.0, $0.1) }
            nodes.append(LabNodeStatus(node: info, services: services,
                                       database: LabDatabaseStatus(membership: db.membership, state: dbState,
                                                                   primary: db.primary, certificates: certificates)))
        }
        return LabStatus(directory: directory, version: state.topology.version, clockOffset: state.clockOffset, now: now, nodes: nodes)
    }
}
