import Deployment
import Foundation
import Lab
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

/// Where the wizard works: a deployment file's estate or the built-in lab, and the folder
/// its files are written to (the workspace).
public struct WizardContext: Hashable, Sendable {
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
    /// The folder Step 1 and the bundles write to and the file picker browses.
    public var workspaceDirectory: String
    /// What that folder is, in words ("cms1's MMP folder in the lab").
    public var workspaceLabel: String
    /// What Step 5 plans and runs on: nil when there is no usable estate.
    public var apply: ApplyTarget?
    /// The folder cmscerts was started in: a new deployment file goes there.
    public var currentDirectory: String
    /// Something the home screen should say about the estate (a lab file not used, say).
    public var notice: String?

    /// A context.
    public init(source: Source, workspaceDirectory: String, workspaceLabel: String, apply: ApplyTarget? = nil, currentDirectory: String? = nil) {
        self.source = source
        self.workspaceDirectory = workspaceDirectory
        self.workspaceLabel = workspaceLabel
        self.apply = apply
        self.currentDirectory = currentDirectory ?? workspaceDirectory
    }

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
    public static func deployment(path: String, currentDirectory: String) -> WizardContext {
        do {
            return deployment(path: path, text: try DeploymentFile.read(path), currentDirectory: currentDirectory)
        } catch {
            return WizardContext(source: .brokenDeployment(path: path, problem: "\(error)"), workspaceDirectory: currentDirectory,
                                 workspaceLabel: "the current folder", apply: nil, currentDirectory: currentDirectory)
        }
    }

    /// The context for a deployment file's text (`text`, read by the caller from `path`
    /// with `DeploymentFile.read`), working in `currentDirectory`.
    public static func deployment(path: String, text: String, currentDirectory: String) -> WizardContext {
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
        return WizardContext(source: source, workspaceDirectory: currentDirectory, workspaceLabel: "the current folder", apply: apply,
                             currentDirectory: currentDirectory)
    }

    /// The built-in lab in `directory` (the user's data folder by default), made on first
    /// use. Files are written to the first node's MMP folder, as `pki csr` on that node would.
    /// Step 5 plans from the lab's deployment file (`<lab>/deployment.yaml`, which the
    /// deployment screen edits); when that file cannot be used, from the lab's own nodes,
    /// and `notice` says why.
    public static func lab(directory: String = Lab.defaultDirectory(), currentDirectory: String? = nil) throws -> WizardContext {
        let existed = (try? Lab(directory: directory)) != nil
        let lab = try Lab.openOrCreate(at: directory)
        let topology = try lab.topology()
        let nodes = topology.nodes.map {
            NodeSummary(name: $0.name, fqdn: $0.fqdn, address: $0.address, services: $0.services.map(\.rawValue), database: $0.databaseRole.rawValue)
        }
        let estate = EstateSummary(cmsVersion: topology.version.rawValue, domain: topology.domain, joinURL: topology.joinURL, nodes: nodes)
        let first = topology.nodes.first?.name ?? "cms1"
        // Step 5 runs as `cmscerts apply <lab>/deployment.yaml` would: that file, the lab
        // folder as the workspace.
        var deployment = try LabDeployment.make(topology, labFolder: lab.directory)
        var notice: String?
        let store = FileStore(directory: lab.directory)
        if store.exists("deployment.yaml") {
            do {
                let saved = try DeploymentFile.load(contentsOf: store.path("deployment.yaml"))
                if saved.nodes.map(\.name) == deployment.nodes.map(\.name) {
                    deployment = saved
                } else {
                    notice = "\(store.path("deployment.yaml")) lists other nodes than the lab's: Step 5 plans from the lab's own nodes"
                }
            } catch {
                notice = "\(store.path("deployment.yaml")) cannot be used (\(error)): Step 5 plans from the lab's own nodes"
            }
        }
        let apply = ApplyTarget(deployment: deployment, deploymentPath: store.path("deployment.yaml"), workspace: lab.directory)
        var context = WizardContext(source: .lab(directory: lab.directory, estate: estate, madeNow: !existed),
                                    workspaceDirectory: lab.nodeDirectory(first), workspaceLabel: "\(first)'s MMP folder in the lab", apply: apply,
                                    currentDirectory: currentDirectory)
        context.notice = notice
        return context
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
