import Foundation
import PKI
import Testing
@testable import Inventory

@Suite("Output formats")
struct RendererTests {
    /// A bundle (leaf 20 days, intermediate, root) and a broken file, as rows.
    func sampleRows(_ folder: TempFolder) throws -> [CertificateRow] {
        let chain = try TestChain(in: folder, leafDays: 20)
        try folder.write("scan/bundle.pem", try chain.pem("leaf.crt") + chain.pem("inter.crt") + chain.pem("root.crt"))
        try folder.write("scan/broken, \"quoted\".crt", "junk")
        var rows: [CertificateRow] = []
        FileSource.scan([folder.file("scan")], policy: try ExpiryPolicy()) { rows += $0 }
        return rows
    }

    func render(_ format: ExpiryFormat, _ rows: [CertificateRow], color: Bool = false) -> String {
        var renderer = format.makeRenderer(color: color)
        // Two batches, to check the joins between them.
        return renderer.render([Array(rows.prefix(2)), Array(rows.dropFirst(2))])
    }

    @Test func jsonIsOneValidArrayWithEveryField() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let rows = try sampleRows(folder)
        let text = render(.json, rows)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 4)
        let broken = try #require(parsed.first { $0["status"] as? String == "unreadable" })
        #expect((broken["reason"] as? String)?.isEmpty == false)
        #expect(broken["notAfter"] is NSNull)
        let leaf = try #require(parsed.first { $0["commonName"] as? String == "cms1.example.com" })
        #expect(leaf["daysLeft"] as? Int == 19)
        #expect(leaf["status"] as? String == "warning")
        #expect(leaf["position"] as? String == "entity")
        #expect(leaf["issuerCommonName"] as? String == "Test Issuing CA")
        #expect(leaf["subjectAltNames"] as? [String] == ["cms1.example.com", "join.example.com", "10.0.0.1"])
        let notAfter = try #require(leaf["notAfter"] as? String)
        let row = try #require(rows.first { $0.commonName == "cms1.example.com" })
        #expect(notAfter == ISO8601DateFormatter().string(from: try #require(row.notAfter)))
        var empty = JSONRenderer()
        #expect(empty.render([[]]) == "[]\n")
    }

    @Test func csvQuotesWhatNeedsIt() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let text = render(.csv, try sampleRows(folder))
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("status,days_left,not_after"))
        #expect(lines.contains { $0.hasPrefix("unreadable,") && $0.contains("broken, \"\"quoted\"\".crt") })
        #expect(lines.contains { $0.hasPrefix("warning,19,") && $0.contains(",entity,file,") })
    }

    @Test func prometheusUsesTheExportersNames() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let rows = try sampleRows(folder)
        let text = render(.prometheus, rows)
        let leaf = try #require(rows.first { $0.commonName == "cms1.example.com" })
        let serial = Text.decimal(fromHex: try #require(leaf.serialHex))
        #expect(serial == (try serialDecimalByOpenSSL(folder)))
        let notAfterLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("x509_cert_not_after{") && $0.contains("subject_CN=\"cms1.example.com\"") })
        #expect(notAfterLine.contains("serial_number=\"\(serial)\""))
        #expect(notAfterLine.contains("issuer_CN=\"Test Issuing CA\""))
        #expect(notAfterLine.contains("filepath=\"\(folder.file("scan/bundle.pem"))\""))
        #expect(notAfterLine.contains("filename=\"bundle.pem\""))
        #expect(notAfterLine.hasSuffix(" \(Int64(try #require(leaf.notAfter).timeIntervalSince1970))"))
        #expect(text.contains("# TYPE x509_cert_not_before gauge"))
        #expect(text.contains("# TYPE x509_cert_expired gauge"))
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("x509_cert_expired{") }.count == 3)
        #expect(text.contains("x509_cert_error{filename=\"broken, \\\"quoted\\\".crt\""))
        #expect(text.hasSuffix("x509_read_errors 1\n"))
        // Each family in one piece: no metric name reappears after another began.
        let names = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.prefix { $0 != "{" && $0 != " " } }
        var seen: [Substring] = []
        for name in names where seen.last != name {
            #expect(!seen.contains(name), "\(name) is split")
            seen.append(name)
        }
    }

    /// The leaf's serial in decimal, as Python would print it from openssl's hex.
    func serialDecimalByOpenSSL(_ folder: TempFolder) throws -> String {
        let hex = try runTool(["openssl", "x509", "-in", "leaf.crt", "-noout", "-serial"], in: folder.path)
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
        return try runTool(["python3", "-c", "print(int('\(hex)', 16))"], in: folder.path).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theTableIsSortedByDaysLeftAndColouredOnlyWhenAsked() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let rows = try sampleRows(folder)
        let plain = render(.table, rows)
        let lines = plain.split(separator: "\n")
        #expect(lines[0].hasPrefix("STATUS"))
        #expect(lines[1].hasPrefix("UNREADABLE"))
        let statuses = lines.filter { ["OK", "WARNING"].contains($0.split(separator: " ").first ?? "") }.map { $0.split(separator: " ")[0] }
        #expect(statuses == ["WARNING", "OK", "OK"])
        #expect(lines.last == "UNKNOWN: 3 certificates: 1 warning, 2 ok; 1 unreadable")
        #expect(!plain.contains("\u{1B}["))
        let coloured = render(.table, rows, color: true)
        #expect(coloured.contains("\u{1B}[33mWARNING"))
        #expect(coloured.contains("\u{1B}[0m"))
    }

    @Test func theTableFitsAnEightyColumnTerminalKeepingFileNames() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var rows = try sampleRows(folder)
        rows[0].file = "/a/very/long/path/to/a/folder/of/certificates/on/the/jump/host/callbridge-fullchain.pem"
        rows[0].service = "webbridge3 https, webbridge3 c2w"
        var renderer = TableRenderer(color: false, width: 80)
        let text = renderer.render([rows])
        let tableLines = text.split(separator: "\n").filter { !$0.hasPrefix("    ") }
        for line in tableLines { #expect(line.count <= 80, "\(line)") }
        #expect(text.contains("callbridge-fullchain.pem"))
        var wide = TableRenderer(color: false)
        #expect(wide.render([rows]).contains("/a/very/long/path"))
    }

    @Test func colourOnlyOnATerminalWithoutNoColor() {
        #expect(TableRenderer.wantsColor(isTerminal: true, environment: ["TERM": "xterm-256color"]))
        #expect(!TableRenderer.wantsColor(isTerminal: false, environment: ["TERM": "xterm-256color"]))
        #expect(!TableRenderer.wantsColor(isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": "1"]))
        #expect(TableRenderer.wantsColor(isTerminal: true, environment: ["TERM": "xterm", "NO_COLOR": ""]))
        #expect(!TableRenderer.wantsColor(isTerminal: true, environment: ["TERM": "dumb"]))
    }

    @Test func dateAndSerialHelpersAreExact() {
        #expect(Text.iso(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Text.iso(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(Text.iso(Date(timeIntervalSince1970: 4_102_444_799)) == "2099-12-31T23:59:59Z")
        #expect(Text.decimal(fromHex: "0") == "0")
        #expect(Text.decimal(fromHex: "FF") == "255")
        #expect(Text.decimal(fromHex: "010000000000000000") == "18446744073709551616")
    }
}
