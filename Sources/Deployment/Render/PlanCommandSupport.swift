import Foundation

/// The work of `cmscerts plan` without the file system: text in, text out, so that the
/// command line stays thin and every form can be tested.
public enum PlanCommandSupport {
    /// Reads the deployment (and the nodes' state, JSON, if given), makes the plan and
    /// writes it in the form asked for. Throws `DeploymentFileError`, `PlanError` or
    /// `StateFileError`; `exitCode(for:)` maps them to the command line's codes.
    public static func run(deploymentYAML: String, flow: Flow, format: PlanFormat, stateJSON: String? = nil) throws -> String {
        let deployment = try DeploymentFile.load(yaml: deploymentYAML)
        var state = CurrentState.empty
        if let stateJSON {
            do {
                state = try JSONDecoder().decode(CurrentState.self, from: Data(stateJSON.utf8))
            } catch {
                throw StateFileError(message: "the state file is not a cmscerts state (JSON of CurrentState): \(error)")
            }
        }
        let plan = try Planner.plan(deployment, flow: flow, current: state)
        return PlanRenderer.render(plan, as: format)
    }

    /// 4 for a plan a guard refused (as `apply`); 2 for input that cannot be used.
    public static func exitCode(for error: Error) -> Int32 {
        if let e = error as? PlanError, e.kind == .refused { return 4 }
        return 2
    }
}

/// A state file that cannot be read.
public struct StateFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
