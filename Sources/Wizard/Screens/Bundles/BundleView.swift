import PKI
import TerminalUI

/// The bundle screen: the file picker, the chain top to bottom with every problem, the
/// mode and the output name.
enum BundleView {
    /// Rows of the file list at `size`, so that update moves the selection as the screen shows it.
    static func listHeight(_ size: Size) -> Int { max(1, size.height - 3 - 4 - 2) }

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        let st = s.bundles
        let parts = Layout.vertical([.length(1), .fill(1), .length(1), .length(1), .length(1)]).split(area)
        b.write(("Folder: " + s.context.workspaceDirectory + " and subfolders").truncated(toWidth: parts[0].width), x: parts[0].x, y: parts[0].y, style: theme[.muted], clip: parts[0])
        let cols = Layout.horizontal([.length(30), .fill(1)], spacing: 1).split(parts[1])
        let filesBlock = Block(title: "Files (Space picks)", role: st.focus == .files ? .focused : .border)
        filesBlock.render(area: cols[0], buffer: &b, theme: theme)
        let listArea = filesBlock.inner(cols[0])
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
        chainBlock.render(area: cols[1], buffer: &b, theme: theme)
        let chainArea = chainBlock.inner(cols[1])
        chainLines(st, width: chainArea.width, theme: theme).render(area: chainArea, buffer: &b, scroll: st.scroll)
        // Mode, output, and why review was refused.
        let full = st.mode == .fullChain
        b.write([Span("Mode    ", style: theme[.normal]),
                 Span(full ? "(•) full chain" : "( ) full chain", style: full ? theme[.focused] : theme[.muted]),
                 Span("   "),
                 Span(full ? "( ) CA bundle" : "(•) CA bundle", style: full ? theme[.muted] : theme[.focused]),
                 Span("   m switches", style: theme[.muted])], x: parts[2].x, y: parts[2].y, clip: parts[2])
        let out = parts[3]
        b.write("Output", x: out.x, y: out.y, style: st.focus == .output ? theme[.focused] : theme[.normal], clip: out)
        let field = Rect(x: out.x + 8, y: out.y, width: min(30, max(0, out.width - 8)), height: 1)
        TextField(state: st.output, focused: st.focus == .output).render(area: field, buffer: &b, theme: theme)
        let nameProblem = outputProblem(st.output.text)
        if let nameProblem {
            b.write(("✗ " + nameProblem).truncated(toWidth: max(0, out.right - field.right - 1)), x: field.right + 1, y: out.y, style: theme[.error], clip: out)
        }
        if let error = st.submitError {
            b.write(("✗ " + error).truncated(toWidth: parts[4].width), x: parts[4].x, y: parts[4].y, style: theme[.error], clip: parts[4])
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
