import PKI
import TerminalUI

/// What F1 shows of a screen not yet moved to `WizardScreen`.
enum HelpText {
    static func text(for screen: Screen) -> String {
        switch screen {
        case .apply:
            return """
                Step 5 reads what the nodes hold (read-only), plans a procedure from it and opens on a summary per node: steps, keys made, certificates applied, restarts, what happens to the database cluster, and what is already so (not run). s shows every command that will run and every file it will write, node by node, in the order the executor runs them. ←/→ picks the procedure: fresh deployment, renewal under the same names, renewal under new names, expired database certificates. A procedure that would overwrite what a live service uses is refused, with the reason; on an estate that already holds what the deployment file wants there is nothing to run.
                y or F10 runs exactly that plan, nodes in parallel where the order allows; progress shows per node. Every step goes to a journal beside the deployment file (.cmscerts/runs). One run at a time: another run on the same deployment (the command line's too) is refused while this one holds it.
                When the run waits for files (certificates your CA signs), place them in the workspace and press r: each is checked against its CSR and the CA bundle before anything is sent, and the run resumes from its journal, skipping what is done. After a failure, the node, the command and its output are shown: fix the cause, then r resumes the same way. A run left open opens here again the next time cmscerts starts.
                q (after asking), Ctrl-C or a signal during a run stop it at a step boundary: the steps running end and are journaled; r, or cmscerts apply <deployment.yaml> --resume <run id>, goes on.
                """
        case .home, .csr, .bundles, .review, .themes, .troubleshoot, .verify, .step2, .step3, .dashboard, .deployment:
            return ""
        }
    }
}
