import PKI
import TerminalUI

extension WizardApp {
    /// Home → Step 4: list the workspace's files.
    func openVerify(_ s: inout WizardState) -> [Command<WizardMessage>] {
        s.screen = .verify
        return [listVerifyFiles(s)]
    }

    func listVerifyFiles(_ s: WizardState) -> Command<WizardMessage> {
        let directory = s.context.workspaceDirectory
        return .perform {
            do { return .verifyFilesListed(.success(try Workspace(directory: directory).browse())) } catch { return .verifyFilesListed(.failure(WizardFailure(error))) }
        }
    }

    func verifyFilesListed(_ result: Result<[BrowsedFile], WizardFailure>, _ s: inout WizardState) {
        switch result {
        case .success(let files):
            s.verify.files = files
            s.verify.listError = nil
            s.verify.list.selected = min(s.verify.list.selected, max(0, files.count - 1))
            let names = Set(files.map(\.relativePath))
            if let bundle = s.verify.bundle, !names.contains(bundle) { s.verify.bundle = nil }
            if s.verify.bundle == nil, names.contains("ca-bundle.crt") { s.verify.bundle = "ca-bundle.crt" }
        case .failure(let failure):
            s.verify.files = []
            s.verify.listError = failure.message
        }
    }

    func verifyKey(_ key: Key, _ s: inout WizardState) -> [Command<WizardMessage>] {
        let items = VerifyView.items(s.verify)
        if s.verify.list.handle(key, items: items, height: VerifyView.listHeight(s.size)) { return [] }
        switch key {
        case .esc: s.screen = .home
        case .char("q"): return requestQuit(&s)
        case .char("?"): s.help = HelpState()
        case .char("r"): return [listVerifyFiles(s)]
        case .char("b"):
            if let file = s.verify.selectedFile { s.verify.bundle = file }
        case .pageUp: s.verify.scroll = max(0, s.verify.scroll - 5)
        case .pageDown: s.verify.scroll += 5
        case .enter:
            guard let file = s.verify.selectedFile else { return [] }
            let directory = s.context.workspaceDirectory, bundle = s.verify.bundle
            let names = Set((s.verify.files ?? []).map(\.relativePath))
            return [.perform {
                .verified(VerifyResult.check(file, bundle: bundle, among: names, workspace: Workspace(directory: directory)))
            }]
        default: break
        }
        return []
    }
}
