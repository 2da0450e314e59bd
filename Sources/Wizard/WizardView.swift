import PKI
import TerminalUI

/// "1 node", "3 nodes".
func countedNodes(_ n: Int) -> String { n == 1 ? "1 node" : "\(n) nodes" }

extension WizardApp {
    /// The bindings of a screen not yet moved to `WizardScreen`, written by hand beside its
    /// hand-written key handler.
    func legacyBindings(_ s: WizardState) -> [KeyBinding] {
        let f1 = KeyBinding(.f(1), help: "help")
        let home = KeyBinding(.esc, help: "home")
        switch s.screen {
        case .home, .csr, .bundles, .review, .themes, .troubleshoot, .verify, .step2, .step3, .dashboard, .deployment, .apply: return []
        }
    }

    /// What a screen not yet moved to `WizardScreen` is called in the title bar.
    static func legacyTitle(_ screen: Screen) -> String {
        switch screen {
        case .home, .csr, .bundles, .review, .themes, .troubleshoot, .verify, .step2, .step3, .dashboard, .deployment, .apply: return ""
        }
    }

    /// The line under the body of a screen not yet moved to `WizardScreen`.
    func legacyFootnote(_ s: WizardState) -> String {
        switch s.screen {
        case .home, .csr, .bundles, .review, .themes, .troubleshoot, .verify, .step2, .step3, .dashboard, .deployment, .apply: return ""
        }
    }
}
