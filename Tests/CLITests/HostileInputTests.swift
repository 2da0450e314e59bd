import Foundation
import TestSupport
import Testing

/// Hostile files through the binary, as an admin's terminal receives them: no command
/// prints a control character from a certificate, unreadable dates are UNKNOWN (exit 3),
/// and one reader gives inspect, bundle and expiry one answer.
@Suite("Hostile input on the command line")
struct HostileInputTests {
    let dir = TestSupport.temporaryDirectory("hostile")
    init() { HostileFiles.make(in: dir) }

    @discardableResult
    func cmscerts(_ args: [String]) -> ProcessResult {
        TestSupport.runProduct("cmscerts", args, in: dir, environment: ["NO_COLOR": "1"])
    }

    /// Every text command that shows a certificate's fields.
    static let textCommands: [[String]] = [
        ["pki", "inspect", "escape.pem"],
        ["pki", "verify", "escape.pem", "escape.pem"],
        ["bundle", "check", "escape.pem"],
        ["bundle", "build", "escape.pem", "--ca-only", "--out", "out.pem", "--yes"],
        ["expiry", "escape.pem"],
        ["expiry", "."],
    ]

    @Test(arguments: textCommands)
    func noControlCharacterReachesTheTerminal(_ args: [String]) {
        let result = cmscerts(args)
        #expect(!result.crashed)
        let output = result.stdout + result.stderr
        #expect(HostileFiles.controlBytes(in: output).isEmpty, "\(args.joined(separator: " ")): \(output.debugDescription)")
        #expect(output.contains("\\x1b") || output.contains("\\1B"), "\(args.joined(separator: " ")) shows the escape: \(output)")
        #expect(!output.contains("Org Zero, LLC"), "the comma inside O is escaped as RFC 4514 says")
    }

    @Test func jsonKeepsItsOwnEscaping() throws {
        let inspect = cmscerts(["pki", "inspect", "escape.pem", "--json"])
        #expect(inspect.status == 0)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [[String: Any]])
        #expect(parsed.first?["commonName"] as? String == HostileFiles.escapeCN, "JSON carries the value itself")
        #expect(!inspect.stdout.unicodeScalars.contains { $0.value == 0x1B })
    }

    @Test func unreadableDatesAreUnknownExit3() {
        let expiry = cmscerts(["expiry", "badtime.der"])
        #expect(expiry.status == 3, "\(expiry.output)")
        #expect(expiry.stdout.contains("UNKNOWN"))
        #expect(!expiry.stdout.contains("1970"))
        let json = cmscerts(["expiry", "badtime.pem", "--format", "json"])
        #expect(json.status == 3)
        #expect(json.stdout.contains("\"status\":\"unknown\""))
        let inspect = cmscerts(["pki", "inspect", "badtime.der"])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("Validity            : unknown"))
        #expect(!inspect.stdout.contains("expired"))
    }

    @Test func oneReaderOneAnswer() {
        // A damaged key block beside a good certificate: every certificate command reads it.
        let inspect = cmscerts(["pki", "inspect", "bogus-key.pem"])
        #expect(inspect.status == 0, "\(inspect.output)")
        let expiry = cmscerts(["expiry", "bogus-key.pem"])
        #expect(expiry.status == 0, "\(expiry.output)")
        let bundle = cmscerts(["bundle", "build", "bogus-key.pem", "--ca-only", "--out", "b.pem", "--yes"])
        #expect(bundle.status == 0, "\(bundle.output)")
        #expect(bundle.stderr.contains("private key in bogus-key.pem line 20 is left out"))
        // A damaged CSR block: every one refuses it, in the same words.
        let badInspect = cmscerts(["pki", "inspect", "bad-csr.pem"])
        let badExpiry = cmscerts(["expiry", "bad-csr.pem"])
        #expect(badInspect.status == 2)
        #expect(badExpiry.status == 3)
        #expect(badInspect.stderr.contains("the CSR block is damaged or truncated"))
        #expect(badExpiry.stdout.contains("the CSR block is damaged or truncated"))
    }
}
