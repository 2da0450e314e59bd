import Deployment
import Foundation
import Orchestration
import TerminalUI
import Testing
@testable import Wizard
@testable import cmscerts

@Suite("Troubleshooting: the article's flows as plans through the Step 5 review")
struct TroubleshootTests {
    @Test func eachSituationOpensItsPlanInTheStep5ReviewAndEscComesBack() async throws {
        let f = try WizardFixture()
        f.open(.troubleshoot)
        #expect(f.state.screen == .troubleshoot)
        #expect(f.screenText.contains("SAME file name"))
        await f.settle()  // the nodes read, each flow planned: what its plan does is shown
        f.snapshot("troubleshoot")
        let target = try #require(f.context.apply)
        for (i, flow) in TroubleshootScreen.flows.enumerated() {
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
            // What each flow must show on a lab where nothing is deployed yet: the renewals
            // are refused (there is nothing in use to renew), in the planner's words about what
            // the nodes hold; the expired-database flow plans the cluster made again.
            switch flow {
            case .renew, .renewNewNames:
                guard case .failure(let failure) = apply.plan else {
                    Issue.record("\(flow) on an estate with nothing deployed is refused, but the screen has a plan\n\(f.screenText)")
                    continue
                }
                #expect(failure.message.contains("webadmin on cms1 has no certificate configured now, so \(flow.rawValue) has nothing to keep or replace there"))
                #expect(f.screenText.contains("No plan for this procedure:"))
                #expect(f.screenText.contains("has no certificate configured now"), "the nodes were read: the refusal says what they hold, not to read them")
                #expect(f.lines.last == "←→ procedure  ↑↓ scroll  Esc back  F1/? help  q quit", "no run is offered without a plan")
                f.press(.char("y"))
                #expect(f.state.apply?.phase == .review, "y runs nothing without a plan")
            case .renewDatabase:
                guard case .success(let plan) = apply.plan else {
                    Issue.record("renew-database plans the cluster made again: \(apply.plan)\n\(f.screenText)")
                    continue
                }
                let commands = plan.steps.map(\.command)
                #expect(commands.filter { $0 == "database cluster remove" }.count == 3, "every member leaves the cluster: \(commands)")
                #expect(plan.steps.contains { $0.command == "database cluster initialize" && $0.node == "cms1" }, "the cluster is made again on the primary: \(commands)")
                #expect(f.screenText.contains("database remove"), "the summary says the cluster is removed: \(f.screenText)")
                #expect(f.lines.last?.hasPrefix("y/F10 run") == true, "a plan is offered to run: \(f.lines.last ?? "")")
            case .fresh:
                Issue.record("fresh is not a troubleshooting flow")
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
                          currentDirectory: folder)
        })
        let items = HomeScreen.items(f.state)
        let fix = try #require(HomeScreen.Entry.allCases.firstIndex(of: .troubleshoot))
        let step5 = try #require(HomeScreen.Entry.allCases.firstIndex(of: .step5))
        #expect(!items[fix].enabled && !items[step5].enabled)
        #expect(items[step5].detail == "needs a valid deployment")
        f.press(.down)
        #expect(HomeScreen.Entry.allCases[f.state.home.menu.selected] == .step4, "Steps 2 and 3 need the deployment: ↓ skips them")
        f.press(.down)
        #expect(HomeScreen.Entry.allCases[f.state.home.menu.selected] == .bundles, "Step 5 and Fix too")
    }
}
