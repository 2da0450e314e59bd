import ArgumentParser
import Deployment
import Foundation
import Orchestration
import Lab
import PKI

/// `cmscerts lab ...`: make a simulated CMS cluster, see it, move its clock.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "A simulated CMS cluster to rehearse on: init, status, sign, clock.",
        discussion: "Reach a node's MMP with: cms-lab-node --lab DIR --node cms1",
        subcommands: [Init.self, Status.self, Clock.self, Sign.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Make a lab: nodes cms1..cmsN in factory state (no certificates, services disabled, no database cluster).")

        @Argument(help: "The lab folder (default: $XDG_DATA_HOME/cmscerts/lab or ~/.local/share/cmscerts/lab).")
        var directory: String?
        @Option(help: "How many nodes (3 gives a primary and two replicas).")
        var nodes: Int = 3
        @Option(help: "The CMS release to simulate: 3.x or 2.9.")
        var version: String = LabVersion.v3.rawValue
        @Option(help: "Make the lab of this deployment file's estate instead (its release, nodes, addresses and database roles; every node has every service of the release), to rehearse that file with `lab:` set to the lab folder.")
        var deployment: String?

        func run() throws {
            guard let release = LabVersion(text: version) else {
                throw CLIFailure(code: 2, message: "ERROR: --version is 3.x or 2.9, not \(version)")
            }
            let folder = directory ?? Lab.defaultDirectory()
            var estate: Deployment?
            if let deployment {
                do {
                    estate = try DeploymentFile.load(contentsOf: deployment)
                } catch {
                    throw CLIFailure(code: 2, message: "\(deployment): \(error)")
                }
            }
            do {
                let lab = try estate.map { try Lab.create(at: folder, topology: try LabTopology.make(for: $0)) }
                    ?? Lab.create(at: folder, nodes: nodes, version: release)
                let topology = try lab.topology()
                Console.out("Made a CMS \(release.rawValue) lab in \(lab.directory):")
                for node in topology.nodes {
                    Console.out("  \(node.name)  \(node.fqdn)  \(node.address)  database: \(node.databaseRole.rawValue)  services: \(node.services.map(\.rawValue).joined(separator: ", "))")
                }
                Console.out("Open a node's MMP with: cms-lab-node --lab \(lab.directory) --node \(topology.nodes[0].name)")
                if let deployment {
                    // The user's own file: never rewritten here.
                    Console.out("To rehearse \(deployment) on it, add `lab: \(lab.directory)` to the file (or to a copy of it), then:")
                    Console.out("  cmscerts plan \(deployment)    (then: cmscerts apply \(deployment))")
                } else if let written = try LabDeployment.write(topology, labFolder: lab.directory) {
                    Console.out("A matching deployment file: \(written)")
                    Console.out("  cmscerts plan \(written)    (then: cmscerts apply \(written))")
                }
            } catch let error as LabError {
                throw CLIFailure(code: 2, message: "ERROR: \(error.message)")
            } catch {
                throw fail(error)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Every node's services and certificates, and the database cluster.")

        @Argument(help: "The lab folder (default: the user's lab).")
        var directory: String?
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            do {
                let status = try Lab(directory: directory ?? Lab.defaultDirectory()).status()
                if json {
                    try Console.json(status)
                } else {
                    Console.out(status.text)
                }
            } catch let error as LabError {
                throw CLIFailure(code: 2, message: "ERROR: \(error.message)")
            }
        }
    }

    struct Clock: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clock", abstract: "Move the lab's clock to rehearse expiry: +400d, +3y, -30d, +12h, reset (or now).")

        @Argument(parsing: .allUnrecognized, help: "[DIR] then +Nd, -Nd, +Ny, -Ny (a year is 365 days), +Nh, -Nh, or reset/now (DIR: the user's lab by default).")
        var words: [String] = []

        func run() throws {
            guard (1...2).contains(words.count), let change = words.last, let parsed = Lab.ClockChange(change) else {
                throw CLIFailure(code: 2, message: "ERROR: write cmscerts lab clock [DIR] +Nd|-Nd|+Ny|-Ny|+Nh|-Nh|reset|now, e.g. cmscerts lab clock +400d or +3y")
            }
            let directory: String? = words.count == 2 ? words[0] : nil
            do {
                let lab = try Lab(directory: directory ?? Lab.defaultDirectory())
                try lab.changeClock(parsed)
                Console.out(try lab.clockSummary())
            } catch let error as LabError {
                throw CLIFailure(code: 2, message: "ERROR: \(error.message)")
            }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
            abstract: "Play your CA in a rehearsal: sign the CSRs the plan waits for and place ca-bundle.crt.",
            discussion: "A root and an issuing CA are made once in <lab>/ca/. Every <node>/<name>.csr of the lab's workspace without a .crt is signed; then run the apply command again with --resume.")

        @Argument(help: "The lab folder (default: the user's lab).")
        var directory: String?

        func run() throws {
            let folder = directory ?? Lab.defaultDirectory()
            do {
                let lab = try Lab(directory: folder)
                // By the lab's clock: a rehearsal moved past an expiry gets certificates valid then.
                let written = try LabCA(labDirectory: folder).signPending(workspace: folder, now: try lab.now())
                if written.isEmpty {
                    Console.out("Nothing to sign: every CSR in \(folder) has its certificate, and ca-bundle.crt is there.")
                } else {
                    for path in written { Console.out("Wrote \(path)") }
                    Console.out("Signed by the lab's issuing CA (\(folder)/ca). In the wizard's Step 5, press r to resume.")
                    // The newest run of the lab's deployment is the one waiting for these files.
                    let runs = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/.cmscerts/runs")) ?? []
                    if let newest = runs.filter({ $0.hasSuffix(".jsonl") }).sorted().last,
                       FileManager.default.fileExists(atPath: folder + "/deployment.yaml") {
                        let runID = String(newest.dropLast(6))
                        let flow = (try? Journal.read(path: folder + "/.cmscerts/runs/" + newest))?.first?.flow ?? "fresh"
                        Console.out("Now resume: cmscerts apply \(folder)/deployment.yaml\(flow == "fresh" ? "" : " --flow \(flow)") --resume \(runID)")
                    }
                }
            } catch let error as LabError {
                throw CLIFailure(code: 2, message: "ERROR: \(error.message)")
            } catch {
                throw fail(error)
            }
        }
    }
}
