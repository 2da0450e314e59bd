import Deployment
import Foundation
import Orchestration
import Testing

/// Reading what a node holds from the MMP's own status outputs, for the renewal flows.
@Suite("Node state from pki list and status outputs")
struct NodeStateReaderTests {
    @Test func serviceFilesAreSortedIntoKeyCertificateBundleAndTheRest() {
        let webadmin = """
            Enabled                  : true
            State                    : running
            Key file                 : webadmin.key
            Certificate file         : webadmin.crt
            CA Bundle file           : ca-bundle.crt
            """
        #expect(NodeStateReader.parseStatus(service: "webadmin", webadmin)
                == ServiceFiles(service: "webadmin", key: "webadmin.key", certificate: "webadmin.crt", bundle: "ca-bundle.crt",
                                state: "running"))
        let webbridge3 = """
            HTTPS Key file                    : wb3.key
            HTTPS Full chain certificate file : wb3-fullchain.crt
            C2W Key file                      : c2w.key
            C2W Full chain certificate file   : c2w-fullchain.crt
            C2W Trust bundle                  : ca-bundle.crt
            """
        #expect(NodeStateReader.parseStatus(service: "webbridge3", webbridge3)
                == ServiceFiles(service: "webbridge3", key: "wb3.key", certificate: "wb3-fullchain.crt",
                                other: ["c2w.key", "c2w-fullchain.crt", "ca-bundle.crt"]))
        let database = """
            Status                   : Enabled
            Nodes:
                10.0.0.1 (me)        : Connected Primary
            Certificates
              Server Key             : dbserver.key
              Server Certificate     : dbserver.crt
              Client Key             : dbclient.key
              Client Certificate     : dbclient.crt
              CA Certificate         : dbca.crt
            """
        #expect(NodeStateReader.parseStatus(service: "database", database)
                == ServiceFiles(service: "database", key: "dbserver.key", certificate: "dbserver.crt", bundle: "dbca.crt",
                                other: ["dbclient.key", "dbclient.crt"], state: "Connected Primary"))
        // A node that only connects has no row of its own: the cluster's status says it is in.
        let connected = NodeStateReader.parseStatus(service: "database", """
            Status                   : Enabled
            Nodes:
                10.0.0.1             : Connected Primary
            Certificates
              Client Key             : dbclient.key
              Client Certificate     : dbclient.crt
              CA Certificate         : dbca.crt
            """)
        #expect(connected?.state == "Enabled")
        #expect(connected?.inDatabaseCluster == true)
        let removed = NodeStateReader.parseStatus(service: "database", "Status : Disabled\nCertificates\n  CA Certificate : dbca.crt\n")
        #expect(removed?.inDatabaseCluster == false)
    }

    /// TURN labels its files "TLS key", "TLS cert", "TLS bundle" (TAC 221729).
    @Test func turnsTLSLabels() {
        let turn = """
            Enabled                  : true
            State                    : running
            TLS key                  : turn.key
            TLS cert                 : turn.crt
            TLS bundle               : ca-bundle.crt
            """
        #expect(NodeStateReader.parseStatus(service: "turn", turn)
                == ServiceFiles(service: "turn", key: "turn.key", certificate: "turn.crt", bundle: "ca-bundle.crt", state: "running"))
    }

    /// A 3.x call bridge lists trust stores and leaves "CA Bundle file" out when none is
    /// set: no trust list may be taken for its CA bundle.
    @Test func aTrustListIsNeverTheCABundle() {
        let callbridge = """
            Listening interfaces            : a
            Key file                        : callbridge.key
            Certificate file                : callbridge.crt
            C2W trusted certs               : c2w-trust.crt
            Callbridge cluster trusted certs : cluster-trust.crt
            UCM trusted certs               : ucm-trust.crt
            IMPS trusted certs              : imps-trust.crt
            """
        let files = NodeStateReader.parseStatus(service: "callbridge", callbridge)
        #expect(files?.key == "callbridge.key" && files?.certificate == "callbridge.crt")
        #expect(files?.bundle == nil)
        #expect(files?.other == ["c2w-trust.crt", "cluster-trust.crt", "ucm-trust.crt", "imps-trust.crt"])
        // With a CA bundle set, it is that one, wherever the trust lists are printed.
        let withBundle = NodeStateReader.parseStatus(service: "callbridge", "C2W trusted certs : c2w-trust.crt\n" + callbridge + "\nCA Bundle file : ca-bundle.crt\n")
        #expect(withBundle?.bundle == "ca-bundle.crt")
    }

    @Test func anUnconfiguredServiceAndTheListing() {
        #expect(NodeStateReader.parseStatus(service: "turn", "Enabled : false\nKey file : none\nCertificate file : none\n") == nil)
        #expect(NodeStateReader.parseList("User supplied certificates and keys:\na.crt\na.key\n\n") == ["a.crt", "a.key"])
    }

    /// Found by the fuzzer (Fuzz/run.sh mmp-output; the input is kept as
    /// Fuzz/Corpus/mmp-output/crash-5827a43159437966e8fa503cf9ee29e00a30202c): a listing
    /// line with a tab inside (`webbridge<-fullchain.\u{FFFD}...\tcrt`) was read as one file
    /// name, which the planner would then send back to the node in a command.
    @Test func aLineThatIsNotOneWordIsNotAFileName() throws {
        let found = try #require(Data(base64Encoded: """
            VXNlciBzdXBwbGllZCBjZXJ0aWZpY2F0ZXMgYW5kIGtleXM6CmNhLWJ1bmRscm4uY3IKdGNsaWVudHNyCnR1cm4ua2V5CndlYmFkbWluLmNydAp3\
            ZWJh/y9pbi5hZG1pbi5rZXkKd2ViYnJpZGdlPC1mdWxsY2hhaW4u/////////wljcnQKd2ViYnJpZGdlMy5jc3IKd2ViYgcHBwcHBwcHBwcHcmlk\
            Z2Uz+y5rZXkK
            """))
        let names = NodeStateReader.parseList(String(decoding: found, as: UTF8.self))
        #expect(names.count == 6, "\(names)")
        #expect(!names.contains { $0.contains("\t") || $0.contains("\u{07}") })
        // The fuzzer's minimised input, and every kind of white space or control character.
        #expect(NodeStateReader.parseList("User supplied certificates\n\u{FFFD}\t\u{0}") == [])
        #expect(NodeStateReader.parseList("User supplied certificates and keys:\nweb\tadmin.crt\nbell\u{07}.key\nno\u{A0}break.crt\nesc\u{1B}[2J.crt\nok.crt\n")
                == ["ok.crt"])
        // A status line's file name likewise.
        #expect(NodeStateReader.parseStatus(service: "webadmin", "Key file : a.key\tb.key\nCertificate file : webadmin.crt\n")
                == ServiceFiles(service: "webadmin", certificate: "webadmin.crt"))
        #expect(NodeStateReader.isFileName("webbridge3-fullchain.crt") && !NodeStateReader.isFileName(""))
    }
}
