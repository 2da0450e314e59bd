import ArgumentParser
import Deployment
import Foundation

extension Flow: ExpressibleByArgument {}
extension PlanFormat: ExpressibleByArgument {}

/// `cmscerts plan <deployment.yaml>`: the plan for a flow, as a runbook, a change ticket,
/// JSON or a shell script. Reads files and prints; the work is in Deployment.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show every step of a certificate procedure (nothing is run).",
        discussion: """
        Flows: fresh (a new deployment), renew (expired certificates, same file names), \
        renew-new-names (proactive: new basenames, then swap), renew-database (expired \
        database certificates). Every flow is planned from what the nodes hold now, read \
        from them first (pki list and each service's status, read-only, over SSH or the \
        lab, as apply does): what already holds is listed as already so and not planned, \
        and what would break a live service is refused. --offline plans without reading \
        them (the plan says so at its top, and apply never runs it); --state takes what \
        they hold as JSON, e.g. {"nodes": {"cms1": {"files": ["callbridge.key", "callbridge.crt", \
        "callbridge.csr"], "services": [{"service": "callbridge", "key": "callbridge.key", \
        "certificate": "callbridge.crt", "bundle": "ca-bundle.crt"}]}}}. \
        Exit codes: 0 ok, 2 bad input or nodes that cannot be read, 4 refused by the safety guard.
        """
    )

    @Argument(help: "The deployment file (YAML); `cmscerts init` writes an example.")
    var deployment: String

    @Option(help: "fresh, renew, renew-new-names or renew-database.")
    var flow: Flow = .fresh

    @Option(help: "text (a runbook), markdown, json or script.")
    var format: PlanFormat = .text

    @Option(help: "What the nodes hold now (JSON of CurrentState) instead of reading them.")
    var state: String?

    @Flag(help: "Plan without reading the nodes: a runbook to read ahead; apply never runs it.")
    var offline = false

    @Flag(name: .customLong("read-nodes"), help: "Read what the nodes hold now (the default; kept for scripts).")
    var readNodes = false

    @Option(name: .customLong("ssh-config"), help: "An ssh_config file to use instead of ~/.ssh/config (ssh -F) to read the nodes.")
    var sshConfig: String?

    func validate() throws {
        if readNodes && state != nil { throw ValidationError("give --read-nodes or --state, not both") }
        if offline && (state != nil || readNodes) { throw ValidationError("--offline plans without the nodes' state: give it alone, not with --state or --read-nodes") }
        if sshConfig != nil && (offline || state != nil) { throw ValidationError("--ssh-config is for reading the nodes: not with --offline or --state") }
    }

    func run() throws {
        let yaml: String
        do {
            // The one reader of deployment files: size limit and UTF-8 before YAML.
            yaml = try DeploymentFile.read(deployment)
        } catch {
            throw CLIFailure(code: 2, message: "\(deployment): \(error)")
        }
        var stateJSON = try state.map { try read($0, what: "state file") }
        if !offline && state == nil {
            let path = ApplyCommand.absolute(deployment)
            do {
                let estate = try DeploymentFile.load(yaml: yaml)
                let current = try ApplyCommand.readNodes(estate, deploymentFolder: (path as NSString).deletingLastPathComponent, sshConfig: sshConfig)
                stateJSON = String(decoding: try JSONEncoder().encode(current), as: UTF8.self)
                FileHandle.standardError.write(Data("Read what \(current.nodes.count) node(s) hold now (pki list and each service's status, read-only).\n".utf8))
            } catch let error as DeploymentFileError {
                throw CLIFailure(code: 2, message: "\(deployment): \(error)")
            } catch {
                throw CLIFailure(code: 2, message: "\(deployment): cannot read what the nodes hold: \(error)\nTo see the runbook without them, add --offline (apply reads them itself).")
            }
        }
        do {
            let output = try PlanCommandSupport.run(deploymentYAML: yaml, flow: flow, format: format, stateJSON: stateJSON)
            // JSON escapes what it carries; the text and markdown runbooks show names from
            // the deployment file, which go through the terminal sanitiser.
            if format == .json { Console.raw(output) } else { Console.out(output) }
        } catch {
            throw CLIFailure(code: PlanCommandSupport.exitCode(for: error), message: "\(deployment): \(error)")
        }
    }

    private func read(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure(code: 2, message: "cannot read the \(what) \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure(code: 2, message: "the \(what) \(path) is not UTF-8 text")
        }
        return text
    }
}
