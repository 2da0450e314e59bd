import Foundation
import PKI
import TerminalText
import TestSupport
import Testing
@testable import Inventory

/// The renderers' byte paths give what the String helpers give, hostile input included:
/// the table's packed lines (every cell through `TerminalText.visible`) and ASCII lines
/// padded as bytes at every width, clipped or not; Prometheus' file names and serials.
@Suite("Renderers' byte paths")
struct BytePathTests {
    func rows() throws -> [CertificateRow] {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder, leafDays: 20)
        try folder.write("scan/a/bundle.pem", try chain.pem("leaf.crt") + chain.pem("inter.crt") + chain.pem("root.crt"))
        try folder.write("scan/b/broken\u{1B}[31m, \"quoted\".crt", "junk")
        try folder.write("scan/b/caf\u{E9}.crt", try chain.pem("leaf.crt"))
        try FileManager.default.createDirectory(atPath: folder.file("scan/e"), withIntermediateDirectories: true)
        HostileFiles.make(in: folder.file("scan/e"))
        var rows: [CertificateRow] = []
        FileSource.scan([folder.file("scan")], policy: try ExpiryPolicy()) { rows += $0 }
        var odd = CertificateRow(unreadable: "cms1:a\u{9B}b.pem", reason: "bad\u{7}", source: .node, node: "cms1", service: "callbridge")
        odd.problems = ["not the one configured\u{202E}", "", "out of order"]
        rows.append(odd)
        var plain = rows[0]
        plain.problems = ["chain out of order"]
        rows.append(plain)
        return rows
    }

    /// `line`'s packed text as the String helpers made it.
    func reference(_ row: CertificateRow, numbered: Bool) -> String {
        let cells = [row.status.rawValue.uppercased(), row.daysLeft.map(String.init) ?? "-", row.notAfter.map(Text.day) ?? "-",
                     row.position?.rawValue ?? "-", row.commonName ?? row.subject?.description ?? "-", row.issuerName ?? "-",
                     row.location + (numbered ? row.member.map { " #\($0)" } ?? "" : ""), row.service ?? ""]
            .map { TerminalText.visible($0) }
        var packed = cells.joined(separator: "\u{1F}")
        let below = ((row.reason.map { [$0] } ?? []) + row.problems.map { "PROBLEM: \($0)" }).map { TerminalText.visible($0) }
        if !below.isEmpty { packed += "\u{1E}" + below.joined(separator: "\u{1F}") }
        return packed
    }

    @Test func packedLinesAreTheStringHelpers() throws {
        let rows = try rows()
        #expect(rows.count > 8)
        for row in rows {
            for numbered in [false, true] {
                #expect(TableRenderer.line(row, numbered: numbered).packed == reference(row, numbered: numbered))
            }
        }
        #expect(TableRenderer.line(rows[0], numbered: false).packed.utf8.allSatisfy { $0 >= 0x20 || $0 == 0x1E || $0 == 0x1F })
    }

    @Test func asciiLinesAreTheStringHelpersAtEveryWidth() throws {
        let lines = try rows().map { TableRenderer.line($0, numbered: true) }
        var checked = 0
        for total in [nil, 200, 100, 80, 60, 40, 20] as [Int?] {
            var widths = [Int](repeating: 0, count: TableRenderer.headings.count)
            for line in lines {
                var packed = line.packed
                var ascii = widths
                if packed.withUTF8({ TableRenderer.asciiWidths($0, into: &ascii) }) {
                    var expected = widths
                    for (i, cell) in TableRenderer.cells(line.packed).main.enumerated() {
                        expected[i] = max(expected[i], TableRenderer.characters(cell))
                    }
                    #expect(ascii == expected)
                    widths = ascii
                } else {
                    for (i, cell) in TableRenderer.cells(line.packed).main.enumerated() { widths[i] = max(widths[i], TableRenderer.characters(cell)) }
                }
            }
            widths = zip(widths, TableRenderer.headings).map { $0 == 0 ? 0 : max($0, $1.count) }
            if let total { TableRenderer.fit(&widths, into: total) }
            for line in lines {
                var packed = line.packed
                var bytes: [UInt8] = []
                let ascii = packed.withUTF8 { raw in
                    guard raw.allSatisfy({ $0 < 0x80 }) else { return false }
                    TableRenderer.appendASCII(raw, widths: widths, to: &bytes)
                    return true
                }
                guard ascii else { continue }
                checked += 1
                #expect(String(decoding: bytes, as: UTF8.self) == TableRenderer.text(of: line, widths: widths, color: false),
                        "width \(String(describing: total)): \(line.packed)")
            }
        }
        #expect(checked > 40)
    }

    /// The whole table: its ASCII lines padded as bytes, the others (a file name with é,
    /// hostile names) through the String helpers, is the coloured table (all String
    /// helpers) without its colours.
    /// The text without its SGR sequences (ESC [ digits and ; m): the cells hold no ESC.
    func withoutColours(_ text: String) -> String {
        var out: [UInt8] = []
        var inside = false
        for byte in text.utf8 {
            if byte == 0x1B { inside = true; continue }
            if inside { inside = byte != UInt8(ascii: "m"); continue }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func theTableIsTheColouredTableWithoutColours() throws {
        let rows = try rows()
        #expect(rows.contains { !TableRenderer.line($0, numbered: false).packed.utf8.allSatisfy { $0 < 0x80 } })
        func table(color: Bool, width: Int?) -> String {
            var renderer = TableRenderer(color: color, width: width)
            var text = ""
            renderer.add(rows, to: &text)
            renderer.finish(to: &text)
            return text
        }
        for width in [nil, 120, 50, 20] as [Int?] {
            let plain = table(color: false, width: width)
            let coloured = table(color: true, width: width)
            #expect(coloured != plain)
            #expect(withoutColours(coloured) == plain, "width \(String(describing: width))")
            #expect(plain.split(separator: "\n").count > rows.count)
            #expect(!plain.unicodeScalars.contains { TerminalText.needsEscape($0, keepingLineBreaks: true) })
        }
    }

    @Test func prometheusFileNamesAreTheLastComponent() {
        for path in ["a/b.crt", "/tmp/x/b.pem/", "///", "", "plain.crt", "cms1:server.crt", "a//b", "a/b\u{301}/c.crt",
                     "dir/caf\u{E9}.crt", "x/\u{301}", "x\r\n/y"] {
            #expect(PrometheusRenderer.fileName(path) == (path.split(separator: "/").last.map(String.init) ?? path), "\(path)")
        }
    }

    @Test func serialsInDecimalCarryZerosBetweenChunks() {
        #expect(Text.decimal(fromHex: "0DE0B6B3A7640000") == "1000000000000000000")
        #expect(Text.decimal(fromHex: "3B9ACA00") == "1000000000")
        #expect(Text.decimal(fromHex: "3B9AC9FF") == "999999999")
        #expect(Text.decimal(fromHex: "0100000000000000000000000000000000") == "340282366920938463463374607431768211456")
        #expect(Text.decimal(fromHex: "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")
                == "730750818665451459101842416358141509827966271487")
    }
}
