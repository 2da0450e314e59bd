import Foundation
import Testing
@testable import Deployment

/// Every flow that changes a live certificate takes a `backup snapshot` first on each node
/// it changes (TAC 214620, 216549), named so it is recognisable, and nothing on that node
/// runs before it.
@Suite("A snapshot before any live certificate changes")
struct BackupPlanTests {
    /// Every step on `node` waits for its snapshot, directly or through another step.
    static func everyStepWaits(_ plan: Plan, node: String) -> Bool {
        let byID = Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.id, $0) })
        let backup = "\(node):backup"
        func waits(_ id: String, _ seen: inout Set<String>) -> Bool {
            guard seen.insert(id).inserted, let step = byID[id] else { return false }
            return step.dependsOn.contains(backup) || step.dependsOn.contains { waits($0, &seen) }
        }
        return plan.steps.filter { $0.node == node && $0.id != backup }.allSatisfy { step in
            var seen: Set<String> = []
            return waits(step.id, &seen)
        }
    }

    @Test("renew and renew-new-names: a snapshot on every node they change, before anything there",
          arguments: [Flow.renew, .renewNewNames])
    func renewalsSnapshotFirst(flow: Flow) throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let plan = try Planner.plan(d, flow: flow, current: Fixtures.state3x(d, withCSRs: true))
        let changed = Set(plan.steps.filter { $0.kind == .mmp || $0.kind == .upload }.compactMap(\.node))
        #expect(Set(plan.backups.map(\.node)) == changed)
        let name = try #require(plan.backups.first?.name)
        #expect(name.hasPrefix("cmscerts-\(flow.rawValue)-") && name.count == "cmscerts-\(flow.rawValue)-".count + 8)
        #expect(plan.backups.allSatisfy { $0.name == name }, "one name for the run, on every node")
        for node in changed { #expect(Self.everyStepWaits(plan, node: node), "\(node)") }
        // Each snapshot comes before its node's first step in the plan's order.
        for backup in plan.backups {
            let first = plan.steps.firstIndex { $0.node == backup.node }
            #expect(plan.steps[first!].id == backup.stepID)
        }
        #expect(plan.backups[0].rollbackLine.contains("backup rollback \(name)"))
    }

    @Test("the same input gives the same name (a resumed run, the review and the run); another plan another name")
    func namesAreStableAndDistinct() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let state = Fixtures.state3x(d, withCSRs: true)
        let a = try Planner.plan(d, flow: .renewNewNames, current: state)
        let b = try Planner.plan(d, flow: .renewNewNames, current: state)
        #expect(a.backups == b.backups)
        let renew = try Planner.plan(d, flow: .renew, current: state)
        #expect(renew.backups.first?.name != a.backups.first?.name)
    }

    @Test("a set-up on new nodes has nothing to roll back: only the database members' snapshot, first on each")
    func freshOnNewNodes() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let plan = try Planner.plan(d, flow: .fresh, current: ReconcileTests.blank(d))
        let members = Set(d.databaseMembers.map(\.name))
        #expect(Set(plan.backups.map(\.node)) == members)
        #expect(plan.backups.allSatisfy { $0.name.hasPrefix("cmscerts-fresh-") })
    }

    @Test("a set-up over live services snapshots each node it changes before the first change")
    func freshOverLiveServices() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        var state = ReconcileTests.healthy(d)
        // cms2's first service was never set up; its others run: the set-up changes a live node.
        let node = "cms2"
        let service = try #require(state.nodes[node]!.services.first { $0.service != "database" }?.service)
        state.nodes[node]!.services.removeAll { $0.service == service }
        let plan = try Planner.plan(d, flow: .fresh, current: state)
        #expect(plan.steps.contains { $0.node == node && $0.command.contains(service) })
        #expect(plan.backups.map(\.node) == [node], "only the node that changes")
        #expect(Self.everyStepWaits(plan, node: node))
    }

    @Test("renew-database: the status naming the primary stays first; the snapshots follow it, then every remove")
    func renewDatabaseKeepsTheStatusFirst() throws {
        let d = try Fixtures.load(Fixtures.five29)
        let plan = try Planner.plan(d, flow: .renewDatabase)
        let order = plan.runbookOrder()
        #expect(order.first?.id.hasSuffix("db.status-before") == true)
        let members = Set(d.databaseMembers.map(\.name))
        #expect(Set(plan.backups.map(\.node)) == members)
        for node in members { #expect(Self.everyStepWaits(plan, node: node) || plan.steps.first { $0.node == node }?.id.hasSuffix("status-before") == true) }
        #expect(plan.backups.allSatisfy { $0.name.hasPrefix("cmscerts-renew-database-") })
    }

    @Test("a no-op plan takes no snapshot")
    func noOpTakesNone() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let plan = try Planner.plan(d, flow: .fresh, current: ReconcileTests.healthy(d))
        #expect(plan.isNoOp)
        #expect(plan.backups.isEmpty)
    }
}
