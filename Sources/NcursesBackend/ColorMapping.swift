import TerminalUI

/// Maps theme colours to what the terminal has: 256 colours, 16, 8, or none.
struct ColorMapping {
    /// Colours the terminal has (ncurses' COLORS); 0 when it has none.
    let colors: Int
    /// True when -1 means the terminal's default colour (use_default_colors worked).
    let defaultColors: Bool

    /// The ncurses colour number for `color`, and whether a foreground should be bold to
    /// stand in for a bright colour the terminal lacks.
    func number(_ color: Color, foreground: Bool) -> (Int16, Bool) {
        guard let index = color.paletteIndex else {
            return (defaultColors ? -1 : (foreground ? 7 : 0), false)
        }
        if index < colors { return (Int16(index), false) }
        let basic = Self.basic(index)
        if basic >= 8 && colors < 16 {
            return (Int16(basic - 8), foreground)
        }
        return (Int16(min(basic, max(0, colors - 1))), false)
    }

    /// The nearest of the 16 ANSI colours to a 256-palette index.
    static func basic(_ index: Int) -> Int {
        switch index {
        case 0..<16: return index
        case 16..<232:
            let i = index - 16
            let r = i / 36, g = (i / 6) % 6, b = i % 6
            let high = max(r, g, b)
            if high == 0 { return 0 }
            let bright = high >= 4
            // Components within one step of the strongest make the hue; weaker ones are
            // left out, so that pastels keep their hue instead of turning grey.
            let threshold = max(1, high - 1)
            let bits = (r >= threshold ? 1 : 0) | (g >= threshold ? 2 : 0) | (b >= threshold ? 4 : 0)
            if bits == 7 { return bright ? 15 : (high >= 2 ? 7 : 8) }
            return bits + (bright ? 8 : 0)
        default:
            let level = index - 232  // 0 (near black) ... 23 (near white)
            if level < 6 { return 0 }
            if level < 14 { return 8 }
            if level < 20 { return 7 }
            return 15
        }
    }
}
