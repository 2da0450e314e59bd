import Foundation
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard

@Suite("Step 1: the CSR builder, checked as typed, then review")
struct CSRTests {
    @Test func eachFieldsReasonIsAboutThatField() {
        let cases: [(Int, String, String)] = [
            (0, "", "the basename is empty"),
            (0, "web admin", "use '-' or '_' instead of spaces"),
            (0, "web.key", "without an extension"),
            (1, "", "CN is required"),
            (1, "cms 1", "contains a space"),
            (1, "cms_1.example.com", "'_'"),
            (1, ".*.example.com", "not .*.example.com"),
            (2, String(repeating: "u", count: 65), "OU is 65 characters long"),
            (3, "   ", "O is blank"),
            (4, "Île\u{1}", "ST contains a control character"),
            (6, "gb", "must be upper-case: write C:GB"),
            (6, "UK", "did you mean GB?"),
            (6, "FRA", "not a two-letter"),
            (7, "DNS:a.example.com", "CMS takes bare values"),
            (7, "a.example.com,,b.example.com", "empty item"),
            (7, "a.example.com, b.example.com", "contains a space"),
            (7, "300.1.1.1", "neither a valid IP address nor a DNS name"),
        ]
        for (field, value, expected) in cases {
            let problem = CSRBuilder.problem(field: field, value: value)
            #expect(problem?.contains(expected) == true, "\(CSRBuilder.labels[field]) '\(value)': \(problem ?? "no problem")")
        }
        for (field, value) in [(0, "web-admin_2"), (1, "*.example.com"), (1, "postgres"), (2, "IT dept"), (3, "Example Inc."),
                               (5, "Paris"), (6, "FR"), (7, "a.example.com,10.0.0.1,admin@example.com"), (2, ""), (7, "")] {
            #expect(CSRBuilder.problem(field: field, value: value) == nil, "\(CSRBuilder.labels[field]) '\(value)' is good")
        }
    }

    @Test func emptyFormSnapshotAndHints() throws {
        let f = try WizardFixture()
        f.press(.enter)
        #expect(f.state.screen == .csr)
        #expect(f.screenText.contains("The line so far (incomplete"))
        #expect(f.screenText.contains("pki csr <basename> CN:<fqdn>"))
        f.snapshot("step1-empty")
    }

    @Test func typingShowsTheReasonBesideTheFieldAndInFullBelow() throws {
        let f = try WizardFixture()
        f.press(.enter)
        f.type("web admin")
        let basenameRow = try #require(f.lines.first { $0.hasPrefix(" Basename") })
        #expect(basenameRow.contains("✗ the basename 'web admin' contains"))
        #expect(f.screenText.contains("✗ Basename: the basename 'web admin' contains ' '; only letters, digits, '-'"))
        f.press(.backspace, .backspace, .backspace, .backspace, .backspace, .backspace)
        f.type("admin")
        #expect(f.state.csr.value(0) == "webadmin")
        #expect(f.state.csr.errors[0] == nil)
        f.press(.tab)
        f.type("cms1.lab.example.com")
        f.press(.tab, .tab, .tab, .tab, .tab)
        f.type("gb")
        f.press(.tab)
        f.type("DNS:join.lab.example.com")
        f.snapshot("step1-errors")
        #expect(f.lines.contains { $0.hasPrefix(" C ") && $0.contains("✗ C 'gb' must be upper-case") })
        #expect(f.lines.contains { $0.hasPrefix(" SANs") && $0.contains("✗ subjectAltName item 'DNS:join.lab.e") })
        #expect(f.screenText.contains("fix the fields marked ✗"))
    }

    @Test func aValidFormPreviewsTheExactLineTheSubjectAndTheSANsWithTheCNAdded() throws {
        let f = try WizardFixture()
        f.fillStep1()
        guard case .success(let spec) = f.state.csr.spec else {
            Issue.record("the form is valid")
            return
        }
        let line = spec.mmpCommand()
        #expect(line == "pki csr webadmin CN:cms1.lab.example.com O:\"Example Inc.\" C:GB subjectAltName:cms1.lab.example.com,join.lab.example.com")
        #expect(f.screenText.contains("The line, as the MMP takes it:"))
        #expect(f.screenText.replacingOccurrences(of: "\n     ", with: " ").contains(line))
        #expect(f.screenText.contains("Subject  C=GB, O=Example Inc., CN=cms1.lab.example.com"))
        #expect(f.screenText.contains("SANs     DNS:cms1.lab.example.com, DNS:join.lab.example.com"))
        #expect(f.screenText.contains("Note: the CN cms1.lab.example.com was added to subjectAltName"))
        #expect(f.screenText.contains("webadmin.key (0600) and webadmin.csr, RSA 2048, SHA-256"))
        f.snapshot("step1-valid")
        // Without SANs: none, and the reason it matters.
        f.press(.ctrl("u"))
        #expect(f.screenText.contains("SANs     none (XMPP clients reject a certificate without SANs)"))
    }

    @Test func navigationEnterAndKeyType() throws {
        let f = try WizardFixture()
        f.press(.enter)
        f.press(.enter)
        #expect(f.state.csr.focus == 0, "Enter stays on a field that is wrong")
        #expect(f.state.csr.form.fields[0].input.touched)
        #expect(f.screenText.contains("✗ Basename: the basename is empty"))
        f.type("web")
        f.press(.enter)
        #expect(f.state.csr.focus == 1)
        f.press(.backTab, .up)
        #expect(f.state.csr.focus == CSRBuilder.keyTypeRow, "Shift-Tab and ↑ wrap to the key type")
        #expect(f.lines.last?.contains("←→ key type") == true)
        f.press(.right)
        #expect(f.state.csr.keyType == .rsa3072)
        f.press(.left, .left)
        #expect(f.state.csr.keyType == .p384)
        f.press(.char(" "))
        #expect(f.state.csr.keyType == .rsa2048)
        #expect(f.screenText.contains("◀ RSA 2048 ▶"))
        f.press(.tab)
        #expect(f.state.csr.focus == 0)
        f.press(.down, .down)
        #expect(f.state.csr.focus == 2)
        f.press(.ctrl("a"))
        f.type("IT")
        f.press(.home, .delete)
        #expect(f.state.csr.value(2) == "T")
    }

    @Test func f10WithErrorsShowsThemAllAndFocusesTheFirstBadField() throws {
        let f = try WizardFixture()
        f.press(.enter)
        f.press(.tab, .tab, .tab, .tab, .tab, .tab)
        f.type("xx")
        f.press(.f(10))
        #expect(f.state.screen == .csr, "no review with errors")
        #expect(f.state.csr.focus == 0)
        #expect(f.state.csr.form.showAllErrors)
        #expect(f.lines.contains { $0.hasPrefix(" CN") && $0.contains("✗ CN is required") })
        #expect(f.lines.contains { $0.hasPrefix(" C ") && $0.contains("✗") })
    }

    @Test func reviewListsTheFilesAndTheCommandThenYesWritesAKeyAndCSRThatOpenSSLAccepts() async throws {
        let f = try WizardFixture()
        f.fillStep1()
        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .review)
        let review = try #require(f.state.review)
        #expect(review.operation.writes.map(\.path) == [f.workspace + "/webadmin.key", f.workspace + "/webadmin.csr"])
        #expect(review.operation.writes.map(\.mode) == [0o600, 0o644])
        #expect(f.screenText.contains("webadmin.key          private key (RSA 2048)            600   no"))
        #expect(f.screenText.contains("Commands to be run"))
        #expect(f.screenText.contains("Press y or F10 to write these files. Esc goes back and writes nothing."))
        f.snapshot("review-csr")
        let reviewed = f.lines
        #expect(!FileManager.default.fileExists(atPath: f.workspace + "/webadmin.key"), "nothing before confirming")
        f.press(.enter)
        f.press(.char("x"))
        #expect(f.state.review?.isWaiting == true, "Enter alone does not confirm")
        #expect(!FileManager.default.fileExists(atPath: f.workspace + "/webadmin.key"))
        f.press(.char("y"))
        #expect(f.state.review?.isRunning == true)
        await f.settle()
        #expect(f.screenText.contains("✓ Done."))
        #expect(f.screenText.contains("Created key file webadmin.key and CSR webadmin.csr"))
        let verify = TestSupport.openssl(["req", "-verify", "-noout", "-in", f.workspace + "/webadmin.csr"])
        #expect(verify.status == 0 && verify.output.contains("verify OK"), "\(verify.output)")
        let text = TestSupport.openssl(["req", "-noout", "-text", "-in", f.workspace + "/webadmin.csr"]).stdout
        #expect(text.contains("DNS:cms1.lab.example.com, DNS:join.lab.example.com"))
        // The digests the review showed are those of the bytes on disk.
        WizardFixture.expectShownDigests(reviewed, match: [f.workspace + "/webadmin.key", f.workspace + "/webadmin.csr"])
        let attributes = try FileManager.default.attributesOfItem(atPath: f.workspace + "/webadmin.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        f.press(.enter)
        #expect(f.state.screen == .home)
        #expect(f.state.csr.isDirty == false, "the form is cleared once written")
        #expect(f.screenText.contains("wrote webadmin.key, webadmin.csr"))
        f.press(.char("q"))
        #expect(f.runtime.didQuit, "nothing unsaved any more")
    }

    @Test func escOnReviewGoesBackAndWritesNothing() async throws {
        let f = try WizardFixture()
        f.fillStep1()
        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .review)
        f.press(.char("q"))
        #expect(f.state.quitDialog != nil, "an open review is unsaved work")
        f.press(.esc)
        f.press(.esc)
        #expect(f.state.screen == .csr)
        #expect(f.state.review == nil)
        #expect(f.state.csr.value(0) == "webadmin", "the form is as it was")
        #expect(!FileManager.default.fileExists(atPath: f.workspace + "/webadmin.key"))
        #expect(!FileManager.default.fileExists(atPath: f.workspace + "/webadmin.csr"))
    }

    @Test func anExistingKeyIsRefusedBeforeReviewWithTheReason() async throws {
        let f = try WizardFixture()
        try FileManager.default.createDirectory(atPath: f.workspace, withIntermediateDirectories: true)
        TestSupport.write("live key\n", to: f.workspace + "/webadmin.key")
        f.fillStep1()
        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .csr)
        #expect(f.state.csr.submitError?.contains("never overwrites a private key") == true)
        #expect(f.screenText.contains("✗ " + f.workspace.prefix(20)))
        #expect(TestSupport.read(f.workspace + "/webadmin.key") == "live key\n")
        f.press(.backspace)
        #expect(f.state.csr.submitError == nil, "editing clears the refusal")
    }

    @Test func aFailedWriteShowsTheErrorAndTheWayOn() async throws {
        let f = try WizardFixture()
        f.fillStep1()
        f.press(.f(10))
        await f.settle()
        // The key appears between review and confirmation: the store refuses to overwrite it.
        TestSupport.write("appeared\n", to: f.workspace + "/webadmin.key")
        f.press(.f(10))
        await f.settle()
        #expect(f.screenText.contains("✗ Failed:"))
        #expect(f.screenText.contains("Esc goes back to change it and try again; Enter goes home."))
        #expect(TestSupport.read(f.workspace + "/webadmin.key") == "appeared\n")
        f.snapshot("review-failed")
        f.press(.esc)
        #expect(f.state.screen == .csr)
        #expect(f.state.csr.value(0) == "webadmin")
    }
}
