import CNcurses
import TerminalUI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the terminal could not be used.
public struct TerminalError: Error, CustomStringConvertible {
    /// What went wrong, in plain words.
    public var description: String
}

/// The terminal as ncurses drives it: set up in `open`, put back in `close`, which is
/// also registered with atexit so that no way out leaves a raw terminal behind.
final class NcursesTerminal {
    private(set) var isOpen = false
    private var screen: OpaquePointer?
    private var mapping = ColorMapping(colors: 0, defaultColors: false)
    private var pairs: [PairKey: Int16] = [:]
    private var hasColors = false
    private var cursorShown: Bool?
    private var lastSize = Size(width: 0, height: 0)

    private struct PairKey: Hashable {
        let fg: Int16
        let bg: Int16
    }

    /// Starts ncurses: locale from the environment (UTF-8), raw keys with no echo, keypad
    /// decoding, a 25 ms Esc delay, colours when the terminal has them.
    func open(escapeDelay: Int32) throws {
        guard isatty(0) != 0, isatty(1) != 0 else {
            throw TerminalError(description: "not a terminal: the wizard needs an interactive terminal (use the pki subcommands in scripts)")
        }
        cms_setlocale_from_environment()
        Self.registerAtExit()
        guard let s = newterm(nil, stdout, stdin) else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw TerminalError(description: "cannot start the terminal: TERM=\(term) is unknown to terminfo")
        }
        screen = s
        isOpen = true
        // A terminal that cannot move the cursor (TERM=dumb, a printing terminal) would
        // show a blank or garbled screen: say so and put it back as it was.
        guard cms_has_cursor_addressing() != 0 else {
            close()
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw TerminalError(description: "TERM=\(term) cannot move the cursor (no \"cup\" in terminfo), which the full-screen wizard needs: "
                                + "run it in a terminal such as xterm, screen or tmux (TERM=xterm-256color, TERM=vt100), or use the subcommands (cmscerts --help)")
        }
        set_escdelay(escapeDelay)
        raw()
        noecho()
        nonl()
        let w = cms_stdscr()
        keypad(w, true)
        intrflush(w, false)
        nodelay(w, true)
        scrollok(w, false)
        if has_colors() {
            start_color()
            let defaults = use_default_colors() == OK
            hasColors = true
            mapping = ColorMapping(colors: Int(cms_colors()), defaultColors: defaults)
        }
        setCursor(visible: false)
        lastSize = size
    }

    /// Ends ncurses and restores the terminal as it was; safe to call twice.
    func close() {
        guard isOpen else { return }
        isOpen = false
        setCursor(visible: true)
        cms_endwin_if_needed()
        fflush(stdout)
        if let screen { delscreen(screen) }
        screen = nil
    }

    private static var atExitRegistered = false
    private static func registerAtExit() {
        guard !atExitRegistered else { return }
        atExitRegistered = true
        atexit { cms_endwin_if_needed() }
    }

    /// The screen's size now.
    var size: Size {
        let w = cms_stdscr()
        return Size(width: Int(cms_getmaxx(w)), height: Int(cms_getmaxy(w)))
    }

    /// Reads every key waiting (never blocks past the Esc delay). A resize comes out as
    /// `.resize` with the new size.
    func readEvents() -> [TerminalEvent] {
        var out: [TerminalEvent] = []
        let w = cms_stdscr()
        while true {
            var ch: wint_t = 0
            let r = cms_get_wch(w, &ch)
            if r == ERR { break }
            if r == KEY_CODE_YES && Int32(bitPattern: ch) == KEY_RESIZE {
                let now = size
                lastSize = now
                out.append(.resize(now))
                continue
            }
            if let e = KeyDecoding.event(code: UInt32(ch), isKeyCode: r == KEY_CODE_YES) { out.append(e) }
        }
        return out
    }

    /// Puts a Buffer on the screen. Every cell is written into ncurses' virtual screen,
    /// and `wrefresh` sends only the cells that changed since the last frame.
    func draw(_ buffer: Buffer) {
        let w = cms_stdscr()
        let screenSize = size
        let maxChars = Int(cms_ccharw_max())
        var chars = [wchar_t](repeating: 0, count: maxChars + 1)
        for y in 0..<screenSize.height {
            for x in 0..<screenSize.width {
                let cell = buffer[x, y]
                if cell.isContinuation { continue }
                var n = 0
                for scalar in cell.symbol.unicodeScalars where n < maxChars {
                    chars[n] = wchar_t(bitPattern: scalar.value)
                    n += 1
                }
                if n == 0 {
                    chars[0] = 32
                    n = 1
                }
                chars[n] = 0
                let (attrs, pair) = attributes(for: cell.style)
                _ = cms_put_cell(w, Int32(y), Int32(x), chars, attrs, pair)
            }
        }
        if let c = buffer.cursor, c.x < screenSize.width, c.y < screenSize.height {
            setCursor(visible: true)
            wmove(w, Int32(c.y), Int32(c.x))
        } else {
            setCursor(visible: false)
            wmove(w, Int32(max(0, screenSize.height - 1)), 0)
        }
        wrefresh(w)
    }

    private func setCursor(visible: Bool) {
        guard cursorShown != visible else { return }
        cursorShown = visible
        curs_set(visible ? 1 : 0)
    }

    /// The ncurses attributes and colour pair for a style; without colours, a background
    /// colour becomes reverse video so that a selection still shows.
    private func attributes(for style: Style) -> (attr_t, Int16) {
        var attrs = cms_a_normal()
        if style.modifiers.contains(.bold) { attrs |= cms_a_bold() }
        if style.modifiers.contains(.reverse) { attrs |= cms_a_reverse() }
        if style.modifiers.contains(.underline) { attrs |= cms_a_underline() }
        if style.modifiers.contains(.dim) { attrs |= cms_a_dim() }
        let fg = style.fg ?? .default, bg = style.bg ?? .default
        guard hasColors else {
            if bg != .default { attrs |= cms_a_reverse() }
            return (attrs, 0)
        }
        let (f, boldFg) = mapping.number(fg, foreground: true)
        let (b, _) = mapping.number(bg, foreground: false)
        if boldFg { attrs |= cms_a_bold() }
        return (attrs, pair(fg: f, bg: b))
    }

    private func pair(fg: Int16, bg: Int16) -> Int16 {
        if fg == -1 && bg == -1 { return 0 }
        let key = PairKey(fg: fg, bg: bg)
        if let p = pairs[key] { return p }
        let next = pairs.count + 1
        guard next < Int(min(cms_color_pairs(), 32767)) else { return 0 }
        init_pair(Int16(next), fg, bg)
        pairs[key] = Int16(next)
        return Int16(next)
    }
}
