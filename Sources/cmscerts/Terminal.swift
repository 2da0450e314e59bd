import Foundation
import PKI
import TerminalText

/// Small helpers for talking to the person at the terminal from the command line.
/// Every text line goes through `TerminalText.visible`: messages carry certificate fields,
/// file names and node output, and none of them may send a terminal sequence. Machine
/// formats (JSON, CSV, Prometheus) keep their own escaping and go out with `raw`.
enum Console {
    static func out(_ text: String) {
        raw(TerminalText.visible(text, keepingLineBreaks: true))
    }

    static func err(_ text: String) {
        let safe = TerminalText.visible(text, keepingLineBreaks: true)
        FileHandle.standardError.write(Data((safe.hasSuffix("\n") ? safe : safe + "\n").utf8))
    }

    /// Writes text as it is: only for output whose format escapes it already (JSON).
    static func raw(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Prints a value as pretty JSON with sorted keys and ISO 8601 dates (stable for scripts and diffs).
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        raw(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Asks a yes/no question on the terminal; anything but y/yes is no.
    static func confirm(_ question: String) -> Bool {
        FileHandle.standardOutput.write(Data("\(TerminalText.visible(question)) [y/N] ".utf8))
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}

/// Turns an engine error into the command line's exit code: 2 for bad input, 1 for a
/// check that said no.
func fail(_ error: Error) -> CLIFailure {
    if let pki = error as? PKIError {
        return CLIFailure(code: pki.kind == .checkFailed ? 1 : 2, message: "ERROR: \(pki.message)")
    }
    if let cli = error as? CLIFailure { return cli }
    return CLIFailure(code: 2, message: "ERROR: \(error)")
}

/// Where a passphrase comes from: a file, the CMSCERTS_PASSPHRASE variable, or (on a
/// terminal, when a file turns out to need one) a prompt that does not echo.
struct PassphraseSource {
    var file: String?

    func initial() throws -> String? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw PKIError.input("cannot read the passphrase file \(file)", field: file)
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return text
        }
        return ProcessInfo.processInfo.environment["CMSCERTS_PASSPHRASE"]
    }

    static func asksForPassphrase(_ error: PKIError) -> Bool {
        error.message.contains("give its passphrase") || error.message.contains("protected by a passphrase")
    }

    /// Runs `body` with the passphrase; when it fails for want of one and a person is
    /// at the terminal, asks once and runs it again.
    func run<T>(_ body: (String?) throws -> T) throws -> T {
        let first = try initial()
        do {
            return try body(first)
        } catch let error as PKIError where first == nil && Self.asksForPassphrase(error) {
            guard Console.stdinIsTerminal, let typed = getpass("Passphrase: ") else { throw error }
            return try body(String(cString: typed))
        }
    }
}
