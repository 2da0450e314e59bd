import Foundation
import Lab
import Orchestration
import Testing

/// The article's three troubleshooting flows, on a three-node 3.x lab whose certificates
/// come from the built-in CA on cms1 (so they follow the lab's clock).
@Suite("The article, troubleshooting")
struct TroubleshootingTests {
    static let nodes = ArticleTests.nodes

    /// cms1 holds the lab's CA; each node makes its key and CSR, cms1 signs, the
    /// certificate goes back under `name`.crt.
    static func issue(_ lab: TestLab, node: String, basename: String, certificateName: String? = nil, fields: String) async throws {
        try lab.ok(node, "pki csr \(basename) \(fields)")
        let onCA = "\(node)-\(basename)"
        let scratch = try TemporaryFolder("issue")
        defer { scratch.remove() }
        try await LabTransport(lab: lab.lab, node: node).get(remoteName: "\(basename).csr", localPath: scratch.path + "/r.csr", timeout: .seconds(5))
        try await LabTransport(lab: lab.lab, node: "cms1").put(localPath: scratch.path + "/r.csr", remoteName: "\(onCA).csr", timeout: .seconds(5))
        try resign(lab, node: node, basename: basename, certificateName: certificateName)
    }

    /// Signs `<node>-<basename>.csr` again on cms1 (at the lab's time) and uploads the
    /// certificate to the node as `certificateName` (default `<basename>.crt`).
    static func resign(_ lab: TestLab, node: String, basename: String, certificateName: String? = nil) throws {
        let onCA = "\(node)-\(basename)"
        try lab.ok("cms1", "pki sign \(onCA) labca")
        let data = try Data(contentsOf: URL(fileURLWithPath: lab.path("cms1", "\(onCA).crt")))
        let target = lab.path(node, certificateName ?? "\(basename).crt")
        // As an SFTP upload over the old file of the same name.
        try data.write(to: URL(fileURLWithPath: target), options: .atomic)
    }

    /// Services configured and running on every node: callbridge and webadmin.
    static func liveLab() async throws -> TestLab {
        let lab = try TestLab(version: .v3, label: "trouble")
        try lab.ok("cms1", "pki selfsigned labca CN:lab.example.com")
        try await lab.copy("labca.crt", from: "cms1", to: ["cms2", "cms3"])
        for node in nodes {
            let fqdn = ArticleTests.fqdn(node)
            try await issue(lab, node: node, basename: "callbridge", fields: "CN:\(fqdn) subjectAltName:\(ArticleTests.allFQDNs)")
            try await issue(lab, node: node, basename: "webadmin", fields: "CN:\(fqdn)")
            try lab.ok(node, "callbridge certs callbridge.key callbridge.crt labca.crt")
            try lab.ok(node, "callbridge restart")
            try lab.ok(node, "webadmin certs webadmin.key webadmin.crt labca.crt")
            try lab.ok(node, "webadmin enable")
        }
        try await ArticleTests.step3(lab)
        return lab
    }

    static func expectAllRunning(_ lab: TestLab) throws {
        for node in try lab.lab.status().nodes {
            for service in node.services where [.callbridge, .webadmin].contains(service.service) {
                #expect(service.enabled && service.running, "\(node.node.name) \(service.service): \(service.state)")
            }
        }
    }

    /// An expired certificate (not the database's): upload the new one under the SAME
    /// name and restart; nothing to reconfigure.
    @Test func sameNameRenewal() async throws {
        let lab = try await Self.liveLab()
        try Self.expectAllRunning(lab)
        let configured = try lab.service("cms2", .callbridge).files

        try lab.lab.changeClock(.by(731 * 86_400))
        let expired = try lab.lab.status().nodes[1].services.first { $0.service == .callbridge }!
        #expect(!expired.running)
        #expect(expired.state.hasPrefix("failing (certificate callbridge.crt expired on "))
        #expect(expired.certificates[0].daysLeft! < 0)
        let restart = try lab.run("cms2", "callbridge restart")
        #expect(restart.contains("FAILURE: certificate callbridge.crt expired on "))
        #expect(try !lab.service("cms2", .callbridge).health(at: lab.lab.now()).isRunning)

        for node in Self.nodes {
            try Self.resign(lab, node: node, basename: "callbridge")
            try Self.resign(lab, node: node, basename: "webadmin")
            #expect(try lab.ok(node, "callbridge restart") == "SUCCESS: Key and certificate pair match\nSUCCESS: certificate verified against CA bundle\n")
            try lab.ok(node, "webadmin restart")
        }
        #expect(try lab.service("cms2", .callbridge).files == configured)
        try Self.expectAllRunning(lab)
        // The judge, at the lab's time: the new certificate is good then.
        let at = String(Int(try lab.lab.now().timeIntervalSince1970))
        let judge = try openssl(["verify", "-attime", at, "-CAfile", lab.path("cms2", "labca.crt"), lab.path("cms2", "callbridge.crt")])
        #expect(judge.status == 0, "\(judge.stderr)")
        #expect(try lab.lab.status().nodes[1].services.first { $0.service == .callbridge }!.certificates[0].daysLeft! > 700)
    }

    /// Proactive renewal while production is live: a new key and CSR under a NEW
    /// basename leave the running service alone; then the swap.
    @Test func proactiveRenewalUnderNewNames() async throws {
        let lab = try await Self.liveLab()
        try lab.lab.changeClock(.by(700 * 86_400))
        for node in Self.nodes {
            let fqdn = ArticleTests.fqdn(node)
            try await Self.issue(lab, node: node, basename: "callbridge2029", fields: "CN:\(fqdn) subjectAltName:\(ArticleTests.allFQDNs)")
            // The live key was not touched: the service still runs on it.
            #expect(try lab.service(node, .callbridge).health(at: lab.lab.now()) == .running)
            #expect(try lab.ok(node, "pki match callbridge.key callbridge.crt") == "SUCCESS: Key and certificate pair match\n")
            #expect(try lab.ok(node, "pki match callbridge2029.key callbridge2029.crt") == "SUCCESS: Key and certificate pair match\n")
            try lab.ok(node, "callbridge certs callbridge2029.key callbridge2029.crt labca.crt")
            try lab.ok(node, "callbridge restart")
        }
        try lab.lab.changeClock(.by(60 * 86_400))
        try Self.expectAllRunningCallbridge(lab, file: "callbridge2029.crt")
        // webadmin was not renewed: it is past its date now.
        let webadmin = try lab.lab.status().nodes[0].services.first { $0.service == .webadmin }!
        #expect(webadmin.state.contains("expired"))
    }

    static func expectAllRunningCallbridge(_ lab: TestLab, file: String) throws {
        for node in try lab.lab.status().nodes {
            let callbridge = node.services.first { $0.service == .callbridge }!
            #expect(callbridge.running, "\(node.node.name): \(callbridge.state)")
            #expect(callbridge.certificates[0].file == file)
            #expect(callbridge.certificates[0].daysLeft! > 600)
        }
    }

    /// Expired database certificates: find the primary with `database cluster status`,
    /// `database cluster remove` on all nodes, then Step 3 again.
    @Test func expiredDatabaseCertificates() async throws {
        let lab = try await Self.liveLab()
        try ArticleTests.expectWholeCluster(lab, primary: "cms1")
        try lab.lab.changeClock(.by(800 * 86_400))

        let status = try lab.ok("cms2", "database cluster status")
        #expect(status.contains("    10.0.0.1             : Connected Primary\n"))
        #expect(status.contains("    10.0.0.2 (me)        : Disconnected\n"))
        let primaryLine = status.split(separator: "\n").first { $0.hasSuffix(": Connected Primary") }!
        let primaryAddress = primaryLine.split(separator: " ").first!
        #expect(primaryAddress == "10.0.0.1")
        let primary = try lab.lab.topology().node(String(primaryAddress))!.name
        #expect(try lab.lab.status().nodes.map(\.database.state) == ["Connected Primary", "Disconnected", "Disconnected"])

        // Certificates cannot change while the cluster is active.
        #expect(try lab.run("cms2", "database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt")
                == "FAILURE: cannot change certificates while the database cluster is enabled: run database cluster remove first\n")
        // Replicas first, the primary last.
        for node in Self.nodes.filter({ $0 != primary }) + [primary] {
            #expect(try lab.run(node, "database cluster remove", answer: "Y").hasSuffix("SUCCESS: node removed from the database cluster\n"))
            #expect(try lab.database(node).membership == .none)
        }
        // Step 3 again, with new keys (the MMP overwrites them; the lab keeps the old ones beside).
        try await ArticleTests.step3(lab)
        try ArticleTests.expectWholeCluster(lab, primary: "cms1")
        let backups = try FileManager.default.contentsOfDirectory(atPath: lab.lab.nodeDirectory("cms1")).filter { $0.hasPrefix("dbserver.key.bak-") }
        #expect(backups.count == 1)
        let at = String(Int(try lab.lab.now().timeIntervalSince1970))
        let judge = try openssl(["verify", "-attime", at, "-CAfile", lab.path("cms3", "dbca.crt"), lab.path("cms3", "dbserver.crt"), lab.path("cms3", "dbclient.crt")])
        #expect(judge.status == 0, "\(judge.stderr)")
    }
}
