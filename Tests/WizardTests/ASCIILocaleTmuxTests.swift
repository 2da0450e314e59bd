import Foundation
import TestSupport
import Testing

/// The wizard on a jump host's terminal: a locale that is not UTF-8 (LANG=C), a vt100 or
/// an xterm. Every frame the wizard draws is written to a file (CMSCERTS_FRAME_FILE), and
/// the pane must read exactly that: no symbol dropped, no stale cell left by one.
@Suite("The wizard under LANG=C in tmux", .serialized, .enabled(if: tmuxPath != nil, "tmux is not installed: the end-to-end tests are skipped"))
struct ASCIILocaleTmuxTests {
    /// Polls until the pane's text is the last frame's, line for line (trailing blanks
    /// aside); false, with both, when it never is.
    func paneMatchesFrame(_ pane: WizardPane, frameFile: String, seconds: Double = 20) -> (Bool, String) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var last = ""
        repeat {
            let frame = TestSupport.read(frameFile).components(separatedBy: "\n").map(trimmed)
            let screen = Array(pane.screen().prefix(24)).map(trimmed)
            if frame.count == 24 && screen == frame { return (true, "") }
            last = "frame:\n" + frame.joined(separator: "\n") + "\nscreen:\n" + screen.joined(separator: "\n")
            usleep(50_000)
        } while Date() < deadline
        return (false, last)
    }

    func trimmed(_ line: String) -> String {
        var t = Substring(line)
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }

    @Test(arguments: ["vt100", "xterm"])
    func everyScreenReadsWhatWasDrawn(term: String) throws {
        let frames = TestSupport.temporaryDirectory("frames") + "/frame.txt"
        let pane = try WizardPane(environment: ["LANG": "C", "LC_ALL": "C", "TERM": term, "CMSCERTS_FRAME_FILE": frames])
        #expect(pane.waitFor("Step 5"), "Home: \(pane.screen().joined(separator: "\n"))")
        var (same, both) = paneMatchesFrame(pane, frameFile: frames)
        #expect(same, "Home: \(both)")
        let ascii = TestSupport.read(frames).unicodeScalars.allSatisfy { $0.isASCII }
        #expect(ascii, "every symbol has its ASCII stand-in")
        // Home, then Step 5, the dashboard and the help: the screens where symbols were dropped.
        // In the menu's order: a vt100 has no PgUp for `choose` to start from the top with.
        for (entry, shows) in [("Step 5", "Step 5"), ("Bundles", "Bundles"), ("Expiry", "Expiry dashboard")] {
            #expect(pane.choose(entry), "\(entry) is on Home")
            #expect(pane.waitFor(shows))
            (same, both) = paneMatchesFrame(pane, frameFile: frames)
            #expect(same, "\(entry): \(both)")
            pane.keys("F1")
            (same, both) = paneMatchesFrame(pane, frameFile: frames)
            #expect(same, "\(entry) help: \(both)")
            pane.keys("Escape")
            #expect(pane.waitFor(shows))
            pane.keys("Escape")
            #expect(pane.waitFor("Step 1   CSR builder"), "back on Home: \(pane.screen().joined(separator: "\n"))")
        }
        (same, both) = paneMatchesFrame(pane, frameFile: frames)
        #expect(same, "Home again: \(both)")
        pane.keys("q")
        #expect(pane.waitFor("exit=0", history: true), "\(pane.screen().joined(separator: "\n"))")
        pane.expectSaneTerminal()
    }

    @Test func aTerminalThatCannotMoveTheCursorIsToldSoWithExitCode2() throws {
        let pane = try WizardPane(environment: ["TERM": "dumb"])
        let found = pane.waitFor("exit=2", history: true)
        #expect(found, "\(pane.screen(history: true).joined(separator: "\n"))")
        let text = pane.screen(history: true).joined(separator: " ")
        #expect(text.contains("TERM=dumb cannot move the cursor"))
        pane.expectSaneTerminal()
    }
}
