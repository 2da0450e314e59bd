import CNcurses
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TerminalUI
@testable import NcursesBackend

@Suite struct KeyDecodingTests {
    func key(_ code: Int32) -> TerminalEvent? { KeyDecoding.event(code: UInt32(bitPattern: code), isKeyCode: true) }
    func char(_ code: UInt32) -> TerminalEvent? { KeyDecoding.event(code: code, isKeyCode: false) }

    @Test func functionKeyCodes() {
        #expect(key(KEY_UP) == .key(.up))
        #expect(key(KEY_DOWN) == .key(.down))
        #expect(key(KEY_LEFT) == .key(.left))
        #expect(key(KEY_RIGHT) == .key(.right))
        #expect(key(KEY_HOME) == .key(.home))
        #expect(key(KEY_END) == .key(.end))
        #expect(key(KEY_PPAGE) == .key(.pageUp))
        #expect(key(KEY_NPAGE) == .key(.pageDown))
        #expect(key(KEY_BTAB) == .key(.backTab))
        #expect(key(KEY_BACKSPACE) == .key(.backspace))
        #expect(key(KEY_DC) == .key(.delete))
        #expect(key(KEY_ENTER) == .key(.enter))
        #expect(key(cms_key_f(1)) == .key(.f(1)))
        #expect(key(cms_key_f(12)) == .key(.f(12)))
        #expect(key(KEY_RESIZE) == nil, "the terminal reads the new size itself")
        #expect(key(KEY_MOUSE) == nil)
    }

    @Test func characters() {
        #expect(char(9) == .key(.tab))
        #expect(char(13) == .key(.enter))
        #expect(char(10) == .key(.enter))
        #expect(char(27) == .key(.esc))
        #expect(char(127) == .key(.backspace))
        #expect(char(8) == .key(.backspace))
        #expect(char(3) == .key(.ctrl("c")))
        #expect(char(1) == .key(.ctrl("a")))
        #expect(char(UInt32(("q" as Unicode.Scalar).value)) == .key(.char("q")))
        #expect(char(0x65E5) == .key(.char("日")))
        #expect(char(0) == nil)
        #expect(char(0xD800) == nil, "a lone surrogate is not a character")
    }
}

@Suite struct ColorMappingTests {
    @Test func fullPaletteIsUsedAsIs() {
        let m = ColorMapping(colors: 256, defaultColors: true)
        #expect(m.number(.indexed(208), foreground: true) == (208, false))
        #expect(m.number(.named(.brightBlue), foreground: true) == (12, false))
        #expect(m.number(.default, foreground: true) == (-1, false))
    }

    @Test func eightColourTerminalsGetTheNearestAndBoldForBright() {
        let m = ColorMapping(colors: 8, defaultColors: true)
        #expect(m.number(.named(.brightWhite), foreground: true) == (7, true))
        #expect(m.number(.named(.brightWhite), foreground: false) == (7, false))
        #expect(m.number(.indexed(196), foreground: true) == (1, true), "pure red of the cube")
        #expect(m.number(.indexed(22), foreground: true) == (2, false), "dark green")
        #expect(m.number(.indexed(236), foreground: false) == (0, false), "dark grey background")
        #expect(m.number(.indexed(110), foreground: true).0 == 6, "nord frost is cyan")
        #expect(m.number(.blue, foreground: true) == (4, false))
    }

    @Test func withoutDefaultColoursWhiteOnBlack() {
        let m = ColorMapping(colors: 8, defaultColors: false)
        #expect(m.number(.default, foreground: true) == (7, false))
        #expect(m.number(.default, foreground: false) == (0, false))
    }

    @Test func everyIndexMapsIntoTheTerminal() {
        for colors in [8, 16, 88, 256] {
            let m = ColorMapping(colors: colors, defaultColors: true)
            for i in 0...255 {
                let (n, _) = m.number(.indexed(UInt8(i)), foreground: true)
                #expect(n >= 0 && Int(n) < colors, "index \(i) on \(colors) colours gave \(n)")
            }
        }
    }
}

@Suite struct SignalGuardTests {
    /// A parent's thread pool can pass on a mask that blocks SIGTERM; the guard must
    /// unblock what it promises to handle, or the terminal is never restored.
    @Test func unblocksTheSignalsItHandles() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] { sigaddset(&blocked, s) }
        var saved = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        let guardian = try SignalGuard()
        defer { guardian.remove() }
        var now = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &now)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGWINCH] {
            #expect(sigismember(&now, s) == 0, "signal \(s) is still blocked")
        }
    }

    @Test func forwardsASignalThroughThePipe() throws {
        let guardian = try SignalGuard()
        defer { guardian.remove() }
        raise(SIGHUP)
        #expect(guardian.pipe.drain() == [UInt8(SIGHUP)])
    }
}
