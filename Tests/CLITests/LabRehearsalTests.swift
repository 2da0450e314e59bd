import Foundation
import TestSupport
import Testing

/// A whole rehearsal as a new user does it, through the binaries only: a lab, its plan
/// applied until it waits for the CA, the lab playing the CA, the run resumed to the end.
@Suite("A full rehearsal on the lab, through the command line")
struct LabRehearsalTests {
    @Test func freshFlowThenSameNameRenewalThenExpiredDatabase() throws {
        let lab = TestSupport.temporaryDirectory("rehearsal") + "/lab"
        #expect(TestSupport.runProduct("cmscerts", ["lab", "init", lab]).status == 0)
        let deployment = lab + "/deployment.yaml"

        let first = TestSupport.runProduct("cmscerts", ["apply", deployment, "--yes"])
        #expect(first.status == 3, "the run waits for the CA's certificates: \(first.output)")
        #expect(first.stdout.contains("Waiting for: ca-bundle.crt"))
        let resume = try #require(first.stdout.components(separatedBy: "--resume ").last?.split(separator: "\n").first.map(String.init))

        let signed = TestSupport.runProduct("cmscerts", ["lab", "sign", lab])
        #expect(signed.status == 0, "\(signed.output)")
        #expect(signed.stdout.contains("--resume \(resume)"))
        // openssl agrees that what "your CA" signed chains to the bundle it placed.
        let verify = TestSupport.openssl(["verify", "-CAfile", lab + "/ca/root.crt", "-untrusted", lab + "/ca-bundle.crt", lab + "/cms1/webadmin.crt"])
        #expect(verify.status == 0, "\(verify.output)")

        let second = TestSupport.runProduct("cmscerts", ["apply", deployment, "--yes", "--resume", resume])
        #expect(second.status == 0, "\(second.output)")
        let status = TestSupport.runProduct("cmscerts", ["lab", "status", lab]).stdout
        #expect(!status.contains("disabled") && !status.contains("failing"), "\(status)")
        let cluster = TestSupport.runProduct("cms-lab-node", ["--lab", lab, "--node", "cms1", "-c", "database cluster status"]).stdout
        #expect(cluster.contains("(me)") && cluster.contains("Connected Primary"), "\(cluster)")
        #expect(cluster.components(separatedBy: "Connected Replica ( In Sync )").count == 3, "\(cluster)")
        let expiry = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", deployment])
        #expect(expiry.status == 0, "\(expiry.output)")
        #expect(TestSupport.runProduct("cmscerts", ["lab", "sign", lab]).stdout.contains("Nothing to sign"))

        // The same apply again on the healthy lab: nothing to do, exit 0, no key touched.
        let keys = Self.keys(under: lab)
        let again = TestSupport.runProduct("cmscerts", ["apply", deployment, "--yes"])
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout.contains("Nothing to do (fresh): the nodes already hold what the deployment file wants."), "\(again.stdout)")
        #expect(again.stdout.contains("= database cluster: cms1 (Connected Primary)"), "\(again.stdout)")
        #expect(Self.keys(under: lab) == keys)
        // A set-up that would redo the live certificates (the file now names another CA
        // bundle) is refused, exit 4, with node, key and service named; nothing changes.
        let original = TestSupport.read(deployment)
        TestSupport.write(original.replacingOccurrences(of: "ca_bundle: ca-bundle.crt", with: "ca_bundle: ca-chain.crt"), to: deployment)
        let forced = TestSupport.runProduct("cmscerts", ["apply", deployment, "--yes"])
        TestSupport.write(original, to: deployment)
        #expect(forced.status == 4, "\(forced.output)")
        #expect(forced.stderr.contains("Refused, nothing was run"), "\(forced.stderr)")
        #expect(forced.stderr.contains("on cms1 would overwrite webadmin.key, which webadmin uses now"), "\(forced.stderr)")
        #expect(Self.keys(under: lab) == keys)
        let unchanged = TestSupport.runProduct("cmscerts", ["lab", "status", lab]).stdout
        #expect(!unchanged.contains("disabled") && !unchanged.contains("failing"), "\(unchanged)")

        // plan shows a renewal before it runs: it reads the nodes when asked (read-only), and
        // its plan is the one apply would run (the same digest).
        let unread = TestSupport.runProduct("cmscerts", ["plan", deployment, "--flow", "renew", "--offline"])
        #expect(unread.status == 2 && unread.stderr.contains("unless plan is --offline"), "\(unread.output)")
        let planned = TestSupport.runProduct("cmscerts", ["plan", deployment, "--flow", "renew", "--format", "json"])
        #expect(planned.status == 0, "\(planned.output)")
        let digest = try #require(planned.stdout.firstMatch(of: #/"digest" : "([0-9a-f]{64})"/#)?.1)
        let dry = TestSupport.runProduct("cmscerts", ["apply", deployment, "--flow", "renew", "--dry-run"])
        #expect(dry.stdout.contains("digest sha256:\(digest)"), "\(dry.output)")
        let both = TestSupport.runProduct("cmscerts", ["plan", deployment, "--flow", "renew", "--read-nodes", "--state", deployment])
        #expect(both.status == 2 && both.stderr.contains("not both"), "\(both.output)")

        // A year on: every service certificate expired. Renew under the same names.
        #expect(TestSupport.runProduct("cmscerts", ["lab", "clock", lab, "+400d"]).status == 0)
        let expired = TestSupport.runProduct("cmscerts", ["lab", "status", lab]).stdout
        #expect(expired.contains("failing") || expired.contains("expired"), "\(expired)")
        let renew = TestSupport.runProduct("cmscerts", ["apply", deployment, "--flow", "renew", "--yes"])
        #expect(renew.status == 3, "the renewal waits for the renewed certificates, not the old ones: \(renew.output)")
        #expect(renew.stdout.contains("local:setaside.cms1.webadmin"), "\(renew.stdout)")
        // A snapshot on each node before anything there changed, with the way back to it.
        #expect(renew.stdout.contains("A snapshot first (backup snapshot cmscerts-renew-"), "\(renew.stdout)")
        #expect(renew.stdout.contains("Snapshots taken before any certificate changed:"), "\(renew.stdout)")
        #expect(renew.stdout.contains("cms1: snapshot cmscerts-renew-") && renew.stdout.contains("`backup rollback cmscerts-renew-"), "\(renew.stdout)")
        let renewRun = try #require(renew.stdout.components(separatedBy: "--resume ").last?.split(separator: "\n").first.map(String.init))
        let resigned = TestSupport.runProduct("cmscerts", ["lab", "sign", lab])
        #expect(resigned.stdout.contains("--flow renew --resume \(renewRun)"), "\(resigned.output)")
        let finished = TestSupport.runProduct("cmscerts", ["apply", deployment, "--flow", "renew", "--yes", "--resume", renewRun])
        #expect(finished.status == 0, "\(finished.output)")
        #expect(finished.stdout.contains("Snapshots taken before any certificate changed:"), "the resumed run still names the snapshots its first part took")
        let renewed = TestSupport.runProduct("cmscerts", ["lab", "status", lab]).stdout
        #expect(!renewed.contains("failing") && !renewed.contains("disabled"), "\(renewed)")
        #expect(FileManager.default.fileExists(atPath: lab + "/cms1/webadmin.crt.previous"), "the old certificate is kept aside")

        // Later still: the database certificates (two years) have expired too.
        #expect(TestSupport.runProduct("cmscerts", ["lab", "clock", lab, "+400d"]).status == 0)
        let broken = TestSupport.runProduct("cms-lab-node", ["--lab", lab, "--node", "cms2", "-c", "database cluster status"]).stdout
        #expect(!broken.contains("In Sync"), "the replicas lost the primary: \(broken)")
        let database = TestSupport.runProduct("cmscerts", ["apply", deployment, "--flow", "renew-database", "--yes"])
        #expect(database.status == 0, "\(database.output)")
        let healed = TestSupport.runProduct("cms-lab-node", ["--lab", lab, "--node", "cms1", "-c", "database cluster status"]).stdout
        #expect(healed.contains("(me)") && healed.contains("Connected Primary"), "\(healed)")
        #expect(healed.components(separatedBy: "Connected Replica ( In Sync )").count == 3, "\(healed)")
        #expect(FileManager.default.fileExists(atPath: lab + "/db/dbserver.key.previous"), "the last round's database key is set aside, not overwritten")
    }

    /// Every private key under a folder (the workspace and the lab's nodes), by path.
    static func keys(under folder: String) -> [String: String] {
        var keys: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: folder)
        while let path = walker?.nextObject() as? String {
            if path.hasSuffix(".key") { keys[path] = TestSupport.read(folder + "/" + path) }
        }
        return keys
    }
}
