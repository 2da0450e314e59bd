import Testing
@testable import Deployment

/// The `lab:` key: a deployment that is rehearsed on a lab instead of real servers.
@Suite("The deployment file's lab key")
struct LabKeyTests {
    @Test func aLabFolderIsReadAndWrittenBack() throws {
        let yaml = Fixtures.three3x + "\nlab: ../rehearsal/lab\n"
        let d = try DeploymentFile.load(yaml: yaml)
        #expect(d.lab == "../rehearsal/lab")
        #expect(try DeploymentFile.load(yaml: DeploymentFile.yaml(for: d)).lab == "../rehearsal/lab")
        // Left out, there is no lab: the nodes are reached by SSH.
        #expect(try DeploymentFile.load(yaml: Fixtures.three3x).lab == nil)
    }

    @Test func aBlankOrListLabIsRefusedWithItsLine() {
        for bad in ["lab: \"  \"\n", "lab: [a, b]\n"] {
            do {
                _ = try DeploymentFile.load(yaml: Fixtures.three3x + "\n" + bad)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.issues.contains { $0.path == "lab" && $0.line != nil }, "\(error.issues)")
            }
        }
    }

    @Test func theLabDoesNotChangeThePlan() throws {
        let plain = try Planner.plan(try DeploymentFile.load(yaml: Fixtures.three3x), flow: .fresh)
        let lab = try Planner.plan(try DeploymentFile.load(yaml: Fixtures.three3x + "\nlab: lab\n"), flow: .fresh)
        #expect(plain.digest == lab.digest)
    }
}
