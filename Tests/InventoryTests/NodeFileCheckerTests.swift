import Foundation
import Lab
import Orchestration
import PKI
import TestSupport
import Testing
@testable import Inventory

/// A transport that records what goes through it and, at each `get`, what the private
/// folder holds and its mode: the proof that no key is fetched. A copy of each file
/// fetched is kept in `kept`, for openssl to judge after the checker deleted its own.
final class RecordingTransport: Transport, @unchecked Sendable {
    let inner: any Transport
    let kept = TestSupport.temporaryDirectory("fetched")
    private let lock = NSLock()
    private var _commands: [String] = []
    private var _gets: [String] = []
    private var _folders: [(path: String, mode: Int, files: [String])] = []

    init(_ inner: any Transport) { self.inner = inner }

    var node: String { inner.node }
    var commands: [String] { lock.withLock { _commands } }
    var gets: [String] { lock.withLock { _gets } }
    var folders: [(path: String, mode: Int, files: [String])] { lock.withLock { _folders } }

    func run(_ command: String, answer: String?, timeout: Duration) async throws -> CommandOutput {
        lock.withLock { _commands.append(command) }
        return try await inner.run(command, answer: answer, timeout: timeout)
    }

    func put(localPath: String, remoteName: String, timeout: Duration) async throws {
        Issue.record("Step 4 never puts a file on a node (\(remoteName))")
    }

    func get(remoteName: String, localPath: String, timeout: Duration) async throws {
        let folder = (localPath as NSString).deletingLastPathComponent
        let mode = ((try? FileManager.default.attributesOfItem(atPath: folder))?[.posixPermissions] as? Int) ?? -1
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        lock.withLock {
            _gets.append(remoteName)
            _folders.append((folder, mode, files))
        }
        try await inner.get(remoteName: remoteName, localPath: localPath, timeout: timeout)
        TestSupport.write(TestSupport.read(localPath), to: kept + "/" + remoteName)
    }

    deinit { try? FileManager.default.removeItem(atPath: kept) }
}

/// A lab whose cms2 holds a CA made by its own `pki selfsigned`, callbridge's pair signed
/// by it and configured with the bundle, a certificate beside a key that did not make it,
/// and a stranger's certificate made by openssl.
final class NodeFilesLab: @unchecked Sendable {
    let folder: String
    let lab: Lab
    let node = "cms2"

    init() throws {
        folder = TestSupport.temporaryDirectory("nodecheck")
        lab = try Lab.create(at: folder + "/lab", nodes: 3, version: .v3)
        for command in ["pki selfsigned labca CN:labca.lab.example.com", "pki csr callbridge CN:cms2.lab.example.com",
                        "pki sign callbridge labca", "pki csr stray CN:cms2.lab.example.com"] {
            try mmp(command)
        }
        TestSupport.write(TestSupport.read(path("labca.crt")), to: path("ca-bundle.crt"))
        try mmp("callbridge certs callbridge.key callbridge.crt ca-bundle.crt")
        // wrong.crt is callbridge's certificate; wrong.key is another key.
        TestSupport.write(TestSupport.read(path("callbridge.crt")), to: path("wrong.crt"))
        TestSupport.write(TestSupport.read(path("stray.key")), to: path("wrong.key"))
        let made = TestSupport.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/stranger.key", "-out", path("stranger.crt"),
                                        "-days", "30", "-subj", "/CN=stranger.example.com"])
        #expect(made.status == 0, "\(made.output)")
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func path(_ file: String) -> String { lab.nodeDirectory(node) + "/" + file }

    func mmp(_ command: String) throws {
        let reply = try lab.run(command, on: node, answer: nil)
        #expect(!reply.hasFailure, "\(command): \(reply.text)")
    }

    func target() throws -> (NodeTarget, RecordingTransport) {
        let recorder = RecordingTransport(try LabTransport(lab: lab, node: node))
        return (NodeTarget(name: node, transport: recorder), recorder)
    }
}

@Suite("Step 4 on a node's files")
struct NodeFileCheckerTests {
    @Test func aCertificateIsFetchedToAPrivateFolderCheckedAndItsKeyMatchedOnTheNode() async throws {
        let lab = try NodeFilesLab()
        let (target, recorder) = try lab.target()
        let listing = try await NodeFileChecker.list(target)
        #expect(listing.problem == nil)
        #expect(Set(["callbridge.crt", "callbridge.key", "ca-bundle.crt", "wrong.crt", "wrong.key"]).isSubset(of: Set(listing.files)))
        #expect(listing.bundle(for: "callbridge.crt") == "ca-bundle.crt", "the bundle callbridge uses")
        #expect(listing.services(using: "callbridge.crt") == ["callbridge"])

        let result = await NodeFileChecker.check("callbridge.crt", on: target, listing: listing)
        #expect(result.node == "cms2")
        #expect(result.checks.map(\.name) == ["inspect", "match", "verify"])
        #expect(result.passed, "\(result.checks.map(\.summary))")
        #expect(result.checks[0].summary.contains("CN=cms2.lab.example.com"))
        #expect(result.checks[1].summary == "callbridge.key belongs to callbridge.crt")
        #expect(result.checks[1].detail.contains("pki match callbridge.key callbridge.crt") && result.checks[1].detail.contains(MMPText.keyMatches),
                "the node's own output is shown")
        #expect(result.checks[2].summary == "chains to a root of ca-bundle.crt", "the same words as for a workspace file")
        // Only public files were fetched, into a private folder that is gone now.
        #expect(recorder.gets == ["callbridge.crt", "ca-bundle.crt"])
        #expect(recorder.commands.contains("pki match callbridge.key callbridge.crt"))
        for folder in recorder.folders {
            #expect(folder.mode == 0o700)
            #expect(!folder.files.contains { $0.hasSuffix(".key") })
            #expect(!FileManager.default.fileExists(atPath: folder.path), "the temporary folder is removed")
        }
        // The judge agrees on the chain of the files as they were fetched.
        #expect(TestSupport.read(recorder.kept + "/callbridge.crt") == TestSupport.read(lab.path("callbridge.crt")))
        let judge = TestSupport.openssl(["verify", "-CAfile", recorder.kept + "/ca-bundle.crt", recorder.kept + "/callbridge.crt"])
        #expect(judge.status == 0, "\(judge.output)")
    }

    /// webbridge3 is given a full chain (`<name>-fullchain.crt`): it is matched with the
    /// key of the certificate it was built from, on the node.
    @Test func aFullChainIsMatchedWithTheKeyOfItsCertificate() async throws {
        let lab = try NodeFilesLab()
        TestSupport.write(TestSupport.read(lab.path("callbridge.crt")) + TestSupport.read(lab.path("labca.crt")), to: lab.path("callbridge-fullchain.crt"))
        let (target, recorder) = try lab.target()
        let listing = try await NodeFileChecker.list(target)
        let result = await NodeFileChecker.check("callbridge-fullchain.crt", on: target, listing: listing)
        let match = try #require(result.checks.first { $0.name == "match" })
        #expect(match.passed && match.summary == "callbridge.key belongs to callbridge-fullchain.crt", "\(match.summary)")
        #expect(recorder.commands.contains("pki match callbridge.key callbridge-fullchain.crt"))
        #expect(!recorder.gets.contains { $0.hasSuffix(".key") })
    }

    @Test func aKeyIsMatchedOnTheNodeAndNeverFetched() async throws {
        let lab = try NodeFilesLab()
        let (target, recorder) = try lab.target()
        let listing = try await NodeFileChecker.list(target)

        let good = await NodeFileChecker.check("callbridge.key", on: target, listing: listing)
        #expect(good.checks.map(\.name) == ["match"])
        #expect(good.checks[0].passed && good.checks[0].summary == "callbridge.key belongs to callbridge.crt")

        let bad = await NodeFileChecker.check("wrong.key", on: target, listing: listing)
        #expect(bad.checks.map(\.name) == ["match"])
        #expect(!bad.checks[0].passed)
        #expect(bad.checks[0].summary.contains(MMPText.keyDoesNotMatch), "\(bad.checks[0].summary)")
        #expect(bad.checks[0].detail.contains("cms2> pki match wrong.key wrong.crt"))

        // The certificate beside a key that did not make it: inspect and verify pass, match fails.
        let wrong = await NodeFileChecker.check("wrong.crt", on: target, listing: listing)
        #expect(wrong.checks.map(\.name) == ["inspect", "match", "verify"])
        #expect(wrong.checks[0].passed && !wrong.checks[1].passed && wrong.checks[2].passed)
        #expect(TestSupport.openssl(["x509", "-noout", "-pubkey", "-in", lab.path("wrong.crt")]).stdout
                != TestSupport.openssl(["pkey", "-pubout", "-in", lab.path("wrong.key")]).stdout, "openssl agrees: another key")

        // A key with no certificate of its basename: said so, nothing run or fetched for it.
        let lone = await NodeFileChecker.check("stray.key", on: target, listing: listing)
        #expect(!lone.checks[0].passed && lone.checks[0].summary.contains("no stray.crt on cms2"))

        #expect(!recorder.gets.contains { $0.hasSuffix(".key") }, "no key was fetched: \(recorder.gets)")
        #expect(recorder.folders.allSatisfy { !$0.files.contains { $0.hasSuffix(".key") } })
        // And the fetch itself refuses one.
        await #expect { try await NodeFileChecker.fetch("callbridge.key", target: target, into: lab.folder, timeout: .seconds(5)) } throws: {
            ($0 as? TransportError)?.kind == .refused
        }
        #expect(!FileManager.default.fileExists(atPath: lab.folder + "/callbridge.key"))
    }

    @Test func aStrangerOrAWrongBundleFailsVerifyAsOpensslDoes() async throws {
        let lab = try NodeFilesLab()
        let (target, recorder) = try lab.target()
        let listing = try await NodeFileChecker.list(target)

        let stranger = await NodeFileChecker.check("stranger.crt", on: target, listing: listing)
        let verify = try #require(stranger.checks.first { $0.name == "verify" })
        #expect(!verify.passed && !verify.summary.isEmpty)
        #expect(!verify.summary.contains(NSTemporaryDirectory()) && !verify.detail.contains("cmscerts-"), "the node's names, not the temporary folder's")
        #expect(stranger.checks.first { $0.name == "match" }?.summary == "no stranger.key on cms2 to match")
        #expect(TestSupport.openssl(["verify", "-CAfile", recorder.kept + "/ca-bundle.crt", recorder.kept + "/stranger.crt"]).status != 0, "openssl agrees")

        // callbridge's certificate against a bundle picked by hand (the stranger): fails, as openssl says.
        let picked = await NodeFileChecker.check("callbridge.crt", on: target, listing: listing, bundle: "stranger.crt")
        #expect(picked.checks.first { $0.name == "verify" }?.passed == false)
        #expect(TestSupport.openssl(["verify", "-CAfile", recorder.kept + "/stranger.crt", recorder.kept + "/callbridge.crt"]).status != 0, "openssl agrees")
    }

    @Test(.timeLimit(.minutes(3))) func anUnreachableNodeAndAMissingFileAreRowsSayingWhat() async throws {
        let lab = try NodeFilesLab()
        let (target, _) = try lab.target()
        let listing = try await NodeFileChecker.list(target)
        // A file the listing names but the node no longer has.
        let gone = await NodeFileChecker.check("gone.crt", on: target, listing: NodeFileListing(node: "cms2", files: listing.files + ["gone.crt"]))
        #expect(gone.checks.count == 1 && !gone.checks[0].passed)
        #expect(gone.checks[0].summary.hasPrefix("cannot fetch gone.crt from cms2:"), "\(gone.checks[0].summary)")

        // SSH to a port nothing listens on: an error naming the node, at once.
        let port = try TestSupport.freePort()
        let dead = NodeTarget(name: "cms9", transport: SSHTransport(
            node: "cms9", target: SSHDestination(host: "127.0.0.1", user: "admin", port: port, configFile: "/dev/null"),
            controlDirectory: lab.folder + "/control"))
        await #expect { try await NodeFileChecker.list(dead, timeout: .seconds(10)) } throws: {
            ($0 as? TransportError)?.kind == .unreachable
        }
        let unreachable = await NodeFileChecker.check("callbridge.crt", on: dead, listing: NodeFileListing(node: "cms9", files: ["callbridge.crt", "callbridge.key"]),
                                                      timeout: .seconds(10))
        #expect(unreachable.checks.count == 1 && !unreachable.checks[0].passed)
        #expect(unreachable.checks[0].summary.contains("cannot fetch callbridge.crt from cms9") && unreachable.checks[0].summary.contains("cannot be reached"),
                "\(unreachable.checks[0].summary)")
    }

    @Test func theBundleOfANodeIsTheOneItsServicesUse() {
        let listing = NodeFileListing(node: "cms1", files: [], serviceFiles: [
            ServiceFile(service: "callbridge", label: "Certificate file", file: "cb.crt", isServiceCertificate: true),
            ServiceFile(service: "callbridge (CA)", label: "CA Bundle file", file: "cb-bundle.crt", isServiceCertificate: false),
            ServiceFile(service: "webadmin (CA)", label: "CA Bundle file", file: "ca-bundle.crt", isServiceCertificate: false),
            ServiceFile(service: "turn (CA)", label: "CA Bundle file", file: "ca-bundle.crt", isServiceCertificate: false),
            ServiceFile(service: "database server", label: "Server Certificate", file: "dbserver.crt", isServiceCertificate: true),
            ServiceFile(service: "database (CA)", label: "CA Certificate", file: "dbca.crt", isServiceCertificate: false),
        ])
        #expect(listing.bundle(for: "cb.crt") == "cb-bundle.crt")
        #expect(listing.bundle(for: "dbserver.crt") == "dbca.crt", "a database certificate gets the database's CA")
        #expect(listing.bundle(for: "other.crt") == "ca-bundle.crt", "else the bundle most services use")
        #expect(NodeFileListing(node: "cms1", files: []).bundle(for: "x.crt") == nil)
    }
}
