import Testing
@testable import TerminalUI

/// Menus and checklists longer than their place say where the selection is, as tables do;
/// and every list pages by the area it is drawn into, so keys move it as it shows.
@Suite struct ListPositionTests {
    let ten = (1...10).map { "item \($0)" }

    @Test func aMenuThatScrollsShowsThePositionAtTheEndOfItsLastRow() {
        let items = ten.map { MenuItem($0, detail: "d") }
        let b = render(Menu(items: items, state: MenuState(selected: 5)), width: 20, height: 3)
        #expect(b.lines == [
            "  item 4           d",
            "  item 5           d",
            "> item 6     d 6/10 ",
        ], "the last row's detail moves left of the position")
        let above = render(Menu(items: items, state: MenuState(selected: 3, offset: 3)), width: 20, height: 3)
        #expect(above.lines == ["> item 4           d", "  item 5           d", "  item 6     d 4/10 "], "the position is the selection's, on whichever row it is")
        #expect(above[15, 2].style == Theme.builtInMonochrome[.header] && above[13, 2].style == Theme.builtInMonochrome[.muted], "in the header's colours, as a table's")
        let all = render(Menu(items: Array(items.prefix(3)), state: MenuState(selected: 2)), width: 20, height: 3)
        #expect(all.lines[2] == "> item 3           d", "no position when every item shows")
    }

    @Test func aChecklistThatScrollsShowsThePositionAtTheEndOfItsLastRow() {
        let b = render(Checklist(items: ten.map { $0 + " with a long name" }, state: ChecklistState(selected: 9, checked: [9])), width: 22, height: 2)
        #expect(b.lines == ["[ ] item 9 with a long", "[x] item 10 wit 10/10 "])
        let narrow = render(Checklist(items: ten, state: ChecklistState(selected: 0)), width: 9, height: 2)
        #expect(narrow.lines == ["[ ] item ", "[ ] item "], "a position wider than half the row is left out")
    }

    @Test func listsPageByTheAreaTheyAreDrawnInto() {
        let area = Rect(x: 0, y: 0, width: 20, height: 5)
        var table = TableState()
        table.handle(.pageDown, count: 100, in: area)
        #expect(table.selected == 3, "a table's page is its body under the header, less one row kept in sight")
        table.handle(.pageDown, count: 100, in: area)
        #expect(table.selected == 6 && table.offset == 3)
        let rows = (1...100).map { ["row \($0)"] }
        let shown = render(Table(columns: [TableColumn("Name", width: .fill(1))], rows: rows, state: table), width: 20, height: 5)
        #expect(shown.lines.last?.hasPrefix("row 7") == true, "the selection is on the last row the table shows: \(shown.lines)")
        #expect(shown.lines[0].hasSuffix(" 7/100 "))

        var menu = MenuState()
        menu.handle(.pageDown, items: ten.map { MenuItem($0) }, in: area)
        #expect(menu.selected == 5 && menu.offset == 1)
        var checklist = ChecklistState()
        checklist.handle(.pageDown, count: 10, in: area)
        checklist.handle(.pageDown, count: 10, in: area)
        #expect(checklist.selected == 9 && checklist.offset == 5)
        #expect(render(Checklist(items: ten, state: checklist), width: 20, height: 5).lines.last == "[ ] item 10   10/10 ")
    }

    @Test func positionIsEmptyWhenEveryRowShows() {
        #expect(ListNavigation.position(selected: 2, count: 3, height: 3) == "")
        #expect(ListNavigation.position(selected: 2, count: 4, height: 3) == " 3/4 ")
        #expect(ListNavigation.position(selected: 9, count: 4, height: 0) == "")
        #expect(ListNavigation.position(selected: 9, count: 4, height: 1) == " 4/4 ", "a selection past the end shows as the last")
    }
}
