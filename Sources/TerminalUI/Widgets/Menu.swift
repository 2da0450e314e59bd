/// One choice of a menu.
public struct MenuItem: Hashable, Sendable {
    /// What the item says.
    public var title: String
    /// A note shown at the right (a state such as "done", a count).
    public var detail: String
    /// False to show it dimmed and skip it when moving.
    public var enabled: Bool

    /// An item.
    public init(_ title: String, detail: String = "", enabled: Bool = true) {
        self.title = title
        self.detail = detail
        self.enabled = enabled
    }
}

/// Which menu item is selected and how far the list is scrolled.
public struct MenuState: Hashable, Sendable {
    /// The selected item.
    public var selected: Int
    /// The first item shown.
    public var offset: Int

    /// A state with `selected` chosen.
    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Moves the selection for ↑ ↓ Home End PgUp PgDn, skipping disabled items, and keeps
    /// it in a view of `height` rows. Returns false when the key is not a move.
    @discardableResult
    public mutating func handle(_ key: Key, items: [MenuItem], height: Int = 10) -> Bool {
        guard var target = ListNavigation.move(key, selected: selected, count: items.count, pageSize: height) else { return false }
        if !items[target].enabled {
            let forward = [Key.down, .pageDown, .home].contains(key)
            let order = forward ? Array(target..<items.count) + Array((0..<target).reversed())
                : Array((0...target).reversed()) + Array((target + 1)..<items.count)
            guard let usable = order.first(where: { items[$0].enabled }) else { return true }
            target = usable
        }
        selected = target
        offset = ListNavigation.offset(selected: selected, offset: offset, count: items.count, height: height)
        return true
    }

    /// Moves the selection as the menu drawn into `area` shows it (its rows are the page):
    /// update code pages a menu by the area its view's layout gives it.
    @discardableResult
    public mutating func handle(_ key: Key, items: [MenuItem], in area: Rect) -> Bool {
        handle(key, items: items, height: max(1, area.height))
    }
}

/// A vertical list of choices with one selected: the home screen's ways in, pickers.
/// A menu longer than its place says where the selection is in it (" 7/10 ", as a table
/// does) at the right end of its last row, which is shortened to make room.
public struct Menu: Widget {
    /// The items.
    public var items: [MenuItem]
    /// Selection and scroll.
    public var state: MenuState

    /// A menu.
    public init(items: [MenuItem], state: MenuState) {
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
            let item = items[i]
            let y = area.y + row
            let isSelected = i == state.selected
            var style = item.enabled ? theme[.normal] : theme[.muted]
            if isSelected { style = theme[.selected] }
            buffer.fill(area.row(row), style: style)
            let line = position.room(row: row)
            let marker = isSelected ? "> " : "  "
            let detailWidth = item.detail.isEmpty ? 0 : min(CharacterWidth.of(item.detail), max(0, line.width / 2))
            let titleRoom = line.width - 2 - (detailWidth > 0 ? detailWidth + 1 : 0)
            buffer.write(marker + item.title.truncated(toWidth: max(0, titleRoom)), x: line.x, y: y, style: style, clip: line)
            if detailWidth > 0 {
                let detail = item.detail.truncated(toWidth: detailWidth)
                let detailStyle = isSelected ? style : theme[.muted]
                buffer.write(detail, x: line.right - CharacterWidth.of(detail), y: y, style: detailStyle, clip: line)
            }
        }
        position.render(buffer: &buffer, theme: theme)
    }
}
