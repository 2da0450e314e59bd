import Deployment
import TerminalUI

/// Steps 2 and 3 as screens over one state, reading Step 5's plan: Step 2 lists its CSRs (Enter
/// edits a certificate's names, saved in the deployment file through a review), Step 3
/// its database sequence. 5 opens Step 5 on the same plan.
extension PlanViewState: WizardScreen {
    /// What happens on Steps 2 and 3.
    public enum Message: Sendable {
        /// A key of Step 2's table (↑ ↓ Home End PgUp PgDn).
        case table(Key)
        /// Scroll by `rows` (Step 3, or Step 2 without a plan).
        case scroll(Int)
        /// Enter on Step 2's table: edit the certificate selected.
        case edit
        /// The editor's next row (or the one before, negative).
        case editorMove(Int)
        /// Enter in the editor: on, or save on the last row.
        case editorEnter
        /// F10: save the edit through a review.
        case editorSave
        /// F5: back to what the strategy gives.
        case editorReset
        /// Esc: drop the edit.
        case editorCancel
        /// ←/→/Space on the keys row: where keys are made.
        case editorKeys
        /// A key typed into the editor's row.
        case editorType(Key)
    }

    func title(_ app: WizardState) -> String { app.screen == .step3 ? "Step 3: database cluster" : "Step 2: CSRs per service" }

    func footnote(_ app: WizardState) -> String {
        isOffline(app) ? "Planned without the nodes' state (not read yet, or unreachable); Step 5 plans from it. 5 opens it."
                       : "Read from the plan Step 5 runs; nothing is made here. 5 opens its review."
    }

    func helpText(_ app: WizardState) -> String {
        """
        Steps 2 and 3 read the plan of a fresh deployment, the same value Step 5 reviews and runs: nothing is made on these screens.
        Step 2 lists every CSR the deployment's certificate strategy gives (per service, one SAN certificate, or a wildcard): where it is made (on a node by pki csr, or here when keys: local), the basename, CN and SANs, the exact command and the services that will use it. ↑/↓ select.
        Step 3 lists the database cluster's steps in the plan's order, node by node: the built-in CA, dbserver and dbclient, the copies, and the cluster made again. ↑/↓ scroll.
        Enter on a Step 2 row edits that certificate: its basename, CN and SANs (comma separated), and where keys are made (on the node by pki csr, or here: for every certificate). Each problem shows at its row by the deployment file's rules; the line under them is the pki csr the plan will type. F10 saves the edit in the deployment file through a review (a service's certificates: entry; for one shared certificate certificate_name, cluster_fqdn and sans); F5 goes back to what the strategy gives; Esc drops the edit. ✎ marks an edited certificate. 5 opens Step 5 with the plan.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        let step5 = ScreenBinding<Message>(KeyBinding(.char("5"), help: "plan and run (Step 5)"), .shell(.open(.apply)))
        let home = ScreenBinding<Message>(KeyBinding(.esc, help: "home"), .shell(.back(to: .home)))
        let scroll = ScreenBinding<Message>(KeyBinding([.up, .down, .pageUp, .pageDown], label: "↑↓", help: "scroll")) { key in
            .send(.scroll(ListNavigation.scrollRows(key)))
        }
        guard app.screen == .step2 else { return [scroll, step5, home, .help, .quit] }
        if let editor { return editorBindings(editor) }
        guard case .success = plan(app) else { return [scroll, step5, home, .help, .quit] }
        let table: @Sendable (Key) -> ScreenAction<Message> = { .send(.table($0)) }
        return [ScreenBinding(.move, action: table), ScreenBinding(KeyBinding(.enter, help: "edit names"), .send(.edit)), step5, home, .help, .quit,
                ScreenBinding(.jump, action: table)]
    }

    /// The editor's keys: the row focused is a name typed, a name locked, or where keys are made.
    func editorBindings(_ editor: CertificateEditor) -> [ScreenBinding<Message>] {
        let onKeys = editor.focus == CertificateEditor.keysRow
        var keys = [ScreenBinding<Message>(KeyBinding([.tab, .backTab, .up, .down], label: "Tab", help: "next")) { .send(.editorMove([.tab, .down].contains($0) ? 1 : -1)) },
                    ScreenBinding(KeyBinding(.f(10), help: "save (review)"), .send(.editorSave)),
                    ScreenBinding(KeyBinding(.f(5), help: "strategy's names"), .send(.editorReset)),
                    ScreenBinding(KeyBinding(.esc, help: "cancel"), .send(.editorCancel)),
                    ScreenBinding(KeyBinding(.enter, help: onKeys ? "save (review)" : "next", shownInHelp: false), .send(.editorEnter))]
        if onKeys {
            keys += [ScreenBinding(KeyBinding([.left, .right, .char(" ")], label: "←→", help: "where keys are made", shownInHelp: false), .send(.editorKeys)),
                     ScreenBinding(KeyBinding.help.outOfBar, .shell(.help)), ScreenBinding(KeyBinding.quit.outOfBar, .shell(.quit))]
        } else {
            keys.append(ScreenBinding(KeyBinding(.f(1), help: "help", shownInHelp: false), .shell(.help)))
            if !editor.isLocked(editor.focus) { keys.append(ScreenBinding(.typing()) { .send(.editorType($0)) }) }
        }
        return keys
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .table(let key):
            guard case .success(let plan) = plan(app) else { return [] }
            table.handle(key, count: PlanViewState.csrRows(plan).count, in: PlanViews.step2Layout(app.bodyArea, self).table)
        case .scroll(let rows):
            scroll = max(0, scroll + rows)
        case .edit:
            openCertificateEditor(app)
        case .editorCancel:
            editor = nil  // nothing is kept
        case .editorMove(let step):
            if step > 0 { editor?.next() } else { editor?.previous() }
        case .editorEnter:
            if editor?.focus == CertificateEditor.keysRow { return saveCertificate(app) }
            editor?.next()
        case .editorSave:
            return saveCertificate(app)
        case .editorReset:
            editor?.resetToStrategy()
        case .editorKeys:
            guard var e = editor else { return [] }
            e.keys = e.keys == .node ? .local : .node
            e.submitError = nil
            editor = e
        case .editorType(let key):
            guard var e = editor, !e.isLocked(e.focus) else { return [] }
            if e.fields[e.focus].handle(key) { e.submitError = nil }
            editor = e
        }
        return []
    }

    /// Step 2, Enter: edit the selected certificate's names (a deployment file must be
    /// there to hold the edit).
    mutating func openCertificateEditor(_ app: WizardState) {
        guard case .success(let plan) = plan(app) else { return }
        let rows = PlanViewState.csrRows(plan)
        guard let index = table.selectedRow(in: PlanViews.step2Cells(rows, self)), let request = request(for: rows[index]) else { return }
        editor = CertificateEditor(base: deployment, request: request)
    }

    /// F10 on the editor: the deployment with the edit, checked, then the review of
    /// writing the deployment file.
    mutating func saveCertificate(_ app: WizardState) -> [ScreenEffect<Message>] {
        guard var e = editor else { return [] }
        defer { editor = e }
        let problems = e.problems
        if let first = problems.rows.keys.min() {
            e.showAllErrors = true
            e.focus = first
            e.submitError = "fix what is shown at \(CertificateEditor.labels[first]), then F10"
            return []
        }
        if let general = problems.general.first {
            e.submitError = general
            return []
        }
        guard e.isDirty else {
            e.submitError = "nothing changed: edit a name, the CN or the SANs first (Esc leaves)"
            return []
        }
        guard let target = app.context.apply else { return [] }
        let isLab: Bool
        if case .lab = app.context.source { isLab = true } else { isLab = false }
        return [.shell(.saveDeployment(DeploymentSave(deployment: e.edited, base: e.base, path: target.deploymentPath, isLab: isLab, existed: true, origin: .step2)))]
    }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        if app.screen == .step3 { PlanViews.renderStep3(app, area: area, buffer: &b) } else { PlanViews.renderStep2(app, area: area, buffer: &b) }
    }
}
