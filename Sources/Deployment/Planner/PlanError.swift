/// Why no plan was made: every problem found, worded for the person at the keyboard.
public struct PlanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The two families, which the command line maps to exit codes 4 and 2.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// A guard refused the plan: it would break something (exit code 4).
        case refused
        /// The input cannot be planned (the current state lacks what the flow needs): exit code 2.
        case badInput
    }

    public var kind: Kind
    public var problems: [String]

    public init(_ kind: Kind, _ problems: [String]) {
        self.kind = kind
        self.problems = problems
    }

    public var description: String {
        let head = kind == .refused ? "the plan is refused:" : "no plan can be made:"
        return ([head] + problems.map { "  " + $0 }).joined(separator: "\n")
    }
}
