/// Why a theme file was refused, naming the file, the line and the key, so that the user
/// can fix it without reading code.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file (or theme name when the text did not come from a file).
    public var file: String
    /// The line in the file, when known (1-based).
    public var line: Int?
    /// The key path, such as `roles.title.fg`; empty for the file as a whole.
    public var key: String
    /// What is wrong, in plain words.
    public var problem: String

    /// An error.
    public init(file: String, line: Int? = nil, key: String, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    /// `themes/x.yaml:12: roles.title.fg: unknown colour "purpel" (...)`.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if !key.isEmpty { s += ": \(key)" }
        return s + ": " + problem
    }
}
