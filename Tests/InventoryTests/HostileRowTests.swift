import Foundation
import PKI
import TestSupport
import Testing
@testable import Inventory

/// Rows of certificates a stranger made: the table never passes on a control character
/// (nor lets one forge a column), and a certificate whose dates cannot be read is
/// unknown in every format, exit 3, never "expired in 1970".
@Suite("Hostile certificates in the expiry rows")
struct HostileRowTests {
    func rows(_ names: [String]) throws -> (TempFolder, [CertificateRow]) {
        let folder = try TempFolder()
        HostileFiles.make(in: folder.path)
        var rows: [CertificateRow] = []
        FileSource.scan(names.map(folder.file), policy: try ExpiryPolicy()) { rows += $0 }
        return (folder, rows)
    }

    func render(_ format: ExpiryFormat, _ rows: [CertificateRow]) -> String {
        var renderer = format.makeRenderer(color: format == .table)
        return renderer.render([rows])
    }

    @Test func theTableShowsEscapesAndKeepsItsColumns() throws {
        let (folder, rows) = try rows(["escape.pem"])
        defer { folder.remove() }
        #expect(rows.count == 1)
        let table = render(.table, rows)
        // Only our own colour sequences (ESC [ ... m) may hold an ESC.
        let withoutColour = table.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(HostileFiles.controlBytes(in: withoutColour).isEmpty, "\(withoutColour.debugDescription)")
        #expect(table.contains("a\\x1b[2Jb"))
        // Machine formats keep their own escaping, unchanged.
        #expect(render(.json, rows).contains("a\\u001b[2Jb"))
        #expect(render(.csv, rows).contains(HostileFiles.escapeCN))
    }

    @Test func aFieldCannotForgeTheTablesSeparators() throws {
        let (folder, base) = try rows(["good.pem"])
        defer { folder.remove() }
        var row = try #require(base.first)
        row.file = "evil\u{1F}FAKE\u{1E}PROBLEM: none"
        let table = render(.table, [row])
        #expect(table.contains("evil\\x1fFAKE\\x1ePROBLEM: none"))
        #expect(!table.contains("\n    PROBLEM"), "the file name stays in its cell")
    }

    @Test func unreadableDatesAreUnknownEverywhere() throws {
        let (folder, rows) = try rows(["badtime.der", "good.pem"])
        defer { folder.remove() }
        let bad = try #require(rows.first { $0.file.hasSuffix("badtime.der") })
        #expect(bad.status == .unknown)
        #expect(bad.checkState == .unknown)
        #expect(bad.notAfter == nil && bad.daysLeft == nil)
        #expect(bad.commonName == "good.example.com", "the certificate was read: only its dates are unknown")
        #expect(rows.checkState == .unknown)
        let table = render(.table, rows)
        #expect(table.contains("UNKNOWN"))
        #expect(table.contains("1 unknown"))
        #expect(!table.contains("1970"))
        #expect(render(.json, rows).contains("\"status\":\"unknown\""))
        let prometheus = render(.prometheus, rows)
        #expect(prometheus.contains("x509_cert_error{filename=\"badtime.der\""))
        #expect(prometheus.split(separator: "\n").filter { $0.hasPrefix("x509_cert_not_after") && $0.contains("badtime.der") }.isEmpty,
                "no made-up date for it")
    }
}
