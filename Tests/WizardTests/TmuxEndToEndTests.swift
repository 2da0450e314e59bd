import Deployment
import Foundation
import Lab
import PKI
import TestSupport
import Testing

let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// The built `cmscerts` in an 80x24 tmux pane on a private tmux server, with HOME and
/// XDG_DATA_HOME in a temporary folder. A script around it saves `stty -g` before and
/// compares it after, so a test can tell whether the terminal came back as it was.
final class WizardPane {
    let socket = "cmscerts-wiz-\(UUID().uuidString.prefix(8))"
    let folder: String
    var home: String { folder + "/home" }
    var work: String { folder + "/work" }
    var dataHome: String { home + "/data" }
    /// The lab's workspace: the lab folder, where every screen works (not a node's MMP folder).
    var labWorkspace: String { dataHome + "/cmscerts/lab" }

    /// `environment` is added after (and so overrides) the pane's own: LANG, TERM.
    init(environment: [String: String] = [:], prepare: ((WizardPane) throws -> Void)? = nil) throws {
        folder = TestSupport.temporaryDirectory("wizpane")
        for dir in [home, work] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try prepare?(self)
        let script = """
            cd '\(work)'
            stty -g > '\(folder)/before'
            env HOME='\(home)' XDG_DATA_HOME='\(dataHome)' LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR= TERM=xterm-256color \(environment.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")) '\(TestSupport.productPath("cmscerts"))'
            echo "exit=$?"
            stty -g > '\(folder)/after'
            stty -a > '\(folder)/stty-after'
            if cmp -s '\(folder)/before' '\(folder)/after'; then echo "TERMINAL SANE"; else echo "TERMINAL CHANGED"; fi
            """
        try script.write(toFile: folder + "/run.sh", atomically: true, encoding: .utf8)
        try "set -g remain-on-exit on\n".write(toFile: folder + "/tmux.conf", atomically: true, encoding: .utf8)
        let r = tmux(["-f", folder + "/tmux.conf", "new-session", "-d", "-s", "t", "-x", "80", "-y", "24",
                      "bash --norc --noprofile '\(folder)/run.sh'"])
        if r.status != 0 { throw POSIXError(.EIO) }
    }

    deinit {
        tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    @discardableResult
    func tmux(_ args: [String]) -> ProcessResult {
        TestSupport.run(tmuxPath ?? "tmux", ["-L", socket] + args, timeout: .seconds(30))
    }

    /// The pane's visible lines; with `history`, the lines scrolled off above them too
    /// (after the program ends, the shell's lines can scroll the `exit=` line away).
    func screen(history: Bool = false) -> [String] {
        tmux(["capture-pane", "-p", "-t", "t"] + (history ? ["-S", "-200"] : [])).stdout.components(separatedBy: "\n")
    }

    /// Polls the pane until `text` shows (no fixed sleeps), for at most `seconds`.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 30, history: Bool = false) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        repeat {
            if screen(history: history).contains(where: { $0.contains(text) }) { return true }
            usleep(20_000)
        } while Date() < deadline
        return false
    }

    /// Polls the pane until one of `texts` shows, for at most `seconds`: the first that does.
    func waitForAny(_ texts: [String], seconds: Double = 30) -> String? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        repeat {
            let lines = screen()
            if let found = texts.first(where: { text in lines.contains { $0.contains(text) } }) { return found }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    /// In a menu: from its top, ↓ until the entry that starts with `entry` is the selected one
    /// ("> entry"), then Enter; false when no entry of the first 20 is it.
    func choose(_ entry: String) -> Bool {
        keys("PPage")
        for _ in 0..<20 {
            if waitFor("> " + entry, seconds: 1) {
                keys("Enter")
                return true
            }
            keys("Down")
        }
        return false
    }

    func keys(_ names: String...) { tmux(["send-keys", "-t", "t"] + names) }
    func type(_ text: String) { tmux(["send-keys", "-t", "t", "-l", text]) }
    func resize(_ width: Int, _ height: Int) { tmux(["resize-window", "-t", "t", "-x", "\(width)", "-y", "\(height)"]) }

    var alternateScreen: Bool {
        tmux(["display", "-p", "-t", "t", "#{alternate_on}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// After the program ended: the terminal is as it was before, echo on, canonical mode.
    func expectSaneTerminal(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(waitFor("TERMINAL SANE"), "stty -g is the same after as before: \(screen().joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(!alternateScreen, "the alternate screen was left", sourceLocation: sourceLocation)
        let stty = TestSupport.read(folder + "/stty-after")
        #expect(stty.contains(" echo ") && stty.contains(" icanon "), "echo and canonical mode are back: \(stty)", sourceLocation: sourceLocation)
    }
}

@Suite("The wizard in tmux, on the built binary", .serialized, .enabled(if: tmuxPath != nil, "tmux is not installed: the end-to-end tests are skipped"))
struct TmuxEndToEndTests {
    @Test func step1ByKeysMakesAKeyAndCSRThatOpenSSLAcceptsThenResizeAndQ() throws {
        let pane = try WizardPane()
        try #require(pane.waitFor("Built-in lab"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.alternateScreen)
        pane.keys("Enter")
        #expect(pane.waitFor("Step 1: CSR builder"))
        pane.type("webadmin")
        pane.keys("Tab")
        pane.type("cms1.lab.example.com")
        pane.keys("Tab", "Tab")
        pane.type("Example Inc.")
        pane.keys("Tab", "Tab", "Tab")
        pane.type("GB")
        pane.keys("Tab")
        pane.type("join.lab.example.com")
        #expect(pane.waitFor("The line, as the MMP takes it:"))
        #expect(pane.waitFor("Note: the CN cms1.lab.example.com was added to subjectAltName"))
        pane.keys("F10")
        #expect(pane.waitFor("Press y or F10 to write these files"))
        #expect(!FileManager.default.fileExists(atPath: pane.labWorkspace + "/webadmin.key"), "nothing written before confirming")
        pane.keys("y")
        #expect(pane.waitFor("✓ Done."), "\(pane.screen().joined(separator: "\n"))")
        let verify = TestSupport.openssl(["req", "-verify", "-noout", "-in", pane.labWorkspace + "/webadmin.csr"])
        #expect(verify.status == 0 && verify.output.contains("verify OK"), "\(verify.output)")
        let match = TestSupport.openssl(["req", "-noout", "-subject", "-in", pane.labWorkspace + "/webadmin.csr"]).stdout
        #expect(match.contains("C = GB, O = Example Inc., CN = cms1.lab.example.com"), "\(match)")
        pane.keys("Enter")
        #expect(pane.waitFor("wrote webadmin.key, webadmin.csr"))
        // A resize mid-screen: more room, too small, and back.
        pane.resize(110, 30)
        #expect(pane.waitFor("Address"), "the wider screen shows the address column")
        pane.resize(60, 20)
        #expect(pane.waitFor("Terminal too small: 60x20"))
        pane.resize(80, 24)
        #expect(pane.waitFor("Step 2   CSRs per service"))
        pane.keys("q")
        #expect(pane.waitFor("exit=0", history: true))
        pane.expectSaneTerminal()
    }

    @Test func theBundleViewOrdersAShuffledChainAndWritesIt() throws {
        let pane = try WizardPane { pane in
            let lab = try Lab.create(at: pane.dataHome + "/cmscerts/lab")
            let node = lab.directory
            let f = try WizardFixture()
            f.opensslChain(in: pane.folder + "/chain")
            let pile = ["root.crt", "leaf.crt", "inter.crt"].map { TestSupport.read(pane.folder + "/chain/" + $0) }.joined()
            TestSupport.write(pile, to: node + "/shuffled.pem")
        }
        try #require(pane.waitFor("Bundles  chain in CMS order"))
        pane.keys("Down", "Down", "Down", "Down", "Down", "Down", "Enter")  // past Steps 2-5 and Fix
        #expect(pane.waitFor("shuffled.pem"))
        pane.keys("Space")
        #expect(pane.waitFor("3 root"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("1 entity"))
        pane.keys("Enter")
        #expect(pane.waitFor("Press y or F10 to write these files"))
        pane.keys("F10")
        #expect(pane.waitFor("✓ Done."))
        let written = TestSupport.read(pane.labWorkspace + "/fullchain.pem")
        let report = BundleChecker.check(data: Data(written.utf8), name: "fullchain.pem")
        #expect(report.passed, "\(report.text)")
        #expect(report.members.map(\.subject) == ["CN=cms1.lab.example.com", "O=Test, CN=Test Issuing CA", "O=Test, CN=Test Root CA"])
        pane.keys("Enter")
        pane.keys("q")
        #expect(pane.waitFor("exit=0", history: true))
        pane.expectSaneTerminal()
    }

    @Test func ctrlCInAHalfFilledFormLeavesASaneTerminal() throws {
        let pane = try WizardPane()
        try #require(pane.waitFor("Step 1   CSR builder"))
        pane.keys("Enter")
        #expect(pane.waitFor("Key type"))
        pane.type("half")
        #expect(pane.waitFor("Basename half"))
        pane.keys("C-c")
        #expect(pane.waitFor("exit=", history: true))
        pane.expectSaneTerminal()
        #expect(!FileManager.default.fileExists(atPath: pane.labWorkspace + "/half.key"))
    }

    @Test func qAsksBeforeLosingAHalfFilledForm() throws {
        let pane = try WizardPane()
        try #require(pane.waitFor("Step 1   CSR builder"))
        pane.keys("Enter")
        pane.type("half")
        #expect(pane.waitFor("Basename half"))
        pane.keys("Escape")
        #expect(pane.waitFor("draft, not written"))
        pane.keys("q")
        #expect(pane.waitFor("Quit cmscerts?"))
        pane.keys("y")
        #expect(pane.waitFor("exit=0", seconds: 60, history: true), "the pane after y: \(pane.screen().joined(separator: "\n"))")
        pane.expectSaneTerminal()
    }

    /// Step 5 by keys on the built binary: the fresh flow on the fresh built-in lab runs
    /// until it waits for the signed certificates; an outside CA (openssl) signs them; r
    /// resumes; every service runs and the database primary is Connected. Then the lab's
    /// clock moves past the database certificates (`cmscerts lab clock`), and Fix's
    /// expired-database flow, by keys, makes the cluster whole again.
    @Test func step5RunsTheFreshFlowOnTheLabWaitsForTheCAAndResumesToDone() throws {
        let pane = try WizardPane()
        try #require(pane.waitFor("Step 5   Applying certificates"))
        // Steps 2 and 3 show what the plan will make: the CSRs, the database sequence by node.
        #expect(pane.choose("Step 2   CSRs per service"))
        #expect(pane.waitFor("12 CSRs from the deployment's certificate strategy"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("On cms1: pki csr webadmin CN:cms1.lab.example.com"))
        pane.keys("Escape")
        #expect(pane.choose("Step 3   Database cluster"))
        #expect(pane.waitFor("cms1 primary (the built-in CA) · cms2 joined · cms3 joined"), "\(pane.screen().joined(separator: "\n"))")
        pane.keys("Escape")
        #expect(pane.choose("Step 5   Applying certificates"))
        #expect(pane.waitFor("Procedure ◀ fresh ▶"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("steps on local"), "planned from the nodes' state: \(pane.screen().joined(separator: "\n"))")
        pane.keys("y")
        #expect(pane.waitFor("waits for the CA (", seconds: 120), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("then press r"))
        // The files the plan waits for: what its local check steps expect in the workspace.
        let labFolder = pane.dataHome + "/cmscerts/lab"
        let lab = try Lab(directory: labFolder)
        let plan = try Planner.plan(try LabDeployment.make(try lab.topology(), labFolder: lab.directory), flow: .fresh)
        let files = plan.steps.filter { $0.node == nil && $0.kind == .check }.flatMap(\.writes).map(\.name)
        #expect(files.contains("ca-bundle.crt"))
        // Valid longer than the database certificates the lab's built-in CA signs (730 days), as
        // a customer's CA may: when the clock passes those below, these services keep running.
        try OutsideCA().place(files, in: lab.directory, days: 1000)
        pane.keys("r")
        #expect(pane.waitFor("✓ Done", seconds: 120), "\(pane.screen().joined(separator: "\n"))")
        for node in try lab.status().nodes {
            for service in node.services {
                #expect(service.enabled && service.running, "\(node.node.name) \(service.service): \(service.state)")
            }
        }
        let primary = try lab.run("database cluster status", on: "cms1", answer: nil).text
        #expect(primary.split(separator: "\n").contains { $0.contains("(me)") && $0.contains("Connected Primary") }, "\(primary)")
        pane.keys("Enter")
        #expect(pane.waitFor("Step 5   Applying certificates"))
        // Step 4 on a node: cms2's call bridge certificate, matched there, verified here.
        #expect(pane.choose("Step 4   Verification"))
        pane.keys("Right", "Right")
        #expect(pane.waitFor("Files on cms2"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.choose("callbridge.crt"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("✓ verify"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.screen().contains { $0.contains("✓ match") }, "\(pane.screen().joined(separator: "\n"))")
        pane.keys("Escape")
        // The dashboard lists the new certificates on the nodes.
        #expect(pane.choose("Expiry   dashboard"))
        #expect(pane.waitFor("Expiry dashboard"))
        pane.keys("/")
        pane.type("callbridge.crt")
        pane.keys("Enter")
        #expect(pane.waitFor("cms3   callbridge"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.screen().contains { $0.contains("cms1   callbridge") && $0.contains(" ok") })
        pane.keys("Escape")  // the filter's text stays; Esc again goes home
        pane.keys("Escape")
        #expect(pane.waitFor("Fix      troubleshooting"))
        try expiredDatabaseFlowByKeys(pane, labFolder: labFolder)
        pane.keys("q")
        #expect(pane.waitFor("exit=0", history: true))
        pane.expectSaneTerminal()
    }

    /// `cmscerts lab status --json` on the lab: the JSON as plain dictionaries, so that the
    /// test reads what the command prints, not the Codable value behind it.
    func labStatus(_ labFolder: String) throws -> [[String: Any]] {
        let r = TestSupport.runProduct("cmscerts", ["lab", "status", labFolder, "--json"])
        try #require(r.status == 0, "lab status: \(r.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try #require(json["nodes"] as? [[String: Any]])
    }

    /// From home, after the fresh flow: the clock past the database certificates, then Fix →
    /// expired database certificates → review → y, by keys; the run goes to the end on its
    /// own; the lab shows the cluster whole and every service running.
    func expiredDatabaseFlowByKeys(_ pane: WizardPane, labFolder: String) throws {
        let nodes = try labStatus(labFolder)
        let databaseDays = nodes.flatMap { (($0["database"] as? [String: Any])?["certificates"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["daysLeft"] as? Int }
        let days = try #require(databaseDays.min(), "the database certificates have days left: \(nodes)")
        let clock = TestSupport.runProduct("cmscerts", ["lab", "clock", labFolder, "+\(days + 2)d"])
        try #require(clock.status == 0, "lab clock: \(clock.output)")
        let expired = try labStatus(labFolder).flatMap { (($0["database"] as? [String: Any])?["certificates"] as? [[String: Any]]) ?? [] }
            .filter { ($0["file"] as? String) != "dbca.crt" }
        #expect(!expired.isEmpty && expired.allSatisfy { ($0["daysLeft"] as? Int ?? 0) < 0 }, "dbserver and dbclient have expired: \(expired)")

        #expect(pane.choose("Fix      troubleshooting"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("SAME file name"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.choose("The database certificates expired"), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("Procedure ◀ renew-database ▶", seconds: 60), "\(pane.screen().joined(separator: "\n"))")
        #expect(pane.waitFor("database remove"), "the summary says what happens to the cluster: \(pane.screen().joined(separator: "\n"))")
        pane.keys("s")
        #expect(pane.waitFor("database cluster remove"), "s shows every step: \(pane.screen().joined(separator: "\n"))")
        pane.keys("y")
        #expect(pane.waitFor("✓ Done", seconds: 240), "the expired-database flow finishes: \(pane.screen().joined(separator: "\n"))")
        #expect(pane.screen().contains { $0.contains("✓ Done") }, "the wizard says the run finished")

        let after = try labStatus(labFolder)
        for node in after {
            let name = (node["node"] as? [String: Any])?["name"] as? String ?? "?"
            let database = node["database"] as? [String: Any] ?? [:]
            let state = database["state"] as? String ?? ""
            if (database["membership"] as? String) == "primary" {
                #expect(state == "Connected Primary", "\(name): \(state)")
            } else {
                #expect(state.contains("Connected Replica") && state.contains("In Sync"), "\(name): \(state)")
            }
            let certificates = database["certificates"] as? [[String: Any]] ?? []
            #expect(certificates.allSatisfy { ($0["daysLeft"] as? Int ?? -1) > 0 }, "\(name): new database certificates: \(certificates)")
            for service in node["services"] as? [[String: Any]] ?? [] {
                #expect(service["running"] as? Bool == true, "\(name) \(service["service"] ?? "?"): \(service["state"] ?? "?")")
            }
        }
        pane.keys("Enter")
        #expect(pane.waitFor("Step 5   Applying certificates"))
    }
}
