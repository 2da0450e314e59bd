import Foundation
import Lab
import Orchestration
import Testing

/// The article by hand, on three-node labs, through the node command API: Steps 2 to 5.
@Suite("The article, Steps 2 to 5")
struct ArticleTests {
    static let nodes = ["cms1", "cms2", "cms3"]
    static func fqdn(_ node: String) -> String { "\(node).lab.example.com" }
    static var allFQDNs: String { nodes.map(fqdn).joined(separator: ",") }

    /// Step 2 on a 2.9 cluster, signed by an outside CA (openssl), Step 3's database
    /// cluster with the built-in CA, Step 4's checks, Step 5 for every service.
    @Test func clusteredCMS29() async throws {
        let lab = try TestLab(version: .v2_9, label: "article29")
        let ca = try OpenSSLCA()
        defer { ca.folder.remove() }

        // Step 2: CSRs per service, clustered lines.
        for node in Self.nodes {
            let fqdn = Self.fqdn(node)
            let out = try lab.ok(node, "pki csr webadmin CN:\(fqdn)")
            #expect(out == "Created key file webadmin.key and CSR webadmin.csr\nCSR file webadmin.csr ready for download via SFTP\n")
            try lab.ok(node, "pki csr webbridge CN:\(fqdn) subjectAltName:\(fqdn),join.lab.example.com")
            try lab.ok(node, "pki csr callbridge CN:\(fqdn) subjectAltName:\(Self.allFQDNs)")
            try lab.ok(node, "pki csr xmpp CN:\(fqdn) subjectAltName:\(fqdn),lab.example.com")
            let list = try lab.ok(node, "pki list")
            #expect(list == "User supplied certificates and keys:\ncallbridge.csr\ncallbridge.key\nwebadmin.csr\nwebadmin.key\nwebbridge.csr\nwebbridge.key\nxmpp.csr\nxmpp.key\n")
            // The judge: each CSR's signature verifies and carries the SANs asked for.
            let csr = try openssl(["req", "-in", lab.path(node, "webbridge.csr"), "-noout", "-verify", "-text"])
            #expect(csr.status == 0)
            #expect(csr.stdout.contains("DNS:\(fqdn), DNS:join.lab.example.com"))
            #expect(csr.stdout.contains("Subject: CN = \(fqdn)"))
            let key = try openssl(["pkey", "-in", lab.path(node, "callbridge.key"), "-noout", "-text"])
            #expect(key.stdout.contains("2048 bit"))
        }

        // The CSRs go out over SFTP, come back signed with the CA bundle.
        for node in Self.nodes {
            let transport = try LabTransport(lab: lab.lab, node: node)
            for service in ["webadmin", "webbridge", "callbridge", "xmpp"] {
                let local = ca.folder.path + "/\(node)-\(service).csr"
                try await transport.get(remoteName: "\(service).csr", localPath: local, timeout: .seconds(5))
                let certificate = try ca.sign(csrPEM: try Data(contentsOf: URL(fileURLWithPath: local)))
                try await upload(certificate, as: "\(service).crt", to: node, of: lab)
            }
            try await upload(try ca.bundlePEM(), as: "ca-bundle.crt", to: node, of: lab)
        }

        // Step 3: the database cluster with the built-in CA.
        try await Self.step3(lab)

        // Step 4: verification on every node, and the judge agrees.
        for node in Self.nodes {
            let inspect = try lab.ok(node, "pki inspect callbridge.crt")
            #expect(inspect.contains("CN=\(Self.fqdn(node))"))
            #expect(inspect.contains("days left"))
            #expect(try lab.ok(node, "pki match callbridge.key callbridge.crt") == "SUCCESS: Key and certificate pair match\n")
            let verify = try lab.ok(node, "pki verify callbridge.crt ca-bundle.crt")
            #expect(verify.hasSuffix("SUCCESS: certificate verified against CA bundle\n"))
            let judge = try openssl(["verify", "-CAfile", lab.path(node, "ca-bundle.crt"), lab.path(node, "callbridge.crt")])
            #expect(judge.status == 0 && judge.stdout.contains(": OK"))
        }

        // Step 5: apply, service by service, as the article writes it.
        for node in Self.nodes {
            try lab.ok(node, "webadmin disable")
            #expect(try lab.ok(node, "webadmin certs webadmin.key webadmin.crt ca-bundle.crt") == "")
            #expect(try lab.ok(node, "webadmin enable") == "SUCCESS: Key and certificate pair match\nSUCCESS: certificate verified against CA bundle\n")
            try lab.ok(node, "callbridge certs callbridge.key callbridge.crt ca-bundle.crt")
            try lab.ok(node, "callbridge restart")
            try lab.ok(node, "webbridge disable")
            try lab.ok(node, "webbridge certs webbridge.key webbridge.crt ca-bundle.crt")
            try lab.ok(node, "webbridge enable")
            try lab.ok(node, "xmpp disable")
            try lab.ok(node, "xmpp certs xmpp.key xmpp.crt ca-bundle.crt")
            try lab.ok(node, "xmpp enable")
            // TURN shares the call bridge's certificate (one CSR line in Step 2).
            try lab.ok(node, "turn disable")
            try lab.ok(node, "turn certs callbridge.key callbridge.crt ca-bundle.crt")
            try lab.ok(node, "turn enable")
            let status = try lab.ok(node, "callbridge")
            #expect(status.contains("Key file                 : callbridge.key\n"))
            #expect(status.contains("Certificate file         : callbridge.crt\n"))
            #expect(status.contains("CA Bundle file           : ca-bundle.crt\n"))
            #expect(status.contains("State                    : running\n"))
        }

        // Final state: every service on every node enabled and running, the cluster whole.
        let status = try lab.lab.status()
        for node in status.nodes {
            #expect(node.services.map(\.service) == [.webadmin, .callbridge, .webbridge, .xmpp, .turn])
            for service in node.services {
                #expect(service.enabled && service.running, "\(node.node.name) \(service.service): \(service.state)")
                #expect(service.certificates.first?.daysLeft ?? 0 > 360)
            }
        }
        try Self.expectWholeCluster(lab, primary: "cms1")
        #expect(status.text.contains("database    Connected Primary"))
    }

    /// CMS 3.x: webbridge3 with full chains (HTTPS and C2W), the C2W trust on both sides.
    @Test func webBridge3FullChains() async throws {
        let lab = try TestLab(version: .v3, label: "article3")
        let ca = try OpenSSLCA()
        defer { ca.folder.remove() }
        for node in Self.nodes {
            let fqdn = Self.fqdn(node)
            try lab.ok(node, "pki csr webbridge3 CN:\(fqdn) subjectAltName:\(fqdn),join.lab.example.com")
            try lab.ok(node, "pki csr c2w CN:\(fqdn)")
            for name in ["webbridge3", "c2w"] {
                let certificate = try ca.sign(csrPEM: try Data(contentsOf: URL(fileURLWithPath: lab.path(node, "\(name).csr"))))
                // A full chain: the entity on top, the intermediate, the root, one line break.
                try await upload(certificate + (try ca.bundlePEM()), as: "\(name)-fullchain.pem", to: node, of: lab)
            }
            try await upload(try ca.bundlePEM(), as: "ca-bundle.pem", to: node, of: lab)

            // The judge reads the full chain in CMS order.
            let chain = try openssl(["crl2pkcs7", "-nocrl", "-certfile", lab.path(node, "webbridge3-fullchain.pem")])
            let printed = try runProcess("/bin/sh", ["-c", "openssl crl2pkcs7 -nocrl -certfile '\(lab.path(node, "webbridge3-fullchain.pem"))' | openssl pkcs7 -print_certs -noout"])
            #expect(chain.status == 0)
            let subjects = printed.stdout.split(separator: "\n").filter { $0.hasPrefix("subject=") }
            #expect(subjects == ["subject=CN = \(fqdn)", "subject=CN = Lab Issuing CA", "subject=CN = Lab Root CA"])

            try lab.ok(node, "webbridge3 disable")
            try lab.ok(node, "webbridge3 https certs webbridge3.key webbridge3-fullchain.pem")
            try lab.ok(node, "webbridge3 c2w certs c2w.key c2w-fullchain.pem")
            try lab.ok(node, "webbridge3 c2w trust ca-bundle.pem")
            let enable = try lab.ok(node, "webbridge3 enable")
            #expect(enable == String(repeating: "SUCCESS: Key and certificate pair match\nSUCCESS: certificate verified against CA bundle\n", count: 2))
            try lab.ok(node, "callbridge certs c2w.key c2w-fullchain.pem ca-bundle.pem")
            try lab.ok(node, "callbridge trust c2w ca-bundle.pem")
            try lab.ok(node, "callbridge restart")
            let status = try lab.ok(node, "webbridge3")
            #expect(status.contains("HTTPS Key file                    : webbridge3.key\n"))
            #expect(status.contains("HTTPS Full chain certificate file : webbridge3-fullchain.pem\n"))
            #expect(status.contains("C2W Key file                      : c2w.key\n"))
            #expect(status.contains("C2W Trust bundle                  : ca-bundle.pem\n"))
            #expect(try lab.ok(node, "callbridge").contains("C2W Trust bundle         : ca-bundle.pem\n"))
            // 2.x commands are not there in 3.x.
            #expect(try lab.run(node, "xmpp") == "Unknown command: xmpp\n")
            #expect(try lab.run(node, "webbridge enable") == "Unknown command: webbridge enable\n")
        }
        for node in try lab.lab.status().nodes {
            for service in node.services where [.webbridge3, .callbridge].contains(service.service) {
                #expect(service.running, "\(node.node.name) \(service.service): \(service.state)")
            }
        }
    }

    /// Step 3 of the article on cms1 (primary) and cms2, cms3 (joined).
    static func step3(_ lab: TestLab) async throws {
        for node in nodes.reversed() {
            let out = try lab.run(node, "database cluster remove", answer: "Y")
            #expect(out.hasSuffix("SUCCESS: node removed from the database cluster\n"))
        }
        try lab.ok("cms1", "pki selfsigned dbca CN:lab.example.com")
        try lab.ok("cms1", "pki csr dbserver CN:cms1.lab.example.com subjectAltName:cms2.lab.example.com,cms3.lab.example.com")
        try lab.ok("cms1", "pki csr dbclient CN:postgres")
        #expect(try lab.ok("cms1", "pki sign dbserver dbca").hasPrefix("Created certificate dbserver.crt signed by dbca"))
        try lab.ok("cms1", "pki sign dbclient dbca")
        // The judge: both chain to the built-in CA, the client is CN=postgres, both EKUs.
        let at = String(Int(try lab.lab.now().timeIntervalSince1970))
        let verify = try openssl(["verify", "-attime", at, "-CAfile", lab.path("cms1", "dbca.crt"), lab.path("cms1", "dbserver.crt"), lab.path("cms1", "dbclient.crt")])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let client = try openssl(["x509", "-in", lab.path("cms1", "dbclient.crt"), "-noout", "-subject", "-ext", "extendedKeyUsage"])
        #expect(client.stdout.contains("subject=CN = postgres"))
        #expect(client.stdout.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        for file in ["dbserver.key", "dbserver.crt", "dbclient.key", "dbclient.crt", "dbca.crt"] {
            try await lab.copy(file, from: "cms1", to: ["cms2", "cms3"])
        }
        let certs = "database cluster certs dbserver.key dbserver.crt dbclient.key dbclient.crt dbca.crt"
        try lab.ok("cms1", certs)
        try lab.ok("cms1", "database cluster localnode a")
        try lab.ok("cms1", "database cluster initialize")
        #expect(try lab.ok("cms1", "database cluster status").contains("    10.0.0.1 (me)        : Connected Primary\n"))
        for node in ["cms2", "cms3"] {
            try lab.ok(node, certs)
            try lab.ok(node, "database cluster localnode a")
            #expect(try lab.ok(node, "database cluster join cms1.lab.example.com") == "SUCCESS: joined the database cluster of 10.0.0.1\n")
        }
    }

    /// `database cluster status` on each node: the layout of CMS-REFERENCE.md, one primary, replicas in sync.
    static func expectWholeCluster(_ lab: TestLab, primary: String, server: String = "dbserver", client: String = "dbclient", ca: String = "dbca") throws {
        let addresses = ["cms1": "10.0.0.1", "cms2": "10.0.0.2", "cms3": "10.0.0.3"]
        for node in nodes {
            var expected = ["Status                   : Enabled", "Nodes:"]
            for member in nodes {
                let label = "    " + addresses[member]! + (member == node ? " (me)" : "")
                let value = member == primary ? "Connected Primary" : "Connected Replica ( In Sync )"
                expected.append(label.padding(toLength: 25, withPad: " ", startingAt: 0) + ": " + value)
            }
            expected += [
                "Node in use              : \(addresses[primary]!)",
                "Interface                : a",
                "Certificates",
                "  Server Key             : \(server).key",
                "  Server Certificate     : \(server).crt",
                "  Client Key             : \(client).key",
                "  Client Certificate     : \(client).crt",
                "  CA Certificate         : \(ca).crt",
            ]
            let lastCommand = node == primary ? "database cluster initialize" : "database cluster join cms1.lab.example.com"
            expected.append("Last command             : '\(lastCommand)' (Success)")
            #expect(try lab.ok(node, "database cluster status") == expected.joined(separator: "\n") + "\n")
        }
    }
}
