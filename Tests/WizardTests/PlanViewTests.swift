import Deployment
import Foundation
import TerminalUI
import Testing
@testable import Wizard

@Suite("Steps 2 and 3: the plan's CSRs per service and the database sequence")
struct PlanViewTests {
    @Test func step2ListsEveryCSRThePlanMakesWithItsCommandAndServices() async throws {
        let f = try WizardFixture()
        f.open(.step2)
        #expect(f.state.screen == .step2)
        #expect(f.state.apply?.needsNodeState == true, "Step 2 shows Step 5's plan, made from what the nodes hold")
        #expect(f.lines.contains { $0.contains("Planned without the nodes' state") }, "until they are read, it says so")
        await f.settle()
        #expect(f.lines.contains { $0.contains("Read from the plan Step 5 runs") })
        let target = try #require(f.context.apply)
        let plan = try Planner.plan(target.deployment, flow: .fresh)
        let rows = PlanViewState.csrRows(plan)
        let csrSteps = plan.steps.filter { step in
            if case .makeKeyAndCSR? = step.local { return true }
            return step.articleStep == 2 && step.kind == .mmp && step.command.hasPrefix("pki csr ")
        }
        #expect(rows.count == csrSteps.count && !rows.isEmpty, "one row per CSR step of the plan")
        #expect(rows.map(\.command) == csrSteps.map(\.command))
        let webadmin = try #require(rows.first { $0.made == "cms1" && $0.basename == "webadmin" })
        #expect(webadmin.commonName == "cms1.lab.example.com")
        #expect(webadmin.usedBy == "cms1 webadmin", "the key on cms1 serves cms1's web admin only")
        #expect(f.screenText.contains("\(rows.count) CSRs"))
        #expect(f.screenText.contains(rows[0].command.prefix(40)))
        f.snapshot("step2")
        f.press(.down)
        #expect(f.screenText.contains(rows[1].command.prefix(40)), "the selected row's command is shown")
        f.press(.char("5"))
        #expect(f.state.screen == .apply)
        // Step 5 plans from what the nodes hold (read first); on a new lab that is the same plan.
        await f.settle()
        let current = try #require(f.state.apply?.current)
        #expect(try f.state.apply?.plan.get().steps == plan.steps, "5 opens Step 5 on the same steps")
        #expect(try f.state.apply?.plan.get() == Planner.plan(target.deployment, flow: .fresh, current: current))
    }

    @Test func step3DrawsTheDatabaseSequenceInThePlansOrder() async throws {
        let f = try WizardFixture()
        f.open(.step3)
        await f.settle()
        #expect(f.state.screen == .step3)
        let target = try #require(f.context.apply)
        let plan = try Planner.plan(target.deployment, flow: .fresh)
        let steps = plan.steps.filter { $0.articleStep == 3 }
        #expect(f.screenText.contains("\(steps.count) steps in the plan's order"))
        #expect(f.screenText.contains(steps[0].command))
        #expect(f.screenText.contains("cms1 primary (the built-in CA) · cms2 joined · cms3 joined"), "the nodes and their roles")
        // Each step is a mark in its node's lane: the first three are one per node.
        let marks = f.lines.filter { $0.contains("backup snapshot") }.map { line in line.prefix(16).map { $0 == "●" ? "x" : "" }.joined() }
        #expect(marks.count == 3 && marks.allSatisfy { $0 == "x" })
        #expect(Set(f.lines.filter { $0.contains("backup snapshot") }.map { $0.prefix(16) }).count == 3, "the three marks are in three lanes")
        f.snapshot("step3")
        // Scrolled to the end, the last step shows.
        f.press(.pageDown, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown)
        #expect(f.screenText.contains(steps.last!.command.prefix(40)))
        f.press(.esc)
        #expect(f.state.screen == .home)
    }
}
