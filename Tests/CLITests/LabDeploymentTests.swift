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

    @Test("lab init --deployment makes the lab of a file's estate, whose plan then applies there as a dry run")
    func labOfADeploymentFile() throws {
        let folder = TestSupport.temporaryDirectory("labestate")
        let file = folder + "/estate.yaml"
        TestSupport.write("""
            version: 1
            cms_version: "2.9"
            domain: lab.example.com
            join_url: join.lab.example.com
            nodes:
              - {name: core1, fqdn: core1.lab.example.com, address: 10.9.0.1, services: [webadmin, callbridge], database: primary}
              - {name: edge1, fqdn: edge1.lab.example.com, address: 10.9.0.2, services: [webbridge, webbridge3, turn]}

            """, to: file)
        let made = TestSupport.runProduct("cmscerts", ["lab", "init", folder + "/lab", "--deployment", file])
        #expect(made.status == 0, "\(made.output)")
        #expect(made.stdout.contains("edge1  edge1.lab.example.com  10.9.0.2  database: none  services: webadmin, callbridge, webbridge, webbridge3, xmpp, turn, loadbalancer, trunk, recorder, streamer, uploader"))
        #expect(made.stdout.contains("add `lab: \(folder)/lab` to the file"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/lab/deployment.yaml"), "the user's file is theirs")
        TestSupport.write(TestSupport.read(file) + "lab: lab\n", to: file)
        let dry = TestSupport.runProduct("cmscerts", ["apply", file, "--dry-run", "--yes"])
        #expect(dry.status == 0, "\(dry.output)")
        // A bad file is refused with its line, and no lab is made.
        TestSupport.write("version: 1\ncms_version: \"3.8\"\ndomain: x.example.com\nnodes:\n  - {name: a, fqdn: a.x.example.com, address: 10.0.0.1, services: [webbridge]}\n", to: file)
        let bad = TestSupport.runProduct("cmscerts", ["lab", "init", folder + "/lab2", "--deployment", file])
        #expect(bad.status == 2 && bad.output.contains("line 5") && bad.output.contains("CMS 3.8 has no webbridge"), "\(bad.output)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/lab2"))
    }
}
