import PKI
import TerminalUI

/// The wizard as a TerminalUI program: `update` applies one message to the state and
/// hands slow work (listing files, reading certificates, generating keys, writing) to
/// commands; `view` draws the whole screen. The same value runs on the terminal
/// (NcursesBackend's `run`) and headless in tests.
public struct WizardApp: Program {
    /// The program.
    public init() {}

    /// The smallest terminal the screens are laid out for.
    public static let minimumSize = Size.standard

    /// At launch: a run the deployment left open (waiting for the CA, failed, interrupted)
    /// opens on Step 5, where r resumes it.
    public func start(_ s: inout WizardState) -> [Command<WizardMessage>] {
        if reopenOpenRun(&s) {
            s.apply?.origin = .home
            s.screen = .apply
            // A run waiting for files watches for them from the start.
            return focused(.apply).opened(&s)
        }
        return []
    }

    public func message(for event: TerminalEvent) -> WizardMessage? {
        switch event {
        case .key(.ctrl("c")): return nil  // the runtime quits at once: the way out that always works
        case .key(let key): return .key(key)
        case .resize(let size): return .resize(size)
        }
    }

    public func update(_ s: inout WizardState, _ message: WizardMessage) -> [Command<WizardMessage>] {
        switch message {
        case .resize(let size):
            s.size = size
            return []
        case .verifyFilesListed(let result):
            return deliver(.filesListed(result), to: Routes.step4, &s)
        case .verifyNodeListed(let generation, let result):
            return deliver(.nodeListed(generation: generation, result), to: Routes.step4, &s)
        case .verified(let generation, let result):
            return deliver(.verified(generation: generation, result), to: Routes.step4, &s)
        case .dashboardLoaded(let generation, let rows, let at, let nodes):
            return deliver(.loaded(generation: generation, rows: rows, at: at, nodes: nodes), to: Routes.dashboard, &s)
        case .dashboardEndpointProbed(let generation, let index, let probe):
            return deliver(.probed(generation: generation, index: index, probe), to: Routes.dashboard, &s)
        case .applyEvent(let event):
            return deliver(.event(event), to: Routes.step5, &s)
        case .applyCouldNotStart(let failure):
            return deliver(.couldNotStart(failure), to: Routes.step5, &s)
        case let .applyStateRead(flow, result):
            return deliver(.stateRead(flow: flow, result), to: Routes.step5, &s)
        case .step5(let message):
            return deliver(message, to: Routes.step5, &s)
        case .deploymentOpened(let path, let result):
            deploymentOpened(path, result, &s)
            return []
        case .deploymentPrepared(let origin, let result, let saving):
            guard s.screen == origin else { return [] }
            switch result {
            case .success(let operation):
                var review = ReviewState(origin: origin, title: "Deployment file", operation: operation)
                review.saving = saving
                s.review = review
                s.screen = .review
            case .failure(let failure):
                if origin == .step2 { s.planView?.editor?.submitError = failure.message } else { s.deploymentForm?.submitError = failure.message }
            }
            return []
        case .tick:
            if var apply = s.apply, apply.isRunning {
                apply.spinner.advance()
                s.apply = apply
                return [.after(0.1, .tick)]
            }
            guard var review = s.review, review.isRunning else { return [] }
            review.spinner.advance()
            s.review = review
            return [.after(0.1, .tick)]
        case .prepared(.csr, let result):
            return deliver(.prepared(result), to: Routes.step1, &s)
        case .prepared(.bundles, let result):
            return deliver(.prepared(result), to: Routes.bundles, &s)
        case .prepared:
            return []  // only Step 1 and the bundles prepare writes
        case .performed(let result):
            guard var review = s.review else { return [] }
            switch result {
            case .success(let done):
                review.phase = .done(done)
                let names = done.written.map(lastPathComponent).joined(separator: ", ")
                if let saved = review.saving {
                    deploymentSaved(saved, &s)
                } else if review.origin == .csr {
                    s.step1Result = "wrote " + names
                    s.csr = CSRBuilder(cnPlaceholder: s.context.estate?.nodes.first?.fqdn ?? "cms1.example.com")
                } else {
                    s.bundleResult = "wrote " + names
                    s.bundles.list.checked = []
                    s.bundles.analysis = nil
                    s.bundles.generation += 1
                }
            case .failure(let failure):
                review.phase = .failed(failure.message)
            }
            s.review = review
            return []
        case .filesListed(let result):
            return deliver(.filesListed(result), to: Routes.bundles, &s)
        case .bundleAnalysed(let analysis):
            return deliver(.analysed(analysis), to: Routes.bundles, &s)
        case .bundles(let message):
            return deliver(message, to: Routes.bundles, &s)
        case .deployment(let message):
            return deliver(message, to: Routes.deployment, &s)
        case .dashboard(let message):
            return deliver(message, to: Routes.dashboard, &s)
        case .plan(let message):
            return deliver(message, to: Routes.plan, &s)
        case .step4(let message):
            return deliver(message, to: Routes.step4, &s)
        case .step1(let message):
            return deliver(message, to: Routes.step1, &s)
        case .review(let message):
            return deliver(message, to: Routes.review, &s)
        case .home(let message):
            return deliver(message, to: Routes.home, &s)
        case .troubleshoot(let message):
            return deliver(message, to: Routes.troubleshoot, &s)
        case .themes(let message):
            return deliver(message, to: Routes.themes, &s)
        case .labClock(let message):
            return deliver(message, to: Routes.labClock, &s)
        case .key(let key):
            return handle(key, &s)
        }
    }

    // MARK: keys

    func handle(_ key: Key, _ s: inout WizardState) -> [Command<WizardMessage>] {
        if var dialog = s.quitDialog {
            switch dialog.handle(key) {
            case .yes: return [.quit]
            case .no: s.quitDialog = nil
            case nil: s.quitDialog = dialog
            }
            return []
        }
        if s.help != nil {
            return HelpOverlay.handle(key, &s.help) ? requestQuit(&s) : []
        }
        if TooSmall.applies(to: s.size, minimum: Self.minimumSize) {
            if key == .char("q") { return requestQuit(&s) }
            return []
        }
        return focused(s.screen).press(key, &s)
    }

    /// q: quits at once when nothing would be lost, else asks.
    func requestQuit(_ s: inout WizardState) -> [Command<WizardMessage>] {
        // A write under way is short: it ends first. A run asks, then stops at a step boundary.
        if s.review?.isRunning == true { return [] }
        if s.unsavedWork.isEmpty { return [.quit] }
        s.quitDialog = DialogState()
        return []
    }
}
