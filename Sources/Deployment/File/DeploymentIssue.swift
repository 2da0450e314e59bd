/// One problem in a deployment file: where it is (key path and line) and what to do.
public struct DeploymentIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The key path, e.g. `nodes[1].services[2]`; empty for the whole file.
    public var path: String
    /// The 1-based line in the file, when the problem was read from a file.
    public var line: Int?
    /// What is wrong and how to fix it.
    public var message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `line 12: nodes[1].fqdn: ...`
    public var description: String {
        var out = ""
        if let line { out += "line \(line): " }
        if !path.isEmpty { out += "\(path): " }
        return out + message
    }
}

/// A deployment file that cannot be used: every problem found, in file order.
public struct DeploymentFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var issues: [DeploymentIssue]

    public init(issues: [DeploymentIssue]) { self.issues = issues }

    /// One problem a line, each with its line and key path; a problem of the whole file
    /// that has neither (it cannot be read, it is too large) alone, as its sentence.
    public var description: String {
        if issues.count == 1, issues[0].line == nil, issues[0].path.isEmpty { return issues[0].message }
        let head = issues.count == 1 ? "the deployment file has 1 problem:" : "the deployment file has \(issues.count) problems:"
        return ([head] + issues.map { "  " + $0.description }).joined(separator: "\n")
    }
}
