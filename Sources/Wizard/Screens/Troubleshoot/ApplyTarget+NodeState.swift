import Deployment
import Lab
import Orchestration

extension ApplyTarget {
    /// What the nodes hold now (`pki list` and each service's status, read-only), through
    /// the transports a run uses: what every renewal is planned from.
    func readNodeState() async -> Result<CurrentState, WizardFailure> {
        do {
            let transports = try NodeTransports.make(for: deployment, deploymentFolder: deploymentFolder, sshConfig: nil)
            let state = try await NodeStateReader.read(deployment, transports: transports)
            for transport in transports.values {
                await transport.close()
            }
            return .success(state)
        } catch {
            return .failure(WizardFailure(error))
        }
    }
}
