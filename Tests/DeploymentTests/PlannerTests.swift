import Foundation
import PKI
import Testing
@testable import Deployment

@Suite("The planner")
struct PlannerTests {
    static let fixtures: [(String, String)] = [
        ("combined29", Fixtures.combined29), ("three3x", Fixtures.three3x), ("five29", Fixtures.five29),
        ("wildcard3x", Fixtures.wildcard3x), ("singleLocalSAN", Fixtures.singleLocalSAN),
        ("overrides3x", Fixtures.overrides3x), ("sanOverride", Fixtures.sanOverride),
    ]

    @Test("fresh and renew-database plans keep the article's order", arguments: fixtures.map(\.0))
    func articleOrder(name: String) throws {
        let d = try Fixtures.load(Self.fixtures.first { $0.0 == name }!.1)
        for flow in [Flow.fresh, .renewDatabase] {
            let plan = try Planner.plan(d, flow: flow)
            #expect(ArticleChecker.violations(plan, d) == [], "\(name) \(flow)")
        }
    }

    @Test("renewal plans keep the article's order", arguments: fixtures.map(\.0))
    func renewalOrder(name: String) throws {
        let d = try Fixtures.load(Self.fixtures.first { $0.0 == name }!.1)
        let state = Fixtures.state3x(d, withCSRs: true)
        for flow in [Flow.renew, .renewNewNames] {
            let plan = try Planner.plan(d, flow: flow, current: state)
            #expect(ArticleChecker.violations(plan, d, state: state) == [], "\(name) \(flow)")
        }
    }

    @Test("the checker catches a plan out of order")
    func checkerCanFail() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let plan = try Planner.plan(d, flow: .fresh)
        var steps = plan.steps
        let initialize = steps.firstIndex { $0.command == "database cluster initialize" }!
        let join = steps.firstIndex { $0.command.hasPrefix("database cluster join") }!
        steps.swapAt(initialize, join)
        let found = ArticleChecker.violations(order: steps, d, state: .empty, cmsVersion: d.cmsVersion)
        #expect(found.contains("a join or connect before initialize"))
        #expect(found.contains("a step comes before a step it waits for"))
        var badCerts = plan.steps
        let i = badCerts.firstIndex { $0.node == "cms3" && $0.command.hasPrefix("database cluster certs") }!
        badCerts[i].command = "database cluster certs dbclient.key dbclient.crt dbca.crt"
        #expect(ArticleChecker.violations(order: badCerts, d, state: .empty, cmsVersion: d.cmsVersion)
            .contains("cms3:db.certs: 3-file certs on a joined node"))
    }

    func commands(_ plan: Plan, on node: String?) -> [String] {
        plan.runbookOrder().filter { $0.node == node }.map(\.command)
    }

    @Test("fresh on one 2.9 server: every 2.x service, the database on the server itself")
    func freshCombined29() throws {
        let d = try Fixtures.load(Fixtures.combined29)
        let plan = try Planner.plan(d, flow: .fresh)
        let mmp = commands(plan, on: "cms")
        #expect(mmp.contains("pki csr webadmin CN:cms.example.com O:\"Example Inc.\" C:GB subjectAltName:cms.example.com"), "browsers match the SANs only")
        #expect(mmp.contains("pki csr webbridge CN:cms.example.com O:\"Example Inc.\" C:GB subjectAltName:cms.example.com,join.example.com"))
        #expect(mmp.contains("pki csr xmpp CN:cms.example.com O:\"Example Inc.\" C:GB subjectAltName:cms.example.com,example.com"))
        #expect(mmp.contains("pki csr callbridge CN:cms.example.com O:\"Example Inc.\" C:GB subjectAltName:cms.example.com"), "a single server's call bridge names its node")
        #expect(mmp.contains("xmpp certs xmpp.key xmpp.crt ca-bundle.crt"))
        #expect(mmp.contains("webbridge certs webbridge.key webbridge.crt ca-bundle.crt"))
        #expect(mmp.contains("pki selfsigned dbca CN:example.com"))
        #expect(mmp.contains("pki csr dbserver CN:cms.example.com"), "one database node: no other node in the SANs")
        #expect(mmp.contains("pki csr dbclient CN:postgres"))
        #expect(mmp.contains("database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt"))
        #expect(!mmp.contains { $0.hasPrefix("webbridge3") || $0.contains("c2w") })
        #expect(!plan.steps.contains { $0.kind == .download && $0.command.contains("db") }, "nothing to copy: no other node")
        // Keys on the node and no full chains: the only step here builds the web bridge's
        // trust list from the call bridge's certificate (webbridge trust, CMS 2.x).
        #expect(plan.steps.filter { $0.kind == .localPKI }.map(\.local) == [.trustList(files: ["cms/callbridge.crt"], output: "trust/callbridge-trust.crt")])
        #expect(mmp.contains("webbridge trust callbridge-trust.crt"))
    }

    @Test("fresh on three 3.x nodes: webbridge3 full chains, c2w trust, the database cluster")
    func freshThree3x() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let plan = try Planner.plan(d, flow: .fresh)
        let cms1 = commands(plan, on: "cms1")
        #expect(cms1.contains("pki csr callbridge CN:cms1.example.com subjectAltName:cms1.example.com,cms2.example.com,cms3.example.com"))
        #expect(cms1.contains("pki csr webbridge3 CN:cms1.example.com subjectAltName:cms1.example.com,join.example.com"))
        #expect(cms1.contains("webbridge3 https certs webbridge3.key webbridge3-fullchain.crt"))
        #expect(cms1.contains("webbridge3 c2w certs webbridge3.key webbridge3-fullchain.crt"))
        #expect(cms1.contains("webbridge3 c2w trust ca-bundle.crt"))
        #expect(cms1.contains("callbridge trust c2w ca-bundle.crt"))
        #expect(cms1.contains("pki csr dbserver CN:cms1.example.com subjectAltName:cms1.example.com,cms2.example.com,cms3.example.com"))
        #expect(cms1.contains("database cluster status"))
        let trust = cms1.firstIndex(of: "callbridge trust c2w ca-bundle.crt")!
        #expect(cms1.lastIndex(of: "callbridge restart")! > trust)
        // The full chain is built here from the signed certificate and the CA bundle.
        let chain = try #require(plan.step("local:fullchain.cms1.webbridge3"))
        #expect(chain.local == .fullChain(certificate: "cms1/webbridge3.crt", bundle: "ca-bundle.crt", output: "cms1/webbridge3-fullchain.crt"))
        #expect(plan.step("cms1:put.webbridge3-fullchain.crt")?.reads == [.workspace("cms1/webbridge3-fullchain.crt")])
        // The signed certificate comes from the user's CA: a wait in the workspace.
        let signed = try #require(plan.step("local:signed.cms2.callbridge"))
        #expect(signed.kind == .check && signed.node == nil)
        // The call bridge connects to the web bridge 3 over C2W: its answer is linted as a C2W one.
        #expect(signed.local == .awaitFiles(files: ["cms2/callbridge.crt"], chain: "ca-bundle.crt",
                                            lint: AnswerLint(role: .c2w, names: ["cms2.example.com", "cms1.example.com", "cms3.example.com"])))
        // cms2 and cms3 join the primary by address; cms3's TURN gets a cluster SAN list of TURN nodes.
        #expect(commands(plan, on: "cms2").contains("database cluster join 10.0.0.11"))
        #expect(commands(plan, on: "cms3").contains("pki csr turn CN:cms3.example.com subjectAltName:cms3.example.com"))
        // Joined nodes get the server and client pairs and the CA.
        for f in ["dbserver.key", "dbserver.crt", "dbclient.key", "dbclient.crt", "dbca.crt"] {
            #expect(plan.step("cms3:put.\(f)") != nil, "cms3 gets \(f)")
        }
        let status = try #require(plan.step("cms1:db.status"))
        #expect(status.success?.isMet(by: "Nodes:\n    10.0.0.11 (me)     : Connected Primary\n") == true)
        #expect(status.success?.isMet(by: "Nodes:\n    10.0.0.11 (me)     : Connected Master\n") == true)
        #expect(status.success?.isMet(by: "    10.0.0.11          : Connected Primary\n    10.0.0.12 (me) : Connected Replica\n") == false)
    }

    @Test("five 2.9 nodes: connected nodes get 3 files and connect; joined get 5 and join")
    func freshFive29() throws {
        let d = try Fixtures.load(Fixtures.five29)
        let plan = try Planner.plan(d, flow: .fresh)
        #expect(commands(plan, on: "edge1").contains("database cluster certs dbclient.key dbclient.crt dbca.crt"))
        #expect(commands(plan, on: "edge1").contains("database cluster connect 10.1.0.1"))
        #expect(commands(plan, on: "core3").contains("database cluster join 10.1.0.1"))
        #expect(plan.step("edge2:put.dbserver.key") == nil, "a connected node needs no server key")
        #expect(plan.step("edge2:put.dbclient.key") != nil)
        #expect(commands(plan, on: "edge1").contains("loadbalancer certs edge loadbalancer.key loadbalancer.crt ca-bundle.crt"))
        #expect(commands(plan, on: "core2").contains("pki csr xmpp CN:core2.example.com subjectAltName:core2.example.com,example.com"))
        #expect(commands(plan, on: "core1").contains("pki csr dbserver CN:core1.example.com subjectAltName:core1.example.com,core2.example.com,core3.example.com"))
        // Replicas and connected nodes leave the cluster before the primary.
        let removeOrder = plan.runbookOrder().filter { $0.command == "database cluster remove" }.map { $0.node! }
        #expect(removeOrder.last == "core1")
        #expect(Set(removeOrder) == ["core1", "core2", "core3", "edge1", "edge2"])
    }

    @Test("the wildcard: one key made on the first node, copied to the others")
    func wildcard() throws {
        let d = try Fixtures.load(Fixtures.wildcard3x)
        let plan = try Planner.plan(d, flow: .fresh)
        let csrs = plan.steps.filter { $0.command.hasPrefix("pki csr") && !$0.command.contains(" db") }
        #expect(csrs.map(\.command) == ["pki csr cms CN:*.example.com subjectAltName:*.example.com,meet.example.org"])
        #expect(csrs.first?.node == "a")
        #expect(plan.step("a:get.cms.key") != nil)
        #expect(plan.step("b:put.cms.key")?.reads == [.workspace("cms.key")])
        #expect(plan.step("a:put.cms.key") == nil, "the key made on a stays there")
        #expect(commands(plan, on: "c").contains("callbridge certs cms.key cms.crt ca-bundle.crt"))
        #expect(commands(plan, on: "b").contains("webbridge3 https certs cms.key cms-fullchain.crt"))
    }

    @Test("keys made here: local key, CSR and built-in CA with the file's key type and validity")
    func localKeys() throws {
        let d = try Fixtures.load(Fixtures.singleLocalSAN)
        let plan = try Planner.plan(d, flow: .fresh)
        #expect(!plan.steps.contains { $0.kind == .mmp && $0.command.hasPrefix("pki ") }, "no pki command on the node")
        let csr = try #require(plan.step("local:csr.cms"))
        #expect(csr.command == "cmscerts pki csr cms CN:cms.example.com subjectAltName:cms.example.com,solo.example.com,join.example.com --key p256")
        guard case let .makeKeyAndCSR(spec, keyType, key, _)? = csr.local else { Issue.record("not a key operation"); return }
        #expect(keyType == .p256 && key == "cms.key" && spec.subject.commonName == "cms.example.com")
        let ca = try #require(plan.step("local:db.selfsigned-dbca"))
        guard case let .makeSelfSignedCA(_, _, days, _, _)? = ca.local else { Issue.record("not a CA operation"); return }
        #expect(days == 825)
        #expect(plan.step("solo:put.cms.key") != nil)
        #expect(plan.step("solo:put.dbserver.key") != nil, "the primary gets its database files too")
    }

    @Test("renew keeps the file names: the CSR on the node is reused, the certificate uploaded over the old one, the service restarted")
    func renewSameNames() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let state = Fixtures.state3x(d, withCSRs: true)
        let plan = try Planner.plan(d, flow: .renew, current: state)
        #expect(!plan.steps.contains { $0.command.hasPrefix("pki csr") }, "no new key")
        #expect(plan.step("cms1:get.callbridge.csr") != nil)
        #expect(plan.step("cms1:put.callbridge.crt")?.command == "put cms1/callbridge.crt callbridge.crt")
        #expect(plan.step("cms1:put.webbridge3-fullchain.crt")?.reads == [.workspace("cms1/webbridge3-fullchain.crt")])
        let cms1 = commands(plan, on: "cms1")
        #expect(cms1.contains("callbridge restart"))
        #expect(!cms1.contains { $0.hasPrefix("callbridge certs") || $0.contains("https certs") }, "nothing reconfigured")
        #expect(cms1.contains("webadmin disable") && cms1.contains("webadmin enable"))
        #expect(!plan.steps.contains { $0.command.hasPrefix("database") }, "the database is not part of renew")
    }

    @Test("renew without the CSR on the node would overwrite the live key: refused, offering renew-new-names")
    func renewGuard() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let state = Fixtures.state3x(d, withCSRs: false)
        #expect {
            _ = try Planner.plan(d, flow: .renew, current: state)
        } throws: { error in
            guard let e = error as? PlanError else { return false }
            return e.kind == .refused
                && e.problems.contains { $0.contains("cms2:csr.callbridge") && $0.contains("callbridge uses now") && $0.contains("renew-new-names") }
                && e.problems.count == 7
        }
    }

    /// A live deployment whose services use the default key names with certificates of
    /// other names: not what the deployment file wants, so the set-up would redo them.
    static func liveOnOtherCertificates(_ d: Deployment) -> CurrentState {
        var state = Fixtures.state3x(d, withCSRs: false)
        for (name, var node) in state.nodes {
            for i in node.services.indices where node.services[i].service != "database" {
                node.services[i].certificate = node.services[i].certificate.map { "2024-" + $0 }
            }
            state.nodes[name] = node
        }
        return state
    }

    @Test("fresh over a live deployment is refused by the guard; the database's keys are safe after remove")
    func freshGuard() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let state = Self.liveOnOtherCertificates(d)
        do {
            _ = try Planner.plan(d, flow: .fresh, current: state)
            Issue.record("the plan was not refused")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.problems.contains { $0.contains("webadmin.key, which webadmin uses now") })
            #expect(!error.problems.contains { $0.contains("dbserver") }, "dbserver.key is no longer in use after database cluster remove")
            #expect(PlanCommandSupport.exitCode(for: error) == 4)
        }
        // renew-database re-makes dbserver.key: allowed, because the cluster is removed first.
        let plan = try Planner.plan(d, flow: .renewDatabase, current: state)
        #expect(plan.step("cms1:db.csr-dbserver") != nil)
    }

    @Test("the guard alone: a csr over a used key with no remove before it")
    func guardDirect() {
        let csr = Step(id: "n:csr.dbserver", node: "n", articleStep: 3, kind: .mmp, command: "pki csr dbserver CN:n.example.com", why: "t")
        let state = CurrentState(nodes: ["n": NodeState(files: ["dbserver.key"], services: [ServiceFiles(service: "database", key: "dbserver.key")])])
        #expect(Planner.guardProblems(steps: [csr], current: state, flow: .fresh).count == 1)
        let remove = Step(id: "n:db.remove", node: "n", articleStep: 3, kind: .mmp, command: "database cluster remove", why: "t")
        var after = csr
        after.dependsOn = [remove.id]
        #expect(Planner.guardProblems(steps: [remove, after], current: state, flow: .fresh).isEmpty)
    }

    @Test("keys made here over a live deployment: the uploads over live files are refused")
    func uploadGuard() throws {
        let d = try Fixtures.load(Fixtures.three3x.replacingOccurrences(of: "join_url: join.example.com\n", with: "join_url: join.example.com\nkeys: local\n"))
        let state = Self.liveOnOtherCertificates(d)
        do {
            _ = try Planner.plan(d, flow: .fresh, current: state)
            Issue.record("the plan was not refused")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.problems.contains { $0.contains("cms1:put.webadmin.key") && $0.contains("webadmin uses now") })
            #expect(!error.problems.contains { $0.contains("dbserver") }, "the database is removed before its files are sent")
        }
        // renew with keys made here overwrites by design: same names, then a restart.
        let renew = try Planner.plan(d, flow: .renew, current: state)
        #expect(renew.step("cms1:put.webadmin.key")?.command == "put cms1/webadmin.key webadmin.key")
        #expect(ArticleChecker.violations(renew, d, state: state) == [])
    }

    @Test("renew-new-names: new basenames, then the swap with full Step 5")
    func renewNewNames() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        var state = Fixtures.state3x(d, withCSRs: false)
        state.nodes["cms1"]!.files.append("callbridge-r2.key")
        let plan = try Planner.plan(d, flow: .renewNewNames, current: state)
        let cms1 = commands(plan, on: "cms1")
        #expect(cms1.contains("pki csr callbridge-r3 CN:cms1.example.com subjectAltName:cms1.example.com,cms2.example.com,cms3.example.com"),
                "callbridge-r2 is taken on cms1")
        #expect(commands(plan, on: "cms2").contains { $0.hasPrefix("pki csr callbridge-r2 ") })
        #expect(cms1.contains("callbridge certs callbridge-r3.key callbridge-r3.crt ca-bundle-r2.crt"))
        #expect(cms1.contains("callbridge trust c2w ca-bundle-r2.crt"))
        #expect(cms1.contains("webbridge3 https certs webbridge3-r2.key webbridge3-r2-fullchain.crt"))
        #expect(cms1.contains("webadmin certs webadmin-r2.key webadmin-r2.crt ca-bundle-r2.crt"))
        // The live bundle is not overwritten: the new one goes under a new name.
        #expect(plan.step("cms1:put.ca-bundle-r2.crt")?.command == "put ca-bundle.crt ca-bundle-r2.crt")
        #expect(!plan.steps.contains { $0.kind == .upload && $0.writes.contains(FileRef(node: "cms1", "ca-bundle.crt")) })
        let csr = cms1.firstIndex { $0.hasPrefix("pki csr webadmin-r2") }!
        let disable = cms1.firstIndex(of: "webadmin disable")!
        #expect(csr < disable, "the new key is made while the service runs on the old one")
    }

    @Test("the next name after a basename")
    func nextName() {
        #expect(PlanContext.nextName(after: "callbridge", taken: []) == "callbridge-r2")
        #expect(PlanContext.nextName(after: "callbridge-r2", taken: []) == "callbridge-r3")
        #expect(PlanContext.nextName(after: "cb", taken: ["cb-r2.csr", "cb-r3.key"]) == "cb-r4")
        #expect(PlanContext.nextName(after: "web-rx", taken: []) == "web-rx-r2")
    }

    @Test("renewals need the current state; without it the input is refused (exit 2)")
    func renewNeedsState() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        do {
            _ = try Planner.plan(d, flow: .renewNewNames)
            Issue.record("planned without state")
        } catch {
            #expect(error.kind == .badInput)
            #expect(error.problems.count == 7, "one per service on the three nodes")
            #expect(PlanCommandSupport.exitCode(for: error) == 2)
        }
    }

    @Test("renew-database: status on the primary first, remove replicas then primary, Step 3 again")
    func renewDatabase() throws {
        let d = try Fixtures.load(Fixtures.five29)
        let plan = try Planner.plan(d, flow: .renewDatabase)
        let order = plan.runbookOrder()
        #expect(order.first?.id == "core1:db.status-before")
        #expect(order.first?.success?.isMet(by: "10.1.0.1 (me) : Connected Primary") == true)
        #expect(order.first?.success?.isMet(by: "10.1.0.1 : Connected Primary\n10.1.0.2 (me) : Connected Replica") == false)
        #expect(!plan.steps.contains { $0.command.hasPrefix("pki csr") && !$0.command.contains(" db") }, "no service certificate")
        #expect(plan.steps.filter { $0.command == "database cluster remove" }.count == 5)
        let backups = plan.steps.filter { $0.command.hasPrefix("backup snapshot") }
        #expect(backups.count == 5 && backups.allSatisfy { $0.dependsOn == ["core1:db.status-before"] })
        let noDB = try Fixtures.load(Fixtures.three3x.replacingOccurrences(of: "database: primary", with: "database: none")
            .replacingOccurrences(of: "database: joined", with: "database: none"))
        #expect(throws: PlanError.self) { _ = try Planner.plan(noDB, flow: .renewDatabase) }
        #expect(try Planner.plan(noDB, flow: .fresh).notes.contains { $0.contains("Step 3") })
    }

    @Test("the same input gives the same plan, ids and digest; a change changes the digest")
    func determinism() throws {
        let d = try Fixtures.load(Fixtures.five29)
        let a = try Planner.plan(d, flow: .fresh)
        let b = try Planner.plan(try Fixtures.load(Fixtures.five29), flow: .fresh)
        #expect(a == b)
        #expect(a.canonicalJSON() == b.canonicalJSON())
        #expect(a.digest.count == 64 && a.digest == a.computeDigest())
        var changed = a
        changed.steps[0].command += " "
        #expect(changed.computeDigest() != a.digest)
        var other = d
        other.nodes[4].address = "10.1.0.9"
        #expect(try Planner.plan(other, flow: .fresh).digest != a.digest)
    }

    @Test("SHA-256 gives the standard answers")
    func sha256() {
        #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test("the runbook order groups a node's steps and respects every dependency")
    func runbookOrder() throws {
        let d = try Fixtures.load(Fixtures.three3x)
        let plan = try Planner.plan(d, flow: .fresh)
        let order = plan.runbookOrder()
        #expect(order.count == plan.steps.count)
        #expect(Plan.respectsDependencies(order))
        #expect(Plan.respectsDependencies(plan.steps))
        let changes = zip(order, order.dropFirst()).filter { $0.node != $1.node }.count
        let planChanges = zip(plan.steps, plan.steps.dropFirst()).filter { $0.node != $1.node }.count
        #expect(changes < planChanges, "grouping changes node less often (\(changes)) than plan order (\(planChanges))")
        #expect(!Plan.respectsDependencies(order.reversed()))
    }
}

@Suite("Plan shape")
struct PlanShapeTests {
    @Test("every transfer moves one file between the workspace and its node; every node step names a node of the plan")
    func transfers() throws {
        for (name, yaml) in PlannerTests.fixtures {
            let plan = try Planner.plan(try Fixtures.load(yaml), flow: .fresh)
            let nodes = Set(plan.nodes.map(\.name))
            for step in plan.steps {
                if let node = step.node { #expect(nodes.contains(node), "\(name) \(step.id)") }
                switch step.kind {
                case .upload:
                    #expect(step.reads.count == 1 && step.reads[0].node == nil && step.writes.count == 1 && step.writes[0].node == step.node, "\(name) \(step.id)")
                case .download:
                    #expect(step.reads.count == 1 && step.reads[0].node == step.node && step.writes.count == 1 && step.writes[0].node == nil, "\(name) \(step.id)")
                case .localPKI:
                    #expect(step.node == nil && step.local != nil, "\(name) \(step.id)")
                case .mmp, .check:
                    #expect(step.node != nil || step.local != nil, "\(name) \(step.id)")
                }
                #expect(step.id.hasPrefix((step.node ?? "local") + ":"), "\(name) \(step.id)")
                #expect((2...5).contains(step.articleStep), "\(name) \(step.id)")
            }
        }
    }
}
