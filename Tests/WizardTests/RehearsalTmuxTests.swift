import Foundation
import Lab
import TestSupport
import Testing
@testable import Wizard

/// The whole rehearsal in the wizard alone, as a new user would walk it: keys only, no
/// other shell, 80x24. The lab's CA signs from Step 5, the lab's clock moves from the
/// dashboard, and a fix flow renews what expired.
@Suite("The rehearsal by keys alone, in tmux", .serialized, .enabled(if: tmuxPath != nil, "tmux is not installed: the end-to-end tests are skipped"))
struct RehearsalTmuxTests {
    /// Every service of every node of the lab in `folder` runs.
    func expectEveryServiceRunning(_ folder: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for node in try Lab(directory: folder).status().nodes {
            for service in node.services {
                #expect(service.enabled && service.running, "\(node.node.name) \(service.service): \(service.state)", sourceLocation: sourceLocation)
            }
        }
    }

    /// On Step 5's review: y runs, the run waits for the CA, s has the lab's CA sign what it
    /// waits for, and the run goes on by itself to Done.
    func runSigningWithTheLabCA(_ pane: WizardPane, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(pane.waitFor("y/F10 run", seconds: 60), "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        pane.keys("y")
        #expect(pane.waitFor("waits for the CA (", seconds: 120), "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(pane.waitFor("s sign with lab CA"), "the key is shown: \(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        pane.keys("s")
        #expect(pane.waitFor("✓ Done", seconds: 240), "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(pane.waitFor("The lab's CA signed "), "it says what it signed: \(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    /// Polls the pane until its lines satisfy `condition`, for at most `seconds`.
    func waitUntil(_ pane: WizardPane, seconds: Double = 60, _ condition: ([String]) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        repeat {
            if condition(pane.screen()) { return true }
            usleep(20_000)
        } while Date() < deadline
        return false
    }

    @Test func setUpMoveTheClockThreeYearsAndRenewByKeysAlone() throws {
        let pane = try WizardPane()
        try #require(pane.waitFor("Step 5   Applying certificates"), "\(pane.screen().joined(separator: "\n"))")
        let lab = pane.dataHome + "/cmscerts/lab"

        // The set-up, to Done, the lab's CA signing from the wizard.
        #expect(pane.choose("Step 5   Applying certificates"))
        #expect(pane.waitFor("steps on local", seconds: 60), "\(pane.screen().joined(separator: "\n"))")
        runSigningWithTheLabCA(pane)
        try expectEveryServiceRunning(lab)
        pane.keys("Enter")

        // Three years on, from the dashboard: the rows say expired.
        #expect(pane.choose("Expiry   dashboard"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor(" 0 critical or expired", seconds: 60), "all fresh: \(pane.screen().joined(separator: "\n"))")
        pane.keys("c")
        #expect(pane.waitFor("> Forward 3 years"), "\(pane.screen().joined(separator: "\n"))")
        pane.keys("Enter")
        #expect(pane.waitFor("+1095.0 days from real time"), "it says what it did: \(pane.screen().joined(separator: "\n"))")
        pane.keys("Escape")
        #expect(pane.waitFor("Expiry dashboard"))
        #expect(pane.waitFor(" expired", seconds: 60), "\(pane.screen().joined(separator: "\n"))")
        let counts = pane.screen().first { $0.contains("critical or expired") } ?? ""
        #expect(!counts.contains(" 0 critical or expired"), "\(counts)")
        #expect(pane.screen().filter { $0.hasSuffix(" expired") && $0.contains("-7") }.count >= 5, "\(pane.screen().joined(separator: "\n"))")
        pane.keys("Escape")

        // Fix: the expired certificates renewed under the same names, signed by the lab's CA at the lab's time.
        #expect(pane.choose("Fix      troubleshooting"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.choose("A certificate expired"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("Procedure ◀ renew ▶", seconds: 60), "\(pane.screen().joined(separator: "\n"))")
        runSigningWithTheLabCA(pane)
        try expectEveryServiceRunning(lab)
        pane.keys("Enter")

        // The dashboard again, at the moved time: the renewed certificates are valid, not "not yet valid".
        #expect(pane.choose("Expiry   dashboard"), "\(pane.screen().joined(separator: "\n"))")
        let renewed = waitUntil(pane) { lines in lines.contains { $0.contains("cms1   callbridge") && $0.hasSuffix(" ok") } }
        #expect(renewed, "cms1's renewed call bridge certificate is ok: \(pane.screen().joined(separator: "\n"))")
        #expect(!pane.screen().contains { $0.contains("not yet") }, "\(pane.screen().joined(separator: "\n"))")
        pane.keys("Escape", "q")
        #expect(pane.waitFor("exit=0", seconds: 30, history: true))
        pane.expectSaneTerminal()
    }
}
