import Inventory
import Lab
import Orchestration
import PKI
import TerminalUI

extension WizardApp {
    /// Home → Step 4: list the files of the source chosen last (the workspace at first).
    func openVerify(_ s: inout WizardState) -> [Command<WizardMessage>] {
        s.screen = .verify
        if !VerifyView.sources(s).contains(s.verify.source) { s.verify.source = .here }
        return [listVerifySource(s)]
    }

    /// Lists the files of the source shown.
    func listVerifySource(_ s: WizardState) -> Command<WizardMessage> {
        switch s.verify.source {
        case .here: return listVerifyFiles(s)
        case .node(let node): return listNodeFiles(node, s)
        }
    }

    func listVerifyFiles(_ s: WizardState) -> Command<WizardMessage> {
        let directory = s.context.workspaceDirectory
        return .perform {
            do { return .verifyFilesListed(.success(try Workspace(directory: directory).browse())) } catch { return .verifyFilesListed(.failure(WizardFailure(error))) }
        }
    }

    /// `pki list` and the services' status on `node`, through its transport, off the input loop.
    func listNodeFiles(_ node: String, _ s: WizardState) -> Command<WizardMessage> {
        let target = s.context.apply, generation = s.verify.generation
        return .task { send in
            do {
                guard let target else { throw WizardFailure("there is no estate to reach \(node) in") }
                let listing = try await Self.onNode(node, of: target) { try await NodeFileChecker.list($0) }
                send(.verifyNodeListed(generation: generation, .success(listing)))
            } catch {
                send(.verifyNodeListed(generation: generation, .failure((error as? WizardFailure) ?? WizardFailure(error))))
            }
        }
    }

    /// Runs `body` with the transport to `node` (the lab's, or SSH as the dashboard and
    /// Step 5 make them), and closes an SSH connection after.
    static func onNode<T: Sendable>(_ node: String, of target: ApplyTarget,
                                    _ body: @Sendable (NodeTarget) async throws -> T) async throws -> T {
        let transports = try NodeTransports.make(for: target.deployment, deploymentFolder: target.deploymentFolder, sshConfig: nil)
        guard let transport = transports[node] else { throw WizardFailure("\(node) is not a node of \(target.deploymentPath)") }
        let result: Result<T, Error>
        do { result = .success(try await body(NodeTarget(name: node, transport: transport))) } catch { result = .failure(error) }
        await transport.close()
        return try result.get()
    }

    func verifyFilesListed(_ result: Result<[BrowsedFile], WizardFailure>, _ s: inout WizardState) {
        switch result {
        case .success(let files):
            s.verify.files = files
            s.verify.listError = nil
            let names = Set(files.map(\.relativePath))
            if let bundle = s.verify.bundle, !names.contains(bundle) { s.verify.bundle = nil }
            if s.verify.bundle == nil, names.contains("ca-bundle.crt") { s.verify.bundle = "ca-bundle.crt" }
        case .failure(let failure):
            s.verify.files = []
            s.verify.listError = failure.message
        }
        if s.verify.source == .here { s.verify.list.selected = min(s.verify.list.selected, max(0, s.verify.names.count - 1)) }
    }

    /// A node's files arrived; dropped when the user has switched source since.
    func verifyNodeListed(_ generation: Int, _ result: Result<NodeFileListing, WizardFailure>, _ s: inout WizardState) {
        guard generation == s.verify.generation, case .node(let node) = s.verify.source else { return }
        switch result {
        case .success(let listing):
            s.verify.nodeListing = listing
            s.verify.nodeError = listing.problem
            if let picked = s.verify.nodeBundles[node], !listing.files.contains(picked) { s.verify.nodeBundles[node] = nil }
        case .failure(let failure):
            s.verify.nodeListing = nil
            s.verify.nodeError = failure.message
        }
        s.verify.list.selected = min(s.verify.list.selected, max(0, s.verify.names.count - 1))
    }

    /// A check arrived; dropped when the source changed or another file was asked since.
    func verified(_ generation: Int, _ result: VerifyResult, _ s: inout WizardState) {
        guard generation == s.verify.generation, s.verify.checking == nil || s.verify.checking == result.file else { return }
        s.verify.checking = nil
        s.verify.result = result
        s.verify.scroll = 0
    }

    /// ←/→ (Tab, Shift-Tab): the next or previous source; its files are read.
    func switchVerifySource(by step: Int, _ s: inout WizardState) -> [Command<WizardMessage>] {
        let sources = VerifyView.sources(s)
        guard sources.count > 1 else { return [] }
        let here = sources.firstIndex(of: s.verify.source) ?? 0
        s.verify.source = sources[(here + step + sources.count) % sources.count]
        s.verify.generation += 1
        s.verify.list = MenuState()
        s.verify.nodeListing = nil
        s.verify.nodeError = nil
        s.verify.checking = nil
        s.verify.result = nil
        s.verify.scroll = 0
        return [listVerifySource(s)]
    }

    func verifyKey(_ key: Key, _ s: inout WizardState) -> [Command<WizardMessage>] {
        let items = VerifyView.items(s.verify)
        if s.verify.list.handle(key, items: items, height: VerifyView.listHeight(s.size)) { return [] }
        switch key {
        case .esc: s.screen = .home
        case .char("q"): return requestQuit(&s)
        case .char("?"): s.help = HelpState()
        case .char("r"): return [listVerifySource(s)]
        case .left, .backTab: return switchVerifySource(by: -1, &s)
        case .right, .tab: return switchVerifySource(by: 1, &s)
        case .char("b"):
            guard let file = s.verify.selectedFile else { return [] }
            switch s.verify.source {
            case .here: s.verify.bundle = file
            case .node(let node):
                // A file that holds a key is never fetched, so it cannot be the bundle.
                if !FileChecker.holdsPrivateKey(file) { s.verify.nodeBundles[node] = file }
            }
        case .pageUp: s.verify.scroll = max(0, s.verify.scroll - 5)
        case .pageDown: s.verify.scroll += 5
        case .enter:
            guard let file = s.verify.selectedFile else { return [] }
            s.verify.checking = file
            return [checkVerifyFile(file, s)]
        default: break
        }
        return []
    }

    /// The check of `file` in the source shown, off the input loop: the engine's, on the
    /// workspace or through the node's transport.
    func checkVerifyFile(_ file: String, _ s: WizardState) -> Command<WizardMessage> {
        let generation = s.verify.generation
        switch s.verify.source {
        case .here:
            let directory = s.context.workspaceDirectory, bundle = s.verify.bundle
            let names = Set(s.verify.names)
            return .perform {
                .verified(generation: generation, FileChecker.check(file, bundle: bundle, among: names, workspace: Workspace(directory: directory)))
            }
        case .node(let node):
            let target = s.context.apply, picked = s.verify.nodeBundles[node]
            let listing = s.verify.nodeListing ?? NodeFileListing(node: node, files: s.verify.names)
            return .task { send in
                let result: VerifyResult
                do {
                    guard let target else { throw WizardFailure("there is no estate to reach \(node) in") }
                    result = try await Self.onNode(node, of: target) {
                        await NodeFileChecker.check(file, on: $0, listing: listing, bundle: picked)
                    }
                } catch {
                    result = VerifyResult(file: file, node: node, checks: [
                        .init(name: "node", passed: false, summary: "\(node) cannot be reached: \(((error as? WizardFailure) ?? WizardFailure(error)).message)", detail: ""),
                    ])
                }
                send(.verified(generation: generation, result))
            }
        }
    }
}
