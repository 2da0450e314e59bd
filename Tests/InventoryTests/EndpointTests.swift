import Foundation
import Orchestration
import PKI
import Testing
import TestSupport
@testable import Inventory

@Suite("Live TLS endpoints", .serialized)
struct EndpointTests {
    @Test func aChainInTheWrongOrderIsReportedAsSuch() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        try folder.write("wrong-order.pem", try chain.pem("root.crt") + chain.pem("inter.crt"))
        let server = try TLSServer(directory: folder.path, cert: "leaf.crt", key: "leaf.key", chain: "wrong-order.pem")
        defer { server.stop() }

        let target = EndpointTarget(host: "127.0.0.1", port: server.port, serverName: "cms1.example.com")
        let scan = EndpointSource.scan(target, policy: try ExpiryPolicy(), timeout: .seconds(10))
        #expect(scan.rows.map(\.commonName) == ["cms1.example.com", "Test Root CA", "Test Issuing CA"])
        #expect(scan.rows.map(\.member) == [1, 2, 3])
        #expect(scan.rows.allSatisfy { $0.source == .endpoint && $0.file == "127.0.0.1:\(server.port)@cms1.example.com" })
        #expect(scan.inOrder == false)
        #expect(scan.orderProblems.contains { $0.contains("wrong order") && $0.contains("place 3") })
        #expect(scan.rows[0].problems.isEmpty == false)
        #expect(scan.rows.checkState == .warning)
        #expect(scan.matchesConfigured == nil)
    }

    @Test func aChainInOrderHasNoProblemAndTheConfiguredCertificateMatches() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        try folder.write("right-order.pem", try chain.pem("inter.crt") + chain.pem("root.crt"))
        let server = try TLSServer(directory: folder.path, cert: "leaf.crt", key: "leaf.key", chain: "right-order.pem")
        defer { server.stop() }

        let leaf = try chain.certificate("leaf.crt")
        let target = EndpointTarget(host: "127.0.0.1", port: server.port, configuredFingerprint: leaf.sha256Fingerprint)
        let scan = EndpointSource.scan(target, policy: try ExpiryPolicy(), timeout: .seconds(10))
        #expect(scan.rows.map(\.position) == [.entity, .intermediate, .root])
        #expect(scan.inOrder)
        #expect(scan.orderProblems.isEmpty)
        #expect(scan.matchesConfigured == true)
        #expect(scan.rows.checkState == .ok)
    }

    @Test func aPresentedCertificateThatIsNotTheConfiguredOneIsReported() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        _ = try TestChain(in: folder)
        let server = try TLSServer(directory: folder.path, cert: "leaf.crt", key: "leaf.key", chain: nil)
        defer { server.stop() }
        // The node is configured with another certificate (a renewal that was not applied).
        let other = try TempFolder()
        defer { other.remove() }
        let renewed = try TestChain(in: other).certificate("leaf.crt")

        let target = EndpointTarget(host: "127.0.0.1", port: server.port, configuredFingerprint: renewed.sha256Fingerprint,
                                    configuredSource: "cms1:callbridge.crt")
        let scan = EndpointSource.scan(target, policy: try ExpiryPolicy(), timeout: .seconds(10))
        #expect(scan.matchesConfigured == false)
        #expect(scan.rows.count == 1)
        let problem = try #require(scan.rows[0].problems.first)
        #expect(problem.contains("not the one configured"))
        #expect(problem.contains("cms1:callbridge.crt"))
        #expect(scan.rows.checkState == .warning)
    }

    @Test func anEndpointThatDoesNotAnswerIsAnUnreadableRow() throws {
        let port = try TestSupport.freePort()
        let scan = EndpointSource.scan(EndpointTarget(host: "127.0.0.1", port: port), policy: try ExpiryPolicy(), timeout: .seconds(5))
        #expect(scan.rows.count == 1)
        #expect(scan.rows[0].status == .unreadable)
        #expect(scan.rows[0].reason?.contains("cannot connect") == true)
    }

    @Test func orderProblemsNameTheMissingIntermediateAndTheEntityNotFirst() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let chain = try TestChain(in: folder)
        let leaf = try chain.certificate("leaf.crt"), inter = try chain.certificate("inter.crt"), root = try chain.certificate("root.crt")
        #expect(EndpointSource.orderProblems([leaf, inter, root]).isEmpty)
        #expect(EndpointSource.orderProblems([leaf, inter]).isEmpty)
        let missing = EndpointSource.orderProblems([leaf, root])
        #expect(missing.count == 1)
        #expect(missing.first?.message.contains("not presented") == true)
        let entityLast = EndpointSource.orderProblems([inter, leaf])
        #expect(entityLast.contains { $0.message.contains("entity must come first") })
    }

    @Test func endpointSpecificationsParse() throws {
        let plain = try EndpointTarget.parse("cms1.example.com:445")
        #expect(plain.host == "cms1.example.com" && plain.port == 445 && plain.serverName == nil)
        #expect(plain.effectiveServerName == "cms1.example.com")
        let withName = try EndpointTarget.parse("10.0.0.1:443@join.example.com")
        #expect(withName.host == "10.0.0.1" && withName.serverName == "join.example.com")
        #expect(try EndpointTarget.parse("10.0.0.1:5061").effectiveServerName == nil)
        let v6 = try EndpointTarget.parse("[::1]:8443@cms")
        #expect(v6.host == "::1" && v6.port == 8443 && v6.label == "[::1]:8443@cms")
        #expect(throws: InventoryError.self) { try EndpointTarget.parse("cms1.example.com") }
        #expect(throws: InventoryError.self) { try EndpointTarget.parse("cms1:99999") }
        #expect(throws: InventoryError.self) { try EndpointTarget.parse("cms1:443@") }
    }
}
