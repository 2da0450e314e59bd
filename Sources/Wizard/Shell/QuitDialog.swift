import TerminalUI

/// The question before quitting when something would be lost: a mode of the shell's
/// state, not a second loop.
enum QuitDialog {
    /// The keys while it is asked.
    static let bindings = [KeyBinding([.char("y"), .char("Y")], label: "y", help: "quit"), KeyBinding([.char("n"), .char("N"), .esc], label: "n/Esc", help: "stay"),
                           KeyBinding([.left, .right, .tab, .backTab], label: "←→", help: "choose"), .choose]

    /// Draws the question, naming what would be lost.
    static func render(_ dialog: DialogState, unsavedWork: [String], buffer b: inout Buffer, theme: Theme) {
        let message = "Quit cmscerts? " + unsavedWork.joined(separator: "; ") + "."
        Dialog(title: "Quit", message: message, state: dialog, yesLabel: "Quit", noLabel: "Stay").render(area: b.area, buffer: &b, theme: theme)
        b.cursor = nil
    }
}
