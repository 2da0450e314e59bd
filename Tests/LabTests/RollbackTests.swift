import Foundation
import Testing
@testable import Lab

/// `backup rollback <name>` puts back what `backup snapshot <name>` kept, as a run's end
/// says it would: the node's files and configuration, then its services start again.
@Suite("Rolling a node back to its snapshot")
struct RollbackTests {
    @Test func aRollbackUndoesAKeyOverwrittenAfterTheSnapshot() throws {
        let lab = try TestLab(label: "rollback")
        let keyPath = lab.lab.nodeDirectory("cms1") + "/webadmin.key"
        try lab.ok("cms1", "pki selfsigned webadmin CN:cms1.lab.example.com")
        try lab.ok("cms1", "webadmin certs webadmin.key webadmin.crt")
        try lab.ok("cms1", "webadmin enable")
        #expect(try lab.run("cms1", "webadmin").contains("running"))
        let key = try Data(contentsOf: URL(fileURLWithPath: keyPath))

        #expect(try lab.ok("cms1", "backup snapshot before-renewal").contains("before-renewal.bak"))
        // The mistake the article warns about: a pki csr over the live key breaks the service.
        _ = try lab.run("cms1", "pki csr webadmin CN:cms1.lab.example.com")
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyPath)) != key)
        #expect(try lab.run("cms1", "webadmin").contains("failing"))

        #expect(try lab.run("cms1", "backup rollback before-renewal")
                == "SUCCESS: configuration, certificates and keys restored from before-renewal; the node rebooted\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyPath)) == key, "the key the snapshot kept")
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try lab.run("cms1", "webadmin").contains("running"))
    }

    @Test func aRollbackToNothingIsRefused() throws {
        let lab = try TestLab(label: "rollback-none")
        #expect(try lab.run("cms1", "backup rollback nothere") == "FAILURE: no backup named nothere\n")
        #expect(try lab.run("cms1", "backup rollback") == "Usage: backup rollback <name>\n")
        #expect(try lab.run("cms1", "backup rollback ../x").hasPrefix("FAILURE:"))
        // A snapshot of another node, copied here, is not this node's.
        try lab.ok("cms2", "backup snapshot theirs")
        try FileManager.default.copyItem(atPath: lab.lab.nodeDirectory("cms2") + "/theirs.bak", toPath: lab.lab.nodeDirectory("cms1") + "/theirs.bak")
        #expect(try lab.run("cms1", "backup rollback theirs") == "FAILURE: no backup named theirs\n")
    }
}
