import Foundation
import Orchestration
import PKI
import Testing
import TestSupport
@testable import Inventory

/// A node whose MMP root folder is a local folder and whose commands answer canned text.
struct FakeNode: Transport {
    let node: String
    let folder: String
    let answers: [String: String]
    let unreachable: Bool

    init(node: String, folder: String, answers: [String: String], unreachable: Bool = false) {
        self.node = node
        self.folder = folder
        self.answers = answers
        self.unreachable = unreachable
    }

    func run(_ command: String, answer: String?, timeout: Duration) async throws -> CommandOutput {
        if unreachable { throw TransportError(.unreachable, node: node, operation: command, message: "no route to host") }
        guard let text = answers[command] else { return CommandOutput(text: "Unknown command: \(command)", exitStatus: 1) }
        return CommandOutput(text: text)
    }

    func put(localPath: String, remoteName: String, timeout: Duration) async throws {
        throw TransportError(.other, node: node, operation: "put", message: "read-only in this test")
    }

    func get(remoteName: String, localPath: String, timeout: Duration) async throws {
        let source = "\(folder)/\(remoteName)"
        guard FileManager.default.fileExists(atPath: source) else {
            throw TransportError(.fileTransfer, node: node, operation: "get \(remoteName)", message: "no such file")
        }
        try FileManager.default.copyItem(atPath: source, toPath: localPath)
    }
}

@Suite("CMS nodes through a Transport")
struct NodeSourceTests {
    static let callbridgeStatus = """
        Listening interfaces    : a
        Preferred interface     : none
        Key file                : callbridge.key
        Certificate file        : callbridge.crt
        CA Bundle file          : bundle.crt
        """

    static let webbridge3Status = """
        Enabled                                : true
        HTTPS listening ports and interfaces   : a:443
        HTTPS Key file                         : wb3.key
        HTTPS Full chain certificate file      : wb3-fullchain.pem
        C2W listening ports and interfaces     : a:9999
        C2W Key file                           : wb3.key
        C2W Full chain certificate file        : wb3-fullchain.pem
        """

    @Test func statusOutputsSayWhichServiceUsesWhichFile() {
        let callbridge = NodeSource.parseStatus(command: "callbridge", Self.callbridgeStatus)
        #expect(callbridge == [
            ServiceFile(service: "callbridge", label: "Certificate file", file: "callbridge.crt", isServiceCertificate: true),
            ServiceFile(service: "callbridge (CA)", label: "CA Bundle file", file: "bundle.crt", isServiceCertificate: false),
        ])
        let webbridge3 = NodeSource.parseStatus(command: "webbridge3", Self.webbridge3Status)
        #expect(webbridge3.map(\.service) == ["webbridge3 https", "webbridge3 c2w"])
        #expect(webbridge3.allSatisfy { $0.file == "wb3-fullchain.pem" && $0.isServiceCertificate })
        let database = NodeSource.parseStatus(command: "database cluster status", """
            Certificates
              Server Key             : dbserver.key
              Server Certificate     : dbserver.crt
              Client Key             : dbclient.key
              Client Certificate     : dbclient.crt
              CA Certificate         : dbca.crt
            """)
        #expect(database.map(\.service) == ["database server", "database client", "database (CA)"])
        // TURN's labels (TAC 221729): "TLS cert" is its certificate, "TLS bundle" its CA.
        let turn = NodeSource.parseStatus(command: "turn", "TLS key : turn.key\nTLS cert : turn.crt\nTLS bundle : ca-bundle.crt\n")
        #expect(turn == [
            ServiceFile(service: "turn tls", label: "TLS cert", file: "turn.crt", isServiceCertificate: true),
            ServiceFile(service: "turn tls (CA)", label: "TLS bundle", file: "ca-bundle.crt", isServiceCertificate: false),
        ])
        #expect(NodeSource.parseList("cms1> pki list\nUser supplied certificates and keys:\ncallbridge.key\ncallbridge.crt\n\nbundle.crt\n")
                == ["callbridge.key", "callbridge.crt", "bundle.crt"])
        // The scheduler's own certificate is its C2W full chain; the load balancer's status
        // comes from `loadbalancer list` and names the service without the verb.
        let scheduler = NodeSource.parseStatus(command: "scheduler", "C2W Key file : s.key\nC2W Full chain certificate file : s-fullchain.crt\nC2W Trust bundle : ca-bundle.crt\n")
        #expect(scheduler.map(\.service) == ["scheduler c2w", "scheduler c2w (CA)"] && scheduler[0].isServiceCertificate)
        let balancer = NodeSource.parseStatus(command: "loadbalancer list", "Key file : lb.key\nCertificate file : lb.crt\nTrust bundle : trunk-trust.crt\n")
        #expect(balancer.map(\.service) == ["loadbalancer", "loadbalancer (CA)"])
        #expect(NodeSource.statusCommands.contains("recorder") && NodeSource.statusCommands.contains("streamer"))
    }

    /// The fuzzer's finding (Fuzz/run.sh mmp-output) as the dashboard reads it: a file name
    /// with a tab or a control character in it is no file name, so it is never fetched.
    @Test func aStatusValueThatIsNotOneWordIsNotAFile() {
        let status = "Certificate file : call\tbridge.crt\nCA Bundle file : bundle\u{1B}.crt\nTrust bundle : trust.crt\n"
        #expect(NodeSource.parseStatus(command: "callbridge", status).map(\.file) == ["trust.crt"])
        #expect(NodeSource.parseList("User supplied certificates and keys:\na\tb.crt\nc.crt\n") == ["c.crt"])
    }

    @Test func aNodesFilesAreFetchedReadAndTiedToTheirServices() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        let mmp = try TempFolder()
        defer { mmp.remove() }
        try mmp.write("callbridge.key", try chain.pem("leaf.key"))
        try mmp.write("callbridge.crt", try chain.pem("leaf.crt"))
        try mmp.write("bundle.crt", try chain.pem("inter.crt") + chain.pem("root.crt"))
        try mmp.write("wb3-fullchain.pem", try chain.pem("leaf.crt") + chain.pem("inter.crt") + chain.pem("root.crt"))
        try mmp.write("broken.cer", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n")
        try mmp.write("old.csr", try chain.pem("leaf.csr"))
        let listing = "User supplied certificates and keys:\ncallbridge.key\ncallbridge.crt\nbundle.crt\nwb3-fullchain.pem\nbroken.cer\nold.csr\ngone.crt\n"
        let node = FakeNode(node: "cms1", folder: mmp.path, answers: [
            "pki list": listing, "callbridge": Self.callbridgeStatus, "webbridge3": Self.webbridge3Status,
        ])

        let scan = await NodeSource.scan(NodeTarget(name: "cms1", transport: node), policy: try ExpiryPolicy())
        let byFile = Dictionary(grouping: scan.rows, by: \.file)
        #expect(scan.rows.allSatisfy { $0.node == "cms1" && $0.source == .node })
        #expect(byFile["callbridge.crt"]?.count == 1)
        #expect(byFile["callbridge.crt"]?.first?.service == "callbridge")
        #expect(byFile["bundle.crt"]?.map(\.position) == [.intermediate, .root])
        #expect(byFile["bundle.crt"]?.first?.service == "callbridge (CA)")
        #expect(byFile["wb3-fullchain.pem"]?.count == 3)
        #expect(byFile["wb3-fullchain.pem"]?.first?.service == "webbridge3 https, webbridge3 c2w")
        #expect(byFile["broken.cer"]?.first?.status == .unreadable)
        #expect(byFile["broken.cer"]?.first?.reason?.contains("broken.cer") == true)
        #expect(byFile["broken.cer"]?.first?.reason?.contains("cmscerts-") == false)
        #expect(byFile["gone.crt"]?.first?.status == .unreadable)
        #expect(byFile["gone.crt"]?.first?.reason?.contains("cannot fetch") == true)
        #expect(byFile["old.csr"] == nil)
        #expect(byFile["callbridge.key"] == nil)
        // callbridge.crt 1, bundle.crt 2, wb3-fullchain.pem 3, broken.cer 1, gone.crt 1.
        let expectedRows = 7
        #expect(scan.rows.count == expectedRows + 1)
        let leaf = try chain.certificate("leaf.crt")
        #expect(scan.configuredCertificates["callbridge"]?.sha256Fingerprint == leaf.sha256Fingerprint)
        #expect(scan.configuredCertificates["webbridge3 https"]?.sha256Fingerprint == leaf.sha256Fingerprint)
        #expect(scan.configuredCertificates["callbridge (CA)"] == nil)
    }

    @Test func theLiveServiceIsComparedWithTheCertificateTheNodeIsConfiguredWith() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let configured = try TestChain(in: folder)
        let mmp = try TempFolder()
        defer { mmp.remove() }
        try mmp.write("callbridge.crt", try configured.pem("leaf.crt"))
        let node = FakeNode(node: "cms1", folder: mmp.path, answers: [
            "pki list": "User supplied certificates and keys:\ncallbridge.crt\n", "callbridge": Self.callbridgeStatus,
        ])
        let scan = await NodeSource.scan(NodeTarget(name: "cms1", transport: node), policy: try ExpiryPolicy())
        // The service still presents an older certificate.
        let live = try TempFolder()
        defer { live.remove() }
        _ = try TestChain(in: live)
        let server = try TLSServer(directory: live.path, cert: "leaf.crt", key: "leaf.key", chain: nil)
        defer { server.stop() }

        let target = scan.endpoint(for: "callbridge", host: "127.0.0.1", port: server.port)
        #expect(target.configuredSource == "cms1:callbridge.crt")
        #expect(target.node == "cms1" && target.service == "callbridge")
        let result = EndpointSource.scan(target, policy: try ExpiryPolicy(), timeout: .seconds(10))
        #expect(result.matchesConfigured == false)
        #expect(result.rows.first?.problems.first?.contains("cms1:callbridge.crt") == true)
        #expect(result.rows.allSatisfy { $0.node == "cms1" && $0.service == "callbridge" })
    }

    @Test func anUnreachableNodeIsARowNotAStop() async throws {
        let node = FakeNode(node: "cms2", folder: "/nonexistent", answers: [:], unreachable: true)
        let scans = await NodeSource.scan([NodeTarget(name: "cms2", transport: node)], policy: try ExpiryPolicy())
        #expect(scans.count == 1)
        #expect(scans[0].rows.count == 1)
        #expect(scans[0].rows[0].status == .unreadable)
        #expect(scans[0].rows[0].reason?.contains("no route to host") == true)
    }
}
