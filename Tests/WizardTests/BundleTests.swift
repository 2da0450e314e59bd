import Foundation
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

@Suite("Bundles: pick files, see the chain, review, write")
struct BundleScreenTests {
    /// A fixture with the openssl chain in `<workspace>/ca`, on the bundle screen with the files listed.
    func openBundles() async throws -> WizardFixture {
        let f = try WizardFixture()
        f.opensslChain(in: f.workspace + "/ca")
        f.open(.bundles)
        #expect(f.state.screen == .bundles)
        await f.settle()
        return f
    }

    func pick(_ f: WizardFixture, _ names: [String]) async {
        for name in names {
            guard let i = f.state.bundles.files?.firstIndex(where: { $0.relativePath == name }) else {
                Issue.record("\(name) is listed")
                continue
            }
            f.press(.home)
            for _ in 0..<i { f.press(.down) }
            f.press(.char(" "))
        }
        await f.settle()
    }

    @Test func theFilePickerListsTheWorkspaceAndItsSubfolders() async throws {
        let f = try await openBundles()
        #expect(f.state.bundles.files?.map(\.relativePath) == ["ca/inter.crt", "ca/leaf.crt", "ca/leaf.key", "ca/root.crt"])
        #expect(f.screenText.contains("Pick the files with Space"))
        f.press(.enter)
        #expect(f.state.bundles.submitError == "pick the certificate files first (Space)")
    }

    @Test func aShuffledPileIsDrawnTopToBottomWithEachLink() async throws {
        let f = try await openBundles()
        await pick(f, ["ca/root.crt", "ca/leaf.key", "ca/inter.crt", "ca/leaf.crt"])
        let a = try #require(f.state.bundles.analysis)
        #expect(a.chain.map(\.position) == ["entity", "intermediate", "root"])
        #expect(a.chain.map(\.subject) == ["CN=cms1.lab.example.com", "CN=Test Issuing CA", "CN=Test Root CA"])
        #expect(a.missingIssuer == nil)
        #expect(a.leftOut.count == 1 && a.leftOut[0].contains("private key in ca/leaf.key"))
        #expect(f.screenText.contains("↑ issued by CN=Test Issuing CA"))
        #expect(f.screenText.contains("↑ issued by CN=Test Root CA"))
        f.snapshot("bundles-good-chain")
    }

    @Test func aWrongOrderFileWithAMissingIssuerIsCheckedRuleByRule() async throws {
        let f = try WizardFixture()
        f.opensslChain(in: f.workspace + "/ca")
        let leaf = TestSupport.read(f.workspace + "/ca/leaf.crt"), root = TestSupport.read(f.workspace + "/ca/root.crt")
        TestSupport.write(root + "\n" + leaf, to: f.workspace + "/ca/wrong.pem")
        f.open(.bundles)
        await f.settle()
        await pick(f, ["ca/wrong.pem"])
        let a = try #require(f.state.bundles.analysis)
        #expect(a.missingIssuer?.contains("Test Issuing CA") == true)
        #expect(a.strangers.count == 1 && a.strangers[0].contains("Test Root CA"))
        let check = try #require(a.checks.first { $0.file == "ca/wrong.pem" })
        #expect(check.issues.contains { $0.contains("blank line") })
        #expect(check.issues.contains { $0.contains("does not follow") })
        #expect(f.screenText.contains("✗ issued by O=Test, CN=Test Issuing CA"))
        #expect(f.screenText.contains("missing: no file picked holds this"))
        f.snapshot("bundles-wrong-order-missing-issuer")
        f.press(.enter)
        await f.settle()
        #expect(f.state.screen == .bundles, "an incomplete chain is not offered for writing")
        #expect(f.state.bundles.submitError?.contains("the chain stops at CN=cms1.lab.example.com") == true)
        // Scrolling the chain panel.
        f.press(.pageDown)
        #expect(f.state.bundles.scroll == 5)
        f.press(.pageUp)
        #expect(f.state.bundles.scroll == 0)
    }

    @Test func duplicatesAreNamedAndCABundleModeLeavesTheEntityOut() async throws {
        let f = try WizardFixture()
        f.opensslChain(in: f.workspace + "/ca")
        try FileManager.default.copyItem(atPath: f.workspace + "/ca/root.crt", toPath: f.workspace + "/root-copy.pem")
        f.open(.bundles)
        await f.settle()
        await pick(f, ["ca/inter.crt", "ca/leaf.crt", "ca/root.crt", "root-copy.pem"])
        #expect(f.state.bundles.analysis?.duplicates.count == 1)
        #expect(f.screenText.contains("Duplicate: "))
        f.press(.char("m"))
        await f.settle()
        #expect(f.state.bundles.mode == .caBundle)
        let a = try #require(f.state.bundles.analysis)
        #expect(a.chain.map(\.position) == ["intermediate", "root"])
        #expect(a.warnings.contains { $0.contains("left out") })
        #expect(f.screenText.contains("(•) CA bundle"))
        #expect(f.screenText.contains("Chain, top to bottom (CA bundle)"))
    }

    @Test func theOutputNameIsCheckedAndAnExistingOutputFileIsChecked() async throws {
        let f = try await openBundles()
        await pick(f, ["ca/leaf.crt", "ca/inter.crt", "ca/root.crt"])
        f.press(.tab)
        #expect(f.state.bundles.focus == .output)
        f.press(.ctrl("u"))
        f.type("chain.txt")
        await f.settle()
        #expect(f.lines.contains { $0.hasPrefix(" Output") && $0.contains("✗ end it .pem, .cer or .crt") })
        f.press(.enter)
        await f.settle()
        #expect(f.state.screen == .bundles)
        #expect(f.state.bundles.submitError?.contains("should end .pem, .cer or .crt") == true)
        // q is typed here, not a quit.
        f.press(.ctrl("u"))
        f.type("q.pem")
        #expect(!f.runtime.didQuit && f.state.bundles.output.text == "q.pem")
        // An output file that is there already is checked, and review says it is replaced.
        TestSupport.write("-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\r\n", to: f.workspace + "/old.pem")
        f.press(.ctrl("u"))
        f.type("old.pem")
        await f.settle()
        let check = try #require(f.state.bundles.analysis?.checks.first { $0.file == "old.pem" })
        #expect(!check.issues.isEmpty)
        #expect(f.screenText.contains("Check: old.pem as it is breaks"))
        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .review)
        #expect(f.state.review?.operation.writes.first?.replaces == true)
        #expect(f.screenText.contains("yes"))
    }

    @Test func reviewThenYesWritesTheChainInCMSOrder() async throws {
        let f = try await openBundles()
        await pick(f, ["ca/root.crt", "ca/leaf.crt", "ca/inter.crt"])
        f.press(.enter)
        await f.settle()
        #expect(f.state.screen == .review)
        let op = try #require(f.state.review?.operation)
        #expect(op.writes.map(\.path) == [f.workspace + "/fullchain.pem"])
        #expect(op.command == "cmscerts bundle build ca/inter.crt ca/leaf.crt ca/root.crt --out fullchain.pem")
        f.snapshot("review-bundle")
        let reviewed = f.lines
        #expect(!FileManager.default.fileExists(atPath: f.workspace + "/fullchain.pem"))
        f.press(.char("y"))
        await f.settle()
        #expect(f.screenText.contains("✓ Done."))
        WizardFixture.expectShownDigests(reviewed, match: [f.workspace + "/fullchain.pem"])
        let written = TestSupport.read(f.workspace + "/fullchain.pem")
        #expect(BundleChecker.check(data: Data(written.utf8), name: "fullchain.pem").passed)
        let subjects = TestSupport.openssl(["storeutl", "-noout", "-text", "-certs", f.workspace + "/fullchain.pem"]).stdout
        let order = ["Subject: CN=cms1.lab.example.com", "Subject: O=Test, CN=Test Issuing CA", "Subject: O=Test, CN=Test Root CA"].map { subjects.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        if order.allSatisfy({ $0 != nil }) { #expect(order[0]! < order[1]! && order[1]! < order[2]!) }
        f.press(.enter)
        #expect(f.state.screen == .home)
        #expect(f.screenText.contains("wrote fullchain.pem"))
        #expect(!f.state.bundles.isDirty)
    }

    @Test func reviewAskedWhileTheChainIsReadOpensWhenItArrives() async throws {
        let f = try await openBundles()
        f.press(.home, .char(" "), .down, .char(" "), .end, .char(" "), .enter)
        await f.settle()
        #expect(f.state.screen == .review, "Enter right after picking waits for the chain instead of refusing")
    }

    @Test func aFolderThatCannotBeListedSaysWhy() async throws {
        let f = try WizardFixture(context: { folder in
            WizardContext(source: .brokenDeployment(path: folder + "/deployment.yaml", problem: "test"),
                          currentDirectory: folder + "/missing")
        })
        f.open(.bundles)
        await f.settle()
        #expect(f.state.bundles.listError?.contains("does not exist") == true)
        #expect(f.screenText.contains("✗ the folder"))
        f.press(.esc)
        #expect(f.state.screen == .home)
    }
}
