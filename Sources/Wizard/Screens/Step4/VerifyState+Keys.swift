import Inventory
import PKI
import TerminalUI

/// Step 4 as a screen: ↑/↓ pick a file, ←/→ whose files (here or a node), Enter checks
/// the one selected, b makes it the CA bundle, PgUp/PgDn scroll the result.
extension VerifyState: WizardScreen {
    /// What happens on Step 4.
    public enum Message: Sendable {
        /// A key of the file list (↑ ↓ Home End).
        case move(Key)
        /// The next source (or the one before, negative).
        case switchSource(Int)
        /// Enter: check the file selected.
        case check
        /// b: the file selected is the CA bundle.
        case pickBundle
        /// Scroll the result by `rows`.
        case scroll(Int)
        /// r: read the files again.
        case reread
        /// The workspace's files.
        case filesListed(Result<[BrowsedFile], WizardFailure>)
        /// A node's files, read for source switch number `generation`.
        case nodeListed(generation: Int, Result<NodeFileListing, WizardFailure>)
        /// The checks of one file, asked for source switch number `generation`.
        case verified(generation: Int, VerifyResult)
    }

    func title(_ app: WizardState) -> String { "Step 4: verification" }

    func footnote(_ app: WizardState) -> String { VerifyView.footnote(self) }

    func helpText(_ app: WizardState) -> String {
        """
        Step 4 lists the certificates, keys and CSRs of the workspace folder ("here") or of a node: ←/→ (or Tab) choose whose; a node's are listed with its pki list, over SSH or the lab. Enter checks the one selected:
        inspect shows every field (subject, SANs, validity and days left, key, usages, fingerprint); match says whether the key of the same basename (webadmin.key for webadmin.crt) belongs to it; verify builds the chain of a certificate to a root of the CA bundle, link by link, with each failure in plain words.
        On a node, certificates and bundles are copied to a private temporary folder, checked the same way and deleted; a private key never leaves the node: the node's own pki match pairs it with <basename>.crt, and its output is shown.
        b makes the selected file the CA bundle (here, ca-bundle.crt is picked when there is one; on a node, the bundle its services use). PgUp/PgDn scroll the result. r reads the files again. Nothing is written.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        // The file list's keys, when it has files.
        let files = !names.isEmpty
        var keys: [ScreenBinding<Message>] = files ? [ScreenBinding(.move) { .send(.move($0)) }] : []
        if app.context.apply != nil {
            keys.append(ScreenBinding(KeyBinding([.left, .right, .tab, .backTab], label: "←→", help: "files " + (source == .here ? "here" : "on " + source.name))) {
                .send(.switchSource([.left, .backTab].contains($0) ? -1 : 1))
            })
        }
        if files {
            keys += [ScreenBinding(KeyBinding(.enter, help: "check"), .send(.check)), ScreenBinding(KeyBinding(.char("b"), help: "CA bundle"), .send(.pickBundle)),
                     ScreenBinding(KeyBinding([.home, .end], label: "Home/End", help: "first, last", shownInHelp: false)) { .send(.move($0)) }]
        }
        return keys + [ScreenBinding(KeyBinding(.esc, help: "home"), .shell(.back(to: .home))),
                       ScreenBinding(KeyBinding([.pageUp, .pageDown], label: "PgUp/Dn", help: "result")) { .send(.scroll($0 == .pageUp ? -5 : 5)) },
                       ScreenBinding(KeyBinding(.char("r"), help: "reread"), .send(.reread)), .help, .quit]
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .move(let key):
            list.handle(key, items: VerifyView.items(self), in: VerifyView.layout(app.bodyArea).list)
        case .switchSource(let step):
            return switchSource(by: step, app)
        case .check:
            guard let file = selectedFile else { return [] }
            checking = file
            return [.command(check(file, app))]
        case .pickBundle:
            guard let file = selectedFile else { return [] }
            switch source {
            case .here: bundle = file
            case .node(let node):
                // A file that holds a key is never fetched, so it cannot be the bundle.
                if !FileChecker.holdsPrivateKey(file) { nodeBundles[node] = file }
            }
        case .scroll(let rows):
            scroll = max(0, scroll + rows)
        case .reread:
            return [.command(listSource(app))]
        case .filesListed(let result):
            filesListed(result)
        case .nodeListed(let asked, let result):
            nodeListed(asked, result)
        case .verified(let asked, let result):
            verified(asked, result)
        }
        return []
    }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        VerifyView.render(app, area: area, buffer: &b)
    }
}
