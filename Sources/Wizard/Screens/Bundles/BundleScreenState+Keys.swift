import PKI
import TerminalUI

/// Bundles as a screen: Space picks files, the chain is analysed off the input loop after
/// every change, m switches the mode, Tab goes to the output name, Enter or F10 opens the
/// review of the bundle to be written.
extension BundleScreenState: WizardScreen {
    /// What happens on the bundle screen.
    public enum Message: Sendable {
        /// A key of the file list (↑ ↓ Home End Space a).
        case list(Key)
        /// A key typed into the output name.
        case editOutput(Key)
        /// Tab: the other of the file list and the output name.
        case switchFocus
        /// m: full chain or CA bundle.
        case switchMode
        /// Scroll the chain by `rows`.
        case scroll(Int)
        /// r: list the workspace again.
        case reread
        /// Enter or F10: the review, once the chain is read.
        case submit
        /// The workspace's files.
        case filesListed(Result<[BrowsedFile], WizardFailure>)
        /// The chain of the files picked.
        case analysed(BundleAnalysis)
        /// The bundle ready for review (or why not).
        case prepared(Result<PreparedOperation, WizardFailure>)
    }

    func title(_ app: WizardState) -> String { "Bundles" }

    func footnote(_ app: WizardState) -> String { "Nothing is written before review. PEM, DER, PKCS#7 and PKCS#12 files are read." }

    func helpText(_ app: WizardState) -> String {
        """
        Bundles: pick the files (Space) among the workspace folder and its subfolders; the chain is drawn top to bottom: the entity, the intermediates, the root, each with the issuer that signed it.
        A missing issuer, duplicates, strangers (certificates of another chain) and keys are named. A picked file that is already a bundle, and the output file when it exists, are checked against every bundle rule.
        m switches between a full chain (webbridge3, CMS 3.x) and a CA bundle (no entity). Tab goes to the output name. PgUp/PgDn scroll the chain. r reads the folder again. Enter or F10 opens the review.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        let home = ScreenBinding<Message>(KeyBinding(.esc, help: "home"), .shell(.back(to: .home)))
        let review = ScreenBinding<Message>(KeyBinding([.enter, .f(10)], label: "Enter", help: "review"), .send(.submit))
        let chain: @Sendable (Key) -> ScreenAction<Message> = { .send(.scroll($0 == .pageUp ? -5 : 5)) }
        if focus == .output {
            return [ScreenBinding(KeyBinding([.tab, .backTab], label: "Tab", help: "files"), .send(.switchFocus)), review, home,
                    ScreenBinding(KeyBinding(.f(1), help: "help"), .shell(.help)),
                    ScreenBinding(KeyBinding([.pageUp, .pageDown], label: "PgUp/Dn", help: "chain", shownInHelp: false), action: chain),
                    ScreenBinding(.typing()) { .send(.editOutput($0)) }]
        }
        let list: @Sendable (Key) -> ScreenAction<Message> = { .send(.list($0)) }
        return [ScreenBinding(KeyBinding(.char(" "), help: "pick"), action: list), ScreenBinding(KeyBinding(.char("m"), help: "mode"), .send(.switchMode)),
                ScreenBinding(KeyBinding([.tab, .backTab], label: "Tab", help: "name"), .send(.switchFocus)), review,
                ScreenBinding(KeyBinding([.pageUp, .pageDown], label: "PgUp/Dn", help: "chain"), action: chain),
                home, .help, .quit, ScreenBinding(.move, action: list), ScreenBinding(KeyBinding(.char("r"), help: "reread"), .send(.reread)),
                ScreenBinding(KeyBinding(.char("a"), help: "pick all (again: none)", shownInHelp: false), action: list),
                ScreenBinding(KeyBinding([.home, .end], label: "Home/End", help: "first, last", shownInHelp: false), action: list)]
    }

    /// Opened from home: the workspace is listed.
    mutating func opened(_ app: WizardState) -> [ScreenEffect<Message>] {
        [.command(listFiles(app))]
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .list(let key):
            let before = list.checked
            list.handle(key, count: files?.count ?? 0, in: BundleView.layout(app.bodyArea).list)
            return list.checked == before ? [] : analyse(app)
        case .editOutput(let key):
            let before = output.text
            output.handle(key)
            return output.text == before ? [] : analyse(app)
        case .switchFocus:
            focus = focus == .files ? .output : .files
        case .switchMode:
            mode = mode == .fullChain ? .caBundle : .fullChain
            return analyse(app)
        case .scroll(let rows):
            scroll = max(0, scroll + rows)
        case .reread:
            return [.command(listFiles(app))]
        case .submit:
            return submit(app)
        case .filesListed(let result):
            let before = Set(picked)
            switch result {
            case .success(let files):
                self.files = files
                listError = nil
                list.checked = Set(files.indices.filter { before.contains(files[$0].relativePath) })
                list.selected = min(list.selected, max(0, files.count - 1))
            case .failure(let failure):
                files = []
                listError = failure.message
                list = ChecklistState()
            }
            return analyse(app)
        case .analysed(let analysis):
            guard analysis.generation == generation else { return [] }
            self.analysis = analysis
            if reviewPending, app.screen == .bundles {
                reviewPending = false
                return submit(app)
            }
        case .prepared(let result):
            return ScreenEffect.review(result, from: .bundles, titled: "Bundle", app, refusal: &submitError)
        }
        return []
    }

    /// The workspace's files, listed off the input loop.
    func listFiles(_ app: WizardState) -> Command<Message> {
        let workspace = app.context.workspace
        return .perform {
            do { return .filesListed(.success(try workspace.browse())) } catch { return .filesListed(.failure(WizardFailure(error))) }
        }
    }

    /// Asks for the chain of the files picked now; older answers will be dropped.
    mutating func analyse(_ app: WizardState) -> [ScreenEffect<Message>] {
        generation += 1
        submitError = nil
        reviewPending = false
        scroll = 0
        let generation = self.generation, sources = picked, mode = self.mode
        let output = self.output.text, workspace = app.context.workspace
        return [.command(.perform {
            .analysed(BundleAnalysis.analyse(workspace: workspace, sources: sources, mode: mode, output: output, generation: generation))
        })]
    }

    /// The review of the bundle, once the chain of the picks is read and complete.
    mutating func submit(_ app: WizardState) -> [ScreenEffect<Message>] {
        guard !picked.isEmpty else {
            submitError = "pick the certificate files first (Space)"
            return []
        }
        guard isCurrent, let analysis else {
            reviewPending = true
            return []
        }
        guard let plan = analysis.plan else {
            submitError = analysis.error ?? "no chain could be built from these files"
            return []
        }
        let workspace = app.context.workspace, output = self.output.text, sources = analysis.sources
        return [.command(.perform {
            do {
                return .prepared(.success(try workspace.prepareBundle(plan, sources: sources, to: output)))
            } catch {
                return .prepared(.failure(WizardFailure(error)))
            }
        })]
    }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        BundleView.render(app, area: area, buffer: &b)
    }
}
