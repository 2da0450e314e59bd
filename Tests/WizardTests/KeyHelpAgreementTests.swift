import Deployment
import Foundation
import TerminalUI
import Testing
@testable import Wizard

/// The keys shown are the keys that work: on every screen and in every state the walk
/// reaches, a key that does anything (changes the state or starts work) is one of the
/// bindings live there (the footer's, or the F1 list's), and every binding live there
/// does something for at least one of its keys.
@Suite("Keys and help agree on every screen")
struct KeyHelpAgreementTests {
    /// The keys a user can press: the printable ones the screens use, a few more, and
    /// every special key.
    static let universe: [Key] = "abcdefghijklmnopqrstuvwxyzYNQ0123456789 ?/.-,:*".map { Key.char($0) }
        + [.enter, .esc, .tab, .backTab, .up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .backspace, .delete, .insert]
        + (1...12).map { Key.f($0) } + ["a", "e", "k", "u", "w"].map { Key.ctrl($0) }

    /// The whole state as text, to tell whether a key changed anything.
    static func fingerprint(_ s: WizardState) -> String { String(describing: s) }

    /// Checks the agreement in state `s`, named `name` in failures. Returns the keys that
    /// did something.
    @discardableResult
    static func check(_ s: WizardState, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Key] {
        let app = WizardApp()
        let live = app.bindings(s)
        let before = fingerprint(s)
        var working: [Key] = []
        for key in universe {
            var after = s
            let commands = app.update(&after, .key(key))
            guard !commands.isEmpty || fingerprint(after) != before else { continue }
            working.append(key)
            #expect(live.contains { $0.matches(key) }, "\(name): \(key) works but no binding shows it (live: \(live.map(\.label)))", sourceLocation: sourceLocation)
        }
        for binding in live {
            #expect(working.contains { binding.matches($0) }, "\(name): \(binding.label) \(binding.help) is shown but none of its keys does anything", sourceLocation: sourceLocation)
        }
        // F1 lists every live binding of the screen, those kept out of the footer too.
        if s.help == nil, s.quitDialog == nil, !TooSmall.applies(to: s.size, minimum: WizardApp.minimumSize) {
            let screen = app.focused(s.screen)
            var tall = Buffer(size: Size(width: 80, height: 300), style: s.theme[.normal])
            HelpOverlay(title: screen.title(s), text: screen.helpText(s), keys: screen.bindings(s), scroll: 0).render(area: tall.area, buffer: &tall, theme: s.theme)
            let help = tall.trimmedLines.map { $0.replacingOccurrences(of: "│", with: "").trimmingCharacters(in: .whitespaces) }
            for binding in live {
                #expect(help.contains { $0.hasPrefix(binding.label + " ") && $0.hasSuffix(" " + binding.help) }, "\(name): F1 lists \(binding.label) \(binding.help)", sourceLocation: sourceLocation)
            }
        }
        return working
    }

    @Test func homeThemesTroubleshootHelpAndQuit() throws {
        let f = try WizardFixture()
        Self.check(f.state, "home")
        f.press(.f(1))
        Self.check(f.state, "help")
        f.press(.esc)
        f.open(.theme)
        Self.check(f.state, "themes")
        f.press(.esc)
        f.open(.troubleshoot)
        Self.check(f.state, "troubleshoot")
        f.press(.esc, .home, .enter)
        f.type("x")
        f.press(.esc, .char("q"))
        #expect(f.state.quitDialog != nil)
        Self.check(f.state, "quit dialog")
        var small = f.state
        small.quitDialog = nil
        small.size = Size(width: 70, height: 20)
        Self.check(small, "too small")
    }

    @Test func step1AndItsReview() async throws {
        let f = try WizardFixture()
        f.press(.enter)
        Self.check(f.state, "step 1, a text field")
        f.press(.backTab)
        Self.check(f.state, "step 1, the key type")
        f.press(.tab)
        f.press(.esc)
        f.fillStep1()
        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .review)
        Self.check(f.state, "review, waiting")
        var running = f.state
        running.review?.phase = .running
        Self.check(running, "review, writing")
        f.press(.char("y"))
        await f.settle()
        Self.check(f.state, "review, done")
    }

    @Test func bundles() async throws {
        let f = try WizardFixture()
        f.opensslChain(in: f.workspace + "/ca")
        f.open(.bundles)
        await f.settle()
        Self.check(f.state, "bundles, the files")
        f.press(.tab)
        Self.check(f.state, "bundles, the output name")
    }

    @Test func steps2And3() async throws {
        let f = try WizardFixture()
        f.open(.step2)
        Self.check(f.state, "step 2, reading the nodes")
        await f.settle()
        Self.check(f.state, "step 2")
        f.press(.enter)
        Self.check(f.state, "step 2, the editor")
        f.press(.esc, .esc)
        f.open(.step3)
        await f.settle()
        Self.check(f.state, "step 3")
    }

    @Test func step4() async throws {
        let f = try WizardFixture()
        f.open(.step4)
        await f.settle()
        Self.check(f.state, "step 4")
    }

    @Test func step5() async throws {
        let f = try WizardFixture()
        f.open(.step5)
        Self.check(f.state, "step 5, reading the nodes")
        await f.settle()
        Self.check(f.state, "step 5, the review")
        f.press(.right)
        await f.settle()
        Self.check(f.state, "step 5, a refused procedure")
        f.press(.left)
        await f.settle()
        var running = f.state
        running.apply?.phase = .running
        Self.check(running, "step 5, running")
        var waiting = f.state
        waiting.apply?.runID = "20261206-120000-abcd"
        waiting.apply?.phase = .waiting(files: ["ca-bundle.crt"], steps: ["x"])
        Self.check(waiting, "step 5, waiting for the CA (the lab's: s signs)")
    }

    @Test func dashboard() async throws {
        let f = try WizardFixture()
        f.open(.expiry)
        await f.settle()
        Self.check(f.state, "dashboard")
        f.press(.char("/"))
        Self.check(f.state, "dashboard, the filter")
        f.press(.esc, .char("e"))
        Self.check(f.state, "dashboard, the endpoints")
        f.press(.esc, .char("c"))
        #expect(f.state.screen == .labClock)
        Self.check(f.state, "the lab clock")
    }

    @Test func deployment() async throws {
        let f = try WizardFixture()
        f.open(.deployment)
        Self.check(f.state, "deployment")
    }
}
