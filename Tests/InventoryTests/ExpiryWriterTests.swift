import Foundation
import PKI
import TestSupport
import Testing
@testable import Inventory

/// The fast byte path (`ExpiryWriter.scanFiles`, rendering in the reading threads) gives
/// the same bytes as the row renderers over `FileSource.scan`'s rows, in every format,
/// whatever the batch size, with bundles, broken and hostile files, and paths named
/// twice or inside a folder also walked.
@Suite("Expiry output as bytes")
struct ExpiryWriterTests {
    func corpus() throws -> (TempFolder, [String]) {
        let folder = try TempFolder()
        let chain = try TestChain(in: folder, leafDays: 20)
        let leaf = try chain.pem("leaf.crt"), inter = try chain.pem("inter.crt"), root = try chain.pem("root.crt")
        try folder.write("scan/a/bundle.pem", leaf + inter + root)
        try folder.write("scan/a/twice.pem", leaf + leaf)
        try folder.write("scan/b/broken, \"quoted\".crt", "junk")
        try folder.write("scan/b/empty.crt", "")
        try folder.write("scan/b/only-key.pem", try chain.pem("leaf.key"))
        try folder.write("scan/c/root.crt", root)
        for i in 0..<40 { try folder.write("scan/d/\(i).crt", i % 3 == 0 ? inter : leaf) }
        try FileManager.default.createDirectory(atPath: folder.file("scan/e"), withIntermediateDirectories: true)
        HostileFiles.make(in: folder.file("scan/e"))
        try runTool(["openssl", "x509", "-in", "root.crt", "-outform", "DER", "-out", "scan/c/root.der"], in: folder.path)
        let paths = [folder.file("scan"), folder.file("scan/c/root.crt"), folder.file("scan/c/root.crt"),
                     folder.file("missing.crt"), folder.file("scan/a/twice.pem")]
        return (folder, paths)
    }

    func viaRows(_ format: ExpiryFormat, _ paths: [String], now: Date) throws -> [UInt8] {
        var renderer = format.makeRenderer(color: format == .table, now: now, width: format == .table ? 100 : nil)
        var text = ""
        renderer.begin(to: &text)
        FileSource.scan(paths, policy: try ExpiryPolicy(), now: now) { renderer.add($0, to: &text) }
        renderer.finish(to: &text)
        return Array(text.utf8)
    }

    func viaBytes(_ format: ExpiryFormat, _ paths: [String], now: Date, batchSize: Int,
                  familyMemoryLimit: Int = TemporaryFile.memoryLimit) throws -> [UInt8] {
        var out: [UInt8] = []
        let writer = ExpiryWriter(format: format, color: format == .table, now: now, width: format == .table ? 100 : nil) {
            out.append(contentsOf: $0)
        }
        writer.familyMemoryLimit = familyMemoryLimit
        try writer.begin()
        try writer.scanFiles(paths, policy: try ExpiryPolicy(), now: now, batchSize: batchSize)
        try writer.finish()
        return out
    }

    @Test(arguments: ExpiryFormat.allCases)
    func theBytesAreTheRowRenderersBytes(_ format: ExpiryFormat) throws {
        let (folder, paths) = try corpus()
        defer { folder.remove() }
        let now = Date()
        let expected = try viaRows(format, paths, now: now)
        #expect(expected.count > 500)
        for batchSize in [1, 3, 4096] {
            let bytes = try viaBytes(format, paths, now: now, batchSize: batchSize)
            #expect(bytes == expected, "\(format) in batches of \(batchSize):\n\(String(decoding: bytes, as: UTF8.self))\n---\n\(String(decoding: expected, as: UTF8.self))")
        }
        // Prometheus' later families past their memory limit go through a temporary file.
        if format == .prometheus {
            #expect(try viaBytes(format, paths, now: now, batchSize: 3, familyMemoryLimit: 100) == expected)
        }
    }

    @Test func rowsAddedAfterTheFilesFollowThem() throws {
        let (folder, paths) = try corpus()
        defer { folder.remove() }
        var rows: [CertificateRow] = []
        FileSource.scan([folder.file("scan/a")], policy: try ExpiryPolicy()) { rows += $0 }
        let extra = [CertificateRow(unreadable: "cms1.example.com:443", reason: "refused", source: .endpoint, node: "cms1")]
        for format in ExpiryFormat.allCases {
            var renderer = format.makeRenderer()
            let expected = renderer.render([rows, extra])
            var out: [UInt8] = []
            let writer = ExpiryWriter(format: format) { out.append(contentsOf: $0) }
            try writer.begin()
            try writer.scanFiles([folder.file("scan/a")], policy: try ExpiryPolicy())
            writer.add(extra)
            try writer.finish()
            #expect(String(decoding: out, as: UTF8.self) == expected, "\(format)")
            #expect(writer.count == rows.count + 1)
            #expect(writer.state == .unknown)
        }
        _ = paths
    }

    /// Each folder stays open while its files wait to be read, so a batch stops at
    /// `PathWalker.folderLimit` folders: a tree of many small (and empty) folders is still
    /// read whole, in order.
    @Test func aTreeOfManyFoldersIsReadWhole() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        let leaf = try chain.pem("leaf.crt")
        let count = PathWalker.folderLimit + 50
        for i in 0..<count {
            try FileManager.default.createDirectory(atPath: folder.file("tree/a-\(i)-empty"), withIntermediateDirectories: true)
        }
        // The empty ones first: a batch that opens its folder limit before any file.
        for i in 0..<count { try folder.write("tree/b-\(i)-full/leaf.crt", leaf) }
        let now = Date()
        var rows: [CertificateRow] = []
        let stats = FileSource.scan([folder.file("tree")], policy: try ExpiryPolicy(), now: now, batchSize: 100) { rows += $0 }
        #expect(rows.count == count && stats.files == count)
        let expected = try viaRows(.csv, [folder.file("tree")], now: now)
        let bytes = try viaBytes(.csv, [folder.file("tree")], now: now, batchSize: 100)
        #expect(bytes == expected)
        #expect(String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").count == count + 1)
    }
}
