import Deployment
import Foundation
import Lab
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

@Suite("The deployment screen: open, create and edit the deployment file through the review")
struct DeploymentFormTests {
    /// A wizard over a deployment file at `<folder>/cwd/deployment.yaml` with `text`, or
    /// none (the lab) when nil; the current folder is `<folder>/cwd`.
    func fixture(text: String? = nil) throws -> WizardFixture {
        try WizardFixture(context: { folder in
            let cwd = folder + "/cwd"
            try? FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)
            guard let text else { return try WizardContext.lab(directory: folder + "/lab", currentDirectory: cwd) }
            TestSupport.write(text, to: cwd + "/deployment.yaml")
            return WizardContext.deployment(path: cwd + "/deployment.yaml", text: text, currentDirectory: cwd, connections: .wired)
        })
    }

    /// Moves the focus to `field` with ↓.
    func focus(_ f: WizardFixture, _ field: DeploymentForm.Field, sourceLocation: SourceLocation = #_sourceLocation) {
        for _ in 0..<200 where f.state.deploymentForm?.focusedField != field { f.press(.down) }
        #expect(f.state.deploymentForm?.focusedField == field, sourceLocation: sourceLocation)
    }

    /// Types into the focused field after clearing it.
    func replace(_ f: WizardFixture, with text: String) {
        f.press(.ctrl("u"))
        f.type(text)
    }

    static let twoNodes = WizardFixture.twoNodes()

    @Test func theLabsFileIsEditedTheLabsNodesStayAndTheReviewShowsWhatChanges() async throws {
        let f = try fixture()
        f.open(.deployment)
        #expect(f.state.screen == .deployment)
        let form = try #require(f.state.deploymentForm)
        #expect(form.isLab && form.focusedField == .domain, "the lab's release is fixed: the focus starts on the first field that is not")
        f.snapshot("deployment-lab")

        // The lab's nodes cannot be changed here.
        focus(f, .node(0, .fqdn))
        f.type("x")
        #expect(f.state.deploymentForm?.nodes[0].texts[.fqdn]?.text == "cms1.lab.example.com")
        #expect(f.screenText.contains("Fixed by the lab"))
        f.press(.f(8))
        #expect(f.state.deploymentForm?.nodes.count == 3)
        #expect(f.state.deploymentForm?.submitError?.contains("lab init --nodes") == true)

        // One SAN certificate, and an O in every CSR.
        focus(f, .strategy)
        f.press(.right)
        #expect(f.state.deploymentForm?.strategy == .sanCertificate)
        focus(f, .o)
        f.type("Example Inc.")
        #expect(f.state.unsavedWork.contains { $0.contains("deployment form") }, "a changed form is work q would lose")
        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .review)
        let review = try #require(f.state.review)
        #expect(review.operation.writes.map(\.path) == [f.folder + "/lab/deployment.yaml"])
        #expect(review.operation.writes.first?.replaces == true)
        #expect(f.screenText.contains("- strategy: perService"))
        #expect(f.screenText.contains("+ strategy: sanCertificate"))
        #expect(f.screenText.contains("o: Example Inc."))
        let before = try String(contentsOfFile: f.folder + "/lab/deployment.yaml", encoding: .utf8)
        f.snapshot("deployment-review")
        let reviewed = f.lines

        f.press(.char("y"))
        await f.settle()
        guard case .done? = f.state.review?.phase else {
            Issue.record("the file is written: \(f.screenText)")
            return
        }
        WizardFixture.expectShownDigests(reviewed, match: [f.folder + "/lab/deployment.yaml"])
        let written = try String(contentsOfFile: f.folder + "/lab/deployment.yaml", encoding: .utf8)
        let loaded = try DeploymentFile.load(yaml: written)
        #expect(loaded.strategy == .sanCertificate && loaded.subject.organization == "Example Inc.")
        #expect(loaded.lab == f.folder + "/lab", "what the form does not show (lab:) is kept")
        #expect(try String(contentsOfFile: f.folder + "/lab/deployment.yaml.previous", encoding: .utf8) == before, "the old file is kept")
        #expect(f.state.context.apply?.deployment == loaded, "Step 5 plans from the file written")
        #expect(f.state.deploymentForm?.isDirty == false)

        // A wizard started again reads the lab's file too.
        let again = try WizardContext.lab(directory: f.folder + "/lab")
        #expect(again.apply?.deployment == loaded && again.notice == nil)
        // And Step 2 lists the one shared CSR.
        f.press(.enter)
        #expect(f.state.screen == .deployment, "Enter goes back to the form, over the file written")
        f.press(.esc)
        f.open(.step2)
        await f.settle()
        let rows = try PlanViewState.csrRows(#require(try f.state.planView?.plan(f.state).get()))
        #expect(rows.map(\.basename) == ["cms"], "one SAN certificate for the cluster")
        #expect(rows.first?.command.contains("O:\"Example Inc.\"") == true || rows.first?.command.contains("O:Example") == true, "\(rows)")
    }

    @Test func aNewFileIsCheckedAtEachFieldThenWrittenAndOpened() async throws {
        let f = try fixture()
        f.open(.deployment)
        f.press(.f(2))
        var form = try #require(f.state.deploymentForm)
        #expect(!form.isLab && form.base == nil)
        #expect(form.path == f.folder + "/cwd/deployment.yaml", "a new file goes to the folder cmscerts was started in")
        #expect(form.focusedField == .cmsVersion)

        // F10 on the empty form: refused, each problem at its field.
        f.press(.f(10))
        form = try #require(f.state.deploymentForm)
        #expect(f.state.screen == .deployment)
        #expect(form.submitError?.contains("have problems") == true)
        let errors = form.checked.errors
        #expect(errors[.cmsVersion]?.contains("required") == true)
        #expect(errors[.domain]?.contains("required") == true)
        #expect(errors[.node(0, .fqdn)]?.contains("required") == true)
        #expect(errors[.node(0, .services)]?.contains("no service") == true, "\(errors)")
        #expect(form.focusedField == .cmsVersion, "the focus goes to the first bad field")
        f.snapshot("deployment-new-errors")

        f.type("4.1")
        #expect(f.state.deploymentForm?.checked.errors[.cmsVersion]?.contains("not supported") == true)
        replace(f, with: "3.8")
        #expect(f.state.deploymentForm?.checked.errors[.cmsVersion] == nil)
        focus(f, .domain)
        f.type("example.com")
        focus(f, .node(0, .fqdn))
        f.type("cms1 .example.com")
        #expect(f.screenText.contains("✗"), "a bad FQDN is shown at its field")
        #expect(f.state.deploymentForm?.checked.errors[.node(0, .fqdn)]?.contains("not a valid FQDN") == true)
        replace(f, with: "cms1.example.com")
        focus(f, .node(0, .address))
        f.type("10.0.0.11")
        focus(f, .node(0, .services))
        #expect(f.state.deploymentForm?.offeredServices.contains(.xmpp) == false, "3.8 offers no XMPP")
        f.press(.char(" "), .right, .char(" "))
        #expect(f.state.deploymentForm?.nodes[0].services == [.webadmin, .callbridge])
        focus(f, .node(0, .database))
        f.press(.right)
        #expect(f.state.deploymentForm?.nodes[0].role == .primary)

        // A second node made primary too: refused at its role.
        focus(f, .addNode)
        f.press(.enter)
        #expect(f.state.deploymentForm?.nodes.count == 2)
        #expect(f.state.deploymentForm?.focusedField == .node(1, .fqdn))
        f.type("cms2.example.com")
        focus(f, .node(1, .address))
        f.type("10.0.0.12")
        focus(f, .node(1, .services))
        f.press(.right, .char(" "))
        focus(f, .node(1, .database))
        f.press(.right)
        let twoPrimaries = try #require(f.state.deploymentForm?.checked.errors[.node(1, .database)])
        #expect(twoPrimaries.contains("second primary"))
        // Joined: two database nodes, which a cluster cannot have.
        f.press(.right)
        #expect(f.state.deploymentForm?.nodes[1].role == .joined)
        #expect(f.state.deploymentForm?.checked.errors[.addNode]?.contains("1 or 3") == true)
        f.press(.right)
        #expect(f.state.deploymentForm?.nodes[1].role == .connected)
        #expect(f.state.deploymentForm?.checked.errors.isEmpty == true, "\(String(describing: f.state.deploymentForm?.checked.errors))")

        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .review)
        #expect(f.state.review?.operation.writes.first?.replaces == false)
        #expect(f.screenText.contains("What the new file holds:") && f.screenText.contains("domain: example.com"), "a new file is shown")
        #expect(f.state.review?.operation.notes.contains { $0.contains("fqdn: cms2.example.com") } == true, "whole: the rest scrolls into view")
        f.press(.char("y"))
        await f.settle()
        let path = f.folder + "/cwd/deployment.yaml"
        let loaded = try DeploymentFile.load(yaml: try String(contentsOfFile: path, encoding: .utf8))
        #expect(loaded.nodes.map(\.name) == ["cms1", "cms2"])
        #expect(loaded.nodes.map(\.database) == [.primary, .connected])
        #expect(loaded.nodes[0].ssh == SSHTarget(host: "cms1.example.com"), "SSH left empty takes the defaults")
        guard case .deployment(let opened, let estate) = f.state.context.source else {
            Issue.record("the wizard works on the new file: \(f.state.context.source)")
            return
        }
        #expect(opened == path && estate.nodes.count == 2)
        #expect(f.state.context.apply?.deployment == loaded)
        f.press(.enter)
        #expect(f.state.screen == .deployment, "Enter goes back to the form, over the file written")
        f.press(.esc)
        #expect(f.screenText.contains("Deployment deployment.yaml: CMS 3.8, 2 nodes"))
    }

    @Test func aFileIsEditedAndRemovingANodeOrUnsavedNewOnesIsGuarded() async throws {
        let f = try fixture(text: Self.twoNodes)
        f.open(.deployment)
        var form = try #require(f.state.deploymentForm)
        #expect(!form.isLab && form.nodes.count == 2 && form.focusedField == .cmsVersion)
        #expect(form.checked.errors.isEmpty && form.checked.deployment == f.context.apply?.deployment,
                "the form reads back exactly the file's value")

        focus(f, .node(1, .name))
        f.press(.f(8))
        #expect(f.state.deploymentForm?.nodes.count == 1)
        f.press(.f(2))
        #expect(f.state.deploymentForm?.submitError?.contains("not saved") == true, "F2 does not drop changes")
        f.press(.f(3))
        #expect(f.state.deploymentForm?.openPrompt == nil, "nor does F3")
        f.press(.f(5))
        form = try #require(f.state.deploymentForm)
        #expect(form.nodes.count == 2 && !form.isDirty, "F5 drops the changes")
        focus(f, .node(0, .name))
        f.press(.f(8))
        f.press(.f(8))
        #expect(f.state.deploymentForm?.submitError?.contains("at least one node") == true)

        f.press(.f(10))
        await f.settle()
        f.press(.char("y"))
        await f.settle()
        let path = f.folder + "/cwd/deployment.yaml"
        let loaded = try DeploymentFile.load(yaml: try String(contentsOfFile: path, encoding: .utf8))
        #expect(loaded.nodes.map(\.name) == ["cms2"])
        #expect(try String(contentsOfFile: path + ".previous", encoding: .utf8) == Self.twoNodes)
        #expect(f.state.context.estate?.nodes.map(\.name) == ["cms2"])
    }

    @Test func openingAFileSwitchesTheEstateAndAMissingOneSaysWhy() async throws {
        let f = try fixture()
        TestSupport.write(Self.twoNodes, to: f.folder + "/cwd/other.yaml")
        TestSupport.write("version: 1\ncms_version: \"3.8\"\n", to: f.folder + "/cwd/broken.yaml")
        f.open(.deployment)
        f.press(.f(3))
        #expect(f.state.deploymentForm?.openPrompt != nil)
        f.press(.ctrl("u"))
        f.type("missing.yaml")
        f.press(.enter)
        await f.settle()
        #expect(f.state.deploymentForm?.submitError?.contains("does not exist") == true)
        #expect(f.screenText.contains("does not exist"))

        f.press(.ctrl("u"))
        f.type("broken.yaml")
        f.press(.enter)
        await f.settle()
        guard case .brokenDeployment(_, let problem) = f.state.context.source else {
            Issue.record("a file that cannot be used is opened as such: \(f.state.context.source)")
            return
        }
        #expect(problem.contains("domain"))
        #expect(f.state.deploymentForm?.loadProblem != nil && f.state.deploymentForm?.base == nil, "the form starts anew over it")
        #expect(f.screenText.contains("cannot be read"))

        f.press(.f(3))
        f.press(.ctrl("u"))
        f.type("other.yaml")
        f.press(.enter)
        await f.settle()
        guard case .deployment(let path, let estate) = f.state.context.source else {
            Issue.record("the file opened is the estate: \(f.state.context.source)")
            return
        }
        #expect(path == f.folder + "/cwd/other.yaml" && estate.nodes.map(\.name) == ["cms1", "cms2"])
        #expect(f.state.deploymentForm?.nodes.count == 2 && f.state.deploymentForm?.path == path)
        #expect(f.state.context.apply?.workspace == f.folder + "/cwd", "Step 5 works beside the file opened")
    }

    @Test func aLabFileThatCannotBeUsedIsSaidAndTheLabsOwnNodesArePlanned() throws {
        let folder = TestSupport.temporaryDirectory("wizlab")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try WizardContext.lab(directory: folder + "/lab")
        TestSupport.write("version: 1\n", to: folder + "/lab/deployment.yaml.new")
        try FileManager.default.removeItem(atPath: folder + "/lab/deployment.yaml")
        try FileManager.default.moveItem(atPath: folder + "/lab/deployment.yaml.new", toPath: folder + "/lab/deployment.yaml")
        let context = try WizardContext.lab(directory: folder + "/lab")
        #expect(context.notice?.contains("cannot be used") == true)
        #expect(context.apply?.deployment.nodes.count == 3, "the lab's own nodes")
        let catalog = ThemeCatalog(folders: [repositoryThemes])
        let state = WizardState(context: context, theme: .builtInDefault, themeCatalog: catalog, themes: catalog.available(), noColor: false)
        let runtime = HeadlessRuntime(WizardApp(), state: state, size: Size(width: 120, height: 40))
        #expect(runtime.lines.joined(separator: "\n").contains("cannot be used"), "home says so")
    }

    /// The edit reaches the nodes: the lab switched to one SAN certificate in the form,
    /// Step 5 plans and runs that, and every node ends up serving the one certificate.
    @Test(.timeLimit(.minutes(10))) func aStrategyChangedHereIsWhatStep5RunsOnTheLab() async throws {
        let f = try fixture()
        f.runtime.timeout = 300
        f.open(.deployment)
        focus(f, .strategy)
        f.press(.right)
        f.press(.f(10))
        await f.settle()
        f.press(.char("y"))
        await f.settle()
        f.press(.enter)
        #expect(f.state.screen == .deployment, "Enter goes back to the form, over the file written")
        f.press(.esc)
        f.open(.step5)
        await f.settle()
        let plan = try #require(try f.state.apply?.plan.get())
        #expect(plan.steps.contains { $0.command.hasPrefix("pki csr cms ") }, "the shared certificate's CSR is planned")
        let files = try #require(try await f.runSigningWhatItWaitsFor())
        #expect(Set(files) == ["ca-bundle.crt", "cms.crt"])
        try f.expectEveryServiceRunning()
        let lab = try Lab(directory: f.folder + "/lab")
        for node in ["cms1", "cms2", "cms3"] {
            let judge = TestSupport.openssl(["verify", "-CAfile", lab.nodeDirectory(node) + "/ca-bundle.crt", lab.nodeDirectory(node) + "/cms.crt"])
            #expect(judge.status == 0, "\(node): \(judge.output)")
        }
    }

    /// SSH user and port: what is typed is written, empty leaves them to ~/.ssh/config
    /// (nothing in the file, nothing passed to ssh); a user the file sets is shown as set.
    /// At 80x24 the form is longer than the screen: walking every field down and back
    /// up, and paging, the focused field's row is always among the rows drawn (the keys
    /// scroll by the same layout the view draws with).
    @Test func theFocusedFieldIsAlwaysOnScreen() throws {
        let f = try WizardFixture(context: { folder in
            let cwd = folder + "/cwd"
            try? FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)
            TestSupport.write(Self.twoNodes, to: cwd + "/deployment.yaml")
            return WizardContext.deployment(path: cwd + "/deployment.yaml", text: Self.twoNodes, currentDirectory: cwd, connections: .wired)
        }, size: Size(width: 80, height: 24))
        f.open(.deployment)
        let form = try #require(f.state.deploymentForm)
        #expect(form.rows.count > 24, "the form must be longer than the screen for this test to mean anything")
        func focusedIsShown(_ step: String) {
            guard let field = f.state.deploymentForm?.focusedField else { Issue.record("no form"); return }
            let label = "  " + DeploymentForm.label(field)
            #expect(f.screenText.split(separator: "\n").contains { $0.hasPrefix(label) || $0.contains(label) },
                    "\(step): \(field) (\(label)) is not on screen:\n\(f.screenText)")
        }
        let count = form.focusable.count
        for i in 0..<count { f.press(.down); focusedIsShown("down \(i)") }
        for i in 0..<count { f.press(.up); focusedIsShown("up \(i)") }
        for i in 0..<6 { f.press(.pageDown); focusedIsShown("page down \(i)") }
        for i in 0..<6 { f.press(.pageUp); focusedIsShown("page up \(i)") }
    }

    @Test func sshUserAndPortAreWrittenAsTypedAndMayBeLeftEmpty() throws {
        let d = try DeploymentFile.load(yaml: """
            version: 1
            cms_version: "3.8"
            domain: example.com
            nodes:
              - {name: cms1, fqdn: cms1.example.com, address: 10.0.0.11, ssh: {user: admin, port: 22}, services: [webadmin], database: primary}
              - {name: cms2, fqdn: cms2.example.com, address: 10.0.0.12, ssh: {host: cms2-lab}, services: [webadmin], database: none}

            """)
        var form = DeploymentForm(deployment: d, path: "/tmp/deployment.yaml")
        #expect(form.nodes[0].text(.sshUser) == "admin" && form.nodes[0].text(.sshPort) == "22", "set in the file: shown, even at the old defaults")
        #expect(form.nodes[1].text(.sshUser).isEmpty && form.nodes[1].text(.sshPort).isEmpty)
        #expect(form.checked.deployment == d, "the form reads back exactly the file's value")
        #expect(form.placeholder(.node(1, .sshPort)).contains("~/.ssh/config"))

        form.set(.node(0, .sshUser), TextFieldState(""))
        form.set(.node(0, .sshPort), TextFieldState(""))
        form.set(.node(1, .sshUser), TextFieldState("ops"))
        form.set(.node(1, .sshPort), TextFieldState("2222"))
        let checked = form.checked
        #expect(checked.errors.isEmpty, "\(checked.errors)")
        #expect(checked.deployment.nodes[0].ssh == SSHTarget(host: "cms1.example.com"))
        #expect(checked.deployment.nodes[1].ssh == SSHTarget(host: "cms2-lab", user: "ops", port: 2222))
        #expect(!DeploymentFile.yaml(for: checked.deployment).contains("user: admin"))

        form.set(.node(1, .sshPort), TextFieldState("twenty-two"))
        form.set(.node(1, .sshUser), TextFieldState("-oProxyCommand=x"))
        let bad = form.checked
        #expect(bad.errors[.node(1, .sshPort)]?.contains("~/.ssh/config") == true, "\(bad.errors)")
        #expect(bad.errors[.node(1, .sshUser)]?.contains("begins with '-'") == true, "\(bad.errors)")
    }
}
