import Deployment
import Foundation
import Inventory
import Lab
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

/// The lab as the executable wires it in: one workspace for every screen, the lab's clock
/// for every validity judgement, and the lab's CA and clock driven from the wizard.
@Suite("The lab wired in by the executable")
struct LabWiringTests {
    let app = WizardApp()

    /// Every screen works in one folder: the lab's, as `cmscerts apply <lab>/deployment.yaml`
    /// does; for a deployment file, its folder.
    @Test func oneWorkspacePerDeployment() throws {
        let f = try WizardFixture()
        let target = try #require(f.context.apply)
        #expect(f.context.workspaceDirectory == target.workspace)
        #expect(f.context.workspace.directory == target.workspace)
        #expect(f.context.labControls?.folder == target.workspace, "the lab's workspace is the lab folder")
        #expect(!f.context.workspaceDirectory.contains("/nodes/"), "not a node's MMP folder")
        let elsewhere = f.folder + "/estate"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let deployment = WizardContext.deployment(path: elsewhere + "/deployment.yaml", text: WizardFixture.twoNodes(), currentDirectory: f.folder,
                                                  connections: .wired)
        #expect(deployment.workspaceDirectory == elsewhere && deployment.apply?.workspace == elsewhere)
        #expect(deployment.labControls == nil, "real servers: no lab controls")
        let broken = WizardContext(source: .brokenDeployment(path: f.folder + "/deployment.yaml", problem: "test"), currentDirectory: f.folder)
        #expect(broken.workspaceDirectory == f.folder)
    }

    /// A lab whose deployment makes keys here under one shared name (`cms`), so that Step 1
    /// can make the key the plan wants.
    static func sharedLocalKeys(_ folder: String) throws -> WizardContext {
        let lab = folder + "/lab"
        _ = try WizardContext.lab(directory: lab)
        var d = try DeploymentFile.load(yaml: String(contentsOfFile: lab + "/deployment.yaml", encoding: .utf8))
        d.keys = .local
        d.strategy = .sanCertificate
        d.certificateName = "cms"
        try DeploymentFile.text(for: d, header: "test").write(toFile: lab + "/deployment.yaml", atomically: true, encoding: .utf8)
        return try WizardContext.lab(directory: lab)
    }

    /// Step 1 writes the key in the workspace; Step 5's plan uses that very key (no second
    /// key, no .bak); the run waits for the CA; s has the lab's CA sign exactly what it waits
    /// for, the screen says so, and the run resumes by itself to the end.
    @Test(.timeLimit(.minutes(10))) func aKeyMadeInStep1IsTheKeyStep5UsesAndTheLabCASignsWhatTheRunWaitsFor() async throws {
        let f = try WizardFixture(context: Self.sharedLocalKeys)
        f.runtime.timeout = 300
        let target = try #require(f.context.apply)
        let offline = try Planner.plan(target.deployment, flow: .fresh)
        let specs = offline.steps.compactMap { step -> CSRSpec? in
            if case .makeKeyAndCSR(let spec, _, "cms.key", _)? = step.local { return spec } else { return nil }
        }
        let make = try #require(specs.first, "the plan makes cms.key here")
        f.fillStep1(basename: "cms", cn: make.subject.commonName, sans: make.subjectAltNames.map(\.value).joined(separator: ","))
        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .review)
        f.press(.char("y"))
        await f.settle()
        let keyPath = target.workspace + "/cms.key"
        let made = try String(contentsOfFile: keyPath, encoding: .utf8)

        f.press(.esc)
        f.open(.step5)
        await f.settle()
        f.press(.char("y"))
        _ = await f.runtime.waitUntil { !($0.apply?.isRunning ?? true) }
        guard case .waiting(let files, _)? = f.state.apply?.phase else {
            Issue.record("the run waits for the CA: \(String(describing: f.state.apply?.phase))\n\(f.screenText)")
            return
        }
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == made, "Step 5 kept the key Step 1 made")
        #expect(f.screenText.contains("s signs exactly these files"), "\(f.screenText)")
        #expect(f.lines.last?.contains("s sign with lab CA") == true, "\(f.lines.last ?? "")")
        f.press(.char("s"))
        let resumed = await f.runtime.waitUntil { state in
            if case .done? = state.apply?.phase { return true }
            if case .failed? = state.apply?.phase { return true }
            return false
        }
        #expect(resumed, "\(f.screenText)")
        guard case .done? = f.state.apply?.phase else {
            Issue.record("the run resumed to the end: \(String(describing: f.state.apply?.phase))\n\(f.screenText)")
            return
        }
        #expect(f.state.apply?.labNote?.contains("The lab's CA signed \(files.count) files") == true, "\(f.state.apply?.labNote ?? "")")
        #expect(files.allSatisfy { f.state.apply?.labNote?.contains($0) == true }, "each file by its place in the workspace: \(f.state.apply?.labNote ?? "")")
        #expect(f.state.apply?.log.contains { $0.hasPrefix("lab CA wrote ") } == true)
        await f.settle()
        try f.expectEveryServiceRunning()
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == made, "the key is still Step 1's")
        let backups = FileManager.default.enumerator(atPath: target.workspace)?.compactMap { $0 as? String }.filter { $0.contains(".key.bak") } ?? []
        #expect(backups.isEmpty, "no key was replaced: \(backups)")
        // The judge: the certificate the nodes use belongs to Step 1's key and chains to the bundle where Step 5 looked.
        let modulusKey = TestSupport.openssl(["pkey", "-in", keyPath, "-pubout"])
        let modulusCert = TestSupport.openssl(["x509", "-in", target.workspace + "/cms.crt", "-noout", "-pubkey"])
        #expect(modulusKey.status == 0 && modulusKey.stdout == modulusCert.stdout)
        let judge = TestSupport.openssl(["verify", "-CAfile", target.workspace + "/ca-bundle.crt", target.workspace + "/cms.crt"])
        #expect(judge.status == 0, "\(judge.output)")
    }

    /// The real deployment's wait lists each file with what the CA must do, and resumes when
    /// the files appear, without a key.
    @Test func aWaitingRunListsWhatTheCAMustDoAndWatchesForTheFiles() async throws {
        let f = try WizardFixture()
        var s = f.state
        _ = app.update(&s, .key(.home))
        s.apply = ApplyState(target: try #require(s.context.apply), flow: .fresh, current: .empty)
        s.screen = .apply
        let plan = try #require(try s.apply?.plan.get())
        let awaited = plan.steps.compactMap { step -> [String]? in
            if case .awaitFiles(let files, _, _)? = step.local { return files } else { return nil }
        }.flatMap { $0 }
        let certificate = try #require(awaited.first { $0 != "ca-bundle.crt" })
        _ = app.update(&s, .applyEvent(.runStarted(runID: "20261206-120000-abcd", planDigest: plan.digest, toRun: 5, skipped: 0)))
        let commands = app.update(&s, .applyEvent(.runFinished(.waiting(files: ["ca-bundle.crt", certificate], steps: ["x"]))))
        #expect(commands.count == 1, "a look at the workspace is scheduled")
        let text = app.view(s, size: Size(width: 120, height: 40)).trimmedLines.joined(separator: "\n")
        #expect(text.contains(certificate))
        #expect(text.contains(certificate + " ← " + String(certificate.dropLast(4)) + ".csr signed, server+client auth"))
        #expect(text.contains("ca-bundle.crt ← your CA's chain: intermediates, then root"))
        #expect(text.contains("extendedKeyUsage serverAuth and clientAuth"))
        // Not all there: the next look is scheduled; all there: the run resumes.
        let generation = try #require(s.apply?.pollGeneration)
        #expect(app.update(&s, .step5(.polled(generation: generation, allThere: false))).count == 1)
        #expect(s.apply?.phase == .waiting(files: ["ca-bundle.crt", certificate], steps: ["x"]))
        _ = app.update(&s, .step5(.polled(generation: generation - 1, allThere: true)))
        #expect(s.apply?.isRunning == false, "an old watch's answer is dropped")
        _ = app.update(&s, .step5(.polled(generation: generation, allThere: true)))
        #expect(s.apply?.isRunning == true, "the files are there: the run resumes")
    }

    /// The lab's clock moved +1096 days from the dashboard (c, its own screen): an expired
    /// certificate shows expired on the dashboard and in Step 4, and a certificate made
    /// under the moved clock is valid, not "not yet valid".
    @Test(.timeLimit(.minutes(5))) func theLabClockJudgesEveryScreen() async throws {
        let f = try WizardFixture()
        let target = try #require(f.context.apply)
        let workspace = Workspace(directory: target.workspace)
        _ = try workspace.prepareSelfSigned(try CSRSpec.parse(line: "old CN:old.lab.example.com"), days: 365).perform()
        f.open(.expiry)
        await f.settle()
        #expect(f.state.dashboard.rows?.first { $0.file == "old.crt" }?.status == .ok)
        #expect(f.lines.last?.hasSuffix("c clock") == true, "the lab clock's key and word stay in the 80-column footer: \(f.lines.last ?? "")")
        f.press(.char("c"))
        #expect(f.state.screen == .labClock)
        f.press(.up)  // years -> days
        f.press(.backspace)
        f.type("1096")
        f.press(.enter)
        await f.settle()
        #expect(f.screenText.contains("Lab clock: "), "\(f.screenText)")
        #expect(f.screenText.contains("+1096.0 days from real time"), "\(f.screenText)")
        #expect(try Lab(directory: target.workspace).clockOffset() == 1096 * 86_400)
        f.press(.esc)
        await f.settle()
        #expect(f.state.screen == .dashboard)
        #expect(f.state.dashboard.rows?.first { $0.file == "old.crt" }?.status == .expired, "\(f.screenText)")

        // Renewed under the moved clock (as the lab's CA and the plan sign): valid now.
        let moved = Workspace(directory: target.workspace, now: f.context.clock)
        _ = try moved.prepareSelfSigned(try CSRSpec.parse(line: "new CN:new.lab.example.com"), days: 365).perform()
        f.press(.char("r"))
        await f.settle()
        #expect(f.state.dashboard.rows?.first { $0.file == "new.crt" }?.status == .ok, "\(f.screenText)")

        // Step 4 judges by the same clock.
        f.press(.esc)
        f.open(.step4)
        await f.settle()
        await VerifyTests().check(f, "old.crt")
        let inspect = f.state.verify.result?.checks.first { $0.name == "inspect" }
        #expect(inspect?.passed == false && inspect?.summary.contains("expired") == true, "\(String(describing: inspect))")
        await VerifyTests().check(f, "new.crt")
        let fresh = f.state.verify.result?.checks.first { $0.name == "inspect" }
        #expect(fresh?.passed == true && fresh?.summary.contains("days left") == true, "\(String(describing: fresh))")

        // Back to now, from the same screen.
        f.press(.esc)
        f.open(.expiry)
        await f.settle()
        f.press(.char("c"))
        f.press(.down, .down)
        f.press(.enter)
        await f.settle()
        #expect(f.screenText.contains("(real time)"), "\(f.screenText)")
        #expect(try Lab(directory: target.workspace).clockOffset() == 0)
    }

    /// Real servers: no lab keys on the dashboard or the CA wait; the lab clock screen refuses.
    @Test func realServersHaveNoLabControls() throws {
        let f = try WizardFixture(context: { folder in
            WizardContext.deployment(path: folder + "/deployment.yaml", text: WizardFixture.twoNodes(), currentDirectory: folder, connections: .wired)
        })
        var s = f.state
        #expect(!s.dashboard.bindings(s).contains { $0.key.help == "clock" })
        var apply = ApplyState(target: try #require(s.context.apply), flow: .fresh, current: .empty)
        apply.runID = "r"
        apply.phase = .waiting(files: ["ca-bundle.crt"], steps: [])
        s.apply = apply
        #expect(!apply.bindings(s).contains { $0.key.help == "sign with lab CA" })
        #expect(apply.bindings(s).contains { $0.key.keys.contains(.enter) && $0.key.help == "resume" })
        var clock = LabClockScreen()
        _ = clock.update(.apply, s)
        #expect(clock.error?.contains("real servers") == true)
    }
}
