import PKI
import TerminalUI

/// The review drawn: exactly the files to be written and the commands to be run, then
/// the result or the error.
extension ReviewState {
    func render(area: Rect, buffer b: inout Buffer, _ app: WizardState) {
        let theme = app.theme
        let r = self
        let op = r.operation
        var t = TextLines(width: area.width, theme: theme)
        switch r.phase {
        case .waiting, .running:
            t.add(r.title + ": nothing has been written yet.", .title)
            let folders = Set(op.writes.map { Self.parentFolder($0.path) })
            if folders.count == 1, let folder = folders.first { t.add(folder, .normal, indent: 4, prefix: "In ") }
            t.blank()
            t.add(spans: [Span("Files to be written", style: theme[.header])])
            t.add(spans: [Span("  " + "File".padded(toWidth: 22) + "What".padded(toWidth: 34) + "Mode".padded(toWidth: 6) + "Replaces", style: theme[.muted])])
            for w in op.writes {
                let name = folders.count == 1 ? lastPathComponent(w.path) : w.path
                let line = "  " + name.padded(toWidth: 21) + " " + w.what.truncated(toWidth: 33).padded(toWidth: 34) + w.modeText.padded(toWidth: 6) + (w.replaces ? "yes" : "no")
                t.add(spans: [Span(line, style: w.replaces ? theme[.warning] : theme[.normal])])
                // What lands on disk is what is shown: the start of its bytes' SHA-256.
                if !w.digest.isEmpty { t.add(spans: [Span("    SHA-256 " + String(w.digest.prefix(Self.digestShown)) + "…", style: theme[.muted])]) }
                if CharacterWidth.of(name) > 21 || CharacterWidth.of(w.what) > 33 {
                    t.add(w.path + ": " + w.what, .muted, indent: 6, prefix: "    ")
                }
            }
            t.blank()
            t.add(spans: [Span("Commands to be run", style: theme[.header])])
            t.add(op.command, .ok, indent: 4, prefix: "  ")
            for note in op.notes { t.add(note, .warning, indent: 6, prefix: "Note: ") }
            let footer: TextLines
            if r.isRunning {
                var f = TextLines(width: area.width, theme: theme)
                f.add("\(Spinner.dots[r.spinner.tick % Spinner.dots.count]) Working: generating and writing…", .progress)
                footer = f
            } else {
                var f = TextLines(width: area.width, theme: theme)
                f.add("Press y or F10 to write these files. Esc goes back and writes nothing.", .focused)
                footer = f
            }
            let parts = Layout.vertical([.fill(1), .length(footer.rows.count)]).split(area)
            t.render(area: parts[0], buffer: &b, scroll: r.scroll)
            footer.render(area: parts[1], buffer: &b)
            return
        case .done(let result):
            t.add("✓ Done.", .ok)
            for m in result.messages { t.add(m, .normal, indent: 2, prefix: "  ") }
            t.blank()
            t.add(spans: [Span("Written", style: theme[.header])])
            for w in result.written { t.add(w, .normal, indent: 4, prefix: "  ") }
            for backup in result.backups { t.add(backup, .warning, indent: 4, prefix: "  backup kept: ") }
            for note in result.notes { t.add(note, .warning, indent: 6, prefix: "Note: ") }
            t.blank()
            t.add(r.saving == nil ? "Enter goes home." : "Enter goes back, on the file written.", .focused)
        case .failed(let message):
            // The wizard never replaces a key: the command line's way round is no way on here.
            let shown = message.replacingOccurrences(of: ", or pass --replace to keep the old key as a backup", with: "")
            t.add("✗ Failed: " + shown, .error, indent: 2)
            t.blank()
            t.add("Esc goes back to change it and try again; Enter goes home.", .focused)
        }
        t.render(area: area, buffer: &b, scroll: r.scroll)
    }

    /// Hex digits of a write's SHA-256 the review shows.
    static let digestShown = 12

    static func parentFolder(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
