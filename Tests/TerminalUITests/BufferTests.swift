import Foundation
import Testing
@testable import TerminalUI

@Suite struct BufferTests {
    @Test func writeIsClippedToTheBuffer() {
        var b = Buffer(width: 5, height: 2)
        let end = b.write("abcdefg", x: 0, y: 0)
        b.write("xyz", x: -2, y: 1)
        #expect(b.lines == ["abcde", "z    "])
        #expect(end == 5)
    }

    @Test func writeIsClippedToARect() {
        var b = Buffer(width: 8, height: 2)
        b.write("abcdef", x: 1, y: 0, clip: Rect(x: 2, y: 0, width: 3, height: 1))
        b.write("outside", x: 0, y: 1, clip: Rect(x: 0, y: 0, width: 8, height: 1))
        #expect(b.lines == ["  bcd   ", "        "])
    }

    @Test func wideCharactersTakeTwoCellsAndNeverHalfOfOne() {
        var b = Buffer(width: 5, height: 1)
        b.write("ab日本", x: 0, y: 0)
        #expect(b.lines == ["ab日 "])
        #expect(b[2, 0].width == 2)
        #expect(b[3, 0].isContinuation)
        #expect(b[4, 0].symbol == " ")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var b = Buffer(width: 4, height: 1)
        b.write("日本", x: 0, y: 0)
        b.write("x", x: 1, y: 0)
        #expect(b.lines == [" x本"])
        b.write("y", x: 2, y: 0)
        #expect(b.lines == [" xy "])
        b.write("日", x: 3, y: 0)
        #expect(b.lines == [" xy "], "a wide character in the last column becomes a blank")
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        var b = Buffer(width: 27, height: 1)
        b.write("a\u{1B}[31mb\tc\u{9B}\u{202E}", x: 0, y: 0)
        #expect(b.lines == ["a\\x1b[31mb\\x09c\\u009b\\u202e"])
        #expect(CharacterWidth.of("a\u{1B}[31mb\tc\u{9B}\u{202E}") == 27, "the width measured is the width drawn")
    }

    @Test func combiningMarksStayWithTheirBase() {
        var b = Buffer(width: 6, height: 1)
        b.write("Zu\u{308}rich", x: 0, y: 0)
        #expect(b.lines == ["Zu\u{308}rich"])
        #expect(b[1, 0].symbol == "u\u{308}")
    }

    @Test func emptyBufferTakesAnyWrite() {
        var b = Buffer(width: 0, height: 0)
        b.write("abc", x: 0, y: 0)
        b.fill(Rect(x: 0, y: 0, width: 3, height: 3), style: Style(modifiers: .bold))
        b[0, 0] = Cell("x")
        #expect(b.lines == [])
        #expect(b[5, 5] == .blank())
    }

    @Test func fillAndStylePatchOntoCells() {
        var b = Buffer(width: 3, height: 1, style: Style(fg: .red, bg: .default))
        b.write("abc", x: 0, y: 0, style: Style(modifiers: .bold))
        b.setStyle(Rect(x: 1, y: 0, width: 1, height: 1), style: Style(bg: .blue))
        #expect(b[0, 0].style == Style(fg: .red, bg: .default, modifiers: .bold))
        #expect(b[1, 0].style == Style(fg: .red, bg: .blue, modifiers: .bold))
        #expect(b.lines == ["abc"])
    }

    @Test func blitCopiesClipped() {
        var small = Buffer(width: 2, height: 1)
        small.write("日", x: 0, y: 0)
        var b = Buffer(width: 3, height: 2)
        b.blit(small, at: Position(x: 1, y: 1))
        b.blit(small, at: Position(x: 2, y: 0))
        #expect(b.lines == ["   ", " 日"])
    }

    @Test func spansWriteInTurn() {
        var b = Buffer(width: 8, height: 1)
        let end = b.write([Span("ab", style: Style(modifiers: .bold)), Span("cd")], x: 1, y: 0)
        #expect(end == 5)
        #expect(b.trimmedLines == [" abcd"])
        #expect(b[1, 0].style.modifiers == .bold)
        #expect(b[3, 0].style.modifiers == [])
    }
}

@Suite struct RectTests {
    @Test func insetAndCentreNeverGoNegative() {
        let r = Rect(x: 1, y: 1, width: 3, height: 2)
        #expect(r.inset(by: 1) == Rect(x: 2, y: 2, width: 1, height: 0))
        #expect(r.inset(by: 5).isEmpty)
        #expect(Rect(x: 0, y: 0, width: 10, height: 5).centered(width: 4, height: 3) == Rect(x: 3, y: 1, width: 4, height: 3))
        #expect(Rect(x: 0, y: 0, width: 2, height: 2).centered(width: 4, height: 3) == Rect(x: 0, y: 0, width: 2, height: 2))
        #expect(Rect(x: 0, y: 0, width: -3, height: 2).width == 0)
    }

    @Test func intersection() {
        let a = Rect(x: 0, y: 0, width: 5, height: 5), b = Rect(x: 3, y: 4, width: 5, height: 5)
        #expect(a.intersection(b) == Rect(x: 3, y: 4, width: 2, height: 1))
        #expect(a.intersection(Rect(x: 9, y: 9, width: 1, height: 1)).isEmpty)
    }
}

@Suite struct ASCIIStandInTests {
    @Test func everySymbolBecomesOneASCIIColumnAndWideOnesTwo() {
        var b = Buffer(width: 12, height: 1)
        b.write("a·✓◀▶⚠界z", x: 0, y: 0)
        let ascii = b.asciiStandIns()
        #expect(ascii.lines == ["a.+<>!??z   "])
        #expect(ascii.cells.allSatisfy { $0.width == 1 && $0.symbol.unicodeScalars.allSatisfy(\.isASCII) })
        // The original is left as it was.
        #expect(b.line(0).hasPrefix("a·✓◀▶⚠界z"))
    }

    @Test func everySymbolTheWizardSourcesDrawHasAStandIn() throws {
        // Every non-ASCII character in the UI's sources (strings and comments alike) is in the table.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var missing: Set<Character> = []
        for folder in ["Sources/Wizard", "Sources/TerminalUI"] {
            let files = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".swift") && !file.hasSuffix("ASCIIStandIns.swift") {
                let text = try String(contentsOf: root.appendingPathComponent(folder + "/" + file), encoding: .utf8)
                for c in text where !c.isASCII && CharacterWidth.of(c) == 1 && ASCIIStandIns.table[c] == nil { missing.insert(c) }
            }
        }
        #expect(missing.isEmpty, "no ASCII stand-in for \(missing.sorted())")
    }
}

@Suite struct CutWordTests {
    @Test func aWordCutByTheClipIsRecordedAndNotOtherwise() {
        var b = Buffer(width: 20, height: 3)
        b.write("restart each service", x: 0, y: 0, clip: Rect(x: 0, y: 0, width: 14, height: 1))
        #expect(b.cutWords == [Position(x: 13, y: 0)], "\"restart each s\" is cut in a word")
        b.write("restart each", x: 0, y: 1, clip: Rect(x: 0, y: 1, width: 8, height: 1))
        #expect(b.cutWords.count == 1, "cut at a space: \"restart \" is whole")
        b.write("restart each".truncated(toWidth: 10), x: 0, y: 2)
        #expect(b.cutWords.count == 1, "shortened with … on purpose")
        #expect(b == { var c = b; c.write("", x: 0, y: 0); return c }())
    }
}
