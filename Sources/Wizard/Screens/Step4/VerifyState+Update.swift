import Inventory
import Orchestration
import PKI
import TerminalUI

extension VerifyState {
    /// Home → Step 4: list the files of the source chosen last (the workspace at first).
    mutating func opened(_ app: WizardState) -> [ScreenEffect<Message>] {
        if !VerifyView.sources(app).contains(source) { source = .here }
        return [.command(listSource(app))]
    }

    /// Lists the files of the source shown.
    func listSource(_ app: WizardState) -> Command<Message> {
        switch source {
        case .here: return listFiles(app)
        case .node(let node): return listNodeFiles(node, app)
        }
    }

    func listFiles(_ app: WizardState) -> Command<Message> {
        let workspace = app.context.workspace
        return .perform {
            do { return .filesListed(.success(try workspace.browse())) } catch { return .filesListed(.failure(WizardFailure(error))) }
        }
    }

    /// `pki list` and the services' status on `node`, through its transport, off the input loop.
    func listNodeFiles(_ node: String, _ app: WizardState) -> Command<Message> {
        let target = app.context.apply, generation = self.generation, connections = app.context.connections
        return .task { send in
            do {
                guard let target else { throw WizardFailure("there is no estate to reach \(node) in") }
                let listing = try await WizardApp.onNode(node, of: target, connections: connections) { try await NodeFileChecker.list($0) }
                send(.nodeListed(generation: generation, .success(listing)))
            } catch {
                send(.nodeListed(generation: generation, .failure((error as? WizardFailure) ?? WizardFailure(error))))
            }
        }
    }

    mutating func filesListed(_ result: Result<[BrowsedFile], WizardFailure>) {
        switch result {
        case .success(let files):
            self.files = files
            listError = nil
            let names = Set(files.map(\.relativePath))
            if let bundle, !names.contains(bundle) { self.bundle = nil }
            if bundle == nil, names.contains("ca-bundle.crt") { bundle = "ca-bundle.crt" }
        case .failure(let failure):
            files = []
            listError = failure.message
        }
        if source == .here { list.selected = min(list.selected, max(0, names.count - 1)) }
    }

    /// A node's files arrived; dropped when the user has switched source since.
    mutating func nodeListed(_ asked: Int, _ result: Result<NodeFileListing, WizardFailure>) {
        guard asked == generation, case .node(let node) = source else { return }
        switch result {
        case .success(let listing):
            nodeListing = listing
            nodeError = listing.problem
            if let picked = nodeBundles[node], !listing.files.contains(picked) { nodeBundles[node] = nil }
        case .failure(let failure):
            nodeListing = nil
            nodeError = failure.message
        }
        list.selected = min(list.selected, max(0, names.count - 1))
    }

    /// A check arrived; dropped when the source changed or another file was asked since.
    mutating func verified(_ asked: Int, _ result: VerifyResult) {
        guard asked == generation, checking == nil || checking == result.file else { return }
        checking = nil
        self.result = result
        scroll = 0
    }

    /// ←/→ (Tab, Shift-Tab): the next or previous source; its files are read.
    mutating func switchSource(by step: Int, _ app: WizardState) -> [ScreenEffect<Message>] {
        let sources = VerifyView.sources(app)
        guard sources.count > 1 else { return [] }
        let here = sources.firstIndex(of: source) ?? 0
        source = sources[(here + step + sources.count) % sources.count]
        generation += 1
        list = MenuState()
        nodeListing = nil
        nodeError = nil
        checking = nil
        result = nil
        scroll = 0
        return [.command(listSource(app))]
    }

    /// The check of `file` in the source shown, off the input loop: the engine's, on the
    /// workspace or through the node's transport.
    func check(_ file: String, _ app: WizardState) -> Command<Message> {
        let generation = self.generation
        switch source {
        case .here:
            let workspace = app.context.workspace, bundle = self.bundle
            let names = Set(self.names)
            return .perform {
                .verified(generation: generation, FileChecker.check(file, bundle: bundle, among: names, workspace: workspace))
            }
        case .node(let node):
            let target = app.context.apply, picked = nodeBundles[node], connections = app.context.connections
            let listing = nodeListing ?? NodeFileListing(node: node, files: self.names)
            return .task { send in
                let result: VerifyResult
                do {
                    guard let target else { throw WizardFailure("there is no estate to reach \(node) in") }
                    result = try await WizardApp.onNode(node, of: target, connections: connections) {
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
