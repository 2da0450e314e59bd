import Testing
import TerminalText

@Suite("The terminal sanitiser")
struct TerminalTextTests {
    @Test func plainTextPassesUnchanged() {
        for text in ["cms1.example.com", "Zürich, Société Générale", "日本語", "tab\there", ""] {
            #expect(TerminalText.visible(text, keepingLineBreaks: true) == text)
        }
        #expect(TerminalText.isSafe("Zürich"))
    }

    @Test func controlsAreWrittenOutNeverSent() {
        #expect(TerminalText.visible("a\u{1B}[2Jb") == "a\\x1b[2Jb")
        #expect(TerminalText.visible("bell\u{07}nul\u{00}del\u{7F}") == "bell\\x07nul\\x00del\\x7f")
        #expect(TerminalText.visible("csi\u{9B}31m") == "csi\\u009b31m", "C1 controls: some terminals act on U+009B as CSI")
        #expect(TerminalText.visible("abc\u{202E}fed") == "abc\\u202efed", "bidi overrides reorder what the reader sees")
        #expect(TerminalText.visible("a\u{2066}b\u{2069}") == "a\\u2066b\\u2069")
        #expect(TerminalText.visible("line\u{2028}sep") == "line\\u2028sep")
        #expect(!TerminalText.isSafe("a\u{1B}b"))
    }

    @Test func lineBreaksStayOnlyWhenAsked() {
        #expect(TerminalText.visible("one\ntwo\tthree\r") == "one\\x0atwo\\x09three\\x0d", "one field stays on its line")
        #expect(TerminalText.visible("one\ntwo\tthree\r", keepingLineBreaks: true) == "one\ntwo\tthree\\x0d",
                "a message keeps its lines, but a carriage return could overwrite one")
    }

    @Test func theOutputNeverHoldsAControlCharacter() {
        // Every scalar below U+0100 and the format characters, one after another.
        var all = String.UnicodeScalarView()
        for v in UInt32(0)..<0x100 { all.append(Unicode.Scalar(v)!) }
        for v: UInt32 in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029] {
            all.append(Unicode.Scalar(v)!)
        }
        let shown = TerminalText.visible(String(all))
        #expect(shown.unicodeScalars.allSatisfy { !TerminalText.needsEscape($0) })
        #expect(shown.unicodeScalars.allSatisfy { $0.value >= 0x20 })
        // Printable characters survive in order.
        #expect(shown.contains(" !\"#$%&'()*+,-./0123456789"))
        #expect(shown.contains("\\x1f !"))
        #expect(shown.contains("~\\x7f\\u0080"))
    }
}
