import Foundation
import PKI
import Testing
@testable import Deployment

/// Large deployments plan correctly: every SAN kept once and in order, every node
/// planned, the runbook order the same as the simple scan it replaced. Correctness
/// only: the time is measured by Benchmarks/plan.sh, not asserted here.
@Suite("Planning at scale")
struct PlanScaleTests {
    /// A sanCertificate deployment whose top-level `sans:` lists `sans` names, on `nodes`
    /// nodes (the first primary, the next two joined), as Benchmarks/plan.sh writes it.
    static func yaml(sans: Int, nodes: Int) -> String {
        var lines = ["version: 1", "cms_version: \"3.8\"", "domain: example.com", "join_url: join.example.com",
                     "strategy: sanCertificate", "cluster_fqdn: cms.example.com", "sans:"]
        lines += (1...sans).map { "  - h\($0).example.com" }
        lines.append("nodes:")
        for n in 1...nodes {
            let role = n == 1 ? "primary" : n <= 3 ? "joined" : "none"
            lines.append("  - {name: cms\(n), fqdn: cms\(n).example.com, address: 10.0.\(n / 256).\(n % 256), services: [webadmin, callbridge, webbridge3], database: \(role)}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("10,000 SANs: the one CSR lists each once, in the file's order, the CN first")
    func tenThousandSANs() throws {
        let d = try DeploymentFile.load(yaml: Self.yaml(sans: 10_000, nodes: 3))
        #expect(d.sans?.count == 10_000)
        let plan = try Planner.plan(d, flow: .fresh)
        let csrs = plan.steps.filter { $0.command.hasPrefix("pki csr cms ") }
        #expect(csrs.count == 1)
        let command = try #require(csrs.first?.command)
        let list = try #require(command.split(separator: " ").first { $0.hasPrefix("subjectAltName:") })
        let names = list.dropFirst("subjectAltName:".count).split(separator: ",").map(String.init)
        #expect(names.count == 10_001, "the CN is added to the SANs")
        #expect(names.first == "cms.example.com")
        #expect(Array(names.dropFirst()) == (1...10_000).map { "h\($0).example.com" })
        #expect(plan.notes.contains { $0.contains("the CN cms.example.com was added to subjectAltName") })
        // The same steps as with three SANs: only the CSR's list grows.
        let small = try Planner.plan(try DeploymentFile.load(yaml: Self.yaml(sans: 3, nodes: 3)), flow: .fresh)
        #expect(plan.steps.map(\.id) == small.steps.map(\.id))
    }

    @Test("a SAN repeated in another case is kept once, the first spelling, with a note")
    func repeatedInAnotherCase() throws {
        var context = PlanContext(deployment: try DeploymentFile.load(yaml: Self.yaml(sans: 3, nodes: 3)), flow: .fresh, current: .empty)
        let spec = context.spec(basename: "cms", commonName: "cms.example.com",
                                sans: ["a.example.com", "B.example.com", "A.EXAMPLE.COM", "b.example.com", "cms.example.com"])
        let made = try #require(spec)
        #expect(made.subjectAltNames.map(\.value) == ["a.example.com", "B.example.com", "cms.example.com"])
        #expect(made.notes.filter { $0.contains("twice") }.count == 2)
        var list = NameList()
        for name in ["x.example.com", "X.Example.com", nil, "y.example.com", "x.EXAMPLE.com"] { list.append(name) }
        #expect(list.names == ["x.example.com", "y.example.com"])
    }

    @Test("300 nodes: every node planned, the runbook order the same as the simple scan")
    func manyNodes() throws {
        let d = try DeploymentFile.load(yaml: Self.yaml(sans: 10, nodes: 300))
        let plan = try Planner.plan(d, flow: .fresh)
        #expect(Set(plan.steps.compactMap(\.node)) == Set(d.nodes.map(\.name)))
        for node in d.nodes {
            #expect(plan.steps.contains { $0.node == node.name && $0.command.hasPrefix("callbridge certs") }, "\(node.name)")
        }
        let order = plan.runbookOrder()
        #expect(order.map(\.id) == Self.simpleOrder(plan).map(\.id))
        #expect(Plan.respectsDependencies(order))
    }

    @Test("the runbook order is the simple scan's on every fixture and flow")
    func orderOnFixtures() throws {
        for (name, yaml) in PlannerTests.fixtures {
            let d = try Fixtures.load(yaml)
            let state = Fixtures.state3x(d, withCSRs: true)
            for (flow, current) in [(Flow.fresh, CurrentState.empty), (.renewDatabase, .empty), (.renew, state), (.renewNewNames, state)] {
                let plan = try Planner.plan(d, flow: flow, current: current)
                #expect(plan.runbookOrder().map(\.id) == Self.simpleOrder(plan).map(\.id), "\(name) \(flow)")
            }
        }
    }

    /// The order as it was first written: among the ready steps, one on the node of the
    /// last step first, ties to plan order; every ready step scanned at each pick.
    static func simpleOrder(_ plan: Plan) -> [Step] {
        let steps = plan.steps
        var index: [String: Int] = [:]
        for (i, s) in steps.enumerated() { index[s.id] = i }
        var waiting = steps.map { Set($0.dependsOn.compactMap { index[$0] }) }
        var dependents = [[Int]](repeating: [], count: steps.count)
        for (i, deps) in waiting.enumerated() { for d in deps { dependents[d].append(i) } }
        var ready = Set(steps.indices.filter { waiting[$0].isEmpty })
        var out: [Step] = []
        var lastNode: String??
        while !ready.isEmpty {
            let same = ready.filter { lastNode != nil && steps[$0].node == lastNode! }
            let pick = (same.isEmpty ? ready : same).min()!
            ready.remove(pick)
            out.append(steps[pick])
            lastNode = .some(steps[pick].node)
            for d in dependents[pick] {
                waiting[d].remove(pick)
                if waiting[d].isEmpty { ready.insert(d) }
            }
        }
        return out
    }
}
