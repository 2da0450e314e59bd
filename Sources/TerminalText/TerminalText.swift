/// Makes text that came from outside (a certificate's fields, a node's output, a file
/// name, a deployment file) safe to put on a terminal: every character a terminal would
/// act on instead of showing is written out visibly, the way `cat -v` and OpenSSL's
/// escaping do, so that a certificate named `a\x1b[2J` reads as exactly that and does not
/// clear the screen.
///
/// What is escaped: the C0 controls (`\x00`-`\x1f`, except line feed and tab when the
/// caller keeps line breaks), DEL (`\x7f`), the C1 controls (U+0080-U+009F, which some
/// terminals take as CSI and friends, written `\u0080`), and the characters that reorder
/// or break lines behind the reader's back: the bidirectional embeddings, overrides and
/// isolates (U+202A-U+202E, U+2066-U+2069, as in "Trojan Source"), U+2028 and U+2029.
/// Everything else, accents and wide characters included, passes unchanged.
public enum TerminalText {
    /// `text` with every control character written out (`\x1b`, `\u202e`). With
    /// `keepingLineBreaks`, line feeds and tabs stay as they are (for multi-line messages
    /// that we wrote ourselves around the outside values); without, they are escaped too
    /// (for one field, which must stay on its line).
    public static func visible(_ text: String, keepingLineBreaks: Bool = false) -> String {
        // The common case: nothing to escape, no copy.
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLineBreaks: keepingLineBreaks) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepingLineBreaks: keepingLineBreaks) {
                out.append(contentsOf: escaped(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether the scalar must not reach a terminal as it is.
    public static func needsEscape(_ scalar: Unicode.Scalar, keepingLineBreaks: Bool = false) -> Bool {
        let v = scalar.value
        if v < 0x20 { return !(keepingLineBreaks && (v == 0x0A || v == 0x09)) }
        if v < 0x7F { return false }
        if v <= 0x9F { return true }               // DEL and the C1 controls
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return true }
        if v == 0x2028 || v == 0x2029 { return true }
        return false
    }

    /// The visible form of one scalar: `\x1b` for ASCII controls, `\u009b` above.
    public static func escaped(_ scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        let digits = Array("0123456789abcdef")
        if v < 0x80 { return "\\x" + String(digits[Int(v >> 4)]) + String(digits[Int(v & 0xF)]) }
        var hex = ""
        var rest = v
        for _ in 0..<4 { hex = String(digits[Int(rest & 0xF)]) + hex; rest >>= 4 }
        return "\\u" + hex
    }

    /// True when `text` can go to a terminal as it is.
    public static func isSafe(_ text: String, keepingLineBreaks: Bool = false) -> Bool {
        !text.unicodeScalars.contains { needsEscape($0, keepingLineBreaks: keepingLineBreaks) }
    }
}
