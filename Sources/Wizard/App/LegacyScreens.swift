import TerminalUI

extension WizardApp {
    /// A screen not yet moved to `WizardScreen`, as the shell sees it: its hand-written
    /// title, footnote, help, bindings, key handler and view. It shrinks as screens move.
    func legacyScreen(_ screen: Screen) -> FocusedScreen {
        FocusedScreen(
            title: { _ in Self.legacyTitle(screen) },
            footnote: { legacyFootnote($0) },
            helpText: { _ in HelpText.text(for: screen) },
            bindings: { legacyBindings($0) },
            press: { key, s in legacyKey(key, &s) },
            opened: { _ in [] },
            render: { s, area, b in legacyRender(s, area: area, buffer: &b) })
    }

    /// The body of a screen not yet moved to `WizardScreen`.
    func legacyRender(_ s: WizardState, area body: Rect, buffer b: inout Buffer) {
        switch s.screen {
        case .home, .csr, .bundles, .review, .themes, .troubleshoot, .verify, .step2, .step3, .dashboard, .deployment, .apply: break
        }
    }
}
