/// What the user answered a confirmation dialog.
public enum DialogAnswer: Hashable, Sendable {
    case yes, no
}

/// Which button of a dialog is highlighted. Starts on No, so that Enter alone never
/// confirms something destructive by accident.
public struct DialogState: Hashable, Sendable {
    /// True when Yes is highlighted.
    public var yesSelected: Bool

    /// A state.
    public init(yesSelected: Bool = false) { self.yesSelected = yesSelected }

    /// ← → Tab Shift-Tab switch buttons; Enter answers the highlighted one; `y` answers
    /// yes and `n` or Esc no. Returns the answer when there is one, nil otherwise.
    public mutating func handle(_ key: Key) -> DialogAnswer? {
        switch key {
        case .left, .right, .tab, .backTab:
            yesSelected.toggle()
            return nil
        case .enter: return yesSelected ? .yes : .no
        case .char("y"), .char("Y"): return .yes
        case .char("n"), .char("N"), .esc: return .no
        default: return nil
        }
    }
}

/// A confirmation box centred over the screen: title, message and Yes/No buttons. It is
/// a mode of the program's state, not a second event loop.
public struct Dialog: Widget {
    /// The title in the border.
    public var title: String
    /// The question, wrapped to fit.
    public var message: String
    /// The highlighted button.
    public var state: DialogState
    /// The yes button's text.
    public var yesLabel: String
    /// The no button's text.
    public var noLabel: String

    /// A dialog.
    public init(title: String, message: String, state: DialogState, yesLabel: String = "Yes", noLabel: String = "No") {
        self.title = title
        self.message = message
        self.state = state
        self.yesLabel = yesLabel
        self.noLabel = noLabel
    }

    /// The box it draws inside `area`.
    public func box(in area: Rect) -> Rect {
        let width = min(area.width, max(30, min(60, CharacterWidth.of(message) + 4)))
        let lines = TextWrap.wrap(message, width: max(1, width - 4)).count
        return area.centered(width: width, height: lines + 4)
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        let box = box(in: area)
        guard !box.isEmpty else { return }
        buffer.fill(box, style: theme[.dialog])
        Block(title: title, role: .border).render(area: box, buffer: &buffer, theme: theme)
        let inner = box.inset(top: 1, left: 2, bottom: 1, right: 2)
        guard !inner.isEmpty else { return }
        let text = TextWrap.wrap(message, width: inner.width)
        for (i, line) in text.prefix(max(0, inner.height - 1)).enumerated() {
            buffer.write(line, x: inner.x, y: inner.y + i, style: theme[.dialog], clip: inner)
        }
        let yes = "[ \(yesLabel) ]", no = "[ \(noLabel) ]"
        let total = CharacterWidth.of(yes) + 2 + CharacterWidth.of(no)
        let y = inner.bottom - 1
        var x = inner.x + max(0, (inner.width - total) / 2)
        x = buffer.write(yes, x: x, y: y, style: state.yesSelected ? theme[.selected] : theme[.dialog], clip: inner)
        buffer.write(no, x: x + 2, y: y, style: state.yesSelected ? theme[.dialog] : theme[.selected], clip: inner)
    }
}
