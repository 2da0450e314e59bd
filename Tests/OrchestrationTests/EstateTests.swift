import Deployment
import Foundation
import Lab
import Orchestration
import TestSupport
import Testing

/// Whole estates, planned from their deployment file and applied on a lab made from the
/// same file: every service runs with its planned files, every trust list holds the
/// certificates it must.
@Suite("Estates applied on the lab")
struct EstateTests {
    /// CMS 2.9, five nodes: both web bridges, a clustered XMPP server, a trunk to a load balancer,
    /// recorder, streamer and uploader on one node, CUCM and listeners.
    static let estate29 = """
        version: 1
        cms_version: "2.9"
        domain: lab.example.com
        join_url: join.lab.example.com
        xmpp_domain: lab.example.com
        cucm_host: cucm-admin.lab.example.com
        sip_trust_bundle: cucm-ca.crt
        rev_bundle: rev-ca.crt
        nodes:
          - name: core1
            fqdn: core1.lab.example.com
            address: 10.0.0.1
            services: [webadmin, callbridge, xmpp, trunk]
            database: primary
            listen: {webadmin: "a:445", callbridge: a, xmpp: a}
          - {name: core2, fqdn: core2.lab.example.com, address: 10.0.0.2, services: [callbridge, xmpp], database: joined}
          - {name: core3, fqdn: core3.lab.example.com, address: 10.0.0.3, services: [callbridge, recorder, streamer, uploader], database: joined}
          - name: edge1
            fqdn: edge1.lab.example.com
            address: 10.0.0.4
            services: [webbridge, turn, loadbalancer]
            database: connected
            listen: {webbridge: "a:443", turn: a b, turn_tls: 447}
          - name: edge2
            fqdn: edge2.lab.example.com
            address: 10.0.0.5
            services: [webbridge3, turn]
            database: connected
            listen: {webbridge3: "a:443", c2w: "a:4443"}
        """

    /// CMS 3.8, three nodes: a scheduler, TURN, the 3.x recorder and streamer, the uploader.
    static let estate3x = """
        version: 1
        cms_version: "3.8"
        domain: lab.example.com
        join_url: join.lab.example.com
        rev_bundle: rev-ca.crt
        nodes:
          - name: cms1
            fqdn: cms1.lab.example.com
            address: 10.0.0.1
            services: [webadmin, callbridge, webbridge3, scheduler]
            database: primary
            listen: {webadmin: "a:445", callbridge: a, webbridge3: "a:443", c2w: "a:4443"}
          - name: cms2
            fqdn: cms2.lab.example.com
            address: 10.0.0.2
            services: [callbridge, webbridge3, turn, recorder, streamer, uploader]
            database: joined
            listen: {turn: a b, turn_tls: 447}
          - {name: cms3, fqdn: cms3.lab.example.com, address: 10.0.0.3, services: [callbridge, turn], database: joined}
        """

    /// Plans the file, makes its lab, runs the plan until it waits, places what a person
    /// places (the CA's answers, the far ends' chains), then resumes it to the end.
    func apply(_ yaml: String, label: String) async throws -> (lab: Lab, workspace: String, deployment: Deployment, ca: OutsideCA) {
        let folder = TestSupport.temporaryDirectory(label)
        let deployment = try DeploymentFile.load(yaml: yaml)
        let lab = try Lab.create(at: folder + "/lab", topology: try LabTopology.make(for: deployment))
        let ca = try OutsideCA()
        try await run(.fresh, deployment, lab: lab, workspace: folder, ca: ca)
        return (lab, folder, deployment, ca)
    }

    /// Plans `flow` from what the lab's nodes hold now (read as apply reads them), runs it
    /// until it waits, places the CA's answers, and resumes it to the end.
    func run(_ flow: Flow, _ deployment: Deployment, lab: Lab, workspace folder: String, ca: OutsideCA) async throws {
        var transports: [String: any Transport] = [:]
        for node in deployment.nodes { transports[node.name] = try LabTransport(lab: lab, node: node.name) }
        let current = flow == .fresh ? CurrentState.empty : try await NodeStateReader.read(deployment, transports: transports)
        let plan = try Planner.plan(deployment, flow: flow, current: current)
        func executor(_ journal: Journal) -> Executor {
            Executor(plan: plan, transports: transports, workspace: folder, journal: journal,
                     options: ExecutorOptions(parallel: 4, stepTimeout: .seconds(60)))
        }
        let state = folder + "/.cmscerts"
        let journal = try Journal.create(stateDirectory: state, plan: plan)
        let first = await executor(journal).run()
        guard case let .waiting(files, _) = first else {
            Issue.record("expected the run to wait for the CA, got \(first)")
            return
        }
        // The far ends' chains are theirs: another CA stands in for CUCM's and Rev's.
        let farEnds = ["cucm-ca.crt", "rev-ca.crt"]
        let other = try OutsideCA()
        for file in files where farEnds.contains(file) {
            TestSupport.write(TestSupport.read(other.folder + "/root.crt"), to: folder + "/" + file)
        }
        try ca.place(files.filter { !farEnds.contains($0) }, in: folder)
        let resumption = try Journal.resume(stateDirectory: state, runID: journal.runID, plan: plan, workspace: folder)
        let final = await executor(resumption.journal).run(skipping: resumption.done)
        #expect(final == .done(ran: plan.steps.count - resumption.done.count, skipped: resumption.done.count), "\(final)")
    }

    /// A set-up planned again from what the nodes hold has nothing left to do.
    func expectNothingLeft(_ lab: Lab, _ deployment: Deployment, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var transports: [String: any Transport] = [:]
        for node in deployment.nodes { transports[node.name] = try LabTransport(lab: lab, node: node.name) }
        let current = try await NodeStateReader.read(deployment, transports: transports)
        let again = try Planner.plan(deployment, flow: .fresh, current: current)
        #expect(again.isNoOp, "\(again.steps.map(\.id))", sourceLocation: sourceLocation)
    }

    /// Every service the file gives a node runs there, on its planned key.
    func expectRunning(_ lab: Lab, _ deployment: Deployment, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for node in deployment.nodes {
            for service in node.services {
                let status = try lab.run(service.rawValue, on: node.name, answer: nil).text
                #expect(field(status, "State") == "running", "\(node.name) \(service): \(status)", sourceLocation: sourceLocation)
                if service.holdsCertificate {
                    #expect(status.contains(": \(service.rawValue).key"), "\(node.name) \(service): \(status)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// The trust list `name` on `node` holds exactly the certificates of `files` (workspace
    /// paths), in order; openssl reads every one of them.
    func expectTrustList(_ lab: Lab, _ workspace: String, node: String, _ name: String, holds files: [String],
                         sourceLocation: SourceLocation = #_sourceLocation) {
        let path = lab.nodeDirectory(node) + "/" + name
        let expected = files.map { TestSupport.read(workspace + "/" + $0) }.joined()
        #expect(TestSupport.read(path) == expected, "\(node) \(name)", sourceLocation: sourceLocation)
        let count = TestSupport.openssl(["crl2pkcs7", "-nocrl", "-certfile", path]).status
        #expect(count == 0, "openssl reads \(node) \(name)", sourceLocation: sourceLocation)
    }

    /// The value of a `Label : value` line of a status, however the labels are padded.
    func field(_ status: String, _ label: String) -> String? {
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == label {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    func status(_ lab: Lab, _ command: String, on node: String) throws -> String {
        try lab.run(command, on: node, answer: nil).text
    }

    @Test("a 2.9 estate with both web bridges, clustered XMPP, a load balancer, recorder and streamer applies")
    func estate29Applies() async throws {
        let (lab, workspace, deployment, ca) = try await apply(Self.estate29, label: "estate29")
        try expectRunning(lab, deployment)
        let bridges = ["core1/callbridge.crt", "core2/callbridge.crt", "core3/callbridge.crt"]
        for node in ["edge1", "core3"] {
            expectTrustList(lab, workspace, node: node, "callbridge-trust.crt", holds: bridges)
        }
        #expect(field(try status(lab, "webbridge", on: "edge1"), "Trust bundle") == "callbridge-trust.crt")
        let streamer = try status(lab, "streamer", on: "core3")
        #expect(field(streamer, "Trust bundle") == "callbridge-trust.crt", "a list of call bridge certificates, not a CA")
        #expect(field(try status(lab, "recorder", on: "core3"), "Trust bundle") == "ca-bundle.crt")
        for node in ["core1", "core2"] {
            expectTrustList(lab, workspace, node: node, "xmpp-cluster-trust.crt", holds: ["core1/xmpp.crt", "core2/xmpp.crt"])
            #expect(field(try status(lab, "xmpp", on: node), "Cluster trust bundle") == "xmpp-cluster-trust.crt")
        }
        // `lab status` shows each trust list with the certificate it holds first.
        let core3 = try #require(try lab.status().nodes.first { $0.node.name == "core3" })
        let uploaderFiles = core3.services.first { $0.service == .uploader }?.certificates.map { "\($0.role): \($0.file)" }
        #expect(uploaderFiles == ["cms trust: ca-bundle.crt", "rev trust: rev-ca.crt"])
        let uploader = try status(lab, "uploader", on: "core3")
        #expect(field(uploader, "CMS trust bundle") == "ca-bundle.crt" && field(uploader, "Rev trust bundle") == "rev-ca.crt")
        for node in ["core1", "core2", "core3"] {
            #expect(field(try status(lab, "tls sip", on: node), "SIP trust bundle") == "cucm-ca.crt")
        }
        // webbridge3 on 2.9 gets its full chain, and the call bridges trust its C2W.
        #expect(field(try status(lab, "webbridge3", on: "edge2"), "HTTPS Full chain certificate file") == "webbridge3-fullchain.crt")
        #expect(field(try status(lab, "callbridge", on: "core1"), "C2W Trust bundle") == "ca-bundle.crt")
        // Listeners as the file gives them.
        #expect(field(try status(lab, "webadmin", on: "core1"), "Listening interfaces") == "a 445")
        let turn = try status(lab, "turn", on: "edge1")
        #expect(field(turn, "Listening interfaces") == "a b" && field(turn, "TLS port") == "447")
        #expect(field(try status(lab, "webbridge3", on: "edge2"), "C2W listening") == "a:4443")
        // CUCM's override host name is in the web admin certificate (TAC 222766).
        let text = TestSupport.openssl(["x509", "-in", lab.nodeDirectory("core1") + "/webadmin.crt", "-noout", "-ext", "subjectAltName"]).output
        #expect(text.contains("DNS:cucm-admin.lab.example.com"), "\(text)")
        try await expectNothingLeft(lab, deployment)
        // The trunk and the load balancer trust each other's certificates.
        expectTrustList(lab, workspace, node: "edge1", "trunk-trust.crt", holds: ["core1/trunk.crt"])
        expectTrustList(lab, workspace, node: "core1", "loadbalancer-trust.crt", holds: ["edge1/loadbalancer.crt"])
        #expect(field(try status(lab, "loadbalancer list", on: "edge1"), "Trust bundle") == "trunk-trust.crt")
        #expect(field(try status(lab, "trunk list", on: "core1"), "Trust bundle") == "loadbalancer-trust.crt")
        // The database cluster: every node reports itself.
        for node in ["core2", "core3"] {
            #expect(try status(lab, "database cluster status", on: node).contains("(me)"))
        }

        // Expired certificates renewed under the same names: the trust lists that hold the
        // call bridges' and XMPP servers' own certificates are rebuilt and sent again.
        let before = TestSupport.read(lab.nodeDirectory("edge1") + "/callbridge-trust.crt")
        try await run(.renew, deployment, lab: lab, workspace: workspace, ca: ca)
        try expectRunning(lab, deployment)
        expectTrustList(lab, workspace, node: "edge1", "callbridge-trust.crt", holds: bridges)
        expectTrustList(lab, workspace, node: "core2", "xmpp-cluster-trust.crt", holds: ["core1/xmpp.crt", "core2/xmpp.crt"])
        #expect(TestSupport.read(lab.nodeDirectory("edge1") + "/callbridge-trust.crt") != before, "the renewed call bridges' certificates")
    }

    @Test("a 3.x estate with a scheduler, TURN, the SIP recorder and streamer, the uploader applies")
    func estate3xApplies() async throws {
        let (lab, workspace, deployment, ca) = try await apply(Self.estate3x, label: "estate3x")
        try expectRunning(lab, deployment)
        try await expectNothingLeft(lab, deployment)
        // The web bridges' C2W trust holds the CA bundle and the scheduler's certificate (TAC 217367).
        for node in ["cms1", "cms2"] {
            expectTrustList(lab, workspace, node: node, "c2w-trust.crt", holds: ["ca-bundle.crt", "cms1/scheduler.crt"])
            #expect(field(try status(lab, "webbridge3", on: node), "C2W Trust bundle") == "c2w-trust.crt")
        }
        let scheduler = try status(lab, "scheduler", on: "cms1")
        #expect(field(scheduler, "C2W Full chain certificate file") == "scheduler-fullchain.crt" && field(scheduler, "C2W Trust bundle") == "ca-bundle.crt")
        #expect(field(try status(lab, "recorder", on: "cms2"), "CA Bundle file") == "ca-bundle.crt", "3.x: recorder sip certs with its bundle")
        let turn = try status(lab, "turn", on: "cms2")
        #expect(field(turn, "TLS cert") == "turn.crt" && field(turn, "TLS port") == "447")
        #expect(!FileManager.default.fileExists(atPath: lab.nodeDirectory("cms1") + "/callbridge-trust.crt"), "3.x has no webbridge trust")

        // A proactive renewal, planned from what the nodes hold: new names everywhere, the
        // C2W trust rebuilt with the scheduler's new certificate, every service running.
        try await run(.renewNewNames, deployment, lab: lab, workspace: workspace, ca: ca)
        let renewed = try status(lab, "scheduler", on: "cms1")
        #expect(field(renewed, "C2W Full chain certificate file") == "scheduler-r2-fullchain.crt" && field(renewed, "State") == "running", "\(renewed)")
        expectTrustList(lab, workspace, node: "cms2", "c2w-trust-r2.crt", holds: ["ca-bundle.crt", "cms1/scheduler-r2.crt"])
        #expect(field(try status(lab, "webbridge3", on: "cms2"), "C2W Trust bundle") == "c2w-trust-r2.crt")
        for node in deployment.nodes {
            for service in node.services {
                #expect(field(try status(lab, service.rawValue, on: node.name), "State") == "running", "\(node.name) \(service) after the renewal")
            }
        }
    }
}
