import Foundation
import Inventory
import Orchestration
import TerminalUI
import Testing
@testable import Wizard

/// Every screen, in its main states, rendered in every theme of the repository: what the
/// wizard actually draws, cell by cell.
@Suite("Every screen in every theme: contrast, states, cuts, keys", .serialized)
struct ScreenTourTests {
    let app = WizardApp()

    /// The screens and their main states (the dashboard with rows of every status, the
    /// selection on an expired one).
    static func tour(size: Size) async throws -> [(String, WizardState)] {
        var out: [(String, WizardState)] = []
        let f = try WizardFixture(size: size)
        out.append(("home", f.state))
        f.press(.f(1))
        out.append(("help", f.state))
        f.press(.esc)
        let entries: [(HomeScreen.Entry, String)] = [(.step1, "step 1"), (.step2, "step 2"), (.step3, "step 3"), (.step4, "step 4"),
                                                     (.step5, "step 5"), (.troubleshoot, "fix"), (.bundles, "bundles"), (.expiry, "dashboard"),
                                                     (.deployment, "estate"), (.theme, "themes")]
        for (entry, name) in entries {
            f.open(entry)
            await f.settle()
            out.append((name, f.state))
            f.press(.esc)
            if f.state.screen != .home { f.press(.esc) }
            await f.settle()
        }
        out += try await step5States(f)
        out += try await labClockAndFix(f)
        var dashboard = f.state
        dashboard.screen = .dashboard
        dashboard.dashboard = DashboardState()  // rows of every status, none of the lab's nodes: all in use
        dashboard.dashboard.generation = 7
        _ = WizardApp().update(&dashboard, .dashboardLoaded(generation: 7, rows: try DashboardTests.sampleRows(), at: Date()))
        out.append(("dashboard with rows", dashboard))
        for _ in 0..<1 { _ = WizardApp().update(&dashboard, .key(.down)) }
        out.append(("dashboard, a critical row selected", dashboard))
        _ = WizardApp().update(&dashboard, .key(.char("/")))
        for c in "cms" { _ = WizardApp().update(&dashboard, .key(.char(c))) }
        out.append(("dashboard, typing a filter", dashboard))
        _ = WizardApp().update(&dashboard, .key(.enter))
        out.append(("dashboard with a filter", dashboard))
        var chained = dashboard
        chained.dashboard = DashboardState()
        chained.dashboard.generation = 8
        let (rows, scan) = try DashboardTests.chainedEstate()
        _ = WizardApp().update(&chained, .dashboardLoaded(generation: 8, rows: rows, at: Date(), nodes: [scan]))
        _ = WizardApp().update(&chained, .key(.right))
        out.append(("dashboard, a row unfolded", chained))
        out.append(("step 5 waiting for your CA (real servers)", try realServersWaiting(size: size)))
        return out
    }

    /// Step 5 on real servers (a deployment file, no lab), its run waiting for the CA: the
    /// files, the profile each needs, where to put them.
    static func realServersWaiting(size: Size) throws -> WizardState {
        let f = try WizardFixture(context: { folder in
            WizardContext.deployment(path: folder + "/deployment.yaml", text: WizardFixture.twoNodes(), currentDirectory: folder, connections: .wired)
        }, size: size)
        var s = f.state
        var apply = ApplyState(target: try #require(s.context.apply), flow: .fresh, current: .empty)
        apply.runID = "20261129-120000-abcd"
        apply.phase = .waiting(files: ["ca-bundle.crt", "cms1/webadmin.crt", "cms2/callbridge.crt"], steps: ["local:signed"])
        s.apply = apply
        s.screen = .apply
        return s
    }

    /// Step 5 from Home: its review with the steps shown, then (by the executor's events)
    /// running, waiting for the lab's CA, failed and done. Leaves `f` on Home.
    static func step5States(_ f: WizardFixture) async throws -> [(String, WizardState)] {
        var out: [(String, WizardState)] = []
        f.open(.step5)
        await f.settle()
        f.press(.char("s"))
        out.append(("step 5 review, steps shown", f.state))
        var run = f.state
        run.apply?.phase = .running
        func progress(_ done: Int) -> StepProgress {
            StepProgress(stepID: "cms1:csr.webadmin", node: "cms1", command: "pki csr webadmin CN:cms1.lab.example.com", nodeDone: done, nodeTotal: 14)
        }
        _ = WizardApp().update(&run, .applyEvent(.runStarted(runID: "20261129-120000-abcd", planDigest: "00", toRun: 50, skipped: 0)))
        _ = WizardApp().update(&run, .applyEvent(.stepStarted(progress(0))))
        out.append(("step 5 running", run))
        var waiting = run
        let files = ["ca-bundle.crt", "cms1/webadmin.crt", "cms2/callbridge.crt"]
        _ = WizardApp().update(&waiting, .applyEvent(.stepWaiting(StepProgress(stepID: "local:signed", node: "local", command: "Place the signed certificates",
                                                                                nodeDone: 3, nodeTotal: 4), files: files)))
        _ = WizardApp().update(&waiting, .applyEvent(.runFinished(.waiting(files: files, steps: ["local:signed"]))))
        out.append(("step 5 waiting for the lab's CA", waiting))
        var failed = run
        let failure = StepFailure(stepID: "cms1:csr.webadmin", node: "cms1", command: progress(0).command,
                                  output: "FAILURE: disk full", reason: "the output says FAILURE: disk full")
        _ = WizardApp().update(&failed, .applyEvent(.stepFailed(progress(0), failure)))
        _ = WizardApp().update(&failed, .applyEvent(.runFinished(.failed([failure]))))
        out.append(("step 5 failed", failed))
        var done = run
        _ = WizardApp().update(&done, .applyEvent(.stepFinished(progress(14), output: "", seconds: 0.1)))
        _ = WizardApp().update(&done, .applyEvent(.runFinished(.done(ran: 50, skipped: 0))))
        out.append(("step 5 done", done))
        f.press(.esc)
        await f.settle()
        return out
    }

    /// The lab clock (from the dashboard's c) and the Fix screen once its plans are read,
    /// each flow selected in turn. Leaves `f` on Home.
    static func labClockAndFix(_ f: WizardFixture) async throws -> [(String, WizardState)] {
        var out: [(String, WizardState)] = []
        f.open(.expiry)
        await f.settle()
        f.press(.char("c"))
        out.append(("lab clock", f.state))
        f.press(.up)
        out.append(("lab clock, days", f.state))
        f.press(.esc)
        f.press(.esc)
        f.open(.troubleshoot)
        await f.settle()
        for flow in TroubleshootScreen.flows {
            out.append(("fix, \(flow.rawValue) planned", f.state))
            f.press(.down)
        }
        f.press(.esc)
        await f.settle()
        return out
    }

    static var themes: [Theme] {
        ThemeCatalog.themeFiles(inFolder: repositoryThemes).compactMap { try? ThemeCatalog.loadFile(atPath: $0) }
    }

    /// The xterm palette: what the 16 named colours and the 256-colour indexes look like.
    static func rgb(_ index: Int) -> (Double, Double, Double) {
        let base: [(Double, Double, Double)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if index < 16 { return base[index] }
        if index >= 232 { let g = Double(8 + 10 * (index - 232)); return (g, g, g) }
        let i = index - 16, steps: [Double] = [0, 95, 135, 175, 215, 255]
        return (steps[i / 36], steps[(i / 6) % 6], steps[i % 6])
    }

    /// WCAG 2 relative luminance.
    static func luminance(_ c: (Double, Double, Double)) -> Double {
        func lin(_ v: Double) -> Double { let s = v / 255; return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4) }
        return 0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
    }

    /// The contrast of a cell's text, or nil when both colours are the terminal's own (its
    /// contrast is the terminal's, not ours). One side left to the terminal is taken as a
    /// dark terminal's (light grey text, black background), as jump hosts' terminals are.
    static func contrast(_ style: Style) -> Double? {
        var fg = style.fg ?? .default, bg = style.bg ?? .default
        if style.modifiers.contains(.reverse) { swap(&fg, &bg) }
        guard fg != .default || bg != .default else { return nil }
        let f = luminance(fg.paletteIndex.map(rgb) ?? (229, 229, 229)), b = luminance(bg.paletteIndex.map(rgb) ?? (0, 0, 0))
        return (max(f, b) + 0.05) / (min(f, b) + 0.05)
    }

    @Test func everyColourPairDrawnHasAContrastOfAtLeast4_5InEveryTheme() async throws {
        let states = try await Self.tour(size: .standard)
        #expect(Self.themes.count >= 4)
        for theme in Self.themes {
            var worst: [String: (Double, String)] = [:]
            for (name, state) in states {
                var s = state
                s.theme = theme
                let screen = app.view(s, size: .standard)
                for y in 0..<screen.size.height {
                    for x in 0..<screen.size.width {
                        let cell = screen[x, y]
                        guard cell.symbol.trimmingCharacters(in: .whitespaces).count > 0, let c = Self.contrast(cell.style), c < 4.5 else { continue }
                        let key = "\(cell.style.fg?.description ?? "default") on \(cell.style.bg?.description ?? "default")\(cell.style.modifiers.contains(.reverse) ? " reversed" : "")"
                        if worst[key] == nil { worst[key] = (c, "\(name), row \(y): \(screen.line(y).trimmingCharacters(in: .whitespaces))") }
                    }
                }
            }
            #expect(worst.isEmpty, "\(theme.name): \(worst.map { "\($0.key) \(String(format: "%.2f", $0.value.0)):1 (\($0.value.1))" }.sorted().joined(separator: "\n"))")
        }
    }

    /// At 80x24 and at 200x60: no text is cut in the middle of a word by the edge of its
    /// place (a shortened value says so with "…"), and every key of the footer is in sight.
    @Test(arguments: [Size.standard, Size(width: 200, height: 60)])
    func nothingIsCutAndEveryKeyIsShown(size: Size) async throws {
        for (name, s) in try await Self.tour(size: size) {
            let screen = app.view(s, size: size)
            let cuts = screen.cutWords.map { "row \($0.y): \(screen.line($0.y).trimmingCharacters(in: .whitespaces))" }
            #expect(cuts.isEmpty, "\(name) at \(size.width)x\(size.height): words cut:\n\(cuts.joined(separator: "\n"))")
            if let procedure = screen.trimmedLines.first(where: { $0.contains("Procedure ◀ ") }), let flow = s.apply?.flow {
                // The row is not wrapped: its description is whole or says it is shortened.
                #expect(procedure.hasSuffix(ApplyView.describe(flow)) || procedure.hasSuffix("…"), "\(name) at \(size.width)x\(size.height): \(procedure)")
            }
            if s.screen == .apply, s.apply?.phase == .review, let workspace = s.context.apply?.workspace {
                #expect(screen.trimmedLines.contains { $0.hasSuffix(workspace) }, "\(name) at \(size.width)x\(size.height): the workspace is in sight")
            }
            if name.hasPrefix("fix, ") {
                #expect(screen.trimmedLines.contains { $0.hasSuffix("nothing runs before y.") }, "\(name) at \(size.width)x\(size.height): the way on is in sight")
            }
            guard s.help == nil else { continue }
            let footer = screen.line(size.height - 1)
            for binding in app.bindings(s) where binding.shownInHelp {
                #expect(footer.contains(binding.label), "\(name) at \(size.width)x\(size.height): \(binding.label) is not in the footer: \(footer)")
            }
        }
    }

    /// Monochrome draws no colour at all: its contrast is the terminal's own text on its own
    /// background. What it must still do is tell states apart from the selection, by attributes.
    @Test func statesDifferFromTheSelectionInEveryThemeAndMonochromeUsesNoColour() throws {
        for theme in Self.themes {
            for role in [Role.ok, .warning, .error] {
                #expect(theme[role] != theme[.selected], "\(theme.name): \(role) looks like the selection")
            }
            if theme.name == "monochrome" {
                #expect(Role.allCases.allSatisfy { [nil, Color.default].contains(theme[$0].fg) && [nil, Color.default].contains(theme[$0].bg) })
            }
        }
    }

    /// On the dashboard the state is a symbol as well as a colour, and the selected row keeps
    /// the selection's colours whatever its state (no red on the selection's blue).
    @Test func statesCarryASymbolAndTheSelectionKeepsItsColours() async throws {
        let states = try await Self.tour(size: .standard)
        let (_, s) = try #require(states.first { $0.0 == "dashboard, a critical row selected" })
        let screen = app.view(s, size: .standard)
        let lines = screen.trimmedLines
        for (word, symbol) in [("expired", "✗"), ("critical", "✗"), ("warning", "!"), ("ok", "✓"), ("unreadable", "?")] {
            #expect(lines.contains { $0.hasSuffix(symbol + " " + word) }, "\(word) has its symbol \(symbol)")
        }
        let row = try #require(lines.firstIndex { $0.hasSuffix("✗ critical") })
        #expect(s.dashboard.selectedLine?.row?.status == .critical, "\(lines.joined(separator: "\n"))")
        let selected = s.theme[.selected]
        for x in 0..<screen.size.width where screen[x, row].symbol != " " {
            #expect(screen[x, row].style.fg == selected.fg && screen[x, row].style.bg == selected.bg, "column \(x) of the selected row: \(screen[x, row].style) \(selected)")
        }
    }
}
