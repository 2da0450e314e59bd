import Deployment
import Foundation
import Lab
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

@Suite("Step 2: a certificate's basename, CN and SANs edited, checked, previewed and saved in the deployment file")
struct Step2EditTests {
    /// Step 2 on `f`, the row of `basename` made on `node` selected, the editor open.
    func edit(_ f: WizardFixture, _ basename: String, on node: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        f.open(.step2)
        await f.settle()  // Step 5's plan, made from what the nodes hold
        let plan = try #require(try f.state.planView?.plan(f.state).get(), sourceLocation: sourceLocation)
        let rows = PlanViewState.csrRows(plan)
        let index = try #require(rows.firstIndex { $0.basename == basename && $0.made == node }, sourceLocation: sourceLocation)
        for _ in 0..<index { f.press(.down) }
        f.press(.enter)
        #expect(f.state.planView?.editor?.request.basename == basename, sourceLocation: sourceLocation)
    }

    func replace(_ f: WizardFixture, row: Int, with text: String) {
        while f.state.planView?.editor?.focus != row { f.press(.tab) }
        f.press(.ctrl("u"))
        f.type(text)
    }

    @Test(.timeLimit(.minutes(10))) func aRenamedCertificateWithAnotherSANIsSavedPlannedAndRunOnTheLab() async throws {
        let f = try WizardFixture()
        f.runtime.timeout = 300
        try await edit(f, "callbridge", on: "cms1")
        replace(f, row: 0, with: "cms1-cb")
        f.press(.tab, .tab)
        f.press(.end)
        f.type(",meet.lab.example.com")
        #expect(f.state.unsavedWork.contains { $0.contains("Step 2 edit of callbridge") }, "q would ask first")
        let line = try #require(f.state.planView?.editor?.previewLine)
        #expect(line.hasPrefix("On cms1: pki csr cms1-cb CN:cms1.lab.example.com subjectAltName:"))
        #expect(line.hasSuffix(",meet.lab.example.com"), "the preview is the line the plan will type: \(line)")
        #expect(f.screenText.contains("pki csr cms1-cb"))
        f.snapshot("step2-editor")

        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .review)
        #expect(f.screenText.contains("basename: cms1-cb"))
        #expect(f.screenText.contains("- meet.lab.example.com"))
        f.press(.char("y"))
        await f.settle()
        f.press(.enter)
        #expect(f.state.screen == .step2, "back on Step 2, on the new file's plan")
        #expect(f.screenText.contains("cms1-cb ✎"))
        let saved = try DeploymentFile.load(yaml: String(contentsOfFile: f.folder + "/lab/deployment.yaml", encoding: .utf8))
        let override = try #require(saved.nodes[0].certificates[.callbridge])
        #expect(override.basename == "cms1-cb" && override.commonName == nil, "the CN typed as the strategy gives it is not written")
        #expect(override.sans?.last == "meet.lab.example.com")
        let plan = try Planner.plan(saved, flow: .fresh)
        #expect(plan.steps.contains { $0.node == "cms1" && $0.command.hasPrefix("callbridge certs cms1-cb.key cms1-cb.crt") })

        // Step 5 runs it: the node ends up with the renamed key and a certificate with the new SAN.
        f.press(.char("5"))
        await f.settle()
        let files = try #require(try await f.runSigningWhatItWaitsFor())
        #expect(files.contains("cms1/cms1-cb.crt"))
        try f.expectEveryServiceRunning()
        let lab = try Lab(directory: f.folder + "/lab")
        let cert = lab.nodeDirectory("cms1") + "/cms1-cb.crt"
        let judge = TestSupport.openssl(["verify", "-CAfile", lab.nodeDirectory("cms1") + "/ca-bundle.crt", cert])
        #expect(judge.status == 0, "\(judge.output)")
        let text = TestSupport.openssl(["x509", "-in", cert, "-noout", "-ext", "subjectAltName"])
        #expect(text.output.contains("DNS:meet.lab.example.com"), "\(text.output)")
        let status = try lab.run("callbridge", on: "cms1", answer: nil).text
        #expect(status.contains("cms1-cb.crt"), "\(status)")
    }

    @Test func badNamesAreShownAtTheirRowAndNothingIsSaved() async throws {
        let f = try WizardFixture()
        try await edit(f, "callbridge", on: "cms1")
        replace(f, row: 0, with: "dbca")
        #expect(f.state.planView?.editor?.problems.rows[0]?.contains("database") == true)
        replace(f, row: 0, with: "webadmin")
        let clash = try #require(f.state.planView?.editor?.problems.rows[0])
        #expect(clash.contains("overwrite") || clash.contains("webadmin"), "\(clash)")
        replace(f, row: 0, with: "cms1-cb")
        replace(f, row: 2, with: "cms1.lab.example.com,bad name")
        #expect(f.state.planView?.editor?.problems.rows[2] != nil)
        replace(f, row: 1, with: "")
        #expect(f.state.planView?.editor?.problems.rows[1]?.contains("required") == true)
        f.press(.f(10))
        await f.settle()
        #expect(f.state.screen == .step2, "refused: nothing to review")
        #expect(f.state.planView?.editor?.focus == 1, "the focus goes to the first bad row")
        #expect(f.state.planView?.editor?.submitError?.contains("CN") == true)
        f.snapshot("step2-editor-errors")

        // F5: back to what the strategy gives; then nothing is left to save.
        f.press(.f(5))
        #expect(f.state.planView?.editor?.isDirty == false)
        #expect(f.state.planView?.editor?.problems.rows.isEmpty == true)
        f.press(.f(10))
        #expect(f.state.planView?.editor?.submitError?.contains("nothing changed") == true)
        f.press(.esc)
        #expect(f.state.planView?.editor == nil && f.state.screen == .step2)
        #expect(!FileManager.default.fileExists(atPath: f.folder + "/lab/deployment.yaml.previous"), "nothing was written")
    }

    @Test func whereKeysAreMadeIsChosenHereForEveryCertificate() async throws {
        let f = try WizardFixture()
        try await edit(f, "webadmin", on: "cms1")
        while f.state.planView?.editor?.focus != CertificateEditor.keysRow { f.press(.tab) }
        f.press(.right)
        #expect(f.state.planView?.editor?.keys == .local)
        #expect(f.state.planView?.editor?.previewLine?.hasPrefix("Here: pki csr webadmin") == true, "made here: \(String(describing: f.state.planView?.editor?.previewLine))")
        f.press(.f(10))
        await f.settle()
        #expect(f.screenText.contains("- keys: node") && f.screenText.contains("+ keys: local"))
        f.press(.char("y"))
        await f.settle()
        #expect(f.state.context.apply?.deployment.keys == .local)
    }

    @Test func theSharedCertificatesNamesAreTheFilesTopLevelKeys() async throws {
        let text = WizardFixture.twoNodes(strategy: "sanCertificate")
        let f = try WizardFixture(context: { folder in
            TestSupport.write(text, to: folder + "/deployment.yaml")
            return WizardContext.deployment(path: folder + "/deployment.yaml", text: text, currentDirectory: folder, connections: .wired)
        })
        try await edit(f, "cms", on: "cms1")
        #expect(f.state.planView?.editor?.isShared == true)
        replace(f, row: 1, with: "meet.example.com")
        replace(f, row: 2, with: "meet.example.com,cms1.example.com,cms2.example.com,video.example.com")
        f.press(.f(10))
        await f.settle()
        f.press(.char("y"))
        await f.settle()
        let saved = try DeploymentFile.load(yaml: String(contentsOfFile: f.folder + "/deployment.yaml", encoding: .utf8))
        #expect(saved.clusterFQDN == "meet.example.com")
        #expect(saved.sans == ["meet.example.com", "cms1.example.com", "cms2.example.com", "video.example.com"])
        #expect(saved.nodes.allSatisfy { $0.certificates.isEmpty })
        let request = try #require(try Planner.certificateRequests(saved).first)
        #expect(request.spec.subject.commonName == "meet.example.com" && request.overridden)
    }

    /// A value the file states, typed the same, stays as the file says it: opening the
    /// editor on a file that spells out the strategy's own names changes nothing.
    @Test func namesTheFileSpellsOutAreKeptAsTheFileSaysThem() throws {
        var d = try DeploymentFile.load(yaml: WizardFixture.twoNodes(strategy: "sanCertificate"))
        d.clusterFQDN = "cms1.example.com"  // what the strategy gives anyway
        let request = try #require(try Planner.certificateRequests(d).first)
        var editor = CertificateEditor(base: d, request: request)
        #expect(!editor.isDirty && editor.edited == d)
        #expect(editor.strategyDefault?.spec.subject.commonName == "cms1.example.com")
        editor.fields[1] = TextFieldState("meet.example.com")
        #expect(editor.edited.clusterFQDN == "meet.example.com")
        editor.resetToStrategy()
        #expect(editor.edited.clusterFQDN == "cms1.example.com" && !editor.isDirty)
    }

    @Test func theWildcardsCNIsTheDomainsAndCannotBeTypedOver() async throws {
        let text = WizardFixture.twoNodes(strategy: "wildcard")
        let f = try WizardFixture(context: { folder in
            WizardContext.deployment(path: folder + "/deployment.yaml", text: text, currentDirectory: folder, connections: .wired)
        })
        try await edit(f, "cms", on: "cms1")
        f.press(.tab)
        f.type("x")
        #expect(f.state.planView?.editor?.fields[1].text == "*.example.com")
        #expect(f.screenText.contains("wildcard of the domain"))
    }
}
