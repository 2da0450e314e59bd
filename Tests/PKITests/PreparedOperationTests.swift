import Foundation
import TestSupport
import Testing
@testable import PKI

/// A local write is reviewed as data: the list of files (path, mode, digest of the bytes,
/// replaces or not) that the store then writes, and nothing else.
@Suite("Reviewed writes are data")
struct PreparedOperationTests {
    @Test func theStoreWritesExactlyTheReviewedBytes() throws {
        let f = Fixture()
        let op = try f.workspace.prepareCSR(try CSRSpec.parse(line: "webadmin CN:cms1.example.com"))
        #expect(op.writes.map(\.path) == [f.path("webadmin.key"), f.path("webadmin.csr")])
        #expect(op.writes.map(\.mode) == [0o600, 0o644] && op.writes.allSatisfy { !$0.replaces })
        #expect(op.writes.allSatisfy { $0.digest.count == 64 })
        #expect(!FileManager.default.fileExists(atPath: f.path("webadmin.key")), "nothing is written by preparing")
        let result = try op.perform()
        #expect(result.written == op.writes.map(\.path))
        // The judge: sha256sum of what is on disk is the digest the review showed.
        for write in op.writes {
            let sum = TestSupport.openssl(["dgst", "-sha256", "-r", write.path]).stdout.split(separator: " ").first.map(String.init)
            #expect(sum == write.digest, "\(write.path)")
        }
        #expect(TestSupport.openssl(["req", "-verify", "-noout", "-in", f.path("webadmin.csr")]).status == 0)
    }

    @Test func bytesChangedAfterTheReviewAreRefused() throws {
        let f = Fixture()
        var op = try f.workspace.prepareTextFile("version: 1\n", to: "deployment.yaml", what: "deployment file", command: "-", replace: false)
        op.files[0].content = Data("version: 2\n".utf8)
        #expect { try op.perform() } throws: { ($0 as? PKIError)?.message.contains("not those reviewed") == true }
        #expect(!FileManager.default.fileExists(atPath: f.path("deployment.yaml")))
    }
}
