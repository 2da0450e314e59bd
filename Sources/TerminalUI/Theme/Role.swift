/// What a piece of the screen means, so that a theme can say how it looks. Widgets ask the
/// theme for a role, never for a colour.
public enum Role: String, CaseIterable, Hashable, Sendable {
    /// Ordinary text and the screen background.
    case normal
    /// Screen and box titles.
    case title
    /// Table column headers.
    case header
    /// The selected row, item or button.
    case selected
    /// The focused element when it is not a selection (the active field's label).
    case focused
    /// Box and dialog borders.
    case border
    /// Errors and failed checks.
    case error
    /// Warnings (a certificate about to expire).
    case warning
    /// Success and passed checks.
    case ok
    /// Secondary text: hints, disabled items, details.
    case muted
    /// The help bar's descriptions.
    case help
    /// The help bar's key names.
    case helpKey = "help-key"
    /// A text field that is not focused.
    case input
    /// The text field being typed into.
    case inputFocused = "input-focused"
    /// The status line.
    case status
    /// The inside of a dialog.
    case dialog
    /// The filled part of a progress bar.
    case progress
}
