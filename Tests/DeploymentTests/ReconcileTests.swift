import Foundation
import PKI
import Testing
@testable import Deployment

/// The set-up flow plans from what the nodes hold: what holds already is not run again,
/// what would break a live service is refused.
@Suite("The set-up flow reconciles with the nodes' state")
struct ReconcileTests {
    /// What the nodes of `d` hold after a whole set-up: every service on its files, the
    /// database cluster up (primary, replicas in sync, connected nodes enabled).
    static func healthy(_ d: Deployment) -> CurrentState {
        var state = Fixtures.state3x(d, withCSRs: true)
        for node in d.nodes {
            var n = state.nodes[node.name]!
            for i in n.services.indices where n.services[i].service != "database" { n.services[i].state = "running" }
            n.services.removeAll { $0.service == "database" }
            switch node.database {
            case .primary:
                n.services.append(ServiceFiles(service: "database", key: "dbserver.key", certificate: "dbserver.crt", bundle: "dbca.crt",
                                               other: ["dbclient.key", "dbclient.crt"], state: "Connected Primary"))
            case .joined:
                n.services.append(ServiceFiles(service: "database", key: "dbserver.key", certificate: "dbserver.crt", bundle: "dbca.crt",
                                               other: ["dbclient.key", "dbclient.crt"], state: "Connected Replica ( In Sync )"))
            case .connected:
                n.services.append(ServiceFiles(service: "database", bundle: "dbca.crt", other: ["dbclient.key", "dbclient.crt"], state: "Enabled"))
            case .none:
                break
            }
            state.nodes[node.name] = n
        }
        return state
    }

    /// The healthy estate with every node's database status changed by `change`.
    static func healthy(_ d: Deployment, database change: (inout ServiceFiles) -> Void) -> CurrentState {
        var state = healthy(d)
        for name in state.nodes.keys {
            let i = state.nodes[name]!.services.firstIndex { $0.service == "database" }!
            change(&state.nodes[name]!.services[i])
        }
        return state
    }

    /// Nodes read and found empty: a new estate.
    static func blank(_ d: Deployment) -> CurrentState {
        CurrentState(nodes: Dictionary(uniqueKeysWithValues: d.nodes.map { ($0.name, NodeState()) }))
    }

    @Test("a healthy estate: nothing to do, every service and the database listed as already so",
          arguments: ["three3x", "five29"])
    func healthyEstateIsANoOp(name: String) throws {
        let d = try Fixtures.load(name == "three3x" ? Fixtures.three3x : Fixtures.five29)
        let plan = try Planner.plan(d, flow: .fresh, current: Self.healthy(d))
        #expect(plan.steps.isEmpty)
        #expect(plan.isNoOp)
        #expect(plan.offline == nil)
        let services = d.nodes.reduce(0) { $0 + $1.services.count }
        #expect(plan.alreadySo?.count == services + 1)
        #expect(plan.alreadySo?.last?.hasPrefix("database cluster:") == true)
        #expect(PlanRenderer.render(plan, as: .text).contains("Nothing to do: the nodes already hold what the deployment file wants."))
    }

    @Test("nodes read and empty: the whole set-up, not offline; no state at all: offline")
    func blankAndOffline() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let read = try Planner.plan(d, flow: .fresh, current: Self.blank(d))
        let offline = try Planner.plan(d, flow: .fresh)
        #expect(read.steps.map(\.id) == offline.steps.map(\.id))
        #expect(read.offline == nil && read.alreadySo == nil && !read.isNoOp)
        #expect(offline.offline == true && !offline.isNoOp)
        #expect(PlanRenderer.render(offline, as: .text).contains("OFFLINE: planned without reading the nodes"))
        #expect(!PlanRenderer.render(read, as: .text).contains("OFFLINE"))
    }

    @Test("one service added to a healthy estate: only its certificate is planned, the bundle in use is not sent again")
    func oneServiceAdded() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        var state = Self.healthy(d)
        state.nodes["cms3"]!.services.removeAll { $0.service == "turn" }
        state.nodes["cms3"]!.files.removeAll { $0.hasPrefix("turn.") }
        let plan = try Planner.plan(d, flow: .fresh, current: state)
        let onNodes = plan.steps.filter { $0.node != nil }
        #expect(Set(onNodes.compactMap(\.node)) == ["cms3"])
        #expect(onNodes.map(\.command).contains("pki csr turn CN:cms3.example.com subjectAltName:cms3.example.com"))
        #expect(onNodes.map(\.command).contains("turn certs turn.key turn.crt ca-bundle.crt"))
        #expect(!onNodes.contains { $0.command.hasPrefix("database") }, "the healthy cluster is left alone")
        #expect(!onNodes.contains { $0.command == "put ca-bundle.crt ca-bundle.crt" }, "cms3's services use the bundle: it is not overwritten")
        #expect(onNodes.contains { $0.command == "pki verify turn.crt ca-bundle.crt" })
        #expect(plan.notes.contains { $0.contains("cms3 holds ca-bundle.crt already") })
        #expect(plan.alreadySo?.count == 7, "6 services and the database")
    }

    @Test("a live service on other files under the same key name: the pki csr is refused, naming node, key and service")
    func liveKeyRefused() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        var state = Self.healthy(d)
        let i = state.nodes["cms1"]!.services.firstIndex { $0.service == "webadmin" }!
        state.nodes["cms1"]!.services[i].certificate = "webadmin-2024.crt"
        #expect {
            try Planner.plan(d, flow: .fresh, current: state)
        } throws: { error in
            guard let e = error as? PlanError, e.kind == .refused else { return false }
            return e.problems.contains { $0.contains("cms1") && $0.contains("webadmin.key") && $0.contains("webadmin uses now") && $0.contains("renew-new-names") }
        }
    }

    @Test("a live database cluster on other files: the set-up does not remove it; renew-database is named")
    func liveClusterRefused() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let state = Self.healthy(d) { $0.key = "dbclusterserver.key" }
        #expect {
            try Planner.plan(d, flow: .fresh, current: state)
        } throws: { error in
            guard let e = error as? PlanError, e.kind == .refused else { return false }
            return e.problems.contains { $0.contains("database cluster is in use") && $0.contains("cms1 (Connected Primary)") && $0.contains("--flow renew-database") }
        }
    }

    @Test("a cluster left by an earlier remove (not in use): the set-up plans Step 3 again")
    func removedClusterIsPlanned() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let state = Self.healthy(d) { $0.state = "Disabled" }
        let plan = try Planner.plan(d, flow: .fresh, current: state)
        #expect(plan.steps.contains { $0.id == "cms1:db.initialize" })
        #expect(!plan.steps.contains { $0.command.hasPrefix("pki csr webadmin") }, "the services are already so")
    }

    @Test("the summary fits 24 lines for a large plan and counts what changes")
    func summaryFits() throws {
        let d = try Fixtures.load(Fixtures.five29)
        let plan = try Planner.plan(d, flow: .fresh, current: Self.blank(d))
        let lines = PlanSummary(plan).lines()
        #expect(lines.count <= 20)
        let core1 = try #require(lines.first { $0.hasPrefix("  core1") })
        #expect(core1.contains(" keys, ") && core1.contains("database remove"), "\(core1)")
        let small = PlanSummary(plan).lines(maxLines: 4)
        #expect(small.count <= 4)
        #expect(small.contains { $0.contains("more:") })
        let none = PlanSummary(try Planner.plan(d, flow: .fresh, current: Self.healthy(d))).lines()
        #expect(none.first?.hasPrefix("Nothing to do") == true)
    }
}
