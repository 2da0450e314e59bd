import Inventory
import Orchestration
import PKI
import TerminalUI

extension WizardApp {
    /// Runs `body` with the transport to `node` (made by the executable's `connections`, as
    /// the dashboard and Step 5 have them), and closes the transports after.
    static func onNode<T: Sendable>(_ node: String, of target: ApplyTarget, connections: WizardConnections,
                                    _ body: @Sendable (NodeTarget) async throws -> T) async throws -> T {
        let transports = try connections.connect(target)
        guard let transport = transports[node] else { throw WizardFailure("\(node) is not a node of \(target.deploymentPath)") }
        let result: Result<T, Error>
        do { result = .success(try await body(NodeTarget(name: node, transport: transport))) } catch { result = .failure(error) }
        for transport in transports.values {
            await transport.close()
        }
        return try result.get()
    }
}
