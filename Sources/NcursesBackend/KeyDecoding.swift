import CNcurses
import TerminalUI

/// Turns what `get_wch` returned into a terminal event. `package` so that the key
/// decoder's fuzz harness (Sources/Fuzz/fuzz-key-decoder) can feed it codes.
package enum KeyDecoding {
    /// `isKeyCode` is true when get_wch answered KEY_CODE_YES (a function key code),
    /// false for a character. Nil for codes the wizard has no use for.
    package static func event(code: UInt32, isKeyCode: Bool) -> TerminalEvent? {
        if isKeyCode { return functionKey(Int32(bitPattern: code)) }
        return character(code)
    }

    static func functionKey(_ code: Int32) -> TerminalEvent? {
        switch code {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME, KEY_A1: return .key(.home)
        case KEY_END, KEY_C1: return .key(.end)
        case KEY_PPAGE, KEY_A3: return .key(.pageUp)
        case KEY_NPAGE, KEY_C3: return .key(.pageDown)
        case KEY_BTAB: return .key(.backTab)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_IC: return .key(.insert)
        case KEY_ENTER: return .key(.enter)
        case KEY_RESIZE: return nil  // read as the screen's new size by the terminal
        default:
            let f1 = cms_key_f(1)
            if code >= f1 && code < f1 + 24 { return .key(.f(Int(code - f1) + 1)) }
            return nil
        }
    }

    static func character(_ code: UInt32) -> TerminalEvent? {
        switch code {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.esc)
        case 8, 127: return .key(.backspace)
        case 0: return nil
        case 1...26:
            return .key(.ctrl(Character(Unicode.Scalar(UInt8(code) + 96))))
        case 28...31: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .key(.char(Character(scalar)))
        }
    }
}
