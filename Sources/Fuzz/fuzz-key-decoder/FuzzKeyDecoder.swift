import FuzzSupport
import NcursesBackend
import TerminalUI

/// Fuzzes the terminal's key decoding (`KeyDecoding.event`, what turns each `get_wch`
/// answer into a key) and the widgets that take the keys as typed: a text field, a form,
/// a menu and a table, each drawn into a buffer after every key.
///
/// Input layout: two bytes for the screen's width and height (0...99, so that squeezed
/// sizes come up), then records of five bytes: a flag (bit 0: a function-key code,
/// KEY_CODE_YES) and the code, 32 bits little-endian: any `wint_t` a terminal can send.
@main
enum FuzzKeyDecoder {
    static func main() {
        FuzzDriver.run("fuzz-key-decoder", fuzzKeyDecoder)
    }
}

/// One input: decode every record, hand each key to the widgets, redraw.
@_cdecl("cmscerts_fuzz_key_decoder")
func fuzzKeyDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard bytes.count >= 2 else { return 0 }
    let screen = Size(width: Int(bytes[0]) % 100, height: Int(bytes[1]) % 100)
    var keys: [Key] = []
    var offset = 2
    while bytes.count - offset >= 5 {
        let code = UInt32(bytes[offset + 1]) | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3]) << 16 | UInt32(bytes[offset + 4]) << 24
        if case .key(let key)? = KeyDecoding.event(code: code, isKeyCode: bytes[offset] & 1 == 1) { keys.append(key) }
        offset += 5
    }
    var widgets = WidgetsUnderKeys(screen: screen)
    widgets.press(keys)
    return 0
}

/// The widgets that read typed keys, in one small screen.
struct WidgetsUnderKeys {
    var screen: Size
    var field = TextFieldState("cms1.example.com", maxLength: 64)
    var form = FormState(fields: [
        FormField("CN", text: "cms1.example.com", maxLength: 64, validate: { $0.isEmpty ? "required" : nil }),
        FormField("Passphrase", mask: "*"),
    ])
    var menu = MenuState()
    var table = TableState()
    let items = [MenuItem("Step 1"), MenuItem("Step 2", detail: "CSRs", enabled: false), MenuItem("Step 3")]
    let columns = [TableColumn("Name", width: .min(4)), TableColumn("Days", width: .length(5), alignment: .right)]

    init(screen: Size) { self.screen = screen }

    /// Each key to every widget; the screen drawn after each, as the program loop does.
    mutating func press(_ keys: [Key]) {
        for key in keys {
            _ = key.description
            field.handle(key)
            _ = form.handle(key)
            _ = menu.handle(key, items: items, height: max(0, screen.height - 2))
            let rows = [["a", "1"], [field.text, "22"], [form.fields[0].text, "-3"]]
            if case .char(let c) = key, c == "/" { table.setFilter(field.text) }
            _ = table.handle(key, count: table.visibleRows(rows).count, height: Table.bodyHeight(Rect(size: screen)))
            draw(rows: rows)
        }
    }

    func draw(rows: [[String]]) {
        var buffer = Buffer(size: screen)
        let theme = Theme.builtInDefault
        let w = screen.width, h = screen.height
        TextField(state: field, focused: true, placeholder: "FQDN").render(area: Rect(x: 0, y: 0, width: w, height: 1), buffer: &buffer, theme: theme)
        Form(state: form).render(area: Rect(x: 0, y: 1, width: w, height: max(0, h / 2 - 1)), buffer: &buffer, theme: theme)
        Menu(items: items, state: menu).render(area: Rect(x: 0, y: h / 2, width: w / 2, height: h - h / 2), buffer: &buffer, theme: theme)
        Table(columns: columns, rows: rows, state: table).render(area: Rect(x: w / 2, y: h / 2, width: w - w / 2, height: h - h / 2), buffer: &buffer, theme: theme)
    }
}
