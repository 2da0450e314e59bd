import Testing
@testable import TerminalUI

@Suite struct MenuTests {
    let items = [MenuItem("Home"), MenuItem("Step 1", detail: "done"), MenuItem("Step 2")]

    @Test func rendersMarkerAndDetail() {
        let b = render(Menu(items: items, state: MenuState(selected: 1)), width: 20, height: 4)
        #expect(b.lines == [
            "  Home              ",
            "> Step 1        done",
            "  Step 2            ",
            "                    ",
        ])
        #expect(b[0, 1].style == Theme.builtInMonochrome[.selected])
        #expect(b[0, 0].style == Theme.builtInMonochrome[.normal])
    }

    @Test func scrollsToTheSelection() {
        let many = ["A", "B", "C", "D", "E"].map { MenuItem($0) }
        let b = render(Menu(items: many, state: MenuState(selected: 3)), width: 5, height: 2)
        #expect(b.trimmedLines == ["  C", "> D"])
    }

    @Test func movesAndSkipsDisabledItems() {
        let list = [MenuItem("a"), MenuItem("b", enabled: false), MenuItem("c")]
        var s = MenuState()
        let r1 = s.handle(.down, items: list)
        #expect(r1)
        #expect(s.selected == 2)
        s.handle(.up, items: list)
        #expect(s.selected == 0)
        s.handle(.end, items: list)
        #expect(s.selected == 2)
        let r2 = s.handle(.enter, items: list)
        #expect(!r2)
        let r3 = s.handle(.down, items: [])
        #expect(!r3)
    }

    @Test func keepsTheOffsetWhileTheSelectionIsInView() {
        let many = (0..<10).map { MenuItem("\($0)") }
        var s = MenuState()
        for _ in 0..<5 { s.handle(.down, items: many, height: 3) }
        #expect(s.selected == 5)
        #expect(s.offset == 3)
        s.handle(.up, items: many, height: 3)
        #expect(s.offset == 3, "moving up inside the view does not scroll")
        s.handle(.pageUp, items: many, height: 3)
        #expect(s.selected == 1)
        #expect(s.offset == 1)
    }
}

@Suite struct TextFieldTests {
    @Test func editsAtTheCursor() {
        var s = TextFieldState()
        for c in "cms.exmple" { s.handle(.char(c)) }
        s.handle(.left); s.handle(.left); s.handle(.left); s.handle(.left)
        s.handle(.char("a"))
        #expect(s.text == "cms.example")
        s.handle(.home)
        s.handle(.delete)
        #expect(s.text == "ms.example")
        #expect(s.cursor == 0)
        s.handle(.backspace)
        #expect(s.text == "ms.example", "backspace at the start does nothing")
        s.handle(.end)
        s.handle(.backspace)
        #expect(s.text == "ms.exampl")
        #expect(s.cursor == 9)
        s.handle(.right)
        #expect(s.cursor == 9)
        #expect(s.touched)
    }

    @Test func controlKeysAndLimits() {
        var s = TextFieldState("abcdef", maxLength: 7)
        s.handle(.ctrl("a"))
        s.handle(.right); s.handle(.right)
        s.handle(.ctrl("k"))
        #expect(s.text == "ab")
        s.handle(.ctrl("e"))
        for c in "cdefghij" { s.handle(.char(c)) }
        #expect(s.text == "abcdefg")
        s.handle(.ctrl("u"))
        #expect(s.text == "")
        let r4 = s.handle(.tab)
        #expect(!r4)
        let r5 = s.handle(.enter)
        #expect(!r5)
    }

    @Test func rendersTextAndCursor() {
        var s = TextFieldState("abc")
        s.handle(.left)
        let b = render(TextField(state: s, focused: true), width: 6, height: 1)
        #expect(b.lines == ["abc   "])
        #expect(b.cursor == Position(x: 2, y: 0))
        let unfocused = render(TextField(state: s), width: 6, height: 1)
        #expect(unfocused.cursor == nil)
    }

    @Test func scrollsToKeepTheCursorVisible() {
        let s = TextFieldState("abcdefgh")
        let b = render(TextField(state: s, focused: true), width: 5, height: 1)
        #expect(b.lines == ["efgh "])
        #expect(b.cursor == Position(x: 4, y: 0))
    }

    @Test func wideTextScrollsByWholeCharacters() {
        let s = TextFieldState("日本語")
        let b = render(TextField(state: s, focused: true), width: 5, height: 1)
        #expect(b.lines == ["本語 "])
        #expect(b.cursor == Position(x: 4, y: 0))
    }

    @Test func masksAndPlaceholder() {
        let secret = render(TextField(state: TextFieldState("pw!"), mask: "*"), width: 5, height: 1)
        #expect(secret.lines == ["***  "])
        let empty = render(TextField(state: TextFieldState(), placeholder: "cms.example.com"), width: 8, height: 1)
        #expect(empty.lines == ["cms.exam"])
        #expect(empty[0, 0].style.modifiers.contains(.dim))
    }
}

@Suite struct FormTests {
    static let noSpaces: @Sendable (String) -> String? = { $0.isEmpty ? "required" : ($0.contains(" ") ? "no spaces" : nil) }

    func form() -> FormState {
        FormState(fields: [FormField("CN", validate: Self.noSpaces), FormField("O")])
    }

    @Test func errorShowsBesideTheFieldOnceTouched() {
        var s = form()
        let before = render(Form(state: s, inputWidth: 10), width: 40, height: 2)
        #expect(before.trimmedLines == ["CN", "O"], "no error before the user typed")
        for c in "a b" { _ = s.handle(.char(c)) }
        let b = render(Form(state: s, inputWidth: 10), width: 40, height: 2)
        #expect(b.trimmedLines == ["CN a b        ✗ no spaces", "O"])
        #expect(b[14, 0].style == Theme.builtInMonochrome[.error])
        #expect(b.cursor == Position(x: 6, y: 0))
    }

    @Test func errorGoesBelowWhenNarrow() {
        var s = form()
        for c in "a b" { _ = s.handle(.char(c)) }
        let f = Form(state: s, inputWidth: 10)
        #expect(f.height(width: 20) == 4)
        let b = render(f, width: 20, height: 4)
        #expect(b.trimmedLines == ["CN a b", "   ✗ no spaces", "O", ""])
    }

    @Test func enterMovesOnThenSubmitsOnlyWhenValid() {
        var s = form()
        let r6 = s.handle(.enter)
        #expect(r6 == .handled)
        #expect(s.focus == 0, "an empty CN is refused")
        #expect(s.showAllErrors)
        for c in "cms1" { _ = s.handle(.char(c)) }
        let r7 = s.handle(.enter)
        #expect(r7 == .handled)
        #expect(s.focus == 1)
        let r8 = s.handle(.enter)
        #expect(r8 == .submit)
        #expect(s.value("CN") == "cms1")
    }

    @Test func tabCyclesAndUnknownKeysAreLeftToTheProgram() {
        var s = form()
        let r9 = s.handle(.tab)
        #expect(r9 == .handled)
        #expect(s.focus == 1)
        let r10 = s.handle(.tab)
        #expect(r10 == .handled)
        #expect(s.focus == 0)
        let r11 = s.handle(.backTab)
        #expect(r11 == .handled)
        #expect(s.focus == 1)
        let r12 = s.handle(.esc)
        #expect(r12 == .ignored)
        let r13 = s.handle(.f(2))
        #expect(r13 == .ignored)
        #expect(!s.isValid)
        #expect(s.errors == [0: "required"])
    }

    @Test func showAllErrorsRevealsUntouchedFields() {
        var s = form()
        s.showAllErrors = true
        let b = render(Form(state: s, inputWidth: 10), width: 40, height: 2)
        #expect(b.trimmedLines == ["CN            ✗ required", "O"])
    }
}

@Suite struct ChecklistTests {
    @Test func rendersTicksAndToggles() {
        var s = ChecklistState(checked: [1])
        #expect(render(Checklist(items: ["a", "b", "c"], state: s), width: 6, height: 3).lines == ["[ ] a ", "[x] b ", "[ ] c "])
        s.handle(.char(" "), count: 3)
        s.handle(.down, count: 3)
        s.handle(.char(" "), count: 3)
        #expect(s.checked == [0])
        s.handle(.char("a"), count: 3)
        #expect(s.checked == [0, 1, 2])
        s.handle(.char("a"), count: 3)
        #expect(s.checked == [])
        let r14 = s.handle(.enter, count: 3)
        #expect(!r14)
    }
}

@Suite struct TableTests {
    let columns = [TableColumn("Name", width: .length(6)), TableColumn("Days", width: .length(6), alignment: .right)]
    let rows = [["web", "12"], ["db", "3"], ["xmpp", "365"]]

    @Test func aLongTableSaysWhereTheSelectionIs() {
        let many = (1...10).map { ["row\($0)", "\($0)"] }
        let columns = [TableColumn("Name", width: .length(6)), TableColumn("Days", width: .fill(1), alignment: .right)]
        let b = render(Table(columns: columns, rows: many, state: TableState(selected: 6)), width: 20, height: 4)
        #expect(b.lines[0].hasSuffix(" 7/10 "), "\(b.lines)")
        #expect(b.lines[1...].contains { $0.hasPrefix("row7") }, "the selection is in view")
        // All rows in view: no position.
        let few = render(Table(columns: columns, rows: Array(many.prefix(3)), state: TableState()), width: 20, height: 4)
        #expect(!few.lines[0].contains("/"))
    }

    @Test func rendersHeaderAndRightAlignedNumbers() {
        let b = render(Table(columns: columns, rows: rows, state: TableState()), width: 13, height: 4)
        #expect(b.lines == [
            "Name     Days",
            "web        12",
            "db          3",
            "xmpp      365",
        ])
        #expect(b[0, 1].style == Theme.builtInMonochrome[.selected])
        #expect(b[0, 0].style == Theme.builtInMonochrome[.header])
    }

    @Test func sortsNumbersAsNumbersAndTogglesDirection() {
        var s = TableState()
        s.sort(by: 1)
        #expect(s.visibleRows(rows) == [1, 0, 2])
        let b = render(Table(columns: columns, rows: rows, state: s), width: 13, height: 4)
        #expect(b.lines[0] == "Name   Days ▲")
        #expect(b.lines[1] == "db          3")
        s.sort(by: 1)
        #expect(s.visibleRows(rows) == [2, 0, 1])
        s.sort(by: 0)
        #expect(s.ascending)
        #expect(s.visibleRows(rows) == [1, 0, 2])
    }

    @Test func filtersAnyCellIgnoringCase() {
        var s = TableState(selected: 2)
        s.setFilter("B")
        #expect(s.selected == 0)
        #expect(s.visibleRows(rows) == [0, 1])
        s.handle(.down, count: 2, height: 3)
        #expect(s.selectedRow(in: rows) == 1)
        s.setFilter("nothing")
        #expect(s.selectedRow(in: rows) == nil)
        let b = render(Table(columns: columns, rows: rows, state: s, emptyText: "No match"), width: 13, height: 3)
        #expect(b.trimmedLines == ["Name     Days", "No match", ""])
    }

    @Test func scrollsToTheSelectedRow() {
        var s = TableState()
        s.handle(.end, count: 3, height: 2)
        #expect(s.offset == 1)
        let b = render(Table(columns: columns, rows: rows, state: s), width: 13, height: 3)
        #expect(b.lines == ["Name   … 3/3 ", "db          3", "xmpp      365"], "scrolled: the position shows at the header's end, the title it covers shortened")
    }

    @Test func tenThousandRowsScrollAPageAtATime() {
        let many = (0..<10_000).map { ["host\($0)", "\($0 % 400)"] }
        var s = TableState()
        s.handle(.pageDown, count: many.count, height: 22)
        #expect(s.selected == 21)
        s.handle(.end, count: many.count, height: 22)
        #expect(s.selected == 9_999)
        let b = render(Table(columns: columns, rows: many, state: s), width: 13, height: 23)
        #expect(b.lines.last == "host9…    399")
    }
}

@Suite struct SmallWidgetTests {
    @Test func progressBar() {
        #expect(render(ProgressBar(ratio: 0.5), width: 10, height: 1).lines == ["███░░░ 50%"])
        #expect(render(ProgressBar(ratio: 2, label: "done"), width: 9, height: 1).lines == ["████ done"])
        #expect(render(ProgressBar(ratio: .nan), width: 3, height: 1).lines == ["░░░"], "no room for the label: the bar alone")
    }

    @Test func spinner() {
        var s = SpinnerState()
        s.advance()
        #expect(render(Spinner(state: s, label: "Working"), width: 10, height: 1).trimmedLines == ["⠙ Working"])
        s.tick = 4
        #expect(render(Spinner(state: s, frames: Spinner.line), width: 2, height: 1).trimmedLines == ["|"])
    }

    @Test func dialogCentredWithNoHighlighted() {
        let d = Dialog(title: "Confirm", message: "Quit now?", state: DialogState())
        let b = render(d, width: 40, height: 7)
        #expect(b.trimmedLines == [
            "",
            "     ┌ Confirm ───────────────────┐",
            "     │ Quit now?                  │",
            "     │                            │",
            "     │      [ Yes ]  [ No ]       │",
            "     └────────────────────────────┘",
            "",
        ])
        #expect(b[21, 4].style == Theme.builtInMonochrome[.selected], "No is highlighted")
        #expect(b[12, 4].style == Theme.builtInMonochrome[.dialog])
    }

    @Test func dialogKeys() {
        var s = DialogState()
        let r15 = s.handle(.enter)
        #expect(r15 == .no)
        let r16 = s.handle(.right)
        #expect(r16 == nil)
        #expect(s.yesSelected)
        let r17 = s.handle(.enter)
        #expect(r17 == .yes)
        let r18 = s.handle(.esc)
        #expect(r18 == .no)
        let r19 = s.handle(.char("y"))
        #expect(r19 == .yes)
        let r20 = s.handle(.char("x"))
        #expect(r20 == nil)
    }

    @Test func helpBarDropsTheSharedKeysWordsFirstThenTheLongestBeforeAnyKey() {
        let bar = HelpBar([.move, .choose, .back, .quit])
        #expect(render(bar, width: 40, height: 1).trimmedLines == ["↑↓ move  Enter choose  Esc back  q quit"])
        // Too narrow: the words of the keys every screen shares go first (the first of
        // equals), the screen's own last: every key stays, and "choose" longest.
        #expect(render(bar, width: 34, height: 1).trimmedLines == ["↑↓  Enter choose  Esc back  q quit"])
        #expect(render(bar, width: 32, height: 1).trimmedLines == ["↑↓  Enter choose  Esc  q quit"])
        #expect(render(bar, width: 28, height: 1).trimmedLines == ["↑↓  Enter choose  Esc  q"])
        #expect(render(bar, width: 23, height: 1).trimmedLines == ["↑↓  Enter  Esc  q"])
        #expect(render(bar, width: 17, height: 1).trimmedLines == ["↑↓  Enter  Esc  q"])
        // Keys alone too wide: the last ones are left out whole, never cut.
        #expect(render(bar, width: 10, height: 1).trimmedLines == ["↑↓  Enter"])
        let hidden = HelpBar([KeyBinding(.char("x"), help: "secret", shownInHelp: false), .quit])
        #expect(render(hidden, width: 20, height: 1).trimmedLines == ["q quit"])
    }

    @Test func helpBarComesFromTheSameBindingsAsTheKeys() {
        #expect(KeyBinding.help.matches(.f(1)))
        #expect(KeyBinding.help.matches(.char("?")))
        #expect(!KeyBinding.help.matches(.char("h")))
        #expect(KeyBinding([.pageUp, .pageDown], help: "page").label == "PgUp/PgDn")
        #expect(Key.ctrl("c").description == "Ctrl-C")
    }

    @Test func statusLine() {
        #expect(render(StatusLine(left: "Home", right: "80x24"), width: 20, height: 1).lines == ["Home           80x24"])
        #expect(render(StatusLine(left: "A long place name", right: "80x24"), width: 12, height: 1).lines == ["A long plac…"])
    }

    @Test func blockAndParagraph() {
        let block = Block(title: "Ab")
        #expect(render(block, width: 6, height: 3).lines == ["┌ Ab ┐", "│    │", "└────┘"])
        #expect(block.inner(Rect(x: 0, y: 0, width: 6, height: 3)) == Rect(x: 1, y: 1, width: 4, height: 1))
        #expect(render(Block(border: .ascii), width: 3, height: 2).lines == ["+-+", "+-+"])
        #expect(render(Paragraph("the quick brown fox"), width: 10, height: 3).trimmedLines == ["the quick", "brown fox", ""])
        #expect(render(Paragraph("abcdefghijkl"), width: 5, height: 3).trimmedLines == ["abcde", "fghij", "kl"])
        #expect(render(Paragraph("one\ntwo", wrap: false), width: 2, height: 2).lines == ["on", "tw"])
    }
}

/// Every widget squeezed into 0x0 and 1x1 areas: no crash, nothing outside the area.
@Suite struct SqueezedWidgetTests {
    static var widgets: [any Widget] {
        var form = FormState(fields: [FormField("CN", text: "a b", validate: FormTests.noSpaces)])
        form.showAllErrors = true
        return [
            Menu(items: [MenuItem("Home", detail: "x")], state: MenuState()),
            Menu(items: [], state: MenuState(selected: 3)),
            TextField(state: TextFieldState("日本"), focused: true),
            Form(state: form),
            Checklist(items: ["a"], state: ChecklistState()),
            Table(columns: [TableColumn("Name", width: .fill(1))], rows: [["x"]], state: TableState(selected: 9)),
            ProgressBar(ratio: 0.3),
            Spinner(state: SpinnerState(), label: "x"),
            Dialog(title: "T", message: "Sure?", state: DialogState()),
            HelpBar([.quit]),
            StatusLine(left: "a", right: "b"),
            Block(title: "x"),
            Paragraph("日本 text"),
            Paragraph("scrolled text", wrap: true).scrolled(by: 1),
            TooSmall(),
        ]
    }

    @Test(arguments: [Size(width: 0, height: 0), Size(width: 1, height: 1), Size(width: 2, height: 1)])
    func staysInsideItsArea(size: Size) {
        for widget in Self.widgets {
            var b = Buffer(width: 5, height: 4)
            let area = Rect(x: 2, y: 1, width: size.width, height: size.height)
            widget.render(area: area, buffer: &b, theme: .builtInDefault)
            for y in 0..<4 {
                for x in 0..<5 where !area.contains(x: x, y: y) {
                    #expect(b[x, y] == .blank(), "\(type(of: widget)) drew at \(x),\(y) outside \(area)")
                }
            }
            var empty = Buffer(width: 0, height: 0)
            widget.render(area: empty.area, buffer: &empty, theme: .builtInDefault)
            #expect(empty.lines == [])
        }
    }
}

@Suite struct MoreWidgetTests {
    @Test func paragraphScrolls() {
        let p = Paragraph("one two three four five", wrap: true)
        #expect(p.rowCount(width: 9) == 3)
        #expect(render(p.scrolled(by: 1), width: 9, height: 2).trimmedLines == ["three", "four five"])
        #expect(render(p.scrolled(by: 9), width: 9, height: 2).trimmedLines == ["", ""])
    }

    @Test func tableCellRoles() {
        let columns = [TableColumn("Name", width: .length(4)), TableColumn("Days", width: .length(4), alignment: .right)]
        let rows = [["web", "-2"], ["db", "90"]]
        let theme = Theme.builtInDefault
        let table = Table(columns: columns, rows: rows, state: TableState(selected: 1)) { row, column in
            column == 1 && Int(rows[row][1])! < 0 ? .error : nil
        }
        let b = render(table, width: 9, height: 3, theme: theme)
        #expect(b.lines == ["Name Days", "web    -2", "db     90"])
        #expect(b[8, 1].style == theme[.error])
        #expect(b[0, 1].style == theme[.normal])
        #expect(b[8, 2].style == theme[.selected])
    }

    @Test func tooSmallSaysBothSizes() {
        #expect(TooSmall.applies(to: Size(width: 79, height: 24)))
        #expect(!TooSmall.applies(to: Size(width: 100, height: 30)))
        let b = render(TooSmall(), width: 30, height: 5)
        #expect(b.trimmedLines == [
            "",
            "  Terminal too small: 30x5,",
            "   needs 80x24. Enlarge the",
            " window, or press q to quit.",
            "",
        ])
    }
}
