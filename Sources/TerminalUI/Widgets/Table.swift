/// A column of a table.
public struct TableColumn: Hashable, Sendable {
    /// Which side of its column a value sits on.
    public enum Alignment: Hashable, Sendable { case left, right }
    /// The header.
    public var title: String
    /// How wide the column is (as in Layout).
    public var width: Constraint
    /// Left for text, right for numbers.
    public var alignment: Alignment

    /// A column.
    public init(_ title: String, width: Constraint, alignment: Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// A table's selection, scroll, sort and filter. Rows are addressed by their position in
/// the visible order (after filter and sort); `selectedRow(in:)` gives back the original.
public struct TableState: Hashable, Sendable {
    /// The selected row, as a position in `visibleRows`.
    public var selected: Int
    /// The first visible row shown.
    public var offset: Int
    /// The column sorted by, or nil for the rows' own order.
    public var sortColumn: Int?
    /// Ascending (true) or descending sort.
    public var ascending: Bool
    /// Only rows with a cell containing this text (any case) are shown; "" shows all.
    public var filter: String

    /// A state.
    public init(selected: Int = 0, offset: Int = 0, sortColumn: Int? = nil, ascending: Bool = true, filter: String = "") {
        self.selected = selected
        self.offset = offset
        self.sortColumn = sortColumn
        self.ascending = ascending
        self.filter = filter
    }

    /// Indices of `rows` that pass the filter, in sort order. Cells that are both whole
    /// numbers compare as numbers (days left), others as text ignoring case; ties keep the
    /// rows' order.
    public func visibleRows(_ rows: [[String]]) -> [Int] {
        let needle = filter.lowercased()
        var indices = Array(rows.indices)
        if !needle.isEmpty {
            indices = indices.filter { i in rows[i].contains { $0.lowercased().contains(needle) } }
        }
        guard let column = sortColumn else { return indices }
        func cell(_ i: Int) -> String { column < rows[i].count ? rows[i][column] : "" }
        indices.sort { a, b in
            let x = cell(a), y = cell(b)
            let order: Bool?
            if let xi = Int(x), let yi = Int(y) {
                order = xi == yi ? nil : (xi < yi) == ascending
            } else {
                let xl = x.lowercased(), yl = y.lowercased()
                order = xl == yl ? nil : (xl < yl) == ascending
            }
            return order ?? (a < b)
        }
        return indices
    }

    /// The index in `rows` of the selected row, or nil when no row is visible.
    public func selectedRow(in rows: [[String]]) -> Int? {
        let visible = visibleRows(rows)
        guard !visible.isEmpty else { return nil }
        return visible[min(max(0, selected), visible.count - 1)]
    }

    /// Sorts by `column`; choosing the sorted column again reverses the order.
    public mutating func sort(by column: Int) {
        if sortColumn == column { ascending.toggle() } else {
            sortColumn = column
            ascending = true
        }
    }

    /// Sets the filter and brings the selection back to the first row.
    public mutating func setFilter(_ text: String) {
        filter = text
        selected = 0
        offset = 0
    }

    /// Moves the selection for ↑ ↓ Home End PgUp PgDn among `count` visible rows, keeping
    /// it inside a view of `height` rows. Returns false for other keys.
    @discardableResult
    public mutating func handle(_ key: Key, count: Int, height: Int) -> Bool {
        guard let s = ListNavigation.move(key, selected: selected, count: count, pageSize: max(1, height - 1)) else { return false }
        selected = s
        offset = ListNavigation.offset(selected: selected, offset: offset, count: count, height: height)
        return true
    }

    /// Moves the selection as the table drawn into `area` shows it (its body under the
    /// header is the page): update code pages a table by the area its view's layout gives
    /// it, never by a height summed apart from the view.
    @discardableResult
    public mutating func handle(_ key: Key, count: Int, in area: Rect) -> Bool {
        handle(key, count: count, height: max(1, Table.bodyHeight(area)))
    }
}

/// A table with a header row, one selected row, scrolling (with the selection's position,
/// "12/340", at the header's right end when the rows do not all fit), sorting (▲/▼ beside
/// the sorted header) and filtering.
public struct Table: Widget {
    /// The columns.
    public var columns: [TableColumn]
    /// All rows, one string per column.
    public var rows: [[String]]
    /// Selection, scroll, sort and filter.
    public var state: TableState
    /// Text shown when no row passes the filter.
    public var emptyText: String
    /// The role of one cell, by its index in `rows` and its column, or nil for the row's
    /// own (an expiry date in `error` when it has passed). The selected row keeps the
    /// selection's colours whole (a state's colour on the selection's would be unreadable
    /// in some themes): what a state means must also be written in the cell.
    public var cellRole: ((_ row: Int, _ column: Int) -> Role?)?

    /// A table.
    public init(
        columns: [TableColumn], rows: [[String]], state: TableState, emptyText: String = "No rows",
        cellRole: ((_ row: Int, _ column: Int) -> Role?)? = nil
    ) {
        self.columns = columns
        self.rows = rows
        self.state = state
        self.emptyText = emptyText
        self.cellRole = cellRole
    }

    /// Rows of data that fit in `area` under the header.
    public static func bodyHeight(_ area: Rect) -> Int { max(0, area.height - 1) }

    public func render(area: Rect, buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty, !columns.isEmpty else { return }
        let parts = Layout.horizontal(columns.map(\.width), spacing: 1).split(area.row(0))
        let header = theme[.header]
        buffer.fill(area.row(0), style: header)
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: Self.bodyHeight(area))
        let visible = state.visibleRows(rows)
        let selected = min(max(0, state.selected), max(0, visible.count - 1))
        // A list longer than its place says where the selection is in it, at the header's
        // right end; the titles it would cover are shortened (with …) to make room.
        var position = ListNavigation.position(selected: selected, count: visible.count, height: body.height)
        if CharacterWidth.of(position) >= area.width { position = "" }
        let titlesEnd = area.right - CharacterWidth.of(position)
        for (i, column) in columns.enumerated() {
            var title = column.title
            if state.sortColumn == i { title += state.ascending ? " ▲" : " ▼" }
            var place = parts[i]
            place.width = max(0, min(place.right, titlesEnd) - place.x)
            put(title, in: place, y: area.y, alignment: column.alignment, style: header, buffer: &buffer)
        }
        if !position.isEmpty { buffer.write(position, x: titlesEnd, y: area.y, style: header) }
        guard !body.isEmpty else { return }
        if visible.isEmpty {
            buffer.write(emptyText.truncated(toWidth: body.width), x: body.x, y: body.y, style: theme[.muted], clip: body)
            return
        }
        let offset = ListNavigation.offset(selected: selected, offset: state.offset, count: visible.count, height: body.height)
        for row in 0..<body.height {
            let v = offset + row
            guard v < visible.count else { break }
            let y = body.y + row
            let style = v == selected ? theme[.selected] : theme[.normal]
            buffer.fill(body.row(row), style: style)
            let cells = rows[visible[v]]
            for (i, column) in columns.enumerated() where i < cells.count {
                var cellStyle = style
                if v != selected, let role = cellRole?(visible[v], i) { cellStyle = theme[role] }
                put(cells[i], in: parts[i], y: y, alignment: column.alignment, style: cellStyle, buffer: &buffer)
            }
        }
    }

    private func put(_ text: String, in column: Rect, y: Int, alignment: TableColumn.Alignment, style: Style, buffer: inout Buffer) {
        guard column.width > 0 else { return }
        let t = text.truncated(toWidth: column.width)
        let x = alignment == .left ? column.x : column.right - CharacterWidth.of(t)
        buffer.write(t, x: x, y: y, style: style, clip: Rect(x: column.x, y: y, width: column.width, height: 1))
    }
}
