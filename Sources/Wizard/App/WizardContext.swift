import Deployment
import Foundation
import Orchestration
import PKI

/// One CMS node as the home screen lists it.
public struct NodeSummary: Hashable, Sendable {
    /// The node's short name (`cms1`).
    public var name: String
    /// Its FQDN.
    public var fqdn: String
    /// Its address.
    public var address: String
    /// The services it runs, by their MMP names.
    public var services: [String]
    /// Its database role: primary, joined, connected or none.
    public var database: String

    /// A summary.
    public init(name: String, fqdn: String, address: String, services: [String], database: String) {
        self.name = name
        self.fqdn = fqdn
        self.address = address
        self.services = services
        self.database = database
    }
}

/// The estate the wizard works on, read-only: CMS release, domain and nodes.
public struct EstateSummary: Hashable, Sendable {
    /// The CMS release (`3.x`, `2.9`).
    public var cmsVersion: String
    /// The domain.
    public var domain: String
    /// The web bridge's join URL, when there is one.
    public var joinURL: String?
    /// The nodes, in the file's order.
    public var nodes: [NodeSummary]

    /// A summary.
    public init(cmsVersion: String, domain: String, joinURL: String?, nodes: [NodeSummary]) {
        self.cmsVersion = cmsVersion
        self.domain = domain
        self.joinURL = joinURL
        self.nodes = nodes
    }
}

/// Where the wizard works: a deployment file's estate or the built-in lab, the one folder
/// every screen and the command line read and write (the workspace: the deployment file's
/// folder, the lab's folder for the lab), the clock every validity judgement reads, and
/// the connections the executable wired in.
public struct WizardContext: Sendable {
    /// What the home screen shows.
    public enum Source: Hashable, Sendable {
        /// `./deployment.yaml`, read and valid.
        case deployment(path: String, estate: EstateSummary)
        /// `./deployment.yaml` is there but cannot be used: why, in the loader's words.
        case brokenDeployment(path: String, problem: String)
        /// The built-in lab in `directory`; `madeNow` when this run made it.
        case lab(directory: String, estate: EstateSummary, madeNow: Bool)
    }

    /// The estate.
    public var source: Source
    /// What Step 5 plans and runs on: nil when there is no usable estate.
    public var apply: ApplyTarget?
    /// The folder cmscerts was started in: a new deployment file goes there, and it is the
    /// workspace while there is no usable estate.
    public var currentDirectory: String
    /// Something the home screen should say about the estate (a lab file not used, say).
    public var notice: String?
    /// The transports and the lab's controls, from the executable.
    public var connections: WizardConnections

    /// A context.
    public init(source: Source, apply: ApplyTarget? = nil, currentDirectory: String, connections: WizardConnections = .none) {
        self.source = source
        self.apply = apply
        self.currentDirectory = currentDirectory
        self.connections = connections
    }

    /// The one folder Step 1, Step 4, the bundles, Step 5 and the dashboard work in, as
    /// `cmscerts apply` does: the deployment's workspace (the lab's folder for the lab);
    /// the current folder when there is no usable deployment.
    public var workspaceDirectory: String { apply?.workspace ?? currentDirectory }

    /// What that folder is, in words.
    public var workspaceLabel: String {
        switch source {
        case .lab: return "the lab's folder, where Step 5 works"
        case .deployment: return "the deployment file's folder"
        case .brokenDeployment: return "the current folder"
        }
    }

    /// The lab's controls when the nodes are the lab's; nil for real servers.
    public var labControls: LabControls? { apply.flatMap { connections.lab($0) } }

    /// The time every validity judgement is made at: the lab's clock for the lab's nodes,
    /// the system's otherwise. Read once per judgement (a load, a check), never per frame.
    public func now() -> Date { labControls?.now() ?? Date() }

    /// That clock as a value a command can carry off the input loop.
    public var clock: @Sendable () -> Date {
        let lab = labControls
        return { lab?.now() ?? Date() }
    }

    /// The workspace as the engine works on it, judging validity by the deployment's clock.
    public var workspace: Workspace { Workspace(directory: workspaceDirectory, now: clock) }

    /// The transports to the nodes of `target`, as the executable makes them.
    public func transports(_ target: ApplyTarget) throws -> [String: any Transport] { try connections.connect(target) }

    /// The estate, when there is one to show.
    public var estate: EstateSummary? {
        switch source {
        case .deployment(_, let e), .lab(_, let e, _): return e
        case .brokenDeployment: return nil
        }
    }

    /// A few words for the title bar: "lab", "deployment.yaml".
    public var shortName: String {
        switch source {
        case .deployment(let path, _), .brokenDeployment(let path, _): return (path as NSString).lastPathComponent
        case .lab: return "built-in lab"
        }
    }

    /// The context for the deployment file at `path`, read as every deployment file is
    /// (`DeploymentFile.read`: size limit, UTF-8), working in `currentDirectory`. A file that
    /// cannot be read is shown as broken, with the reader's words, as an invalid one is.
    public static func deployment(path: String, currentDirectory: String, connections: WizardConnections = .none) -> WizardContext {
        do {
            return deployment(path: path, text: try DeploymentFile.read(path), currentDirectory: currentDirectory, connections: connections)
        } catch {
            return WizardContext(source: .brokenDeployment(path: path, problem: "\(error)"), currentDirectory: currentDirectory, connections: connections)
        }
    }

    /// The context for a deployment file's text (`text`, read by the caller from `path`
    /// with `DeploymentFile.read`); its workspace is the file's folder, as `cmscerts apply`'s.
    public static func deployment(path: String, text: String, currentDirectory: String, connections: WizardConnections = .none) -> WizardContext {
        let source: Source
        var apply: ApplyTarget?
        do {
            let d = try DeploymentFile.load(yaml: text)
            let folder = (path as NSString).deletingLastPathComponent
            apply = ApplyTarget(deployment: d, deploymentPath: path, workspace: folder.isEmpty ? currentDirectory : folder)
            let nodes = d.nodes.map {
                NodeSummary(name: $0.name, fqdn: $0.fqdn, address: $0.address, services: $0.services.map(\.rawValue), database: $0.database.rawValue)
            }
            source = .deployment(path: path, estate: EstateSummary(cmsVersion: d.cmsVersion.description, domain: d.domain, joinURL: d.joinURL, nodes: nodes))
        } catch {
            source = .brokenDeployment(path: path, problem: "\(error)")
        }
        return WizardContext(source: source, apply: apply, currentDirectory: currentDirectory, connections: connections)
    }
}

/// What Step 5 works on: the deployment, where its file is (the journal goes beside it, in
/// `.cmscerts/runs`, as `cmscerts apply` keeps it), and the workspace its files go to.
public struct ApplyTarget: Hashable, Sendable {
    /// The estate the planner reads.
    public var deployment: Deployment
    /// The deployment file's path (for the lab, where `cmscerts lab init` writes it).
    public var deploymentPath: String
    /// The folder the plan's local files are read from and written to.
    public var workspace: String

    /// A target.
    public init(deployment: Deployment, deploymentPath: String, workspace: String) {
        self.deployment = deployment
        self.deploymentPath = deploymentPath
        self.workspace = workspace
    }

    /// The folder `lab:` and relative paths are resolved against.
    public var deploymentFolder: String { (deploymentPath as NSString).deletingLastPathComponent }
}
