import PKI
import TerminalUI

/// The bundle screen: the file picker, the chain top to bottom with every problem, the
/// mode and the output name.
enum BundleView {
    /// Where the parts go in the screen's `area`: the folder line, the file picker's box and
    /// the list inside it, the chain's box, the mode, the output and the refusal. The view
    /// draws by it and the keys page the list by it, so that they move it as it shows.
    static func layout(_ area: Rect) -> (folder: Rect, files: Rect, list: Rect, chain: Rect, mode: Rect, output: Rect, refusal: Rect) {
        let parts = Layout.vertical([.length(1), .fill(1), .length(1), .length(1), .length(1)]).split(area)
        let cols = Layout.horizontal([.length(30), .fill(1)], spacing: 1).split(parts[1])
        return (parts[0], cols[0], Block().inner(cols[0]), cols[1], parts[2], parts[3], parts[4])
    }

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        let st = s.bundles
        let places = layout(area)
        let folder = places.folder
        b.write(("Folder: " + s.context.workspaceDirectory + " and subfolders").truncated(toWidth: folder.width), x: folder.x, y: folder.y, style: theme[.muted], clip: folder)
        let filesBlock = Block(title: "Files (Space picks)", role: st.focus == .files ? .focused : .border)
        filesBlock.render(area: places.files, buffer: &b, theme: theme)
        let listArea = places.list
        if let files = st.files {
            if files.isEmpty {
                var t = TextLines(width: listArea.width, theme: theme)
                t.add(st.listError.map { "✗ " + $0 } ?? "No certificate files here. Put them in the folder and press r.", st.listError == nil ? .muted : .error)
                t.render(area: listArea, buffer: &b)
            } else {
                var list = st.list
                if st.focus != .files { list.selected = -1 }
                Checklist(items: files.map(\.relativePath), state: list).render(area: listArea, buffer: &b, theme: theme)
            }
        } else {
            b.write("Reading the folder…", x: listArea.x, y: listArea.y, style: theme[.muted], clip: listArea)
        }
        let modeName = st.mode == .fullChain ? "full chain" : "CA bundle"
        let chainBlock = Block(title: "Chain, top to bottom (\(modeName))", role: .border)
        chainBlock.render(area: places.chain, buffer: &b, theme: theme)
        let chainArea = chainBlock.inner(places.chain)
        chainLines(st, width: chainArea.width, theme: theme).render(area: chainArea, buffer: &b, scroll: st.scroll)
        // Mode, output, and why review was refused.
        let full = st.mode == .fullChain
        b.write([Span("Mode    ", style: theme[.normal]),
                 Span(full ? "(•) full chain" : "( ) full chain", style: full ? theme[.focused] : theme[.muted]),
                 Span("   "),
                 Span(full ? "( ) CA bundle" : "(•) CA bundle", style: full ? theme[.muted] : theme[.focused]),
                 Span("   m switches", style: theme[.muted])], x: places.mode.x, y: places.mode.y, clip: places.mode)
        let out = places.output
        b.write("Output", x: out.x, y: out.y, style: st.focus == .output ? theme[.focused] : theme[.normal], clip: out)
        let field = Rect(x: out.x + 8, y: out.y, width: min(30, max(0, out.width - 8)), height: 1)
        TextField(state: st.output, focused: st.focus == .output).render(area: field, buffer: &b, theme: theme)
        let nameProblem = outputProblem(st.output.text)
        if let nameProblem {
            b.write(("✗ " + nameProblem).truncated(toWidth: max(0, out.right - field.right - 1)), x: field.right + 1, y: out.y, style: theme[.error], clip: out)
        }
        if let error = st.submitError {
            let refusal = places.refusal
            b.write(("✗ " + error).truncated(toWidth: refusal.width), x: refusal.x, y: refusal.y, style: theme[.error], clip: refusal)
        }
    }

    /// The output name's problem, checked as typed (the engine says it again at review).
    static func outputProblem(_ name: String) -> String? {
        let t = name.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return "give a file name" }
        if t.contains(" ") { return "no spaces" }
        if !(t.hasSuffix(".pem") || t.hasSuffix(".cer") || t.hasSuffix(".crt")) { return "end it .pem, .cer or .crt" }
        return nil
    }

    static func chainLines(_ st: BundleScreenState, width: Int, theme: Theme) -> TextLines {
        var t = TextLines(width: width, theme: theme)
        if st.picked.isEmpty {
            t.add("Pick the files with Space: the server's certificate, its intermediates and its root, in any order, in one file or several. Keys and CSRs are left out.", .muted)
            return t
        }
        guard st.isCurrent, let a = st.analysis else {
            t.add("Reading the certificates…", .muted)
            return t
        }
        if let error = a.error {
            t.add("✗ " + error, .error, indent: 2)
        }
        for (i, link) in a.chain.enumerated() {
            t.add(spans: [Span("\(i + 1) ", style: theme[.normal]), Span(link.position.padded(toWidth: 13), style: theme[.header]),
                          Span(link.subject + (link.position == "root" ? " (self-signed)" : ""), style: theme[.normal])])
            t.add(link.location, .muted, indent: 6, prefix: "    from ")
            if i + 1 < a.chain.count {
                t.add(a.chain[i + 1].subject, .ok, indent: 6, prefix: "  ↑ issued by ")
            } else if let missing = a.missingIssuer {
                t.add(missing, .error, indent: 6, prefix: "  ✗ issued by ")
                t.add("missing: no file picked holds this issuer; add it and its issuers up to the root", .error, indent: 4, prefix: "    ")
            }
        }
        for d in a.duplicates { t.add(d, .warning, indent: 4, prefix: "Duplicate: ") }
        for x in a.strangers { t.add(x, .warning, indent: 4, prefix: "Stranger: ") }
        for x in a.leftOut { t.add(x, .muted, indent: 4, prefix: "Left out: ") }
        for w in a.warnings { t.add(w, .warning, indent: 4, prefix: "⚠ ") }
        for check in a.checks {
            if check.issues.isEmpty {
                t.add("\(check.file) as it is follows every bundle rule", .ok, indent: 4, prefix: "Check: ")
            } else {
                t.add("\(check.file) as it is breaks \(check.issues.count) rule\(check.issues.count == 1 ? "" : "s"):", .error, indent: 4, prefix: "Check: ")
                for issue in check.issues { t.add(issue, .error, indent: 4, prefix: "  ") }
            }
        }
        return t
    }
}
