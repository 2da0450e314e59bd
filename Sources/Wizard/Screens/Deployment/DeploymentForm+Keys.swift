import Deployment
import Foundation
import PKI
import TerminalUI

/// The deployment file's form as a screen: every key goes through the bindings the footer
/// and F1 show (they change with the field focused); F10 asks the shell to check the file
/// and open its review, F3 to read another file.
extension DeploymentForm: WizardScreen {
    /// What happens on the form.
    public enum Message: Sendable {
        /// The next field (or the one before, negative).
        case move(Int)
        /// Half a page of fields on (or back, negative).
        case page(Int)
        /// Enter: a node added on "+ Add a node", else the next field.
        case enter
        /// ←/→/Space on a choice or the services: change it, move along or tick.
        case choose(Key)
        /// A key typed into the text field focused.
        case edit(Key)
        /// F10: check the file and open its review.
        case save
        /// F8: remove the node focused (on the lab: say why its nodes stay).
        case removeNode
        /// F5: drop the changes.
        case revert
        /// F2: a new file in the folder cmscerts was started in.
        case newFile
        /// F3: ask for another file to open.
        case askFile
        /// A key typed into the path of the file to open.
        case editPath(Key)
        /// Enter on the path: read that file.
        case openFile
        /// Esc on the path: leave the form as it was.
        case cancelOpen
    }

    func title(_ app: WizardState) -> String { "Deployment file" }

    func footnote(_ app: WizardState) -> String { "Checked as you type by the file's rules; nothing is written before review." }

    func helpText(_ app: WizardState) -> String {
        """
        The deployment file Steps 2, 3 and 5 plan from: the CMS release, the domain, how certificates are cut, where keys are made, the subject of every CSR, and each node with its FQDN, address, SSH target, services and database role.
        ↑/↓ or Tab move between fields; type to edit; ←/→ or Space change a choice; on Services ←/→ move and Space ticks. Enter on "+ Add a node" adds one; F8 removes the node you are on.
        Every field is checked as you type by the rules the file loader applies (one primary, 1 or 3 database nodes, each service in its release, ...); the reason shows beside the field and in full under the form.
        F10 checks everything and shows the file to be written on a review screen; y writes it (the old file kept as .previous) and the wizard works on it at once.
        F2 starts a new file in the folder cmscerts was started in; F3 opens another file; F5 drops the changes. On the built-in lab the release and nodes are the lab's and cannot be changed here.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        let f1 = ScreenBinding<Message>(KeyBinding(.f(1), help: "help"), .shell(.help))
        if openPrompt != nil {
            return [ScreenBinding(KeyBinding(.enter, help: "open"), .send(.openFile)), ScreenBinding(KeyBinding(.esc, help: "cancel"), .send(.cancelOpen)),
                    ScreenBinding(.typing(help: "type the path")) { .send(.editPath($0)) }, f1]
        }
        let field = focusedField
        var out = [ScreenBinding<Message>(KeyBinding([.up, .down, .tab, .backTab], label: "↑↓", help: "move")) { .send(.move([.down, .tab].contains($0) ? 1 : -1)) }]
        var unlisted = [ScreenBinding<Message>(KeyBinding([.pageUp, .pageDown], label: "PgUp/PgDn", help: "half a page", shownInHelp: false)) {
            .send(.page($0 == .pageDown ? 1 : -1))
        }]
        let choose: @Sendable (Key) -> ScreenAction<Message> = { .send(.choose($0)) }
        switch field {
        case .node(_, .services): out.append(ScreenBinding(KeyBinding([.left, .right, .char(" ")], label: "←→ Space", help: "tick"), action: choose))
        case .strategy, .keys, .keyType, .node(_, .database): out.append(ScreenBinding(KeyBinding([.left, .right, .char(" ")], label: "←→", help: "change"), action: choose))
        case .addNode: out.append(ScreenBinding(KeyBinding(.enter, help: "add"), .send(.enter)))
        default: break
        }
        if field != .addNode { unlisted.append(ScreenBinding(KeyBinding(.enter, help: "next field", shownInHelp: false), .send(.enter))) }
        if isText(field) && !isLocked(field) {
            unlisted.append(ScreenBinding(.typing()) { .send(.edit($0)) })
        } else {
            unlisted += [ScreenBinding(KeyBinding.help.outOfBar, .shell(.help)), ScreenBinding(KeyBinding.quit.outOfBar, .shell(.quit))]
        }
        out.append(ScreenBinding(KeyBinding(.f(10), help: "save (review)"), .send(.save)))
        // On the lab F8 only says why its nodes stay.
        out.append(ScreenBinding(KeyBinding(.f(8), help: "remove node", shownInHelp: !isLab), .send(.removeNode)))
        out += [ScreenBinding(KeyBinding(.f(2), help: "new"), .send(.newFile)), ScreenBinding(KeyBinding(.f(3), help: "open"), .send(.askFile)),
                ScreenBinding(KeyBinding(.f(5), help: "revert"), .send(.revert)), ScreenBinding(KeyBinding(.esc, help: "home"), .shell(.back(to: .home))), f1]
        return out + unlisted
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .cancelOpen:
            openPrompt = nil
            submitError = nil
            return []
        case .openFile:
            let typed = openPrompt?.text.trimmingCharacters(in: .whitespaces) ?? ""
            guard !typed.isEmpty else {
                submitError = "type the path of a deployment file (cmscerts init writes an example)"
                return []
            }
            return [.shell(.openDeployment(path: typed.hasPrefix("/") ? typed : app.context.currentDirectory + "/" + typed))]
        case .editPath(let key):
            if var prompt = openPrompt, prompt.handle(key) {
                openPrompt = prompt
                submitError = nil
            }
            return []
        case .save:
            return save()
        default:
            change(message, app)
            keepFocusVisible(height: DeploymentFormView.layout(app.bodyArea).form.height)
            return []
        }
    }

    /// A change of the form itself (not of the file to open), the focused field kept in view after.
    mutating func change(_ message: Message, _ app: WizardState) {
        let height = DeploymentFormView.layout(app.bodyArea).form.height, field = focusedField
        switch message {
        case .move(let step):
            focus = (focus + step + focusable.count) % focusable.count
            serviceCursor = 0
        case .page(let step):
            focus = step > 0 ? min(focusable.count - 1, focus + height / 2) : max(0, focus - height / 2)
        case .enter:
            if field == .addNode {
                addNode()
            } else {
                focus = (focus + 1) % focusable.count
                serviceCursor = 0
            }
        case .choose(let key):
            if case .node(_, .services) = field {
                if key == .char(" ") {
                    toggleService()
                } else {
                    let count = offeredServices.count
                    serviceCursor = (serviceCursor + (key == .left ? count - 1 : 1)) % max(1, count)
                }
            } else if choiceText(field) != nil {
                cycle(by: key == .left ? -1 : 1)
            }
        case .edit(let key):
            _ = edit(key)
        case .removeNode:
            submitError = removeFocusedNode()
        case .revert:
            self = WizardApp.form(for: app.context)
        case .newFile:
            if isDirty {
                submitError = "the form has changes not saved: F10 saves them, F5 drops them, then F2 starts a new file"
            } else {
                self = DeploymentForm(deployment: nil, path: app.context.currentDirectory + "/deployment.yaml")
                isDirty = false
            }
        case .askFile:
            if isDirty {
                submitError = "the form has changes not saved: F10 saves them, F5 drops them, then F3 opens another file"
            } else {
                openPrompt = TextFieldState(path)
                submitError = nil
            }
        case .save, .editPath, .openFile, .cancelOpen:
            break
        }
    }

    /// F10: the file the form describes, checked, then the review of writing it.
    mutating func save() -> [ScreenEffect<Message>] {
        let checked = self.checked
        if let first = focusable.firstIndex(where: { checked.errors[$0] != nil }) {
            showAllErrors = true
            focus = first
            submitError = "\(checked.errors.count) field\(checked.errors.count == 1 ? " has a problem" : "s have problems"): each is shown at its field; fix them, then F10"
            return []
        }
        if let general = checked.general.first {
            showAllErrors = true
            submitError = general
            return []
        }
        return [.shell(.saveDeployment(DeploymentSave(deployment: checked.deployment, base: base, path: path, isLab: isLab,
                                                      existed: base != nil || loadProblem != nil, origin: .deployment)))]
    }

    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        DeploymentFormView.render(app, area: area, buffer: &b)
    }
}
