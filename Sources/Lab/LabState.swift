import Foundation

/// A file role in a service's configuration.
public enum LabSlot: String, Codable, Sendable, CaseIterable {
    case key, certificate, bundle, trust, c2wKey, c2wCertificate, c2wTrust
    /// `xmpp cluster trust`, `uploader cms trust`, `uploader rev trust`.
    case clusterTrust, cmsTrust, revTrust
}

/// What a service loaded when it last started well: the earliest notAfter among its
/// certificates (so that moving the lab clock past it makes the service fail).
public struct LoadedCertificates: Codable, Sendable, Equatable {
    public var notAfter: Date
    /// The certificate file whose notAfter that is.
    public var earliestFile: String
}

/// One service on one node: its configured files, enabled or not, and how it runs.
public struct LabServiceState: Codable, Sendable, Equatable {
    public var enabled = false
    public var files: [LabSlot: String] = [:]
    /// Set when the service started well; cleared on disable and on failure.
    public var loaded: LoadedCertificates?
    /// Why the service is down although enabled (bad pair, expired, broken chain, key overwritten).
    public var failure: String?
    /// Where it listens, by listener (`listen`, `https`, `c2w`, `tls`): `a 445`, `a:443`,
    /// `a b`, `447`. Nil until a listener is set (older lab files have none).
    public var listen: [String: String]?
    /// The load balancer's tag (`loadbalancer certs <tag> ...`).
    public var tag: String?

    public init() {}

    /// Running, stopped or failing, judged at the lab's time.
    public func health(at now: Date) -> LabServiceHealth {
        guard enabled else { return .stopped }
        if let failure { return .failing(failure) }
        guard let loaded else { return .failing("not started") }
        if now > loaded.notAfter {
            return .failing("certificate \(loaded.earliestFile) expired on \(labDate(loaded.notAfter))")
        }
        return .running
    }
}

/// How a service is doing.
public enum LabServiceHealth: Equatable, Sendable, CustomStringConvertible {
    case stopped, running
    case failing(String)

    public var isRunning: Bool { self == .running }

    public var description: String {
        switch self {
        case .stopped: return MMPText.stopped
        case .running: return MMPText.running
        case .failing(let reason): return MMPText.failing(reason)
        }
    }
}

/// A node's part of the database cluster: its certificates, interface and membership.
public struct LabDatabaseState: Codable, Sendable, Equatable {
    /// What the node is in the cluster now.
    public enum Membership: String, Codable, Sendable {
        case none, primary, replica, connected
    }

    public var serverKey: String?
    public var serverCertificate: String?
    public var clientKey: String?
    public var clientCertificate: String?
    public var caCertificate: String?
    public var interface: String?
    public var membership: Membership = .none
    /// The primary node's name (replica and connected nodes).
    public var primary: String?
    /// Set by `initialize` on the primary and copied by nodes that join or connect.
    public var clusterID: String?
    public var lastCommand: String?
    public var lastCommandSucceeded = true
    /// The error the last failed cluster command left (cleared by `database cluster clear error`).
    public var error: String?

    public init() {}

    /// True when the node is in a cluster: certificates cannot change then.
    public var isActive: Bool { membership != .none }
}

/// Everything about one node that survives between commands.
public struct LabNodeState: Codable, Sendable, Equatable {
    public var services: [LabService: LabServiceState]
    public var database = LabDatabaseState()
    /// `tls sip trust <bundle>`: the SIP TLS trust of the call bridge (nil: none set).
    public var sipTrust: String?

    public init(services: [LabService]) {
        self.services = Dictionary(uniqueKeysWithValues: services.map { ($0, LabServiceState()) })
    }
}

/// The whole lab's state file (`lab.json`): topology, the clock offset, every node.
public struct LabState: Codable, Sendable, Equatable {
    /// The format of this file, for later changes.
    public var formatVersion = 1
    public var topology: LabTopology
    /// Seconds added to the real clock (positive: the future), to rehearse expiry.
    public var clockOffset: TimeInterval = 0
    public var nodes: [String: LabNodeState]

    public init(topology: LabTopology) {
        self.topology = topology
        nodes = Dictionary(uniqueKeysWithValues: topology.nodes.map { ($0.name, LabNodeState(services: $0.services)) })
    }

    /// The lab's time: the real clock moved by `clockOffset`.
    public func now(real: Date = Date()) -> Date { real.addingTimeInterval(clockOffset) }
}

/// Dates as the lab prints them ("2027-11-29 10:04 UTC").
func labDate(_ date: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
    return f.string(from: date)
}

// Readable JSON: services and slots as object keys, not as alternating arrays.
extension LabService: CodingKeyRepresentable {}
extension LabSlot: CodingKeyRepresentable {}
