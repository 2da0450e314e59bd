import Foundation
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard

@Suite("update() on each message the commands send back")
struct MessageTests {
    @Test func ticksAdvanceTheSpinnerOnlyWhileAnOperationRuns() async throws {
        let f = try WizardFixture()
        let app = WizardApp()
        var s = f.state
        #expect(app.update(&s, .tick).isEmpty, "no review: the tick stops")
        f.fillStep1()
        f.press(.f(10))
        await f.settle()
        s = f.state
        #expect(app.update(&s, .tick).isEmpty, "waiting, not running: no tick")
        s.review?.phase = .running
        let commands = app.update(&s, .tick)
        #expect(s.review?.spinner.tick == 1)
        #expect(commands.count == 1, "the next tick is asked for")
        let screen = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(screen.contains("⠙ Working: generating and writing…"))
        #expect(app.bindings(s).isEmpty, "no key but Ctrl-C works while it runs")
    }

    @Test func aStaleChainIsDroppedAndRelistingKeepsThePicks() async throws {
        let f = try WizardFixture()
        f.opensslChain(in: f.workspace + "/ca")
        f.open(.bundles)
        await f.settle()
        f.press(.char(" "))
        await f.settle()
        let current = try #require(f.state.bundles.analysis)
        var old = current
        old.generation = current.generation - 1
        old.chain = []
        f.runtime.send(.bundleAnalysed(old))
        #expect(f.state.bundles.analysis?.chain.count == current.chain.count, "an answer to an older request is dropped")
        // A file appears; the list is read again and the pick stays on the same file.
        TestSupport.write("x\n", to: f.workspace + "/a-first.pem")
        f.press(.char("r"))
        await f.settle()
        #expect(f.state.bundles.files?.first?.relativePath == "a-first.pem")
        #expect(f.state.bundles.picked == ["ca/inter.crt"])
        // A failed listing says why and clears the list.
        f.runtime.send(.filesListed(.failure(WizardFailure("cannot list it"))))
        await f.settle()
        #expect(f.state.bundles.files == [])
        #expect(f.screenText.contains("✗ cannot list it"))
    }

    @Test func resultsWithoutAReviewAndRefusalsAreHandled() throws {
        let f = try WizardFixture()
        f.runtime.send(.performed(.failure(WizardFailure("late"))))
        #expect(f.state.review == nil && f.state.screen == .home)
        f.press(.enter)
        f.runtime.send(.prepared(origin: .csr, .failure(WizardFailure("refused", field: "basename"))))
        #expect(f.state.csr.submitError == "refused")
        #expect(f.screenText.contains("✗ refused"))
        f.runtime.send(.themes(.loaded(.failure(WizardFailure("bad theme")))))
        #expect(f.state.themePicker.error == "bad theme")
        f.runtime.send(.themes(.loaded(.success(.builtInMonochrome))))
        #expect(f.state.theme.name == "monochrome" && f.state.themePicker.error == nil)
        f.runtime.send(.resize(Size(width: 100, height: 30)))
        #expect(f.state.size == Size(width: 100, height: 30))
    }
}
