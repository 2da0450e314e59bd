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
        /// A key a live binding took: a move, an edit, a choice, F2/F3/F5/F8/F10.
        case press(Key)
    }

    func title(_ app: WizardState) -> String { "Deployment file" }

    func footnote(_ app: WizardState) -> String { "Checked as you type by the file's rules; nothing is written before review." }

    func helpText(_ app: WizardState) -> String {
        """
        The deployment file Steps 2, 3 and 5 plan from: the CMS release, the domain, how certificates are cut, where keys are made, the subject of every CSR, and each node with its FQDN, address, SSH target, services and database role.
        ↑/↓ or Tab move between fields; type to edit; ←/→ or Space change a choice; on Services ←/→ move and Space ticks. Enter on "+ Add a node" adds one; F8 removes the node you are on.
        Every field is checked as you type by the rules the file loader applies (one primary, 1, 3 or 5 database nodes, webbridge3 on 3.x, ...); the reason shows beside the field and in full under the form.
        F10 checks everything and shows the file to be written on a review screen; y writes it (the old file kept as .previous) and the wizard works on it at once.
        F2 starts a new file in the folder cmscerts was started in; F3 opens another file; F5 drops the changes. On the built-in lab the release and nodes are the lab's and cannot be changed here.
        """
    }

    func bindings(_ app: WizardState) -> [ScreenBinding<Message>] {
        // F1 is the shell's; every other key goes to the form as the field focused takes it.
        (DeploymentFormView.bindings(app) + [KeyBinding(.f(1), help: "help")]).map { key in
            ScreenBinding(key) { $0 == .f(1) ? .shell(.help) : .send(.press($0)) }
        }
    }

    mutating func update(_ message: Message, _ app: WizardState) -> [ScreenEffect<Message>] {
        switch message {
        case .press(let key): return press(key, app)
        }
    }

    /// A key for the form, as the old hand-written handler took it (through the bindings now).
    mutating func press(_ key: Key, _ app: WizardState) -> [ScreenEffect<Message>] {
        if var prompt = openPrompt {
            switch key {
            case .esc:
                openPrompt = nil
                submitError = nil
            case .enter:
                let path = prompt.text.trimmingCharacters(in: .whitespaces)
                guard !path.isEmpty else {
                    submitError = "type the path of a deployment file (cmscerts init writes an example)"
                    return []
                }
                let absolute = path.hasPrefix("/") ? path : app.context.currentDirectory + "/" + path
                return [.shell(.openDeployment(path: absolute))]
            default:
                if prompt.handle(key) {
                    openPrompt = prompt
                    submitError = nil
                }
            }
            return []
        }
        let height = DeploymentFormView.formHeight(app.size)
        let field = focusedField
        switch key {
        case .esc:
            return [.shell(.back(to: .home))]
        case .tab, .down:
            focus = (focus + 1) % focusable.count
            serviceCursor = 0
        case .backTab, .up:
            focus = (focus + focusable.count - 1) % focusable.count
            serviceCursor = 0
        case .pageDown:
            focus = min(focusable.count - 1, focus + height / 2)
        case .pageUp:
            focus = max(0, focus - height / 2)
        case .f(10):
            return save()
        case .f(8):
            submitError = removeFocusedNode()
        case .f(5):
            self = WizardApp.form(for: app.context)
        case .f(2):
            if isDirty {
                submitError = "the form has changes not saved: F10 saves them, F5 drops them, then F2 starts a new file"
            } else {
                self = DeploymentForm(deployment: nil, path: app.context.currentDirectory + "/deployment.yaml")
                isDirty = false
            }
        case .f(3):
            if isDirty {
                submitError = "the form has changes not saved: F10 saves them, F5 drops them, then F3 opens another file"
            } else {
                openPrompt = TextFieldState(path)
                submitError = nil
            }
        case .enter:
            if field == .addNode {
                addNode()
            } else {
                focus = (focus + 1) % focusable.count
                serviceCursor = 0
            }
        case .left, .right, .char(" "):
            if case .node(_, .services) = field {
                if key == .char(" ") {
                    toggleService()
                } else {
                    let count = offeredServices.count
                    serviceCursor = (serviceCursor + (key == .left ? count - 1 : 1)) % max(1, count)
                }
            } else if choiceText(field) != nil {
                cycle(by: key == .left ? -1 : 1)
            } else {
                _ = edit(key)
            }
        case .char("q") where !isText(field) || isLocked(field):
            return [.shell(.quit)]
        case .char("?") where !isText(field) || isLocked(field):
            return [.shell(.help)]
        default:
            _ = edit(key)
        }
        keepFocusVisible(height: height)
        return []
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
