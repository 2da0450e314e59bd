import Deployment
import Foundation
import Lab
import Orchestration
import PKI
import Wizard

/// The executable wires the engine into the wizard: the transports (the lab's for a
/// deployment that names one, OpenSSH otherwise) and the lab's controls. The wizard
/// itself never links the lab.
extension WizardConnections {
    /// The command line's transports (`NodeTransports`, as `cmscerts apply` makes them), and
    /// the lab's CA and clock when the deployment's nodes are a lab's (`lab:`).
    public static let wired = WizardConnections(
        connect: { target in
            try NodeTransports.make(for: target.deployment, deploymentFolder: target.deploymentFolder, sshConfig: nil)
        },
        lab: { target in
            guard let path = target.deployment.lab else { return nil }
            return LabControls.of(folder: path.hasPrefix("/") ? path : target.deploymentFolder + "/" + path)
        })
}

extension LabControls {
    /// The controls of the lab in `folder`: `cmscerts lab sign` on the files named, and
    /// `cmscerts lab clock`, each by the same code as the command line.
    static func of(folder: String) -> LabControls {
        LabControls(
            folder: folder,
            // A lab that cannot be read has no moved clock to give: the real time.
            now: { (try? Lab(directory: folder).now()) ?? Date() },
            sign: { files, workspace in
                let lab = try Lab(directory: folder)
                // By the lab's clock: a rehearsal moved past an expiry gets certificates valid then.
                return try LabCA(labDirectory: folder).sign(files: files, workspace: workspace, now: try lab.now())
            },
            moveClock: { word in
                guard let change = Lab.ClockChange(word) else {
                    throw LabError("\(word) is not a clock change: +Nd, +Ny, -Nd, -Ny, +Nh or now")
                }
                let lab = try Lab(directory: folder)
                try lab.changeClock(change)
                return try lab.clockSummary()
            })
    }
}

extension WizardContext {
    /// The built-in lab in `directory` (the user's data folder by default), made on first
    /// use. Its folder is the workspace of every screen, as `cmscerts apply
    /// <lab>/deployment.yaml` has it. Step 5 plans from the lab's deployment file (which the
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
        var context = WizardContext(source: .lab(directory: lab.directory, estate: estate, madeNow: !existed), apply: apply,
                                    currentDirectory: currentDirectory ?? lab.directory, connections: .wired)
        context.notice = notice
        return context
    }
}
