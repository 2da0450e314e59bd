import Deployment
import Foundation
import PKI

/// The deployment file that matches a lab: its nodes, services and database roles, with
/// `lab:` naming the lab so that `cmscerts plan` and `cmscerts apply` work on it as on
/// real servers.
public enum LabDeployment {
    /// The deployment that describes `topology`, with `lab:` set to `labFolder`.
    public static func make(_ topology: LabTopology, labFolder: String) throws -> Deployment {
        let version = topology.version == .v2_9 ? CMSVersion(major: 2, minor: 9) : CMSVersion(major: 3, minor: 0)
        let nodes = try topology.nodes.map { node -> DeploymentNode in
            let services = try node.services.map { service -> Service in
                guard let mapped = Service(rawValue: service.rawValue) else {
                    throw PKIError.input("the lab's service \(service.rawValue) has no deployment-file name")
                }
                return mapped
            }
            guard let role = DatabaseRole(rawValue: node.databaseRole.rawValue) else {
                throw PKIError.input("the lab's database role \(node.databaseRole.rawValue) has no deployment-file name")
            }
            return DeploymentNode(name: node.name, fqdn: node.fqdn, address: node.address, services: services, database: role)
        }
        let hasXMPP = nodes.contains { $0.services.contains(.xmpp) }
        return Deployment(cmsVersion: version, domain: topology.domain, joinURL: topology.joinURL,
                          xmppDomain: hasXMPP ? topology.xmppDomain : nil, nodes: nodes, lab: labFolder)
    }

    /// Writes `<lab>/deployment.yaml` (atomically; an existing one is kept as it is).
    public static func write(_ topology: LabTopology, labFolder: String) throws -> String? {
        let store = FileStore(directory: labFolder)
        if store.exists("deployment.yaml") { return nil }
        let deployment = try make(topology, labFolder: labFolder)
        let text = """
            # The deployment file of the lab in \(labFolder), made with the lab.
            # `lab:` sends every command to the simulated nodes instead of SSH:
            #   cmscerts plan \(labFolder)/deployment.yaml
            #   cmscerts apply \(labFolder)/deployment.yaml
            # Service certificates are signed by "your CA": in a rehearsal, any CA you make.

            """ + DeploymentFile.yaml(for: deployment)
        // Validate what we wrote by reading it back, as a user's file would be read.
        _ = try DeploymentFile.load(yaml: text)
        try store.write(Data(text.utf8), to: "deployment.yaml", isPrivateKey: false, createOnly: true)
        return store.path("deployment.yaml")
    }
}
