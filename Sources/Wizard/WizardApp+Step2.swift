import Deployment
import TerminalUI

extension WizardApp {
    /// Step 2, Enter: edit the selected certificate's names (a deployment file must be
    /// there to hold the edit).
    func openCertificateEditor(_ st: inout PlanViewState) {
        guard case .success(let plan) = st.plan else { return }
        let rows = PlanViewState.csrRows(plan)
        guard let index = st.table.selectedRow(in: PlanViews.step2Cells(rows, st)), let request = st.request(for: rows[index]) else { return }
        st.editor = CertificateEditor(base: st.deployment, request: request)
    }

    /// Keys while Step 2's editor is open.
    func certificateEditorKey(_ key: Key, _ st: inout PlanViewState, _ s: inout WizardState) -> [Command<WizardMessage>] {
        guard var e = st.editor else { return [] }
        if key == .esc {
            st.editor = nil  // nothing is kept
            return []
        }
        defer { st.editor = e }
        switch key {
        case .tab, .down:
            e.next()
        case .backTab, .up:
            e.previous()
        case .enter:
            if e.focus == CertificateEditor.keysRow { return saveCertificate(&e, s) }
            e.next()
        case .f(10):
            return saveCertificate(&e, s)
        case .f(5):
            e.resetToStrategy()
        default:
            if e.focus == CertificateEditor.keysRow {
                switch key {
                case .left, .right, .char(" "):
                    e.keys = e.keys == .node ? .local : .node
                    e.submitError = nil
                case .char("q"): return requestQuit(&s)
                case .char("?"): s.help = HelpState()
                default: break
                }
            } else if !e.isLocked(e.focus), e.fields[e.focus].handle(key) {
                e.submitError = nil
            }
        }
        return []
    }

    /// F10 on the editor: the deployment with the edit, checked, then the review of
    /// writing the deployment file.
    func saveCertificate(_ e: inout CertificateEditor, _ s: WizardState) -> [Command<WizardMessage>] {
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
        guard let target = s.context.apply else { return [] }
        let isLab: Bool
        if case .lab = s.context.source { isLab = true } else { isLab = false }
        return [Self.prepareDeploymentSave(e.edited, base: e.base, path: target.deploymentPath, isLab: isLab, existed: true, origin: .step2)]
    }
}
