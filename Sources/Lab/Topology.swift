import Deployment
import Foundation

/// The CMS release a lab simulates: 3.x (webbridge3, no XMPP) or 2.9 (webbridge, XMPP).
public enum LabVersion: String, Codable, Sendable, CaseIterable {
    case v3 = "3.x"
    case v2_9 = "2.9"

    /// Parses `3.x`, `3`, `2.9`.
    public init?(text: String) {
        switch text.lowercased() {
        case "3.x", "3", "3.0", "3.x.x": self = .v3
        case "2.9", "2.9.x", "2": self = .v2_9
        default: return nil
        }
    }

    /// The services a node of `cmscerts lab init` runs, in the order the article applies them.
    public var services: [LabService] {
        switch self {
        case .v3: return [.webadmin, .callbridge, .webbridge3, .turn]
        case .v2_9: return [.webadmin, .callbridge, .webbridge, .xmpp, .turn]
        }
    }

    /// Every service the release has (a node of a lab made from a deployment file has them
    /// all, as a real node does): 2.9 has Web Bridge 3 beside the older web bridge, XMPP,
    /// the load balancer; 3.x dropped those and has the scheduler (TAC 217062, 217367).
    public var available: [LabService] {
        switch self {
        case .v3: return [.webadmin, .callbridge, .webbridge3, .turn, .recorder, .streamer, .uploader, .scheduler]
        case .v2_9: return [.webadmin, .callbridge, .webbridge, .webbridge3, .xmpp, .turn, .loadbalancer, .trunk, .recorder, .streamer, .uploader]
        }
    }
}

/// A CMS service whose certificates the MMP configures.
public enum LabService: String, Codable, Sendable, CaseIterable {
    case webadmin, callbridge, webbridge, webbridge3, xmpp, turn, loadbalancer, trunk, recorder, streamer, uploader, scheduler
}

/// What a node is to the database cluster in the lab's topology (the deployment file's
/// database role): the node meant to be primary, a database node that joins it, or a
/// node without a local database that only connects.
public enum LabDatabaseRole: String, Codable, Sendable {
    case primary, joined, connected, none
}

/// One node of a lab as a deployment file names it.
public struct LabNodeInfo: Codable, Sendable, Equatable {
    /// The node's name and prompt (`cms1`).
    public var name: String
    /// `cms1.lab.example.com`.
    public var fqdn: String
    /// `10.0.0.1`: a label only, nothing listens there.
    public var address: String
    public var services: [LabService]
    public var databaseRole: LabDatabaseRole
}

/// The shape of a lab: release, names and roles. The lead writes the matching
/// deployment file from it.
public struct LabTopology: Codable, Sendable, Equatable {
    public var version: LabVersion
    /// `lab.example.com`: the domain of every FQDN, and the built-in CA's CN in Step 3.
    public var domain: String
    /// `join.lab.example.com`: the web bridge's join URL.
    public var joinURL: String
    /// `lab.example.com`: the XMPP domain (2.9 only).
    public var xmppDomain: String
    public var nodes: [LabNodeInfo]

    /// The topology `cmscerts lab init` makes: nodes cms1..cmsN at 10.0.0.1..N; with 3
    /// or more nodes, 3 database nodes (TAC 210530: three join, further nodes connect),
    /// cms1 meant as primary, the rest connected.
    public static func make(nodes count: Int, version: LabVersion, domain: String = "lab.example.com") throws -> LabTopology {
        guard (1...24).contains(count) else {
            throw LabError("a lab has 1 to 24 nodes (a CMS cluster has at most 24 call bridges), not \(count)")
        }
        let databaseNodes = count >= 3 ? 3 : 1
        let nodes = (1...count).map { i in
            LabNodeInfo(name: "cms\(i)", fqdn: "cms\(i).\(domain)", address: "10.0.0.\(i)",
                        services: version.services,
                        databaseRole: i == 1 ? .primary : (i <= databaseNodes ? .joined : .connected))
        }
        return LabTopology(version: version, domain: domain, joinURL: "join.\(domain)", xmppDomain: domain, nodes: nodes)
    }

    /// The topology of a deployment file's estate: its release, names and database roles;
    /// every node has every service of the release, as a real node has, so that a plan for
    /// the file applies on the lab and the MMP's refusals are the release's.
    public static func make(for deployment: Deployment) throws -> LabTopology {
        let version: LabVersion = deployment.cmsVersion.isThreeX ? .v3 : .v2_9
        let nodes = try deployment.nodes.map { node -> LabNodeInfo in
            guard let role = LabDatabaseRole(rawValue: node.database.rawValue) else {
                throw LabError("the database role \(node.database.rawValue) of \(node.name) has no lab name")
            }
            return LabNodeInfo(name: node.name, fqdn: node.fqdn, address: node.address, services: version.available, databaseRole: role)
        }
        return LabTopology(version: version, domain: deployment.domain, joinURL: deployment.joinURL ?? "join.\(deployment.domain)",
                           xmppDomain: deployment.xmppDomain ?? deployment.domain, nodes: nodes)
    }

    /// The node called `name`, or whose FQDN or address is `name` (as `database cluster join` takes them).
    public func node(_ name: String) -> LabNodeInfo? {
        let lower = name.lowercased()
        return nodes.first { $0.name.lowercased() == lower || $0.fqdn.lowercased() == lower || $0.address == name }
    }
}

/// A lab-level error (no such lab or node, a damaged state file): not an MMP answer.
public struct LabError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
