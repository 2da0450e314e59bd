import PKI
import TerminalUI

/// Step 1 as a screen: Tab moves between the fields, typing edits the focused one, ←/→
/// change the key type, F10 (or Enter on the key type) checks everything and opens the
/// review of the key and CSR to be written.
extension CSRBuilder: WizardScreen {
    /// What happens on Step 1.
    public enum Message: Sendable {
        /// The next field (Tab, ↓).
        case next
        /// The field before (Shift-Tab, ↑).
        case previous
        /// Enter on a field: on when it is good, else its reason shown.
        case confirmField
        /// A key typed into the focused field.
        case edit(Key)
        /// The key type, one choice on (or back, negative).
        case cycleKeyType(Int)
        /// F10: check everything and prepare the review.
        case submit
        /// The key and CSR ready for review (or why not).
        case prepared(Result<PreparedOperation, WizardFailure>)
    }

    func title(_ app: WizardState) -> String { "Step 1: CSR builder" }

    func footnote(_ app: WizardState) -> String { "Every Step 1 rule is checked as you type. Nothing is written before review." }

    func helpText(_ app: WizardState) -> String {
        """
        Step 1 builds one pki csr line: pki csr <basename> CN:<fqdn> [OU:] [O:] [ST:] [L:] [C:] [subjectAltName:].
        Tab or ↓ goes to the next field, Shift-Tab or ↑ back; Enter goes on when the field is good; F10 (or Enter on Key type) opens the review.
        Each field is checked as you type; the reason shows beside it and, in full, under the form.
        When SANs are given, the CN is added to them if missing (CMS requires it), and the preview says so.
        Renewing? Use a NEW basename: pki csr over the basename of a key in use breaks that service at once. cmscerts never overwrites a key.
        Editing: ←/→, Home/End, Backspace/Del, Ctrl-U clears the field, Ctrl-K cuts to the end.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        let home = ScreenBinding<Message>(KeyBinding(.esc, help: "home"), .shell(.back(to: .home)))
        let move: @Sendable (Key) -> ScreenAction<Message> = { [.tab, .down].contains($0) ? .send(.next) : .send(.previous) }
        if focus == Self.keyTypeRow {
            return [ScreenBinding(KeyBinding([.left, .right, .char(" ")], label: "←→", help: "key type")) { .send(.cycleKeyType($0 == .left ? -1 : 1)) },
                    ScreenBinding(KeyBinding([.enter, .f(10)], label: "Enter", help: "review"), .send(.submit)),
                    ScreenBinding(KeyBinding([.tab, .backTab, .up, .down], label: "Tab", help: "fields"), action: move),
                    home, .help, .quit]
        }
        return [ScreenBinding(KeyBinding([.tab, .backTab, .up, .down], label: "Tab/S-Tab", help: "field"), action: move),
                ScreenBinding(KeyBinding(.enter, help: "next"), .send(.confirmField)),
                ScreenBinding(KeyBinding(.f(10), help: "review"), .send(.submit)),
                home, ScreenBinding(KeyBinding(.f(1), help: "help"), .shell(.help)),
                ScreenBinding(.typing()) { .send(.edit($0)) }]
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .next:
            next()
        case .previous:
            previous()
        case .confirmField:
            if form.fields[focus].error == nil { next() } else { form.fields[focus].input.touched = true }
        case .edit(let key):
            if form.fields[focus].input.handle(key) { submitError = nil }
        case .cycleKeyType(let step):
            cycleKeyType(by: step)
        case .submit:
            return submit(workspace: app.context.workspace)
        case .prepared(let result):
            return ScreenEffect.review(result, from: .csr, titled: "Step 1: key and CSR", app, refusal: &submitError)
        }
        return []
    }

    /// Every rule checked; when all hold, the key and CSR prepared off the input loop.
    mutating func submit(workspace: Workspace) -> [ScreenEffect<Message>] {
        switch spec {
        case .failure(let failure):
            showErrors()
            if errors.isEmpty { submitError = failure.message }
            return []
        case .success(let spec):
            let keyType = keyType
            return [.command(.perform {
                do {
                    return .prepared(.success(try workspace.prepareCSR(spec, keyType: keyType)))
                } catch {
                    return .prepared(.failure(WizardFailure(error)))
                }
            })]
        }
    }
}
