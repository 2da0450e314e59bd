import Testing
@testable import Deployment

/// TAC 210530: `database cluster status` on every server after a cluster change. Each node
/// that joins or connects is asked itself, right after, and must say it took.
@Suite("A status on every node after every cluster change")
struct ClusterStatusTests {
    @Test("each joined node shows (me) as a replica; each connected node sees the primary", arguments: [Flow.fresh, .renewDatabase])
    func everyMemberIsAsked(flow: Flow) throws {
        let d = try Fixtures.load(Fixtures.five29)
        let plan = try Planner.plan(d, flow: flow)
        for m in d.databaseMembers where m.database != .primary {
            let change = m.database == .joined ? "db.join" : "db.connect"
            let status = try #require(plan.step("\(m.name):db.status"), "\(m.name) is asked after it \(change)s")
            #expect(status.kind == .check && status.command == "database cluster status")
            #expect(status.dependsOn.contains("\(m.name):\(change)"))
            let criterion = try #require(status.success)
            if m.database == .joined {
                #expect(criterion.isMet(by: "    10.1.0.2 (me)        : Connected Replica ( In Sync )"))
                #expect(criterion.isMet(by: "    10.1.0.2 (me)        : Connected Slave"), "older releases")
                #expect(!criterion.isMet(by: "    10.1.0.1             : Connected Primary\n    10.1.0.2 (me)        : Disconnected"))
            } else {
                #expect(criterion.isMet(by: "Status                   : Enabled\nNodes:\n    10.1.0.1             : Connected Primary"))
                #expect(!criterion.isMet(by: "Status                   : Disabled\nNodes:"))
            }
        }
        #expect(plan.step("\(d.primary!.name):db.status")?.success?.isMet(by: "    10.1.0.1 (me) : Connected Primary") == true)
    }
}
