/// An error of the PKI engine, worded for the person at the keyboard: what is wrong,
/// and how to fix it.
///
/// `badInput` is a file, argument or passphrase that cannot be used (exit code 2 on the
/// command line); `checkFailed` is a check that ran and said no (exit code 1).
public struct PKIError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Which of the two families the error belongs to.
    public enum Kind: String, Sendable, Codable {
        case badInput
        case checkFailed
    }

    public var kind: Kind
    /// The field or file the error is about (`CN`, `subjectAltName`, a path), when there is one.
    public var field: String?
    /// The whole sentence shown to the user.
    public var message: String

    public init(_ kind: Kind = .badInput, field: String? = nil, _ message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }

    public var description: String { message }

    /// A bad-input error (exit code 2).
    public static func input(_ message: String, field: String? = nil) -> PKIError {
        PKIError(.badInput, field: field, message)
    }
}
