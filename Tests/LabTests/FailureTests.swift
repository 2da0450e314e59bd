import Foundation
import Lab
import Orchestration
import Testing

/// The failures the article warns of, so that guards can be tested against them.
@Suite("Failure modes")
struct FailureTests {
    /// One node with a CA (labca) and a signed webadmin pair.
    static func nodeWithPair() throws -> TestLab {
        let lab = try TestLab(nodes: 3, version: .v3, label: "fail")
        try lab.ok("cms1", "pki selfsigned labca CN:lab.example.com")
        try lab.ok("cms1", "pki csr webadmin CN:cms1.lab.example.com")
        try lab.ok("cms1", "pki sign webadmin labca")
        return lab
    }

    static func expectDown(_ lab: TestLab, _ service: LabService, reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let state = try lab.service("cms1", service)
        let health = state.health(at: try lab.lab.now())
        #expect(!health.isRunning, sourceLocation: sourceLocation)
        #expect(health.description.contains(reason), "\(health)", sourceLocation: sourceLocation)
    }

    @Test func keyAndCertificateThatDoNotMatch() throws {
        let lab = try Self.nodeWithPair()
        try lab.ok("cms1", "pki csr other CN:cms1.lab.example.com")
        // The MMP refuses the pair when it is given, and keeps what the service had.
        #expect(try lab.run("cms1", "webadmin certs other.key webadmin.crt labca.crt") == "FAILURE: Key and certificate pair do not match\n")
        #expect(try lab.service("cms1", .webadmin).files[.key] == nil)
        // Every certs command: a key that is no key, a certificate that is no certificate.
        #expect(try lab.run("cms1", "webadmin certs webadmin.crt webadmin.crt labca.crt") == "FAILURE: webadmin.crt is not a private key file\n")
        #expect(try lab.run("cms1", "callbridge certs webadmin.key webadmin.key labca.crt") == "FAILURE: webadmin.key holds no certificate\n")
        #expect(try lab.run("cms1", "callbridge certs webadmin.key webadmin.crt webadmin.key") == "FAILURE: webadmin.key holds no certificate\n")
        #expect(try lab.run("cms1", "database cluster certs other.key webadmin.crt webadmin.key webadmin.crt labca.crt") == "FAILURE: Key and certificate pair do not match\n")
        // A pair that slips past (the key file changed after certs): the start refuses it.
        try lab.ok("cms1", "webadmin certs webadmin.key webadmin.crt labca.crt")
        let original = try Data(contentsOf: URL(fileURLWithPath: lab.path("cms1", "webadmin.key")))
        try FileManager.default.removeItem(atPath: lab.path("cms1", "webadmin.key"))
        try FileManager.default.copyItem(atPath: lab.path("cms1", "other.key"), toPath: lab.path("cms1", "webadmin.key"))
        let out = try lab.run("cms1", "webadmin enable")
        #expect(out == "FAILURE: Key and certificate pair do not match\n")
        try Self.expectDown(lab, .webadmin, reason: "Key and certificate pair do not match")
        try original.write(to: URL(fileURLWithPath: lab.path("cms1", "webadmin.key")))
        #expect(try lab.run("cms1", "pki match other.key webadmin.crt") == "FAILURE: Key and certificate pair do not match\n")
        // The judge agrees: the public keys differ.
        let fromKey = try openssl(["pkey", "-in", lab.path("cms1", "other.key"), "-pubout"]).stdout
        let fromCertificate = try openssl(["x509", "-in", lab.path("cms1", "webadmin.crt"), "-noout", "-pubkey"]).stdout
        #expect(!fromKey.isEmpty && fromKey != fromCertificate)
        // Fixed, it starts.
        try lab.ok("cms1", "webadmin certs webadmin.key webadmin.crt labca.crt")
        try lab.ok("cms1", "webadmin restart")
        #expect(try lab.service("cms1", .webadmin).health(at: lab.lab.now()) == .running)
    }

    @Test func expiredCertificateByTheLabClock() throws {
        let lab = try Self.nodeWithPair()
        try lab.ok("cms1", "webadmin certs webadmin.key webadmin.crt labca.crt")
        try lab.lab.changeClock(.by(731 * 86_400))
        let out = try lab.run("cms1", "webadmin enable")
        #expect(out.hasPrefix("SUCCESS: Key and certificate pair match\nFAILURE: certificate webadmin.crt expired on "))
        try Self.expectDown(lab, .webadmin, reason: "expired")
        #expect(try lab.run("cms1", "pki inspect webadmin.crt").contains("expired"))
        let at = String(Int(try lab.lab.now().timeIntervalSince1970))
        let judge = try openssl(["verify", "-attime", at, "-CAfile", lab.path("cms1", "labca.crt"), lab.path("cms1", "webadmin.crt")])
        #expect(judge.status != 0 && (judge.stdout + judge.stderr).contains("certificate has expired"))
        // Back to the real time: it starts.
        try lab.lab.changeClock(.reset)
        #expect(try lab.lab.clockOffset() == 0)
        try lab.ok("cms1", "webadmin enable")
    }

    @Test func certificateThatDoesNotChainToItsBundle() throws {
        let lab = try Self.nodeWithPair()
        try lab.ok("cms1", "pki selfsigned strangerca CN:elsewhere.example.com")
        try lab.ok("cms1", "webadmin certs webadmin.key webadmin.crt strangerca.crt")
        let out = try lab.run("cms1", "webadmin enable")
        #expect(out.hasPrefix("SUCCESS: Key and certificate pair match\nFAILURE: certificate could not be verified against CA bundle: "))
        try Self.expectDown(lab, .webadmin, reason: "could not be verified")
        let judge = try openssl(["verify", "-CAfile", lab.path("cms1", "strangerca.crt"), lab.path("cms1", "webadmin.crt")])
        #expect(judge.status != 0)
        #expect(try lab.run("cms1", "pki verify webadmin.crt strangerca.crt").contains("FAILURE:"))
    }

    @Test func servicesWithoutCertificatesDoNotStart() throws {
        let lab = try TestLab(label: "nocerts")
        #expect(try lab.run("cms1", "turn enable") == "FAILURE: no certificates configured: use turn certs <key-file> <crt-file> [<crt-bundle>]\n")
        #expect(try lab.run("cms1", "webadmin restart") == "FAILURE: webadmin is disabled: use webadmin enable\n")
        #expect(try lab.run("cms1", "webadmin certs nothere.key nothere.crt") == "FAILURE: file nothere.key not found\n")
        #expect(try lab.run("cms1", "pki inspect ../lab.json") == "FAILURE: ../lab.json is not a file name in the MMP root folder\n")
        #expect(try lab.service("cms1", .webadmin).files.isEmpty)
    }

    /// `pki csr` over the key of a running service: the MMP overwrites it, the service breaks at once.
    @Test func csrOverTheKeyOfARunningServiceBreaksIt() throws {
        let lab = try Self.nodeWithPair()
        try lab.ok("cms1", "webadmin certs webadmin.key webadmin.crt labca.crt")
        try lab.ok("cms1", "webadmin enable")
        #expect(try lab.service("cms1", .webadmin).health(at: lab.lab.now()) == .running)
        let before = try Data(contentsOf: URL(fileURLWithPath: lab.path("cms1", "webadmin.key")))

        try lab.ok("cms1", "pki csr webadmin CN:cms1.lab.example.com")
        try Self.expectDown(lab, .webadmin, reason: "key file webadmin.key was overwritten")
        #expect(try lab.ok("cms1", "webadmin").contains("State                    : failing (key file webadmin.key was overwritten"))
        let after = try Data(contentsOf: URL(fileURLWithPath: lab.path("cms1", "webadmin.key")))
        #expect(before != after)
        // The old key is kept beside (the PKI store's backup), and still matches the certificate.
        let backup = try FileManager.default.contentsOfDirectory(atPath: lab.lab.nodeDirectory("cms1")).first { $0.hasPrefix("webadmin.key.bak-") }
        #expect(backup != nil)
        let mode = try FileManager.default.attributesOfItem(atPath: lab.path("cms1", "webadmin.key"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let certificateKey = try openssl(["x509", "-in", lab.path("cms1", "webadmin.crt"), "-noout", "-pubkey"]).stdout
        #expect(try openssl(["pkey", "-in", lab.path("cms1", backup!), "-pubout"]).stdout == certificateKey)
        #expect(try openssl(["pkey", "-in", lab.path("cms1", "webadmin.key"), "-pubout"]).stdout != certificateKey)
        // A restart does not help: the key on disk no longer matches.
        #expect(try lab.run("cms1", "webadmin restart") == "FAILURE: Key and certificate pair do not match\n")
        // A service that does not use that key is untouched.
        try lab.ok("cms1", "pki csr turn CN:cms1.lab.example.com")
        try lab.ok("cms1", "pki sign turn labca")
        try lab.ok("cms1", "turn certs turn.key turn.crt labca.crt")
        try lab.ok("cms1", "turn enable")
        try lab.ok("cms1", "pki csr webadmin2 CN:cms1.lab.example.com")
        #expect(try lab.service("cms1", .turn).health(at: lab.lab.now()) == .running)
    }

    /// A cluster initialized on cms1 with certificates from the built-in CA, copied to cms2 and cms3.
    static func primaryOnly() async throws -> TestLab {
        let lab = try TestLab(label: "dbfail")
        try lab.ok("cms1", "pki selfsigned dbca CN:lab.example.com")
        try lab.ok("cms1", "pki csr dbserver CN:cms1.lab.example.com subjectAltName:cms2.lab.example.com,cms3.lab.example.com")
        try lab.ok("cms1", "pki csr dbclient CN:postgres")
        try lab.ok("cms1", "pki sign dbserver dbca")
        try lab.ok("cms1", "pki sign dbclient dbca")
        for file in ["dbserver.key", "dbserver.crt", "dbclient.key", "dbclient.crt", "dbca.crt"] {
            try await lab.copy(file, from: "cms1", to: ["cms2", "cms3"])
        }
        for node in ArticleTests.nodes {
            try lab.ok(node, "database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt")
            try lab.ok(node, "database cluster localnode a")
        }
        return lab
    }

    @Test func joinOrConnectBeforeThePrimaryIsInitialized() async throws {
        let lab = try await Self.primaryOnly()
        let join = try lab.run("cms2", "database cluster join 10.0.0.1")
        #expect(join == "FAILURE: 10.0.0.1 is not the primary of an initialized database cluster: run database cluster initialize on the primary first\n")
        #expect(try lab.run("cms3", "database cluster connect cms1.lab.example.com").hasPrefix("FAILURE: cms1.lab.example.com is not the primary"))
        #expect(try lab.database("cms2").membership == .none)
        #expect(try lab.ok("cms2", "database cluster status").contains("Last command             : 'database cluster join 10.0.0.1' (Failed)\n"))
        #expect(try lab.database("cms2").error != nil)
        #expect(try lab.ok("cms2", "database cluster clear error") == "SUCCESS: database cluster error cleared\n")
        #expect(try lab.database("cms2").error == nil)
        #expect(try lab.run("cms2", "database cluster join 10.9.9.9").hasPrefix("FAILURE: cannot reach 10.9.9.9"))
        // Initialized, the same join works.
        try lab.ok("cms1", "database cluster initialize")
        try lab.ok("cms2", "database cluster join 10.0.0.1")
        #expect(try lab.database("cms2").membership == .replica)
    }

    @Test func aSecondPrimary() async throws {
        let lab = try await Self.primaryOnly()
        try lab.ok("cms1", "database cluster initialize")
        let second = try lab.run("cms2", "database cluster initialize")
        #expect(second == "FAILURE: a database cluster primary already exists (10.0.0.1): join it, or remove it first\n")
        #expect(try lab.database("cms2").membership == .none)
        #expect(try lab.run("cms1", "database cluster initialize") == "FAILURE: this node is already part of a database cluster: run database cluster remove first\n")
        let primaries = try lab.lab.state().nodes.values.filter { $0.database.membership == .primary }
        #expect(primaries.count == 1)
    }

    @Test func databaseCertificatesChangedWhileTheClusterIsActive() async throws {
        let lab = try await Self.primaryOnly()
        try lab.ok("cms1", "database cluster initialize")
        try lab.ok("cms2", "database cluster join cms1")
        let before = try lab.database("cms2")
        for node in ["cms1", "cms2"] {
            #expect(try lab.run(node, "database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt")
                    == "FAILURE: cannot change certificates while the database cluster is enabled: run database cluster remove first\n")
        }
        #expect(try lab.run("cms2", "database cluster certs dbclient.key dbclient.crt dbca.crt").hasPrefix("FAILURE: cannot change certificates"))
        #expect(try lab.database("cms2") == before)
    }

    @Test func removeProceedsOnlyOnAnUpperCaseY() async throws {
        let lab = try await Self.primaryOnly()
        try lab.ok("cms1", "database cluster initialize")
        for answer in [nil, "y", "yes", "N", ""] as [String?] {
            let out = try lab.run("cms1", "database cluster remove", answer: answer)
            #expect(out.hasPrefix("WARNING: this node will leave the database cluster"))
            #expect(out.hasSuffix("database cluster remove cancelled\n"))
            #expect(try lab.database("cms1").membership == .primary)
        }
        #expect(try lab.run("cms1", "database cluster remove", answer: "Y").hasSuffix("SUCCESS: node removed from the database cluster\n"))
        #expect(try lab.database("cms1").membership == .none)
    }

    @Test func clientCertificateMustBePostgresAndCAsMustAgree() async throws {
        let lab = try await Self.primaryOnly()
        // A client certificate with another CN.
        try lab.ok("cms3", "pki csr badclient CN:cms3.lab.example.com")
        try await lab.copy("badclient.csr", from: "cms3", to: ["cms1"])
        try lab.ok("cms1", "pki sign badclient dbca")
        try await lab.copy("badclient.crt", from: "cms1", to: ["cms3"])
        try lab.ok("cms3", "database cluster certs dbserver.key dbserver.crt badclient.key badclient.crt dbca.crt")
        try lab.ok("cms1", "database cluster initialize")
        #expect(try lab.run("cms3", "database cluster join cms1") == "FAILURE: the client certificate's CN must be postgres\n")
        // A node whose certificates come from another CA cannot join.
        try lab.ok("cms2", "pki selfsigned dbca CN:other.example.com")
        try lab.ok("cms2", "pki csr dbserver CN:cms2.lab.example.com")
        try lab.ok("cms2", "pki csr dbclient CN:postgres")
        try lab.ok("cms2", "pki sign dbserver dbca")
        try lab.ok("cms2", "pki sign dbclient dbca")
        try lab.ok("cms2", "database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt")
        let out = try lab.run("cms2", "database cluster join cms1")
        #expect(out.hasPrefix("FAILURE: the primary's server certificate (checked against dbca.crt): "))
        #expect(try lab.database("cms2").membership == .none)
    }

    /// `pki csr` over a live database key breaks that node's link at once.
    @Test func csrOverALiveDatabaseKeyDisconnectsTheNode() async throws {
        let lab = try TestLab(label: "dbkey")
        try await ArticleTests.step3(lab)
        try ArticleTests.expectWholeCluster(lab, primary: "cms1")
        try lab.ok("cms3", "pki csr dbclient CN:postgres")
        let status = try lab.ok("cms3", "database cluster status")
        #expect(status.contains("    10.0.0.3 (me)        : Disconnected\n"))
        #expect(status.contains("    10.0.0.2             : Connected Replica ( In Sync )\n"))
        #expect(try lab.lab.status().nodes.map(\.database.state) == ["Connected Primary", "Connected Replica ( In Sync )", "Disconnected"])
    }

    /// A node outside the database cluster connects with the three client files.
    @Test func aConnectedNode() async throws {
        let lab = try TestLab(nodes: 4, label: "connect")
        #expect(try lab.lab.topology().nodes[3].databaseRole == .connected)
        try lab.ok("cms1", "pki selfsigned dbca CN:lab.example.com")
        try lab.ok("cms1", "pki csr dbserver CN:cms1.lab.example.com")
        try lab.ok("cms1", "pki csr dbclient CN:postgres")
        try lab.ok("cms1", "pki sign dbserver dbca")
        try lab.ok("cms1", "pki sign dbclient dbca")
        try lab.ok("cms1", "database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt")
        try lab.ok("cms1", "database cluster localnode a")
        try lab.ok("cms1", "database cluster initialize")
        for file in ["dbclient.key", "dbclient.crt", "dbca.crt"] { try await lab.copy(file, from: "cms1", to: ["cms4"]) }
        try lab.ok("cms4", "database cluster certs dbclient.key dbclient.crt dbca.crt")
        #expect(try lab.run("cms4", "database cluster connect 10.0.0.1") == "FAILURE: the local node interface is not set: run database cluster localnode a first\n")
        try lab.ok("cms4", "database cluster localnode a")
        // Three files are not enough to join: a joined node serves the database too.
        #expect(try lab.run("cms4", "database cluster join 10.0.0.1").hasPrefix("FAILURE: the database cluster certificates are not configured"))
        #expect(try lab.ok("cms4", "database cluster connect 10.0.0.1") == "SUCCESS: connected to the database cluster of 10.0.0.1\n")
        let status = try lab.ok("cms4", "database cluster status")
        #expect(status.hasPrefix("Status                   : Enabled\nNodes:\n    10.0.0.1             : Connected Primary\nNode in use              : 10.0.0.1\n"))
        #expect(status.contains("  Server Key             : none\n  Server Certificate     : none\n  Client Key             : dbclient.key\n"))
        #expect(try lab.database("cms4").membership == .connected)
    }

    @Test func unknownCommandsAndUsage() throws {
        let lab = try TestLab(version: .v2_9, label: "unknown")
        #expect(try lab.run("cms1", "frobnicate now") == "Unknown command: frobnicate now\n")
        #expect(try lab.run("cms1", "webbridge3") == "Unknown command: webbridge3\n")
        #expect(try lab.run("cms1", "pki destroy x") == "Unknown command: pki destroy x\n")
        // 2.9 has the C2W trust (Web Bridge 3 came with it); a missing file is refused.
        #expect(try lab.run("cms1", "callbridge trust c2w x.crt") == "FAILURE: file x.crt not found\n")
        #expect(try lab.run("cms1", "callbridge trust cluster x.crt").hasPrefix("Usage: callbridge"))
        #expect(try lab.run("cms1", "pki sign onlyone") == "Usage: pki sign <basename> <ca basename>\n")
        #expect(try lab.run("cms1", "pki csr bad/name CN:x.example.com").hasPrefix("FAILURE: "))
        #expect(try lab.run("cms1", "") == "")
        #expect(throws: LabError.self) { try lab.run("cms9", "pki list") }
    }
}
