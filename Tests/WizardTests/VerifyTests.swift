import Foundation
import Inventory
import Lab
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

@Suite("Step 4: inspect, match and verify the files here or on the nodes")
struct VerifyTests {
    /// Selects `name` in the file list and checks it.
    func check(_ f: WizardFixture, _ name: String) async {
        guard let i = f.state.verify.files?.firstIndex(where: { $0.relativePath == name }) else {
            Issue.record("\(name) is listed")
            return
        }
        f.press(.home)
        for _ in 0..<i { f.press(.down) }
        f.press(.enter)
        await f.settle()
    }

    @Test func aGoodChainPassesEveryCheckAndAStrangerFailsWithTheReason() async throws {
        let f = try WizardFixture()
        f.opensslChain(in: f.workspace + "/chain")
        // A bundle of the intermediate and the root; leaf.key stays beside leaf.crt.
        TestSupport.write(TestSupport.read(f.workspace + "/chain/inter.crt") + TestSupport.read(f.workspace + "/chain/root.crt"), to: f.workspace + "/ca-bundle.crt")
        f.open(.step4)
        #expect(f.state.screen == .verify)
        await f.settle()
        #expect(f.state.verify.bundle == "ca-bundle.crt", "ca-bundle.crt is the bundle by default")
        #expect(f.screenText.contains("Enter checks the file selected"))
        f.snapshot("verify-empty")

        await check(f, "chain/leaf.crt")
        let result = try #require(f.state.verify.result)
        #expect(result.file == "chain/leaf.crt")
        #expect(result.checks.map(\.name) == ["inspect", "match", "verify"])
        #expect(result.checks[0].passed && result.checks[0].summary.contains("CN=cms1.lab.example.com"))
        #expect(result.checks[2].passed, "\(result.checks[2].summary)")
        #expect(result.checks[1].passed && result.checks[1].summary == "chain/leaf.key belongs to chain/leaf.crt")
        #expect(TestSupport.openssl(["x509", "-noout", "-pubkey", "-in", f.workspace + "/chain/leaf.crt"]).stdout
                == TestSupport.openssl(["pkey", "-pubout", "-in", f.workspace + "/chain/leaf.key"]).stdout, "openssl agrees on the pair")
        // The independent judge agrees on the chain.
        #expect(TestSupport.openssl(["verify", "-CAfile", f.workspace + "/ca-bundle.crt", f.workspace + "/chain/leaf.crt"]).status == 0)
        #expect(f.screenText.contains("✓ verify"))
        #expect(f.screenText.contains("Subject alt names  DNS:cms1.lab.example.com"), "the inspect rows keep their column")

        // A certificate of another chain does not verify against the bundle: the reason is shown.
        let other = f.folder + "/other"
        f.opensslChain(in: other, leafCN: "stranger.example.com")
        TestSupport.write(TestSupport.read(other + "/leaf.crt"), to: f.workspace + "/stranger.crt")
        f.press(.char("r"))
        await f.settle()
        await check(f, "stranger.crt")
        let stranger = try #require(f.state.verify.result)
        let verify = try #require(stranger.checks.first { $0.name == "verify" })
        #expect(!verify.passed)
        #expect(!verify.summary.isEmpty)
        #expect(TestSupport.openssl(["verify", "-CAfile", f.workspace + "/ca-bundle.crt", f.workspace + "/stranger.crt"]).status != 0, "openssl agrees")
        #expect(f.screenText.contains("✗ verify"))
    }

    /// A fixed result (no dates that move), for the snapshot of the checks panel.
    @Test func aResultIsDrawnPassOrFailWithTheDetailBelow() throws {
        let f = try WizardFixture()
        let app = WizardApp()
        var s = f.state
        s.screen = .verify
        _ = app.update(&s, .verifyFilesListed(.success([BrowsedFile(relativePath: "ca-bundle.crt", size: 2000), BrowsedFile(relativePath: "webadmin.crt", size: 1200),
                                                         BrowsedFile(relativePath: "webadmin.key", size: 1700)])))
        _ = app.update(&s, .key(.down))
        let chain = "[0] CN=cms1.lab.example.com\n    issuer: CN=Other CA; not after 2027-01-01T00:00:00Z\n    no issuer in the bundle\nFAILURE: the issuer CN=Other CA is not in ca-bundle.crt"
        _ = app.update(&s, .verified(generation: s.verify.generation, VerifyResult(file: "webadmin.crt", checks: [
            .init(name: "inspect", passed: true, summary: "certificate CN=cms1.lab.example.com, 300 days left",
                  detail: "Type                : certificate\nSubject             : CN=cms1.lab.example.com\nSubject alt names   : DNS:cms1.lab.example.com, DNS:join.lab.example.com"),
            .init(name: "match", passed: true, summary: "webadmin.key belongs to webadmin.crt", detail: ""),
            .init(name: "verify", passed: false, summary: "the issuer CN=Other CA is not in ca-bundle.crt", detail: chain),
        ])))
        let screen = app.view(s, size: .standard).trimmedLines
        #expect(screen.joined(separator: "\n").contains("✗ verify"))
        Snapshot.check(screen, "verify-result", replacing: f.placeholders)
        #expect(HomeScreen.items(s)[3].detail == "webadmin.crt failed")
    }

    @Test func aKeyIsMatchedWithItsCertificateAndBPicksTheBundle() async throws {
        let f = try WizardFixture()
        f.opensslChain(in: f.workspace + "/chain")
        // openssl's own key and self-signed certificate under one basename, and a key of another.
        #expect(TestSupport.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "web.key", "-out", "web.crt", "-days", "30",
                                     "-subj", "/CN=web.lab.example.com"], in: f.workspace).status == 0)
        #expect(TestSupport.openssl(["genpkey", "-algorithm", "RSA", "-out", "lost.key"], in: f.workspace).status == 0)
        TestSupport.write(TestSupport.read(f.workspace + "/web.crt"), to: f.workspace + "/lost.crt")
        f.open(.step4)
        await f.settle()
        #expect(f.state.verify.bundle == nil)
        await check(f, "web.key")
        let good = try #require(f.state.verify.result)
        #expect(good.checks.map(\.name) == ["match"])
        #expect(good.checks[0].passed && good.checks[0].summary == "web.key belongs to web.crt")
        await check(f, "lost.key")
        let bad = try #require(f.state.verify.result)
        #expect(!bad.checks[0].passed && bad.checks[0].summary.contains("does NOT belong to lost.crt"))
        f.snapshot("verify-mismatch")
        // web.crt is self-signed: picked as the bundle, it verifies itself as a root.
        guard let i = f.state.verify.files?.firstIndex(where: { $0.relativePath == "chain/root.crt" }) else {
            Issue.record("root listed")
            return
        }
        f.press(.home)
        for _ in 0..<i { f.press(.down) }
        f.press(.char("b"))
        #expect(f.state.verify.bundle == "chain/root.crt")
        await check(f, "chain/inter.crt")
        #expect(f.state.verify.result?.checks.first { $0.name == "verify" }?.passed == true)
        f.press(.esc)
        #expect(f.state.screen == .home)
        #expect(f.screenText.contains("chain/inter.crt"), "home says what Step 4 checked last")
    }

    // MARK: the nodes' files

    /// cms2 of the fixture's lab, made with the lab's own MMP commands: a CA (`pki
    /// selfsigned`), webadmin's key and certificate signed by it and configured with the
    /// bundle, and a second CA that signed nothing.
    func prepareNode(_ f: WizardFixture) throws -> Lab {
        let lab = try Lab(directory: f.folder + "/lab")
        for command in ["pki selfsigned labca CN:labca.lab.example.com", "pki selfsigned otherca CN:otherca.lab.example.com",
                        "pki csr webadmin CN:cms2.lab.example.com", "pki sign webadmin labca"] {
            let reply = try lab.run(command, on: "cms2", answer: nil)
            #expect(!reply.hasFailure, "\(command): \(reply.text)")
        }
        TestSupport.write(TestSupport.read(lab.nodeDirectory("cms2") + "/labca.crt"), to: lab.nodeDirectory("cms2") + "/ca-bundle.crt")
        let certs = try lab.run("webadmin certs webadmin.key webadmin.crt ca-bundle.crt", on: "cms2", answer: nil)
        #expect(!certs.hasFailure, "\(certs.text)")
        return lab
    }

    /// Selects `name` in the list shown.
    func select(_ f: WizardFixture, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let i = f.state.verify.names.firstIndex(of: name) else {
            Issue.record("\(name) is listed: \(f.state.verify.names)", sourceLocation: sourceLocation)
            return
        }
        f.press(.home)
        for _ in 0..<i { f.press(.down) }
    }

    /// The screen with what changes from run to run (dates, serials, fingerprints, the
    /// temporary folder) masked, for snapshots of real certificates.
    func masked(_ f: WizardFixture) -> [String] {
        var text = f.screenText
        for (from, to) in f.placeholders { text = text.replacingOccurrences(of: from, with: to) }
        for pattern in [#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, #"\b[0-9A-F]{2}(:[0-9A-F]{2})+:?"#, #"\b(?=[0-9A-F]*\d)[0-9A-F]{6,}\b"#] {
            let regex = try! NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
                let range = Range(match.range, in: text)!
                text.replaceSubrange(range, with: String(text[range].map { $0 == ":" || $0 == "-" || $0 == "T" || $0 == "Z" ? $0 : "#" }))
            }
        }
        return text.components(separatedBy: "\n")
    }

    @Test func arrowsSwitchBetweenHereAndEachNodeAndListTheNodesFiles() async throws {
        let f = try WizardFixture()
        _ = try prepareNode(f)
        f.open(.step4)
        await f.settle()
        #expect(f.state.verify.source == .here)
        #expect(f.screenText.contains("Files ◀ here ▶  cms1    cms2    cms3"))
        // At 80 columns the footer keeps the switch's key (its words, "files here", are
        // the longest of the screen's own; the Files line above names the source).
        #expect(f.lines.last?.contains("←→") == true, "the bindings bar shows the switch: \(f.lines.last ?? "")")
        #expect(f.state.verify.bindings(f.state).contains { $0.key.label == "←→" && $0.key.help == "files here" })

        f.press(.right)
        #expect(f.state.verify.source == .node("cms1"))
        #expect(f.state.verify.nodeListing == nil && f.screenText.contains("Reading pki list…"))
        await f.settle()
        f.press(.tab)
        #expect(f.state.verify.source == .node("cms2"))
        await f.settle()
        let listing = try #require(f.state.verify.nodeListing)
        #expect(listing.node == "cms2")
        #expect(Set(["webadmin.crt", "webadmin.key", "ca-bundle.crt", "labca.crt", "otherca.crt"]).isSubset(of: Set(listing.files)))
        #expect(f.screenText.contains("Files on cms2"))
        #expect(f.lines.last?.contains("←→") == true, "the key stays in the footer; F1 says what it does")
        #expect(f.screenText.contains("cms2.lab.example.com, by the lab · CA bundle: ca-bundle.crt (in use)"), "the bundle webadmin uses on cms2")

        // Wrapping round: ← from here goes to the last node, → from it back to here.
        f.press(.left, .left, .left)
        #expect(f.state.verify.source == .node("cms3"))
        f.press(.right)
        #expect(f.state.verify.source == .here)
        await f.settle()
        #expect(f.state.verify.files != nil && f.screenText.contains("Files here"))
    }

    @Test func aCertificateOnANodePassesAndAWrongBundleFailsAsOpensslSays() async throws {
        let f = try WizardFixture()
        let lab = try prepareNode(f)
        f.open(.step4)
        f.press(.right, .right)
        await f.settle()
        select(f, "webadmin.crt")
        f.press(.enter)
        #expect(f.state.verify.checking == "webadmin.crt")
        await f.settle()
        let good = try #require(f.state.verify.result)
        #expect(good.node == "cms2" && good.file == "webadmin.crt")
        #expect(good.checks.map(\.name) == ["inspect", "match", "verify"])
        #expect(good.passed, "\(good.checks.map(\.summary))")
        #expect(good.checks[1].detail.contains("cms2> pki match webadmin.key webadmin.crt"), "the node's own output")
        #expect(TestSupport.openssl(["verify", "-CAfile", lab.nodeDirectory("cms2") + "/ca-bundle.crt", lab.nodeDirectory("cms2") + "/webadmin.crt"]).status == 0)
        Snapshot.check(masked(f), "verify-node-pass")

        // otherca.crt picked with b: webadmin.crt does not chain to it.
        select(f, "otherca.crt")
        f.press(.char("b"))
        #expect(f.state.verify.nodeBundles["cms2"] == "otherca.crt")
        select(f, "webadmin.crt")
        f.press(.enter)
        await f.settle()
        let bad = try #require(f.state.verify.result)
        let verify = try #require(bad.checks.first { $0.name == "verify" })
        #expect(!verify.passed && !verify.summary.isEmpty)
        #expect(TestSupport.openssl(["verify", "-CAfile", lab.nodeDirectory("cms2") + "/otherca.crt", lab.nodeDirectory("cms2") + "/webadmin.crt"]).status != 0,
                "openssl agrees")
        #expect(f.screenText.contains("✗ verify"))
        Snapshot.check(masked(f), "verify-node-wrong-bundle")

        // A key selected on the node: matched there, never fetched, and b does not take it.
        select(f, "webadmin.key")
        f.press(.char("b"))
        #expect(f.state.verify.nodeBundles["cms2"] == "otherca.crt")
        f.press(.enter)
        await f.settle()
        #expect(f.state.verify.result?.checks.map(\.name) == ["match"])
        #expect(f.state.verify.result?.checks.first?.summary == "webadmin.key belongs to webadmin.crt")
    }

    @Test func aListingOrACheckForAnEarlierSourceOrFileIsDropped() throws {
        let f = try WizardFixture()
        let app = WizardApp()
        var s = f.state
        s.screen = .verify
        _ = app.update(&s, .key(.right))
        _ = app.update(&s, .key(.right))
        #expect(s.verify.source == .node("cms2"))
        let now = s.verify.generation
        let cms2 = NodeFileListing(node: "cms2", files: ["webadmin.crt", "webadmin.key"])
        // cms1's listing, asked before the switch, arrives late: dropped.
        _ = app.update(&s, .verifyNodeListed(generation: now - 1, .success(NodeFileListing(node: "cms1", files: ["callbridge.crt"]))))
        #expect(s.verify.nodeListing == nil)
        _ = app.update(&s, .verifyNodeListed(generation: now, .success(cms2)))
        #expect(s.verify.nodeListing == cms2)
        // A check of the workspace, asked before the switch: dropped.
        let old = VerifyResult(file: "ca-bundle.crt", checks: [.init(name: "inspect", passed: true, summary: "certificate", detail: "")])
        _ = app.update(&s, .verified(generation: now - 1, old))
        #expect(s.verify.result == nil)
        // Two checks asked in turn: only the last one's result is shown.
        _ = app.update(&s, .key(.enter))
        _ = app.update(&s, .key(.down))
        _ = app.update(&s, .key(.enter))
        #expect(s.verify.checking == "webadmin.key")
        let first = VerifyResult(file: "webadmin.crt", node: "cms2", checks: [.init(name: "inspect", passed: true, summary: "certificate", detail: "")])
        _ = app.update(&s, .verified(generation: now, first))
        #expect(s.verify.result == nil && s.verify.checking == "webadmin.key")
        let last = VerifyResult(file: "webadmin.key", node: "cms2", checks: [.init(name: "match", passed: true, summary: "webadmin.key belongs to webadmin.crt", detail: "")])
        _ = app.update(&s, .verified(generation: now, last))
        #expect(s.verify.result == last && s.verify.checking == nil)
        // Switching drops what was shown.
        _ = app.update(&s, .key(.left))
        #expect(s.verify.source == .node("cms1") && s.verify.result == nil && s.verify.nodeListing == nil && s.verify.generation == now + 1)
    }

    @Test func aNodeThatCannotBeReachedSaysWhatFailedAndWhatToDo() async throws {
        // A deployment whose nodes the lab does not have, and one reached by SSH on a closed port.
        let port = try TestSupport.freePort()
        let f = try WizardFixture(context: { folder in
            _ = try? Lab.create(at: folder + "/lab", nodes: 1, version: .v3)
            let text = "version: 1\ncms_version: \"3.8\"\ndomain: lab.example.com\nlab: lab\nnodes:\n"
                + "  - name: cms7\n    fqdn: cms7.lab.example.com\n    address: 10.0.0.7\n    services: [webadmin]\n    database: none\n"
            TestSupport.write(text, to: folder + "/deployment.yaml")
            return WizardContext.deployment(path: folder + "/deployment.yaml", text: text, currentDirectory: folder, connections: .wired)
        })
        f.open(.step4)
        f.press(.right)
        await f.settle()
        #expect(f.state.verify.source == .node("cms7"))
        let error = try #require(f.state.verify.nodeError)
        #expect(error.contains("cms7") && error.contains("no node"), "\(error)")
        #expect(f.screenText.contains("✗ ") && f.screenText.contains("r tries again"))

        let ssh = try WizardFixture(context: { folder in
            let text = "version: 1\ncms_version: \"3.8\"\ndomain: example.com\nnodes:\n"
                + "  - name: cms8\n    fqdn: cms8.example.com\n    address: 127.0.0.1\n    services: [webadmin]\n    database: none\n"
                + "    ssh: {host: 127.0.0.1, user: admin, port: \(port)}\n"
            return WizardContext.deployment(path: folder + "/deployment.yaml", text: text, currentDirectory: folder, connections: .wired)
        })
        ssh.open(.step4)
        ssh.press(.right)
        await ssh.settle()
        let unreachable = try #require(ssh.state.verify.nodeError)
        #expect(unreachable.contains("cms8") && unreachable.contains("cannot be reached"), "\(unreachable)")
    }
}
