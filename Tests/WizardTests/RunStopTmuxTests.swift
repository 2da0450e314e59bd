import Deployment
import Foundation
import Lab
import Orchestration
import TestSupport
import Testing

extension WizardPane {
    /// Starts the wizard again in the same pane, with the same home and lab.
    func relaunch() {
        tmux(["respawn-pane", "-k", "-t", "t", "bash --norc --noprofile '\(folder)/run.sh'"])
    }

    /// The pid of the wizard running in the pane (the shell's child), if it runs.
    func wizardPID() -> Int32? {
        let shell = tmux(["display", "-p", "-t", "t", "#{pane_pid}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let children = TestSupport.run("pgrep", ["-P", shell, "-x", "cmscerts"]).stdout
        return children.split(separator: "\n").first.flatMap { Int32($0) }
    }

    var labFolder: String { dataHome + "/cmscerts/lab" }
}

/// Leaving the wizard while Step 5 runs or waits: the run stops at a step boundary, the
/// terminal comes back, nothing crashes, and the next launch reopens the run for r.
@Suite("Step 5 stopped mid-run and reopened, in tmux", .serialized, .enabled(if: tmuxPath != nil, "tmux is not installed"))
struct RunStopTmuxTests {
    @Test func quitDuringTheCAWaitThenRelaunchReopensTheRunAndRResumesIt() throws {
        let pane = try WizardPane()
        try #require(pane.waitFor("Step 5   Applying certificates"))
        #expect(pane.choose("Step 5   Applying certificates"))
        #expect(pane.waitFor("steps on local"), "\(pane.screen().joined(separator: "\n"))")
        pane.keys("y")
        #expect(pane.waitFor("waits for the CA (13 files): r resumes", seconds: 120), "\(pane.screen().joined(separator: "\n"))")
        pane.keys("Escape")
        pane.keys("q")
        #expect(pane.waitFor("[ Quit ]"), "q asks: a run is open")
        pane.keys("y")
        #expect(pane.waitFor("exit=0", seconds: 30, history: true), "\(pane.screen(history: true).joined(separator: "\n"))")
        pane.expectSaneTerminal()
        let keys = Self.keys(pane.labFolder)

        // The next launch opens on the run, waiting; the CA signs; r resumes the same run.
        pane.relaunch()
        #expect(pane.waitFor("waits for the CA (13 files): r resumes", seconds: 30), "\(pane.screen().joined(separator: "\n"))")
        let signed = TestSupport.runProduct("cmscerts", ["lab", "sign", pane.labFolder])
        #expect(signed.status == 0, "\(signed.output)")
        pane.keys("r")
        #expect(pane.waitFor("✓ Done", seconds: 120), "\(pane.screen().joined(separator: "\n"))")
        let lab = try Lab(directory: pane.labFolder)
        for node in try lab.status().nodes {
            for service in node.services {
                #expect(service.enabled && service.running, "\(node.node.name) \(service.service): \(service.state)")
            }
        }
        let after = Self.keys(pane.labFolder)
        for (path, key) in keys { #expect(after[path] == key, "\(path) was made again") }
        pane.keys("Enter", "q")
        #expect(pane.waitFor("exit=0", seconds: 30, history: true))
    }

    /// SIGINT, SIGTERM and SIGHUP to the process, and Ctrl-C or q as keys, at different moments
    /// of a running set-up, 20 times: every time the wizard ends without a crash (by the
    /// signal, or 0 for the key), the terminal is sane, the journal says the run is open,
    /// and the command line resumes it (planned from the state the wizard kept).
    @Test func interruptedTwentyTimesNeverCrashesAndTheRunStaysResumable() async throws {
        let problems = try await TestSupport.offThePool { () throws -> [String] in
            let ways: [(name: String, signal: Int32?)] = [("C-c", nil), ("INT", SIGINT), ("TERM", SIGTERM), ("HUP", SIGHUP), ("q", nil)]
            var problems: [String] = []
            for round in 0..<20 {
                let way = ways[round % ways.count]
                let label = "round \(round) (\(way.name))"
                let pane = try WizardPane()
                guard pane.waitFor("Step 5   Applying certificates"), pane.choose("Step 5   Applying certificates"),
                      pane.waitFor("steps on local") else {
                    problems.append("\(label): Step 5 did not open: \(pane.screen().joined(separator: "\n"))")
                    continue
                }
                pane.keys("y")
                guard pane.waitFor("Running run ") else {
                    problems.append("\(label): the run did not start: \(pane.screen().joined(separator: "\n"))")
                    continue
                }
                usleep(UInt32(20_000 * (round % 10)))
                if let signal = way.signal {
                    guard let pid = pane.wizardPID() else { problems.append("\(label): no wizard process"); continue }
                    kill(pid, signal)
                } else if way.name == "q" {
                    // q asks (the run stops at a step boundary), y quits; the run may end first.
                    pane.keys("q")
                    if pane.waitFor("[ Quit ]", seconds: 10) { pane.keys("y") } else { pane.keys("Escape", "q", "y") }
                } else {
                    pane.keys("C-c")
                }
                guard pane.waitFor("exit=", seconds: 60, history: true) else {
                    problems.append("\(label): the wizard did not end: \(pane.screen(history: true).joined(separator: "\n"))")
                    continue
                }
                let exitLine = pane.screen(history: true).first { $0.hasPrefix("exit=") } ?? ""
                let expected = way.signal.map { "exit=\(128 + $0)" } ?? "exit=0"
                if exitLine != expected { problems.append("\(label): \(exitLine), not \(expected)") }
                if !pane.waitFor("TERMINAL SANE") || pane.alternateScreen { problems.append("\(label): the terminal was not restored") }

                // The run is open, and resumable from the command line with the wizard's plan.
                guard let open = Journal.openRun(stateDirectory: pane.labFolder + "/.cmscerts") else {
                    problems.append("\(label): no open run in the journal")
                    continue
                }
                let dry = TestSupport.runProduct("cmscerts", ["apply", pane.labFolder + "/deployment.yaml", "--resume", open.runID, "--dry-run"],
                                                 environment: ["HOME": pane.home, "XDG_DATA_HOME": pane.dataHome])
                if dry.status != 0 { problems.append("\(label): the run cannot be resumed: \(dry.output)") }
            }
            return problems
        }
        #expect(problems.isEmpty, "\(problems)")
    }

    static func keys(_ folder: String) -> [String: String] {
        var keys: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: folder)
        while let path = walker?.nextObject() as? String {
            if path.hasSuffix(".key") && !path.hasPrefix(".cmscerts") { keys[path] = TestSupport.read(folder + "/" + path) }
        }
        return keys
    }
}
