#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TerminalUI

/// The C library's wcwidth, which Glibc's module map does not export.
@_silgen_name("wcwidth") private func c_wcwidth(_ c: Int32) -> Int32

@Suite struct CharacterWidthTests {
    @Test func asciiIsOneColumn() {
        #expect(CharacterWidth.of("abc XYZ 123") == 11)
    }

    @Test func cjkAndEmojiAreTwoColumns() {
        #expect(CharacterWidth.of(Character("日")) == 2)
        #expect(CharacterWidth.of(Character("한")) == 2)
        #expect(CharacterWidth.of(Character("Ａ")) == 2)  // fullwidth A
        #expect(CharacterWidth.of(Character("🔒")) == 2)
        #expect(CharacterWidth.of("証明書") == 6)
    }

    @Test func combiningMarksTakeNoColumn() {
        #expect(CharacterWidth.of(Character("e\u{301}")) == 1)
        #expect(CharacterWidth.of(Unicode.Scalar(0x301)!) == 0)
        #expect(CharacterWidth.of(Unicode.Scalar(0x200B)!) == 0)
        #expect(CharacterWidth.of("Zu\u{308}rich") == 6)
    }

    @Test func controlCharactersTakeNoColumn() {
        #expect(CharacterWidth.of(Unicode.Scalar(0x1B)!) == 0)
        #expect(CharacterWidth.of(Unicode.Scalar(0x7F)!) == 0)
    }

    /// ncurses places characters by the C library's wcwidth; if our numbers differ, the
    /// screen drifts. Compare every scalar of the planes in use.
    @Test func agreesWithTheCLibrary() throws {
        #if canImport(Glibc)
        try #require(setlocale(LC_ALL, "C.UTF-8") != nil)
        var mismatches: [String] = []
        let ranges: [ClosedRange<UInt32>] = [0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x1FAFF, 0x20000...0x2A6DF]
        for range in ranges {
            for v in range {
                guard let s = Unicode.Scalar(v) else { continue }
                let c = c_wcwidth(Int32(bitPattern: v))
                guard c >= 0 else { continue }  // unassigned or non-printable for the C library
                if Int(c) != CharacterWidth.of(s) { mismatches.append(String(v, radix: 16)) }
            }
        }
        #expect(mismatches.count == 0, "differs from wcwidth at \(mismatches)")
        #endif
    }

    @Test func truncationKeepsWideCharactersWhole() {
        #expect("abcdef".truncated(toWidth: 4) == "abc…")
        #expect("abc".truncated(toWidth: 3) == "abc")
        #expect("日本語".truncated(toWidth: 4) == "日…")
        #expect("日本語".truncated(toWidth: 3, ellipsis: false) == "日")
        #expect("abc".truncated(toWidth: 0) == "")
        #expect("日本".padded(toWidth: 5) == "日本 ")
    }
}
