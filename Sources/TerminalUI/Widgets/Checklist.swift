/// Which items of a checklist are ticked, which is selected, and the scroll.
public struct ChecklistState: Hashable, Sendable {
    /// The selected item.
    public var selected: Int
    /// The first item shown.
    public var offset: Int
    /// Indices of the ticked items.
    public var checked: Set<Int>

    /// A state.
    public init(selected: Int = 0, offset: Int = 0, checked: Set<Int> = []) {
        self.selected = selected
        self.offset = offset
        self.checked = checked
    }

    /// ↑ ↓ Home End PgUp PgDn move; Space ticks or unticks the selected item; `a` ticks
    /// all, or unticks all when all are ticked. Returns false for other keys.
    @discardableResult
    public mutating func handle(_ key: Key, count: Int, height: Int = 10) -> Bool {
        if let s = ListNavigation.move(key, selected: selected, count: count, pageSize: height) {
            selected = s
            offset = ListNavigation.offset(selected: selected, offset: offset, count: count, height: height)
            return true
        }
        switch key {
        case .char(" "):
            guard count > 0 else { return true }
            if checked.contains(selected) { checked.remove(selected) } else { checked.insert(selected) }
        case .char("a"):
            checked = checked.count == count ? [] : Set(0..<count)
        default:
            return false
        }
        return true
    }

    /// Moves the selection as the checklist drawn into `area` shows it (its rows are the
    /// page), and ticks as `handle(_:count:height:)` does: update code pages a checklist
    /// by the area its view's layout gives it.
    @discardableResult
    public mutating func handle(_ key: Key, count: Int, in area: Rect) -> Bool {
        handle(key, count: count, height: max(1, area.height))
    }
}

/// A list of items with a tick box each: "[x] name". A checklist longer than its place
/// says where the selection is in it (" 7/10 ") at the right end of its last row.
public struct Checklist: Widget {
    /// The items.
    public var items: [String]
    /// Ticks, selection and scroll.
    public var state: ChecklistState

    /// A checklist.
    public init(items: [String], state: ChecklistState) {
        self.items = items
        self.state = state
    }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty, !items.isEmpty else { return }
        let offset = ListNavigation.offset(selected: state.selected, offset: state.offset, count: items.count, height: area.height)
        let position = ListPosition(selected: state.selected, count: items.count, area: area)
        for row in 0..<area.height {
            let i = offset + row
            guard i < items.count else { break }
            let style = i == state.selected ? theme[.selected] : theme[.normal]
            buffer.fill(area.row(row), style: style)
            let box = state.checked.contains(i) ? "[x] " : "[ ] "
            buffer.write(box + items[i], x: area.x, y: area.y + row, style: style, clip: position.room(row: row))
        }
        position.render(buffer: &buffer, theme: theme)
    }
}
