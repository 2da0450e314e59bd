// tui-demo: every TerminalUI widget on the real terminal, for trying themes by eye and for
// the backend's tmux tests (keys, wide characters, resize, restore on signals).
//
//   tui-demo [--theme NAME] [--themes DIR] [--rows N]   (--rows: a table of N made-up rows)
import Foundation
import NcursesBackend
import TerminalUI

struct Gallery: Program {
    enum Page: Int, CaseIterable {
        case form, table, checklist, progress
        var title: String { ["Form", "Table", "Checklist", "Progress"][rawValue] }
    }

    struct State {
        var size = Size.standard
        var theme: Theme
        var themes: [Theme]
        var menu = MenuState()
        var inPage = false
        var form = FormState(fields: [
            FormField("Basename", placeholder: "callbridge", validate: { $0.isEmpty ? "required" : ($0.contains(" ") ? "no spaces" : nil) }),
            FormField("CN", placeholder: "cms.example.com", validate: { $0.isEmpty ? "required" : nil }),
            FormField("Passphrase", mask: "*"),
        ])
        var table = TableState()
        var rows: [[String]] = Gallery.rows
        var checklist = ChecklistState()
        var spinner = SpinnerState()
        var progress = 0.0
        var working = false
        var dialog: DialogState?
        var lastKey = "none"
    }

    enum Message: Sendable {
        case event(TerminalEvent)
        case tick
        case progress(Double)
        case finished
    }

    static let rows: [[String]] = [
        ["callbridge", "cms1.example.com", "88"], ["webadmin", "cms1.example.com", "12"],
        ["xmpp", "cms2.example.com", "365"], ["dbserver", "db.example.com", "3"],
        ["dbclient", "cms3.example.com", "40"], ["会議", "日本.example.jp", "200"],
    ]
    static let columns = [TableColumn("Name", width: .length(12)), TableColumn("Host", width: .fill(1)), TableColumn("Days", width: .length(5), alignment: .right)]
    static let items = ["callbridge", "webbridge3", "xmpp", "dbserver", "dbclient"]

    func message(for event: TerminalEvent) -> Message? { .event(event) }

    func bindings(_ s: State) -> [KeyBinding] {
        if s.dialog != nil { return [KeyBinding([.left, .right], label: "←→", help: "choose"), .choose, KeyBinding(.esc, help: "cancel")] }
        if !s.inPage { return [.move, .choose, KeyBinding(.char("t"), help: "theme"), .quit] }
        switch Page(rawValue: s.menu.selected)! {
        case .form: return [.nextField, KeyBinding(.enter, help: "next/submit"), .back]
        case .table: return [.move, KeyBinding(.char("s"), help: "sort"), .back]
        case .checklist: return [.move, .toggle, KeyBinding(.char("a"), help: "all"), .back]
        case .progress: return [KeyBinding(.enter, help: "start"), .back]
        }
    }

    func update(_ s: inout State, _ message: Message) -> [Command<Message>] {
        switch message {
        case .tick:
            guard s.working else { return [] }
            s.spinner.advance()
            return [.after(0.1, .tick)]
        case .progress(let p):
            s.progress = p
            return []
        case .finished:
            s.working = false
            return []
        case .event(.resize(let size)):
            s.size = size
            return []
        case .event(.key(let key)):
            s.lastKey = key.description
            if key == .ctrl("c") { return [.quit] }
            if var d = s.dialog {
                let answer = d.handle(key)
                s.dialog = answer == nil ? d : nil
                return answer == .yes ? [.quit] : []
            }
            if !s.inPage {
                let items = Page.allCases.map { MenuItem($0.title) }
                if s.menu.handle(key, items: items) { return [] }
                switch key {
                case .enter: s.inPage = true
                case .char("q"): s.dialog = DialogState()
                case .char("t"):
                    let i = s.themes.firstIndex(of: s.theme) ?? -1
                    s.theme = s.themes[(i + 1) % s.themes.count]
                default: break
                }
                return []
            }
            if key == .esc { s.inPage = false; return [] }
            switch Page(rawValue: s.menu.selected)! {
            case .form: _ = s.form.handle(key)
            case .table:
                if key == .char("s") { s.table.sort(by: ((s.table.sortColumn ?? -1) + 1) % 3) } else {
                    s.table.handle(key, count: s.table.visibleRows(s.rows).count, height: max(1, s.size.height - 6))
                }
            case .checklist: s.checklist.handle(key, count: Self.items.count)
            case .progress:
                guard key == .enter, !s.working else { return [] }
                s.working = true
                s.progress = 0
                return [
                    .run { send in
                        for i in 1...20 {
                            usleep(50_000)
                            send(.progress(Double(i) / 20))
                        }
                        send(.finished)
                    },
                    .after(0.1, .tick),
                ]
            }
            return []
        }
    }

    func view(_ s: State, size: Size) -> Buffer {
        let theme = s.theme
        var b = Buffer(size: size, style: theme[.normal])
        let rows = Layout.vertical([.length(1), .fill(1), .length(1), .length(1)]).split(b.area)
        StatusLine(left: " TerminalUI gallery — 証明書", right: "theme: \(theme.name) ", role: .title).render(area: rows[0], buffer: &b, theme: theme)
        let cols = Layout.horizontal([.length(16), .fill(1)], spacing: 1).split(rows[1])
        let menu = Block(title: "Pages", role: s.inPage ? .border : .focused)
        menu.render(area: cols[0], buffer: &b, theme: theme)
        Menu(items: Page.allCases.map { MenuItem($0.title) }, state: s.menu).render(area: menu.inner(cols[0]), buffer: &b, theme: theme)
        let page = Page(rawValue: s.menu.selected)!
        let block = Block(title: page.title, role: s.inPage ? .focused : .border)
        block.render(area: cols[1], buffer: &b, theme: theme)
        let inner = block.inner(cols[1])
        switch page {
        case .form:
            var form = s.form
            if !s.inPage { form.focus = -1 }
            Form(state: form, inputWidth: 20).render(area: inner, buffer: &b, theme: theme)
        case .table:
            Table(columns: Self.columns, rows: s.rows, state: s.table).render(area: inner, buffer: &b, theme: theme)
        case .checklist:
            Checklist(items: Self.items, state: s.checklist).render(area: inner, buffer: &b, theme: theme)
        case .progress:
            let parts = Layout.vertical([.length(1), .length(1)], spacing: 1).split(inner)
            ProgressBar(ratio: s.progress).render(area: parts[0], buffer: &b, theme: theme)
            if s.working { Spinner(state: s.spinner, label: "Working…").render(area: parts[1], buffer: &b, theme: theme) }
            else if s.progress >= 1 { Paragraph("Done.", role: .ok).render(area: parts[1], buffer: &b, theme: theme) }
        }
        StatusLine(left: " last key: \(s.lastKey)", right: "\(size) ").render(area: rows[2], buffer: &b, theme: theme)
        HelpBar(bindings(s)).render(area: rows[3], buffer: &b, theme: theme)
        if let d = s.dialog {
            Dialog(title: "Quit", message: "Leave the gallery?", state: d).render(area: b.area, buffer: &b, theme: theme)
        }
        return b
    }
}

var themeName: String?
var folders = ["themes"]
var rowCount: Int?
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--theme": themeName = args.next()
    case "--themes": folders = [args.next() ?? "themes"]
    case "--rows": rowCount = args.next().flatMap { Int($0) }
    default:
        FileHandle.standardError.write(Data("usage: tui-demo [--theme NAME] [--themes DIR] [--rows N]\n".utf8))
        exit(2)
    }
}
do {
    let catalog = ThemeCatalog(folders: folders)
    let theme = try catalog.select(named: themeName)
    let themes = catalog.available().compactMap { try? catalog.load(named: $0.name) }
    var state = Gallery.State(theme: theme, themes: themes.isEmpty ? [theme] : themes)
    if let rowCount {
        state.rows = (0..<rowCount).map { ["host\($0)", "cms\($0 % 3 + 1).example.com", "\($0 % 400)"] }
    }
    let final = try run(Gallery(), state: state)
    print("bye: last key \(final.lastKey)")
} catch {
    FileHandle.standardError.write(Data("tui-demo: \(error)\n".utf8))
    exit(1)
}
