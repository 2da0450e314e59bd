import Foundation
import PKI
import Testing
@testable import Inventory

@Suite("Files and folders")
struct FileSourceTests {
    func scan(_ paths: [String], batchSize: Int = 2048) throws -> (rows: [CertificateRow], stats: FileScanStats) {
        var rows: [CertificateRow] = []
        let stats = FileSource.scan(paths, policy: try ExpiryPolicy(), batchSize: batchSize) { rows += $0 }
        return (rows, stats)
    }

    @Test func everyMemberOfEveryBundleFormatIsARow() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        let full = try folder.write("fullchain.pem", try chain.pem("leaf.crt") + chain.pem("inter.crt") + chain.pem("root.crt"))
        try runTool(["openssl", "crl2pkcs7", "-nocrl", "-certfile", "fullchain.pem", "-outform", "DER", "-out", "chain.p7b"], in: folder.path)
        try folder.write("cachain.pem", try chain.pem("inter.crt") + chain.pem("root.crt"))
        try runTool(["openssl", "pkcs12", "-export", "-in", "leaf.crt", "-inkey", "leaf.key", "-certfile", "cachain.pem",
                     "-passout", "pass:", "-out", "leaf.p12"], in: folder.path)
        try runTool(["openssl", "x509", "-in", "root.crt", "-outform", "DER", "-out", "root.der"], in: folder.path)

        let pemRows = try scan([full]).rows
        #expect(pemRows.count == 3)
        #expect(pemRows.map(\.member) == [1, 2, 3])
        #expect(pemRows.map(\.position) == [.entity, .intermediate, .root])
        #expect(pemRows.map(\.commonName) == ["cms1.example.com", "Test Issuing CA", "Test Root CA"])
        #expect(pemRows.allSatisfy { $0.status == .ok && $0.source == .file && $0.file == full })

        let p7 = try scan([folder.file("chain.p7b")]).rows
        #expect(p7.count == 3)
        #expect(Set(p7.compactMap(\.commonName)) == ["cms1.example.com", "Test Issuing CA", "Test Root CA"])

        let p12 = try scan([folder.file("leaf.p12")]).rows
        #expect(p12.count == 3)
        #expect(p12.first?.commonName == "cms1.example.com")

        let der = try scan([folder.file("root.der")]).rows
        #expect(der.map(\.position) == [.root])
    }

    @Test func brokenFilesAreRowsAndTheScanGoesOn() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        let leaf = try chain.pem("leaf.crt")
        let lines = leaf.split(separator: "\n")
        try folder.write("certs/a-garbage.crt", "this is not a certificate\n")
        try folder.write("certs/b-empty.crt", "")
        try folder.write("certs/c-truncated.pem", lines.dropLast().joined(separator: "\n") + "\n")
        try folder.write("certs/d-damaged.crt", leaf.replacingOccurrences(of: String(lines[3]), with: String(repeating: "A", count: lines[3].count / 2)))
        try folder.write("certs/e-good.crt", leaf)
        try runTool(["openssl", "pkcs12", "-export", "-in", "leaf.crt", "-inkey", "leaf.key", "-passout", "pass:secret",
                     "-out", "certs/f-encrypted.p12"], in: folder.path)

        let (rows, stats) = try scan([folder.file("certs")])
        let byFile = Dictionary(grouping: rows) { ($0.file as NSString).lastPathComponent }
        #expect(rows.count == 6)
        #expect(stats.files == 6)
        #expect(stats.unreadable == 5)
        #expect(stats.certificates == 1)
        for name in ["a-garbage.crt", "b-empty.crt", "c-truncated.pem", "d-damaged.crt", "f-encrypted.p12"] {
            let row = try #require(byFile[name]?.first, "\(name) has a row")
            #expect(row.status == .unreadable, "\(name)")
            #expect(row.reason?.isEmpty == false, "\(name) says why")
            #expect(row.checkState == .unknown)
        }
        #expect(byFile["b-empty.crt"]?.first?.reason?.contains("empty") == true)
        #expect(byFile["c-truncated.pem"]?.first?.reason?.contains("no END line") == true)
        #expect(byFile["f-encrypted.p12"]?.first?.reason?.contains("passphrase") == true)
        #expect(byFile["e-good.crt"]?.first?.status == .ok)
        #expect(rows.checkState == .unknown)
    }

    @Test func aMissingPathIsARow() throws {
        let (rows, _) = try scan(["/nonexistent/cmscerts/x.crt"])
        #expect(rows.count == 1)
        #expect(rows.first?.status == .unreadable)
        #expect(rows.first?.reason?.contains("no such file") == true)
    }

    @Test func foldersAreWalkedRecursivelyInOrderWithTheirCertificateFilesOnly() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        let leaf = try chain.pem("leaf.crt"), root = try chain.pem("root.crt")
        try folder.write("tree/b/deep/z.cer", root)
        try folder.write("tree/a.crt", leaf)
        try folder.write("tree/b/c.pem", leaf + root)
        try folder.write("tree/b/notes.txt", "not read")
        try folder.write("tree/b/leaf.key", try chain.pem("leaf.key"))
        try folder.write("tree/b/only-key.pem", try chain.pem("leaf.key"))
        // Small batches: the order and the counts must not depend on them.
        let (rows, stats) = try scan([folder.file("tree")], batchSize: 2)
        #expect(rows.map { String($0.file.dropFirst(folder.path.count + 6)) } == ["a.crt", "b/c.pem", "b/c.pem", "b/deep/z.cer"])
        #expect(stats.files == 4)
        #expect(stats.withoutCertificates == 1)
        // A file named on its own is read whatever its name.
        try folder.write("named.txt", leaf)
        #expect(try scan([folder.file("named.txt")]).rows.count == 1)
    }

    @Test func aSymlinkLoopIsWalkedOnce() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        try folder.write("loop/a.crt", try chain.pem("leaf.crt"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("loop/again"), withDestinationPath: folder.file("loop"))
        let (rows, _) = try scan([folder.file("loop")])
        #expect(rows.count == 1)
    }
}
