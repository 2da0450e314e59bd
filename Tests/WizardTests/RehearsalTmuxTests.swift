import Foundation
import Lab
import TestSupport
import Testing
@testable import Wizard

/// The whole rehearsal in the wizard alone, as a new user would walk it: keys only, no
/// other shell, 80x24. The lab's CA signs from Step 5, the lab's clock moves from the
/// dashboard, and each of the three fix flows renews what expired.
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

    /// On Step 5's review of a flow that needs no CA (the database's built-in one): y runs
    /// it to Done.
    func runToDone(_ pane: WizardPane, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(pane.waitFor("y/F10 run", seconds: 60), "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        pane.keys("y")
        #expect(pane.waitFor("✓ Done", seconds: 240), "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    /// From Home: the Fix screen, the flow titled `title`, its review (procedure `procedure`).
    func openFix(_ pane: WizardPane, _ title: String, procedure: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(pane.choose("Fix      troubleshooting"), "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(pane.waitFor("Its plan for your nodes", seconds: 60), "the plans are read: \(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(pane.choose(title), "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(pane.waitFor("Procedure ◀ \(procedure) ▶", seconds: 60), "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    /// The dashboard's counts line, once read: (in use, ok, warning, critical, unreadable).
    func dashboardCounts(_ pane: WizardPane) -> (inUse: Int, ok: Int, warning: Int, critical: Int, unreadable: Int)? {
        for line in pane.screen() {
            guard let m = line.firstMatch(of: #/(\d+) in use: ✓ (\d+) ok +! (\d+) warning +✗ (\d+) critical +\? (\d+) unreadable/#) else { continue }
            return (Int(m.1)!, Int(m.2)!, Int(m.3)!, Int(m.4)!, Int(m.5)!)
        }
        return nil
    }

    /// From Home: the dashboard, read at the lab's time; back Home after `check`.
    func onTheDashboard(_ pane: WizardPane, _ check: (WizardPane) -> Void) {
        #expect(pane.choose("Expiry   dashboard"), "\(pane.screen().joined(separator: "\n"))")
        #expect(waitUntil(pane) { _ in dashboardCounts(pane) != nil }, "the counts: \(pane.screen().joined(separator: "\n"))")
        check(pane)
        pane.keys("Escape")
        #expect(pane.waitFor("Fix      troubleshooting"))
    }

    /// Every certificate in use is ok: none expired, none critical, none "not yet valid"
    /// (the files the renewals left unused, listed apart below them, may be expired).
    func expectEveryCertificateOK(_ pane: WizardPane, sourceLocation: SourceLocation = #_sourceLocation) {
        let counts = dashboardCounts(pane)
        #expect(counts.map { $0.inUse > 0 && $0.ok == $0.inUse } == true, "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        let inUse = pane.screen().prefix { !$0.contains("unused no service") }
        #expect(!inUse.contains { $0.contains("expired") || $0.contains("not yet") }, "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    /// A new lab set up to Done (the lab's CA signing from the wizard), then three years on
    /// from the dashboard's lab clock: the rows say expired. Leaves the pane on Home.
    func setUpAndMoveTheClockThreeYears(_ pane: WizardPane, lab: String) throws {
        try #require(pane.waitFor("Step 5   Applying certificates"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.choose("Step 5   Applying certificates"))
        #expect(pane.waitFor("steps on local", seconds: 60), "\(pane.screen().joined(separator: "\n"))")
        runSigningWithTheLabCA(pane)
        try expectEveryServiceRunning(lab)
        pane.keys("Enter")

        onTheDashboard(pane) { pane in
            expectEveryCertificateOK(pane)
            pane.keys("c")
            #expect(pane.waitFor("> Forward 3 years"), "\(pane.screen().joined(separator: "\n"))")
            pane.keys("Enter")
            #expect(pane.waitFor("+1095.0 days from real time"), "it says what it did: \(pane.screen().joined(separator: "\n"))")
            pane.keys("Escape")
            #expect(pane.waitFor("Expiry dashboard"))
            #expect(waitUntil(pane) { _ in (dashboardCounts(pane)?.critical ?? 0) > 0 }, "\(pane.screen().joined(separator: "\n"))")
            #expect(pane.screen().filter { $0.hasSuffix(" expired") && $0.contains("-7") }.count >= 5, "the expired rows first: \(pane.screen().joined(separator: "\n"))")
        }
    }

    /// The rows of the database's certificates (dbserver, dbclient) say `status`.
    func expectDatabaseRows(_ pane: WizardPane, _ status: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let rows = pane.screen().filter { $0.contains("dbserver") || $0.contains("dbclient") }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.hasSuffix(status) }, "\(pane.screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    func quit(_ pane: WizardPane) {
        pane.keys("q")
        #expect(pane.waitFor("exit=0", seconds: 30, history: true))
        pane.expectSaneTerminal()
    }

    /// Expired: the same-name renewal (every service but the database) to Done, then the
    /// database's flow to Done; every certificate in use is ok again, at the moved time.
    @Test func setUpMoveTheClockThreeYearsThenRenewUnderTheSameNamesAndTheDatabase() throws {
        let pane = try WizardPane()
        let lab = pane.labWorkspace
        try setUpAndMoveTheClockThreeYears(pane, lab: lab)

        openFix(pane, "A certificate expired", procedure: "renew")
        runSigningWithTheLabCA(pane)
        try expectEveryServiceRunning(lab)
        pane.keys("Enter")
        onTheDashboard(pane) { pane in
            // The renewed certificates are valid at the moved time, not "not yet valid"; the database's are not this flow's.
            #expect(waitUntil(pane) { lines in lines.contains { $0.contains("cms1   callbridge") && $0.hasSuffix(" ok") } }, "\(pane.screen().joined(separator: "\n"))")
            #expect(!pane.screen().contains { $0.contains("not yet") }, "\(pane.screen().joined(separator: "\n"))")
            expectDatabaseRows(pane, "expired")
        }

        openFix(pane, "The database certificates expired", procedure: "renew-database")
        runToDone(pane)
        try expectEveryServiceRunning(lab)
        pane.keys("Enter")
        onTheDashboard(pane) { pane in expectEveryCertificateOK(pane) }
        quit(pane)
    }

    /// Expired: the database's flow first, then the renewal under new names (each service
    /// swapped to its new files) to Done; every certificate in use is ok again.
    @Test func setUpMoveTheClockThreeYearsThenRenewTheDatabaseAndUnderNewNames() throws {
        let pane = try WizardPane()
        let lab = pane.labWorkspace
        try setUpAndMoveTheClockThreeYears(pane, lab: lab)

        openFix(pane, "The database certificates expired", procedure: "renew-database")
        runToDone(pane)
        pane.keys("Enter")
        onTheDashboard(pane) { pane in
            // The other services still fail on their expired certificates: the next flow's.
            expectDatabaseRows(pane, "ok")
            #expect((dashboardCounts(pane)?.critical ?? 0) > 0, "the services' certificates are still expired: \(pane.screen().joined(separator: "\n"))")
        }

        openFix(pane, "Renew before expiry", procedure: "renew-new-names")
        runSigningWithTheLabCA(pane)
        try expectEveryServiceRunning(lab)
        pane.keys("Enter")
        onTheDashboard(pane) { pane in expectEveryCertificateOK(pane) }
        quit(pane)
    }
}
