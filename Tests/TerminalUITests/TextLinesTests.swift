import Testing
@testable import TerminalUI

@Suite struct TextLinesTests {
    let theme = Theme.builtInMonochrome

    func lines(_ t: TextLines, width: Int, height: Int, scroll: Int = 0) -> [String] {
        var b = Buffer(width: width, height: height, style: theme[.normal])
        t.render(area: b.area, buffer: &b, scroll: scroll)
        return b.lines
    }

    @Test func wrapsAtSpacesAndIndentsTheContinuation() {
        var t = TextLines(width: 12, theme: theme)
        t.add("one two three four", indent: 2, prefix: "- ")
        #expect(lines(t, width: 12, height: 3) == [
            "- one two   ",
            "  three four",
            "            ",
        ])
    }

    @Test func cutsAWordLongerThanARowAndKeepsParagraphs() {
        var t = TextLines(width: 5, theme: theme)
        t.add("abcdefgh\nxy")
        #expect(t.rows.count == 3)
        #expect(lines(t, width: 5, height: 3) == ["abcde", "fgh  ", "xy   "])
    }

    @Test func stacksRolesSpansAndBlankRows() {
        var t = TextLines(width: 10, theme: theme)
        t.add("Title", .title)
        t.blank()
        t.add(spans: [Span("a", style: theme[.ok]), Span("b", style: theme[.error])])
        #expect(t.rows.count == 3)
        #expect(t.rows[0].first?.style == theme[.title])
        #expect(t.rows[1].isEmpty)
        #expect(lines(t, width: 4, height: 3).map { String($0.prefix(2)) } == ["Ti", "  ", "ab"])
    }

    @Test func scrollStopsWithTheLastRowAtTheBottom() {
        var t = TextLines(width: 3, theme: theme)
        for word in ["a", "b", "c", "d"] { t.add(word) }
        #expect(lines(t, width: 3, height: 2, scroll: 1) == ["b  ", "c  "])
        #expect(lines(t, width: 3, height: 2, scroll: 99) == ["c  ", "d  "])
        #expect(lines(t, width: 3, height: 2, scroll: -5) == ["a  ", "b  "])
    }

    /// Text longer than a place of six rows or more keeps the last row to say which rows
    /// show, so that a list cut at the bottom never looks whole; scrolling reaches the end.
    @Test func aLongTextSaysWhichRowsShow() {
        var t = TextLines(width: 20, theme: theme)
        for i in 1...10 { t.add("item \(i)") }
        #expect(lines(t, width: 20, height: 6) == ["item 1              ", "item 2              ", "item 3              ",
                                                   "item 4              ", "item 5              ", "      rows 1-5 of 10"])
        #expect(lines(t, width: 20, height: 6, scroll: 99).suffix(2) == ["item 10             ", "     rows 6-10 of 10"])
        #expect(lines(t, width: 20, height: 10).last == "item 10             ", "all of it fits: no position")
        #expect(lines(t, width: 8, height: 6).last == "    5/10", "narrow: the short form")
    }

    @Test func squeezedAreasNeverCrash() {
        var t = TextLines(width: 0, theme: theme)
        t.add("text that wraps", indent: 4, prefix: "> ")
        #expect(t.width == 1)
        #expect(lines(t, width: 0, height: 0).isEmpty)
        #expect(lines(t, width: 1, height: 1) == [">"])
    }
}

@Suite struct KeyBindingTests {
    @Test func typingTakesEveryCharacterAndTheEditingKeysOnly() {
        let typing = KeyBinding.typing()
        #expect(typing.matches(.char("q")) && typing.matches(.char("?")) && typing.matches(.char(" ")))
        #expect(typing.matches(.backspace) && typing.matches(.ctrl("u")) && typing.matches(.home))
        #expect(!typing.matches(.enter) && !typing.matches(.esc) && !typing.matches(.tab) && !typing.matches(.f(1)))
        #expect(!typing.shownInHelp && typing.label == "type")
        // Every key it names is one a text field edits with.
        for key in typing.keys {
            var field = TextFieldState("ab")
            _ = field.handle(.left)
            let used = field.handle(key)
            #expect(used, "\(key)")
        }
    }

    @Test func aBindingOfKeysTakesOnlyThem() {
        #expect(KeyBinding.quit.matches(.char("q")) && !KeyBinding.quit.matches(.char("Q")))
        #expect(KeyBinding.jump.matches(.end) && !KeyBinding.jump.shownInHelp)
    }
}

@Suite struct ScrollRowsTests {
    @Test func arrowsMoveARowAndPagesAPage() {
        #expect(ListNavigation.scrollRows(.up) == -1 && ListNavigation.scrollRows(.down) == 1)
        #expect(ListNavigation.scrollRows(.pageUp) == -10 && ListNavigation.scrollRows(.pageDown, pageSize: 5) == 5)
        #expect(ListNavigation.scrollRows(.pageDown, pageSize: 0) == 1, "a page is at least a row")
        #expect(ListNavigation.scrollRows(.enter) == 0 && ListNavigation.scrollRows(.home) == 0)
    }
}
