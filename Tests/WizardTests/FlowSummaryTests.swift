import Deployment
import Foundation
import Testing
@testable import Wizard

/// The Fix screen says what each flow's plan does, read off the plan itself: same or new
/// names, keys and CSRs made or re-used, which services restart, the backup's name.
@Suite struct FlowSummaryTests {
    /// Two nodes after a fresh deployment with the default names (CSRs still there).
    static func deployed() throws -> (Deployment, CurrentState) {
        let d = try DeploymentFile.load(yaml: WizardFixture.twoNodes())
        var nodes: [String: NodeState] = [:]
        for node in d.nodes {
            var files = ["ca-bundle.crt", "dbca.crt", "dbserver.key", "dbserver.crt", "dbclient.key", "dbclient.crt"]
            var services: [ServiceFiles] = []
            for s in node.services {
                files += [s.rawValue + ".key", s.rawValue + ".crt", s.rawValue + ".csr"]
                services.append(ServiceFiles(service: s.rawValue, key: s.rawValue + ".key", certificate: s.rawValue + ".crt", bundle: "ca-bundle.crt"))
            }
            services.append(ServiceFiles(service: "database", key: "dbserver.key", certificate: "dbserver.crt", bundle: "dbca.crt",
                                         other: ["dbclient.key", "dbclient.crt"]))
            nodes[node.name] = NodeState(files: files, services: services)
        }
        return (d, CurrentState(nodes: nodes))
    }

    static func summary(_ flow: Flow) throws -> (plan: Plan, text: String) {
        let (d, current) = try deployed()
        let plan = try Planner.plan(d, flow: flow, current: current)
        return (plan, FlowSummary.lines(plan).joined(separator: "\n"))
    }

    /// The backup step's name, as the plan has it.
    static func backup(_ plan: Plan) -> String? {
        plan.steps.first { $0.command.hasPrefix("backup snapshot ") }.map { String($0.command.dropFirst("backup snapshot ".count)) }
    }

    @Test func theSameNameRenewalSaysItReusesTheCSRsAndReconfiguresNothing() throws {
        let (plan, text) = try Self.summary(.renew)
        #expect(!plan.steps.contains { $0.command.hasPrefix("pki csr") }, "the plan itself makes no CSR")
        #expect(text.contains("Makes no key and no CSR: the signed certificates answer the CSRs already made."), "\(text)")
        #expect(!text.contains("new CSR") && !text.contains("new keys"))
        #expect(text.contains("under the same names as now: no service is reconfigured"), "\(text)")
        #expect(text.contains("Restarts ") && text.contains("callbridge") && text.contains("webadmin"), "\(text)")
        let name = try #require(Self.backup(plan))
        #expect(name.hasPrefix("cmscerts-renew-") && text.contains("First a backup on every node: \(name)."), "\(text)")
    }

    @Test func theNewNameRenewalSaysItMakesNewKeysAndSwapsEachService() throws {
        let (plan, text) = try Self.summary(.renewNewNames)
        #expect(text.contains("Makes new keys and CSRs on the node (") && text.contains("then waits for your CA to sign them."), "\(text)")
        #expect(text.contains("under new names, then points each service at them ("), "\(text)")
        #expect(!text.contains("same names"))
        let name = try #require(Self.backup(plan))
        #expect(name.hasPrefix("cmscerts-renew-new-names-") && text.contains(name))
    }

    @Test func theDatabaseFlowSaysTheClusterIsRemovedAndMadeAgainWithANewCA() throws {
        let (plan, text) = try Self.summary(.renewDatabase)
        // Only cms1 is in the cluster of this estate.
        #expect(text.contains("Removes cms1 from the database cluster, then makes it again (initialize on cms1)."), "\(text)")
        #expect(text.contains("Makes new keys and CSRs on the node (dbserver, dbclient)."), "signed by the built-in CA, nothing waited for: \(text)")
        #expect(text.contains("Makes a new built-in CA ("), "\(text)")
        #expect(text.contains(try #require(Self.backup(plan))))
    }

    /// On the screen: opened, it reads the nodes and says what each flow's plan does; on a lab
    /// with nothing deployed the renewals say why there is no plan.
    @Test func theFixScreenShowsWhatEachPlanDoes() async throws {
        let f = try WizardFixture()
        f.open(.troubleshoot)
        await f.settle()
        #expect(f.screenText.contains("No plan for your nodes as they are now:"), "\(f.screenText)")
        f.press(.down, .down)
        #expect(f.screenText.contains("Its plan for your nodes, as they are now:"), "\(f.screenText)")
        #expect(f.screenText.contains("from the database cluster, then makes it again"), "\(f.screenText)")
        // What it shows is the summary of the plan Step 5 then reviews.
        f.press(.enter)
        await f.settle()
        guard case .success(let plan)? = f.state.apply?.plan else { Issue.record("renew-database plans"); return }
        f.press(.esc)
        let shown = f.screenText.replacingOccurrences(of: "\n", with: " ")
        for line in FlowSummary.lines(plan) {
            #expect(shown.contains(String(line.prefix(30))), "\(line)")
        }
    }
}
