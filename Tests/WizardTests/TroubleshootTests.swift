import Deployment
import Foundation
import Orchestration
import TerminalUI
import Testing
@testable import Wizard

@Suite("Troubleshooting: the article's flows as plans through the Step 5 review")
struct TroubleshootTests {
    @Test func eachSituationOpensItsPlanInTheStep5ReviewAndEscComesBack() async throws {
        let f = try WizardFixture()
        f.open(.troubleshoot)
        #expect(f.state.screen == .troubleshoot)
        #expect(f.screenText.contains("SAME file name"))
        f.snapshot("troubleshoot")
        let target = try #require(f.context.apply)
        for (i, flow) in TroubleshootView.flows.enumerated() {
            f.press(.home)
            for _ in 0..<i { f.press(.down) }
            f.press(.enter)
            #expect(f.state.screen == .apply)
            // The renewals first read what the nodes hold (off the input loop), then plan.
            await f.settle()
            let apply = try #require(f.state.apply)
            #expect(apply.needsNodeState == false, "\(flow): the nodes' state was read")
            #expect(apply.flow == flow)
            #expect(apply.origin == .troubleshoot)
            // The planner's own answer for the flow, from the state the wizard read: its plan,
            // or its refusal in its words (on a lab where nothing is deployed yet, the
            // renewals have nothing to renew).
            do {
                let plan = try Planner.plan(target.deployment, flow: flow, current: apply.current ?? .empty)
                #expect(try apply.plan.get() == plan, "the planner's own plan for \(flow)")
            } catch {
                guard case .failure(let failure) = apply.plan else {
                    Issue.record("the planner refused \(flow) but the screen has a plan")
                    continue
                }
                #expect(failure.message == "\(error)")
                #expect(f.screenText.contains("No plan for this procedure:"))
                #expect(f.screenText.contains("has no certificate configured now"), "the nodes were read: the refusal says what they hold, not to read them")
                #expect(!f.lines.last!.contains("y/F10"), "no run is offered without a plan")
                f.press(.char("y"))
                #expect(f.state.apply?.phase == .review, "y runs nothing without a plan")
            }
            #expect(f.screenText.contains("Procedure ◀ \(flow.rawValue) ▶"))
            if flow == .renew { f.snapshot("troubleshoot-renew-refused") }
            if flow == .renewNewNames { f.snapshot("troubleshoot-renew-new-names") }
            f.press(.esc)
            #expect(f.state.screen == .troubleshoot, "Esc on the review goes back to troubleshooting")
            #expect(f.state.apply == nil)
        }
        #expect(!FileManager.default.fileExists(atPath: Journal.stateDirectory(forDeploymentFile: target.deploymentPath)), "nothing ran")
        f.press(.esc)
        #expect(f.state.screen == .home)
    }

    @Test func withoutADeploymentThereIsNothingToPlan() throws {
        let f = try WizardFixture(context: { folder in
            WizardContext(source: .brokenDeployment(path: folder + "/deployment.yaml", problem: "test"),
                          workspaceDirectory: folder, workspaceLabel: "the current folder")
        })
        let items = HomeView.items(f.state)
        let fix = try #require(HomeView.Entry.allCases.firstIndex(of: .troubleshoot))
        let step5 = try #require(HomeView.Entry.allCases.firstIndex(of: .step5))
        #expect(!items[fix].enabled && !items[step5].enabled)
        #expect(items[step5].detail == "needs a valid deployment")
        f.press(.down)
        #expect(HomeView.Entry.allCases[f.state.home.selected] == .step4, "Steps 2 and 3 need the deployment: ↓ skips them")
        f.press(.down)
        #expect(HomeView.Entry.allCases[f.state.home.selected] == .bundles, "Step 5 and Fix too")
    }
}
