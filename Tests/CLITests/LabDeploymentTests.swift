import Foundation
import TestSupport
import Testing

/// `cmscerts lab init` makes a lab and a deployment file that plan and apply accept as
/// they accept a real one.
@Suite("The lab's deployment file")
struct LabDeploymentTests {
    @Test(arguments: ["3.x", "2.9"])
    func labInitWritesADeploymentThatPlansAndDryRuns(_ version: String) throws {
        let dir = TestSupport.temporaryDirectory("labdep") + "/lab"
        let made = TestSupport.runProduct("cmscerts", ["lab", "init", dir, "--version", version])
        #expect(made.status == 0, "\(made.output)")
        #expect(made.stdout.contains("A matching deployment file: \(dir)/deployment.yaml"))
        let yaml = TestSupport.read(dir + "/deployment.yaml")
        #expect(yaml.contains("lab: \(dir)"))
        #expect(yaml.contains(version == "2.9" ? "- xmpp" : "- webbridge3"))

        let plan = TestSupport.runProduct("cmscerts", ["plan", dir + "/deployment.yaml"])
        #expect(plan.status == 0, "\(plan.output)")
        #expect(plan.stdout.contains("cms1:db.initialize") || plan.stdout.contains("database cluster initialize"))
        let dry = TestSupport.runProduct("cmscerts", ["apply", dir + "/deployment.yaml", "--dry-run", "--yes"])
        #expect(dry.status == 0, "\(dry.output)")

        // A second init keeps the lab and the file the user may have edited.
        TestSupport.write(yaml + "# edited\n", to: dir + "/deployment.yaml")
        let again = TestSupport.runProduct("cmscerts", ["lab", "init", dir])
        #expect(again.status != 0 || !again.stdout.contains("A matching deployment file"))
        #expect(TestSupport.read(dir + "/deployment.yaml").hasSuffix("# edited\n"))
    }
}
