import Deployment
import Foundation
import Orchestration

/// Turns a deployment's nodes into transports: the lab's when the deployment names a lab,
/// else SSH to each node's `ssh` target (the user's OpenSSH configuration does the rest).
public enum NodeTransports {
    /// `deploymentFolder` resolves a relative `lab:` path; `sshConfig` is passed as `ssh -F`.
    public static func make(for deployment: Deployment, deploymentFolder: String, sshConfig: String?) throws -> [String: any Transport] {
        var transports: [String: any Transport] = [:]
        if let labPath = deployment.lab {
            let folder = labPath.hasPrefix("/") ? labPath : deploymentFolder + "/" + labPath
            let lab = try Lab(directory: folder)
            for node in deployment.nodes {
                let transport = try (try? LabTransport(lab: lab, node: node.name)) ?? LabTransport(lab: lab, node: node.fqdn)
                transports[node.name] = transport
            }
            return transports
        }
        // A short folder for the shared connections: a socket path must stay under ~100 bytes.
        let control = NSTemporaryDirectory() + "cmscerts-ssh-\(getuid())"
        for node in deployment.nodes {
            transports[node.name] = SSHTransport(
                node: node.name,
                target: SSHDestination(host: node.ssh.host, user: node.ssh.user, port: node.ssh.port, configFile: sshConfig),
                controlDirectory: control)
        }
        return transports
    }
}
