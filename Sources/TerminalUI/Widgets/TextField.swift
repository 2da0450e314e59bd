/// The text of a one-line input and where the cursor is in it.
public struct TextFieldState: Hashable, Sendable {
    /// The characters typed.
    public private(set) var characters: [Character]
    /// The cursor, as an index into `characters` (0...count).
    public private(set) var cursor: Int
    /// The most characters accepted, or nil for no limit.
    public var maxLength: Int?
    /// True once the user changed the text (validation messages show from then on).
    public var touched: Bool

    /// A field holding `text`, cursor at its end.
    public init(_ text: String = "", maxLength: Int? = nil) {
        self.characters = Array(text)
        self.cursor = characters.count
        self.maxLength = maxLength
        self.touched = false
    }

    /// The text.
    public var text: String {
        get { String(characters) }
        set {
            characters = Array(newValue)
            cursor = characters.count
        }
    }

    /// The keys `handle` edits with besides the printable characters.
    public static let editingKeys: [Key] = [.backspace, .delete, .left, .right, .home, .end, .ctrl("a"), .ctrl("e"), .ctrl("u"), .ctrl("k")]

    /// Edits for a key: printable characters insert at the cursor; Backspace, Del, ← →,
    /// Home/End (also Ctrl-A/Ctrl-E), Ctrl-U clears, Ctrl-K cuts to the end. Returns false
    /// for keys a text field does not use (so the form can move focus on them).
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c):
            if let maxLength, characters.count >= maxLength { return true }
            characters.insert(c, at: cursor)
            cursor += 1
            touched = true
        case .backspace:
            if cursor > 0 {
                characters.remove(at: cursor - 1)
                cursor -= 1
                touched = true
            }
        case .delete:
            if cursor < characters.count {
                characters.remove(at: cursor)
                touched = true
            }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .ctrl("u"):
            characters.removeAll()
            cursor = 0
            touched = true
        case .ctrl("k"):
            characters.removeSubrange(cursor...)
            touched = true
        default:
            return false
        }
        return true
    }
}

/// A one-line text input. The text scrolls sideways to keep the cursor in view; when
/// focused it places the terminal cursor (`Buffer.cursor`).
public struct TextField: Widget {
    /// The text and cursor.
    public var state: TextFieldState
    /// True when keys go here.
    public var focused: Bool
    /// Shown dimmed while the field is empty.
    public var placeholder: String
    /// Shown instead of each character (for passphrases), or nil to show the text.
    public var mask: Character?

    /// A text field.
    public init(state: TextFieldState, focused: Bool = false, placeholder: String = "", mask: Character? = nil) {
        self.state = state
        self.focused = focused
        self.placeholder = placeholder
        self.mask = mask
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        let style = focused ? theme[.inputFocused] : theme[.input]
        buffer.fill(row, style: style)
        let shown = state.characters.map { mask ?? $0 }
        if shown.isEmpty && !placeholder.isEmpty {
            buffer.write(placeholder, x: row.x, y: row.y, style: theme[.muted].patched(with: Style(modifiers: style.modifiers)), clip: row)
        }
        // Scroll so that the cursor column (one past the text at the end) stays visible.
        let widths = shown.map { max(1, CharacterWidth.of($0)) }
        var start = 0
        var cursorColumn = widths[0..<state.cursor].reduce(0, +)
        while cursorColumn >= row.width && start < state.cursor {
            cursorColumn -= widths[start]
            start += 1
        }
        buffer.write(String(shown[start...]), x: row.x, y: row.y, style: style, clip: row)
        if focused && cursorColumn < row.width {
            buffer.cursor = Position(x: row.x + cursorColumn, y: row.y)
        }
    }
}
