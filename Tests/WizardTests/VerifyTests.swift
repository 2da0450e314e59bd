import Foundation
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard

@Suite("Step 4: inspect, match and verify the workspace's files")
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
        _ = app.update(&s, .verified(VerifyResult(file: "webadmin.crt", checks: [
            .init(name: "inspect", passed: true, summary: "certificate CN=cms1.lab.example.com, 300 days left",
                  detail: "Type                : certificate\nSubject             : CN=cms1.lab.example.com\nSubject alt names   : DNS:cms1.lab.example.com, DNS:join.lab.example.com"),
            .init(name: "match", passed: true, summary: "webadmin.key belongs to webadmin.crt", detail: ""),
            .init(name: "verify", passed: false, summary: "the issuer CN=Other CA is not in ca-bundle.crt", detail: chain),
        ])))
        let screen = app.view(s, size: .standard).trimmedLines
        #expect(screen.joined(separator: "\n").contains("✗ verify"))
        Snapshot.check(screen, "verify-result", replacing: f.placeholders)
        #expect(HomeView.items(s)[3].detail == "webadmin.crt failed")
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
}
