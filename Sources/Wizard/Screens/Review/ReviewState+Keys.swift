import PKI
import TerminalUI

/// The review as a screen: y writes, Esc goes back writing nothing; after the write, the
/// result, then home (or back where a deployment file was edited).
extension ReviewState: WizardScreen {
    /// What happens on the review.
    public enum Message: Sendable {
        /// y or F10: write.
        case confirm
        /// Scroll by `rows` (negative: up).
        case scroll(Int)
        /// Enter once written: home, or back where a deployment file was edited.
        case leave
    }

    func title(_ app: WizardState) -> String { "Review before writing" }

    func footnote(_ app: WizardState) -> String {
        isRunning ? "Working: keys are generated off the screen's loop; Ctrl-C stops."
            : "Files are written atomically; private keys 0600; a key is never overwritten."
    }

    func helpText(_ app: WizardState) -> String {
        """
        The review lists exactly the files that will be written (path, what, mode, whether a file of that name is replaced, and the first 12 hex digits of the SHA-256 of the bytes to be written: the file written has that digest) and the commands that will be run.
        y or F10 confirms; Enter alone does not. Esc or n goes back and writes nothing.
        Files are written atomically (temporary file, then rename); private keys get mode 0600; a key is never overwritten.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        switch phase {
        case .waiting:
            return [ScreenBinding(KeyBinding([.char("y"), .char("Y"), .f(10)], label: "y/F10", help: "write"), .send(.confirm)),
                    ScreenBinding(KeyBinding([.esc, .char("n"), .char("N")], label: "Esc", help: "back, write nothing"), .shell(.close(to: origin))),
                    ScreenBinding(KeyBinding([.up, .down, .pageUp, .pageDown], label: "↑↓", help: "scroll")) { key in
                        .send(.scroll(ListNavigation.scrollRows(key)))
                    },
                    .help, .quit]
        case .running:
            // A write is short: it ends first; Ctrl-C is the way out meanwhile.
            return []
        case .done:
            return [ScreenBinding(KeyBinding([.enter, .esc], label: "Enter", help: saving == nil ? "home" : "back"), .send(.leave)), .help, .quit]
        case .failed:
            return [ScreenBinding(KeyBinding(.esc, help: "back to fix"), .shell(.close(to: origin))),
                    ScreenBinding(KeyBinding(.enter, help: "home"), .shell(.close(to: .home))), .help, .quit]
        }
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .confirm:
            guard isWaiting else { return [] }
            phase = .running
            return [.shell(.write(operation))]
        case .leave:
            // A deployment file written: back where it was edited, on the new file's plan.
            guard saving != nil else { return [.shell(.close(to: .home))] }
            return [.shell(.close(to: .home)), .shell(origin == .step2 ? .open(.step2) : .back(to: origin))]
        case .scroll(let rows):
            scroll = max(0, scroll + rows)
            return []
        }
    }
}
