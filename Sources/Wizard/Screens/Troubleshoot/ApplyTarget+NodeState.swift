import Deployment
import Orchestration

extension ApplyTarget {
    /// What the nodes hold now (`pki list` and each service's status, read-only), through
    /// the transports a run uses (made by the executable's `connections`): what every
    /// renewal is planned from, for Step 5 and the Fix screen alike.
    func readNodeState(_ connections: WizardConnections) async -> Result<CurrentState, WizardFailure> {
        do {
            let transports = try connections.connect(self)
            let state: CurrentState
            do {
                state = try await NodeStateReader.read(deployment, transports: transports)
            } catch {
                for transport in transports.values { await transport.close() }
                throw error
            }
            for transport in transports.values { await transport.close() }
            return .success(state)
        } catch {
            return .failure(WizardFailure(error))
        }
    }
}
