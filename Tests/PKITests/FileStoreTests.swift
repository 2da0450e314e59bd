import Foundation
import TestSupport
import Testing
@testable import PKI

@Suite("The file store: atomic, 0600 keys, never overwriting a key")
struct FileStoreTests {
    @Test func csrRefusesToOverwriteAKeyAndLeavesItUntouched() throws {
        let f = Fixture()
        try f.csr("webadmin CN:cms1.example.com")
        let before = TestSupport.read(f.path("webadmin.key"))
        #expect { try f.csr("webadmin CN:cms1.example.com") } throws: {
            ($0 as? PKIError)?.message.contains("never overwrites a private key") == true
        }
        #expect(TestSupport.read(f.path("webadmin.key")) == before)
        #expect(throws: PKIError.self) { try f.selfSigned("webadmin CN:cms1.example.com") }
        #expect(TestSupport.read(f.path("webadmin.key")) == before)
    }

    @Test func replaceKeepsABackup() throws {
        let f = Fixture()
        try f.csr("webadmin CN:cms1.example.com")
        let before = TestSupport.read(f.path("webadmin.key"))
        let result = try f.workspace.prepareCSR(try CSRSpec.parse(line: "webadmin CN:cms1.example.com"), replace: true).perform()
        #expect(result.backups.count == 1)
        #expect(TestSupport.read(result.backups[0]) == before)
        #expect(TestSupport.read(f.path("webadmin.key")) != before)
        let mode = try FileManager.default.attributesOfItem(atPath: result.backups[0])[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func twoReplacesInOneSecondKeepBothBackups() throws {
        let f = Fixture()
        let store = FileStore(directory: f.dir)
        try store.write(Data("one".utf8), to: "k.key", isPrivateKey: true)
        let first = try store.write(Data("two".utf8), to: "k.key", isPrivateKey: true, replace: true)
        let second = try store.write(Data("three".utf8), to: "k.key", isPrivateKey: true, replace: true)
        #expect(first != nil && second != nil && first != second)
        #expect(TestSupport.read(first!) == "one" && TestSupport.read(second!) == "two")
        #expect(TestSupport.read(f.path("k.key")) == "three")
    }

    @Test func aTextFileReplacedKeepsThePreviousOneAndIsNeverWrittenOverWithoutAsking() throws {
        let f = Fixture()
        TestSupport.write("first\n", to: f.path("deployment.yaml"))
        #expect { try f.workspace.prepareTextFile("second\n", to: "deployment.yaml", what: "deployment file", command: "-", replace: false) } throws: {
            ($0 as? PKIError)?.message.contains("never overwritten") == true
        }
        let op = try f.workspace.prepareTextFile("second\n", to: "deployment.yaml", what: "deployment file", command: "-", replace: true)
        #expect(op.writes.first?.replaces == true && op.writes.first?.mode == 0o644)
        #expect(TestSupport.read(f.path("deployment.yaml")) == "first\n", "nothing is written before perform")
        let result = try op.perform()
        #expect(result.backups == [f.path("deployment.yaml.previous")])
        #expect(TestSupport.read(f.path("deployment.yaml")) == "second\n")
        #expect(TestSupport.read(f.path("deployment.yaml.previous")) == "first\n")
        // A second save keeps both earlier versions.
        let again = try f.workspace.prepareTextFile("third\n", to: "deployment.yaml", what: "deployment file", command: "-", replace: true).perform()
        #expect(again.backups == [f.path("deployment.yaml.previous-2")])
        #expect(TestSupport.read(f.path("deployment.yaml.previous")) == "first\n")
        #expect(TestSupport.read(f.path("deployment.yaml.previous-2")) == "second\n")
        // A new file: no backup.
        let fresh = try f.workspace.prepareTextFile("new\n", to: "other.yaml", what: "deployment file", command: "-", replace: true).perform()
        #expect(fresh.backups.isEmpty && TestSupport.read(f.path("other.yaml")) == "new\n")
        #expect(throws: PKIError.self) { try FileStore.readText(f.path("missing.yaml")) }
        #expect(try FileStore.readText(f.path("other.yaml")) == "new\n")
    }

    @Test func createOnlyNeverReplacesAFile() throws {
        let f = Fixture()
        let store = FileStore(directory: f.dir)
        try store.write(Data("mine".utf8), to: "deployment.yaml", isPrivateKey: false, createOnly: true)
        #expect(throws: PKIError.self) { try store.write(Data("theirs".utf8), to: "deployment.yaml", isPrivateKey: false, createOnly: true) }
        #expect(TestSupport.read(f.path("deployment.yaml")) == "mine")
    }

    @Test func everyKeyIs0600EvenUnderAPermissiveUmask() throws {
        let f = Fixture()
        let old = umask(0)
        defer { umask(old) }
        try f.csr("a CN:a.example.com")
        try f.selfSigned("ca CN:example.com")
        for name in ["a.key", "ca.key"] {
            #expect((try FileManager.default.attributesOfItem(atPath: f.path(name))[.posixPermissions] as? Int) == 0o600)
        }
        #expect((try FileManager.default.attributesOfItem(atPath: f.path("a.csr"))[.posixPermissions] as? Int) == 0o644)
    }

    @Test func noTemporaryFilesAreLeft() throws {
        let f = Fixture()
        try f.csr("a CN:a.example.com")
        try? f.csr("a CN:a.example.com")
        let names = try FileManager.default.contentsOfDirectory(atPath: f.dir)
        #expect(names.sorted() == ["a.csr", "a.key"])
    }

    @Test func reviewListsTheWritesBeforeAnything() throws {
        let f = Fixture()
        let op = try f.workspace.prepareCSR(try CSRSpec.parse(line: "tac CN:a.example.com subjectAltName:b.example.com"), keyType: .p256)
        #expect(op.writes.map(\.path) == [f.path("tac.key"), f.path("tac.csr")])
        #expect(op.writes.map(\.mode) == [0o600, 0o644])
        #expect(op.command == "pki csr tac CN:a.example.com subjectAltName:a.example.com,b.example.com")
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir).isEmpty, "nothing written before perform()")
        let result = try op.perform()
        #expect(result.messages == ["Created key file tac.key and CSR tac.csr", "CSR file tac.csr ready for download via SFTP"])
    }

    @Test func unwritableFolderIsAClearError() throws {
        let f = Fixture()
        let locked = f.path("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o500)
        defer { chmod(locked, 0o700) }
        // root ignores folder modes: only check the message where the OS enforces them.
        if getuid() != 0 {
            #expect { try FileStore(directory: locked).write(Data("x".utf8), to: "a.crt", isPrivateKey: false) } throws: {
                ($0 as? PKIError)?.message.contains("cannot write in") == true
            }
        }
        let file = f.path("plain")
        TestSupport.write("x", to: file)
        #expect { try FileStore(directory: file).write(Data("x".utf8), to: "a.crt", isPrivateKey: false) } throws: {
            ($0 as? PKIError)?.message.contains("not a folder") == true
        }
    }

    @Test func pkiListShowsCertificateFilesOnly() throws {
        let f = Fixture()
        try f.csr("b CN:b.example.com")
        try f.selfSigned("a CN:a.example.com")
        TestSupport.write("notes", to: f.path("readme.txt"))
        #expect(try f.workspace.listText() == "User supplied certificates and keys:\na.crt\na.key\nb.csr\nb.key\n")
    }
}
