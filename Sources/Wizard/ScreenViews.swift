import PKI
import TerminalUI

/// What F1 shows of a screen not yet moved to `WizardScreen`.
enum HelpText {
    static func text(for screen: Screen) -> String {
        switch screen {
        case .home, .csr, .bundles, .review, .themes, .troubleshoot, .verify, .step2, .step3, .dashboard, .deployment, .apply:
            return ""
        }
    }
}
