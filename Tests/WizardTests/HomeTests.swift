import Deployment
import Foundation
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

@Suite("Home, help, quit, themes, sizes")
struct HomeTests {
    @Test func homeOnAFreshLabSaysItWasMadeAndShowsTheStepsHonestly() throws {
        let f = try WizardFixture()
        guard case .lab(_, _, let madeNow) = f.context.source else {
            Issue.record("expected the lab")
            return
        }
        #expect(madeNow)
        // On its own line, or in the title where the menu leaves no room for that line.
        #expect(f.screenText.contains("Made now, on first run") || f.lines[1].hasPrefix(" Built-in lab, made now:"))
        #expect(!f.lines.contains { $0.hasSuffix("not in this version") })
        #expect(f.lines.contains { $0.contains("Step 2") && $0.hasSuffix("the plan's CSRs") })
        #expect(f.lines.contains { $0.contains("Step 4") && $0.hasSuffix("ready") })
        #expect(f.lines.contains { $0.contains("Step 5") && $0.hasSuffix("plan and run") })
        #expect(f.lines.last == "↑↓ move  Enter choose  F1/? help  q quit")
        f.snapshot("home")
        // A second start on the same lab does not say it was made.
        let again = try WizardContext.lab(directory: f.folder + "/lab")
        guard case .lab(_, _, let madeAgain) = again.source else { return }
        #expect(!madeAgain)
    }

    /// At 80x24 a three-node estate's nodes all show, with the menu's eleven entries and with
    /// a twelfth (drawn here as the body one row shorter, which is what a twelfth entry leaves):
    /// what gives way is the lab's folder, then the line saying how the lab came to be (the
    /// title says it then).
    @Test func everyNodeOfAThreeNodeEstateShowsAt80x24() throws {
        let f = try WizardFixture()
        for node in ["cms1", "cms2", "cms3"] {
            #expect(f.lines.contains { $0.hasPrefix(" \(node)  \(node).lab.example.com") }, "\(node) at 80x24")
        }
        #expect(!f.screenText.contains("more (a taller terminal shows them)"))
        #expect(!f.screenText.contains("Lab folder"), "the lab's folder gives way first")

        /// The home screen's body at 80x24 as it is with twelve menu entries: one row shorter
        /// for each entry short of twelve.
        func twelveEntries(_ state: WizardState) -> [String] {
            var b = Buffer(size: .standard, style: state.theme[.normal])
            let height = 21 - (12 - HomeScreen.items(state).count)
            state.home.render(area: Rect(x: 1, y: 1, width: 78, height: height), buffer: &b, state)
            return b.trimmedLines
        }
        let lab = twelveEntries(f.state)
        #expect(lab[1] == " Built-in lab, made now: CMS 3.x, 3 nodes, domain lab.example.com")
        #expect(lab[2].hasPrefix(" Node  FQDN"))
        #expect(lab[3...5].map { String($0.prefix(6)) } == [" cms1 ", " cms2 ", " cms3 "])
        #expect(lab[6].hasPrefix(" Files go to "))
        #expect(lab[7].isEmpty && lab[8].contains("> Step 1"))

        let d = try WizardFixture(context: { folder in
            WizardContext.deployment(path: folder + "/deployment.yaml", text: DeploymentFile.example, currentDirectory: folder, connections: .wired)
        })
        let deployment = twelveEntries(d.state)
        #expect(deployment[1].hasPrefix(" Deployment deployment.yaml: CMS 3.8, 3 nodes"))
        #expect(deployment[3...5].map { String($0.prefix(6)) } == [" cms1 ", " cms2 ", " cms3 "])
        #expect(deployment[6].hasPrefix(" Files go to "))

        // Rows short even of the nodes: the blank row above the menu goes first, then nodes fold.
        func squeezed(_ short: Int) -> [String] {
            var b = Buffer(size: .standard, style: f.state.theme[.normal])
            let height = 21 - (12 - HomeScreen.items(f.state).count) - short
            f.state.home.render(area: Rect(x: 1, y: 1, width: 78, height: height), buffer: &b, f.state)
            return b.trimmedLines
        }
        let oneShort = squeezed(1)
        #expect(oneShort[3...5].map { String($0.prefix(6)) } == [" cms1 ", " cms2 ", " cms3 "])
        #expect(oneShort[6].hasPrefix(" Files go to ") && oneShort[7].contains("> Step 1"))
        let twoShort = squeezed(2)
        #expect(twoShort[3].hasPrefix(" cms1 ") && twoShort[4] == " … and 2 more (a taller terminal shows them)")
        #expect(twoShort[5].hasPrefix(" Files go to ") && twoShort[6].contains("> Step 1"))
    }

    @Test func at120x40EverythingShows() throws {
        let f = try WizardFixture(size: Size(width: 120, height: 40))
        #expect(f.screenText.contains("Lab folder: "))
        #expect(f.screenText.contains("Made now, on first run"))
        #expect(f.screenText.contains("10.0.0.3"))
        f.snapshot("home-120x40")
    }

    @Test func arrowsMoveAndEnterOpensWhatIsSelected() throws {
        let f = try WizardFixture()
        f.press(.down)
        #expect(HomeScreen.Entry.allCases[f.state.home.menu.selected] == .step2, "every step opens on a lab")
        f.press(.up)
        #expect(f.state.home.menu.selected == 0)
        f.press(.enter)
        #expect(f.state.screen == .csr)
        f.press(.esc)
        #expect(f.state.screen == .home)
        f.open(.theme)
        #expect(f.state.screen == .themes)
        f.press(.esc)
        f.press(.end, .up, .enter)
        #expect(f.state.help != nil, "the Help entry opens help")
    }

    @Test func helpOpensOnEveryScreenWithF1AndOnQuestionMarkWhereNotTyping() throws {
        let f = try WizardFixture()
        f.press(.char("?"))
        #expect(f.state.help != nil)
        #expect(f.screenText.contains("Help: Home"))
        f.snapshot("help-home")
        f.press(.down, .pageDown)
        #expect(f.state.help?.scroll == 11)
        f.press(.esc)
        #expect(f.state.help == nil)
        f.press(.enter)  // Step 1
        f.press(.char("?"))
        #expect(f.state.help == nil, "? is typed into the field")
        #expect(f.state.csr.value(0) == "?")
        f.press(.f(1))
        #expect(f.screenText.contains("Help: Step 1: CSR builder"))
        f.press(.f(1))
        #expect(f.state.help == nil)
    }

    @Test func qQuitsAtOnceWhenNothingIsUnsaved() throws {
        let f = try WizardFixture()
        f.press(.char("q"))
        #expect(f.runtime.didQuit)
    }

    @Test func qAsksFirstWhenTheFormIsHalfFilledAndNoStays() throws {
        let f = try WizardFixture()
        f.press(.enter)
        f.type("webadmin")
        f.press(.esc)
        #expect(f.state.csr.value(0) == "webadmin", "Esc keeps the draft")
        #expect(f.screenText.contains("draft, not written"))
        f.press(.char("q"))
        #expect(!f.runtime.didQuit)
        #expect(f.state.quitDialog != nil)
        #expect(f.state.unsavedWork == ["the Step 1 form is filled in but nothing was written"])
        #expect(f.screenText.contains("Quit cmscerts? the Step 1 form is filled in"))
        f.snapshot("quit-dialog")
        f.press(.enter)  // the dialog starts on Stay: Enter alone never quits
        #expect(!f.runtime.didQuit && f.state.quitDialog == nil)
        f.press(.char("q"))
        f.press(.char("y"))
        #expect(f.runtime.didQuit)
    }

    @Test func ctrlCIsLeftToTheRuntimeWhichQuits() throws {
        let f = try WizardFixture()
        #expect(WizardApp().message(for: .key(.ctrl("c"))) == nil)
        f.press(.enter)
        f.type("x")
        f.press(.ctrl("c"))
        #expect(f.runtime.didQuit)
    }

    @Test func aSmallTerminalGetsAMessageAndALargerOneMoreRoom() throws {
        let f = try WizardFixture()
        f.runtime.resize(to: Size(width: 60, height: 20))
        #expect(f.screenText.contains("Terminal too small: 60x20, needs 80x24"))
        f.press(.enter)
        #expect(f.state.screen == .home, "keys other than q do nothing while the screen is too small")
        f.runtime.resize(to: Size(width: 79, height: 40))
        #expect(f.screenText.contains("Terminal too small: 79x40"))
        f.runtime.resize(to: Size(width: 120, height: 40))
        #expect(f.lines.count == 40)
        #expect(f.lines[0].hasSuffix("built-in lab · theme default"))
        #expect(f.runtime.screen.line(0).count == 120)
        #expect(f.screenText.contains("10.0.0.1"), "a wider screen has room for the address column")
        f.runtime.resize(to: .standard)
        #expect(!f.screenText.contains("10.0.0.1"))
        f.runtime.resize(to: Size(width: 0, height: 0))
        f.runtime.resize(to: Size(width: 1, height: 1))
        f.press(.char("q"))
        #expect(f.runtime.didQuit)
    }

    @Test func themePickerLoadsAThemeFileAndNoColorStripsColour() async throws {
        let f = try WizardFixture()
        f.open(.theme)
        #expect(f.state.screen == .themes)
        let names = f.state.themePicker.themes.map(\.name)
        #expect(Set(["default", "high-contrast", "monochrome", "nord"]).isSubset(of: Set(names)))
        f.snapshot("themes")
        let nord = try #require(names.firstIndex(of: "nord"))
        f.press(.home)
        for _ in 0..<nord { f.press(.down) }
        f.press(.enter)
        await f.settle()
        #expect(f.state.theme.name == "nord")
        #expect(!f.state.theme.isMonochrome)
        #expect(f.lines[0].hasSuffix("theme nord"))

        let plain = try WizardFixture(noColor: true)
        plain.open(.theme)
        plain.press(.home)
        for _ in 0..<nord { plain.press(.down) }
        plain.press(.enter)
        await plain.settle()
        #expect(plain.state.theme.name == "nord")
        #expect(plain.state.theme.isMonochrome, "NO_COLOR: the theme picked is shown without colour")
        #expect(plain.screenText.contains("NO_COLOR is set"))
        let screen = plain.runtime.screen
        #expect(screen.cells.allSatisfy { ($0.style.fg ?? .default) == .default && ($0.style.bg ?? .default) == .default })
    }

    @Test func aThemeFileThatCannotBeReadIsReportedNotApplied() async throws {
        let f = try WizardFixture()
        let bad = f.folder + "/themes"
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        TestSupport.write("version: 1\nroles:\n  title: { fg: purpel }\n", to: bad + "/broken.yaml")
        var state = f.state
        state.themePicker = ThemesScreen(catalog: ThemeCatalog(folders: [bad]), themes: ThemeCatalog(folders: [bad]).available())
        let r = HeadlessRuntime(WizardApp(), state: state)
        for _ in HomeScreen.Entry.allCases where HomeScreen.Entry.allCases[r.state.home.menu.selected] != .theme { r.press(.down) }
        r.press(.enter, .home)
        #expect(r.state.themePicker.themes[0].name == "broken")
        r.press(.enter)
        _ = await r.settle()
        #expect(r.state.theme.name == "default")
        #expect(r.state.themePicker.error?.contains("unknown colour \"purpel\"") == true)
        #expect(r.lines.joined().contains("✗"))
    }

    @Test func aDeploymentFileIsSummarisedReadOnly() throws {
        let yaml = DeploymentFile.example
        let f = try WizardFixture(context: { folder in
            WizardContext.deployment(path: folder + "/deployment.yaml", text: yaml, currentDirectory: folder, connections: .wired)
        })
        if case .brokenDeployment(_, let problem) = f.context.source {
            Issue.record("the example deployment should load: \(problem)")
        }
        #expect(f.screenText.contains("Deployment deployment.yaml: CMS 3.8, 3 nodes, domain example.com"))
        #expect(f.screenText.contains("cms1.example.com"))
        #expect(f.context.workspaceDirectory == f.folder)

        let broken = try WizardFixture(context: { folder in
            WizardContext.deployment(path: folder + "/deployment.yaml", text: "version: 1\nnodes: 3\n", currentDirectory: folder, connections: .wired)
        })
        guard case .brokenDeployment = broken.context.source else {
            Issue.record("a bad deployment file is reported")
            return
        }
        #expect(broken.screenText.contains("cannot be used"))
        broken.press(.enter)
        #expect(broken.state.screen == .csr, "Step 1 still works, in the current folder")
    }

    /// The wizard reads ./deployment.yaml with the one reader: a file over the size limit,
    /// or not UTF-8, is shown as one that cannot be used, in the reader's words.
    @Test func aDeploymentFileTooLargeOrNotUTF8IsSaidAtStartUp() throws {
        let big = try WizardFixture(context: { folder in
            TestSupport.write(String(repeating: "#", count: DeploymentFile.maximumSize + 1), to: folder + "/deployment.yaml")
            return WizardContext.deployment(path: folder + "/deployment.yaml", currentDirectory: folder, connections: .wired)
        })
        guard case .brokenDeployment(_, let tooLarge) = big.context.source else {
            Issue.record("an oversized file is reported: \(big.context.source)")
            return
        }
        #expect(tooLarge.contains("may hold 1,048,576 bytes (1.0 MiB) at most"), "\(tooLarge)")
        #expect(big.screenText.contains("cannot be used"))

        let latin = try WizardFixture(context: { folder in
            TestSupport.write(Data(Array("version: 1\n# caf".utf8) + [0xE9] + Array("\n".utf8)), to: folder + "/deployment.yaml")
            return WizardContext.deployment(path: folder + "/deployment.yaml", currentDirectory: folder, connections: .wired)
        })
        guard case .brokenDeployment(_, let notUTF8) = latin.context.source else {
            Issue.record("a file that is not UTF-8 is reported: \(latin.context.source)")
            return
        }
        #expect(notUTF8.contains("line 2: the file is not UTF-8 text"), "\(notUTF8)")
    }
}

@Suite("Snapshots of the shell at other sizes and sources")
struct ShellSnapshotTests {
    @Test func tooSmallAndDeploymentHome() throws {
        let f = try WizardFixture()
        f.runtime.resize(to: Size(width: 70, height: 20))
        f.snapshot("too-small-70x20")
        let d = try WizardFixture(context: { folder in
            WizardContext.deployment(path: folder + "/deployment.yaml", text: DeploymentFile.example, currentDirectory: folder, connections: .wired)
        })
        d.snapshot("home-deployment")
    }

    @Test func aReviewThatArrivesAfterTheUserLeftIsNotOpened() async throws {
        let f = try WizardFixture()
        f.fillStep1()
        guard case .success(let spec) = f.state.csr.spec else {
            Issue.record("the form is valid")
            return
        }
        let operation = try Workspace(directory: f.workspace).prepareCSR(spec)
        f.press(.esc)
        f.runtime.send(.prepared(origin: .csr, .success(operation)))
        await f.settle()
        #expect(f.state.screen == .home)
        #expect(f.state.review == nil)
        // On the screen it came from, the same answer opens the review.
        f.press(.enter)
        f.runtime.send(.prepared(origin: .csr, .success(operation)))
        #expect(f.state.screen == .review)
    }
}

@Suite("The file picker's listing (PKI's Workspace.browse)")
struct BrowseTests {
    @Test func listsCertificateFilesInSubfoldersSkippingHiddenOnesAndTooDeepOnes() throws {
        let dir = TestSupport.temporaryDirectory("browse")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["a/b/c/d", ".hidden", "x"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        for file in ["top.pem", "notes.txt", ".secret.key", "a/one.crt", "a/b/c/three.cer", "a/b/c/d/four.pem", ".hidden/h.pem", "x/k.KEY"] {
            TestSupport.write("x\n", to: dir + "/" + file)
        }
        let names = try Workspace(directory: dir).browse().map(\.relativePath)
        #expect(names == ["a/b/c/three.cer", "a/one.crt", "top.pem", "x/k.KEY"])
        #expect(try Workspace(directory: dir).browse(depth: 0).map(\.relativePath) == ["top.pem"])
        #expect(try Workspace(directory: dir).browse(limit: 2).count == 2)
        #expect(throws: PKIError.self) { try Workspace(directory: dir + "/none").browse() }
    }
}
