/// One labelled text field of a form, with the rule its value must follow.
public struct FormField: Sendable {
    /// The label at the left ("CN", "Basename").
    public var label: String
    /// The text and cursor.
    public var input: TextFieldState
    /// Says what is wrong with a value, or nil when it is fine. Runs as the user types.
    public var validate: (@Sendable (String) -> String?)?
    /// Dimmed text shown while the field is empty.
    public var placeholder: String
    /// Shown instead of each character (passphrases).
    public var mask: Character?

    /// A field.
    public init(
        _ label: String, text: String = "", placeholder: String = "", mask: Character? = nil,
        maxLength: Int? = nil, validate: (@Sendable (String) -> String?)? = nil
    ) {
        self.label = label
        self.input = TextFieldState(text, maxLength: maxLength)
        self.validate = validate
        self.placeholder = placeholder
        self.mask = mask
    }

    /// The value.
    public var text: String {
        get { input.text }
        set { input.text = newValue }
    }

    /// What is wrong with the current value, or nil.
    public var error: String? { validate?(input.text) }
}

/// What a key did to a form.
public enum FormAction: Hashable, Sendable {
    /// The form used the key (an edit or a move between fields).
    case handled
    /// Enter on the last field or with every field valid: the program should act.
    case submit
    /// The key means nothing to the form (Esc, F-keys...): the program decides.
    case ignored
}

/// The fields of a form and which one has the focus.
public struct FormState: Sendable {
    /// The fields, top to bottom.
    public var fields: [FormField]
    /// The focused field.
    public var focus: Int
    /// Show every field's error, touched or not (set after a refused submit).
    public var showAllErrors: Bool

    /// A form focused on its first field.
    public init(fields: [FormField], focus: Int = 0) {
        self.fields = fields
        self.focus = fields.isEmpty ? 0 : min(max(0, focus), fields.count - 1)
        self.showAllErrors = false
    }

    /// The value of the field labelled `label`.
    public func value(_ label: String) -> String? { fields.first { $0.label == label }?.text }

    /// Every field's error, by index.
    public var errors: [Int: String] {
        var out: [Int: String] = [:]
        for (i, f) in fields.enumerated() { if let e = f.error { out[i] = e } }
        return out
    }

    /// True when no field has an error.
    public var isValid: Bool { errors.isEmpty }

    /// Tab/↓ and Shift-Tab/↑ move between fields; Enter moves on, or on the last field
    /// submits when everything is valid (otherwise shows every error and focuses the first
    /// bad field); other keys edit the focused field.
    public mutating func handle(_ key: Key) -> FormAction {
        guard !fields.isEmpty else { return key == .enter ? .submit : .ignored }
        switch key {
        case .tab, .down:
            focus = (focus + 1) % fields.count
            return .handled
        case .backTab, .up:
            focus = (focus + fields.count - 1) % fields.count
            return .handled
        case .enter:
            if focus < fields.count - 1 && fields[focus].error == nil {
                focus += 1
                return .handled
            }
            if let firstBad = errors.keys.min() {
                showAllErrors = true
                focus = firstBad
                return .handled
            }
            return .submit
        default:
            return fields[focus].input.handle(key) ? .handled : .ignored
        }
    }
}

/// A form: one row per field, the label at the left, the input, and the field's error
/// beside it (below it when the area is narrow), so the reason is where the eye is.
public struct Form: Widget {
    /// Fields and focus.
    public var state: FormState
    /// Columns for the input (the rest of the row holds the error); nil to share evenly.
    public var inputWidth: Int?

    /// A form.
    public init(state: FormState, inputWidth: Int? = nil) {
        self.state = state
        self.inputWidth = inputWidth
    }

    /// Rows the form needs at `width` (one per field, two when errors go below).
    public func height(width: Int) -> Int {
        state.fields.count * (errorsBelow(width: width) ? 2 : 1)
    }

    private func labelWidth() -> Int { (state.fields.map { CharacterWidth.of($0.label) }.max() ?? 0) + 1 }

    private func errorsBelow(width: Int) -> Bool {
        let field = inputWidth ?? max(1, (width - labelWidth()) / 2)
        return width - labelWidth() - field - 1 < 12
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let labelW = min(labelWidth(), max(0, area.width / 3))
        let below = errorsBelow(width: area.width)
        let fieldW = min(inputWidth ?? max(1, (area.width - labelW) / 2), max(0, area.width - labelW))
        let rowsPerField = below ? 2 : 1
        for (i, field) in state.fields.enumerated() {
            let y = area.y + i * rowsPerField
            guard y < area.bottom else { break }
            let focused = i == state.focus
            let labelStyle = focused ? theme[.focused] : theme[.normal]
            buffer.write(field.label.truncated(toWidth: max(0, labelW - 1)), x: area.x, y: y, style: labelStyle, clip: area)
            let inputArea = Rect(x: area.x + labelW, y: y, width: fieldW, height: 1).intersection(area)
            TextField(state: field.input, focused: focused, placeholder: field.placeholder, mask: field.mask)
                .render(area: inputArea, buffer: &buffer, theme: theme)
            guard field.input.touched || state.showAllErrors, let error = field.error else { continue }
            let message = "✗ " + error
            if below {
                if y + 1 < area.bottom {
                    buffer.write(message.truncated(toWidth: max(0, area.width - labelW)), x: area.x + labelW, y: y + 1, style: theme[.error], clip: area)
                }
            } else {
                let x = inputArea.right + 1
                buffer.write(message.truncated(toWidth: max(0, area.right - x)), x: x, y: y, style: theme[.error], clip: area)
            }
        }
    }
}
