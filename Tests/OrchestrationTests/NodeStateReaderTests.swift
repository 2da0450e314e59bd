import Deployment
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

    @Test func anUnconfiguredServiceAndTheListing() {
        #expect(NodeStateReader.parseStatus(service: "turn", "Enabled : false\nKey file : none\nCertificate file : none\n") == nil)
        #expect(NodeStateReader.parseList("User supplied certificates and keys:\na.crt\na.key\n\n") == ["a.crt", "a.key"])
    }
}
