import Inventory
import Lab
import Orchestration
import PKI
import TerminalUI

extension WizardApp {
    /// Runs `body` with the transport to `node` (the lab's, or SSH as the dashboard and
    /// Step 5 make them), and closes an SSH connection after.
    static func onNode<T: Sendable>(_ node: String, of target: ApplyTarget,
                                    _ body: @Sendable (NodeTarget) async throws -> T) async throws -> T {
        let transports = try NodeTransports.make(for: target.deployment, deploymentFolder: target.deploymentFolder, sshConfig: nil)
        guard let transport = transports[node] else { throw WizardFailure("\(node) is not a node of \(target.deploymentPath)") }
        let result: Result<T, Error>
        do { result = .success(try await body(NodeTarget(name: node, transport: transport))) } catch { result = .failure(error) }
        await transport.close()
        return try result.get()
    }
}
