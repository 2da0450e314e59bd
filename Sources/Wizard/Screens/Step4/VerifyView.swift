import Foundation
import TerminalUI

/// Step 4 on screen: the files on the left, the checks of the one chosen on the right,
/// each passed (✓) or failed (✗) with the reason, then the full inspect text and chain.
enum VerifyView {
    /// Where the parts go in the screen's `area`: the source selector, the location, the
    /// files' box and the list inside it, the checks' box. The view draws by it and the keys
    /// page the list by it, so that they move it as it shows.
    static func layout(_ area: Rect) -> (sources: Rect, location: Rect, files: Rect, list: Rect, checks: Rect) {
        let parts = Layout.vertical([.length(1), .length(1), .fill(1)]).split(area)
        let cols = Layout.horizontal([.length(30), .fill(1)], spacing: 1).split(parts[2])
        return (parts[0], parts[1], cols[0], Block().inner(cols[0]), cols[1])
    }

    static func items(_ v: VerifyState) -> [MenuItem] {
        let bundle = v.bundle(for: v.selectedFile)?.file
        switch v.source {
        case .here:
            return (v.files ?? []).map { MenuItem($0.relativePath, detail: $0.relativePath == bundle ? "bundle" : "") }
        case .node:
            let listing = v.nodeListing
            return v.names.map { name in
                // The bundle in use, else the first service using the file.
                let users = listing?.services(using: name) ?? []
                return MenuItem(name, detail: name == bundle ? "bundle" : users.first.map { String($0.split(separator: " ")[0]) } ?? "")
            }
        }
    }

    /// The line under the body: what the checks do to the source shown.
    static func footnote(_ v: VerifyState) -> String {
        switch v.source {
        case .here: return "The same checks as the MMP's pki inspect, match and verify. Nothing is written."
        case .node(let node): return "Keys never leave \(node): its own pki match pairs them. Nothing changes there."
        }
    }

    /// The sources Step 4 offers: the workspace, then each node of the estate.
    static func sources(_ s: WizardState) -> [VerifySource] {
        [.here] + (s.context.apply?.deployment.nodes ?? []).map { .node($0.name) }
    }

    /// The source selector: every source, the one shown between ◀ ▶ (the same width either way).
    static func sourceSpans(_ s: WizardState, sources: [VerifySource]) -> [Span] {
        var spans = [Span("Files ", style: s.theme[.title])]
        for source in sources {
            spans.append(source == s.verify.source ? Span("◀ \(source.name) ▶", style: s.theme[.inputFocused]) : Span("  \(source.name)  ", style: s.theme[.muted]))
        }
        return spans
    }

    /// Where the files are and the bundle certificates are verified against.
    static func location(_ s: WizardState) -> String {
        let v = s.verify
        let bundle = v.bundle(for: v.selectedFile)
        switch v.source {
        case .here:
            return "Folder: \(s.context.workspaceDirectory) · CA bundle: \(bundle?.file ?? "none (b picks one)")"
        case .node(let name):
            let node = s.context.apply?.deployment.nodes.first { $0.name == name }
            let way = s.context.apply?.deployment.lab != nil ? "the lab" : node.map { $0.ssh.command } ?? "ssh"
            let used = bundle.map { $0.file + ($0.picked ? " (picked)" : " (in use)") } ?? "none (b picks one)"
            return "\(node?.fqdn ?? name), by \(way) · CA bundle: \(used)"
        }
    }

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        let v = s.verify
        let places = layout(area)
        let top = places.sources, line = places.location
        b.write(sourceSpans(s, sources: sources(s)), x: top.x, y: top.y, clip: top)
        b.write(location(s).truncated(toWidth: line.width), x: line.x, y: line.y, style: theme[.muted], clip: line)
        let filesBlock = Block(title: v.source == .here ? "Files here" : "Files on " + v.source.name, role: .focused)
        filesBlock.render(area: places.files, buffer: &b, theme: theme)
        let listArea = places.list
        let error = v.source == .here ? v.listError : v.nodeError
        let loaded = v.source == .here ? v.files != nil : v.nodeListing != nil
        if let error {
            var t = TextLines(width: listArea.width, theme: theme)
            t.add("✗ " + error, .error, indent: 2)
            if v.source != .here { t.add("r tries again", .muted) }
            t.render(area: listArea, buffer: &b)
        } else if !loaded {
            b.write(v.source == .here ? "Reading…" : "Reading pki list…", x: listArea.x, y: listArea.y, style: theme[.muted], clip: listArea)
        } else if v.names.isEmpty {
            var t = TextLines(width: listArea.width, theme: theme)
            t.add(v.source == .here ? "No certificate, key or CSR here yet." : "No certificate, key or CSR on \(v.source.name).", .muted)
            t.render(area: listArea, buffer: &b)
        } else {
            Menu(items: items(v), state: v.list).render(area: listArea, buffer: &b, theme: theme)
        }
        let resultBlock = Block(title: v.result.map { "Checks of " + $0.label } ?? "Checks", role: .border)
        resultBlock.render(area: places.checks, buffer: &b, theme: theme)
        let inner = resultBlock.inner(places.checks)
        var t = TextLines(width: inner.width, theme: theme)
        if let file = v.checking {
            t.add(v.source == .here ? "Checking \(file)…" : "Checking \(file) on \(v.source.name)…", .muted)
        } else if let result = v.result {
            for check in result.checks {
                t.add(check.summary, check.passed ? .ok : .error, indent: 11, prefix: (check.passed ? "✓ " : "✗ ") + check.name.padded(toWidth: 9))
            }
            for check in result.checks where !check.detail.isEmpty {
                t.blank()
                t.add(spans: [Span(check.name, style: theme[.header])])
                for line in check.detail.split(separator: "\n").map(String.init) {
                    // "Name   : value" rows keep their column; indented rows keep their indent.
                    if let colon = line.range(of: " : ") {
                        let name = line[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
                        let width = min(20, max(12, inner.width * 2 / 5))
                        t.add(String(line[colon.upperBound...]), .normal, indent: width + 1, prefix: name.truncated(toWidth: width).padded(toWidth: width) + " ")
                    } else {
                        let lead = line.prefix { $0 == " " }.count
                        t.add(line.trimmingCharacters(in: .whitespaces), .normal, indent: lead + 2, prefix: String(repeating: " ", count: lead))
                    }
                }
            }
        } else {
            t.add("Enter checks the file selected:", .normal)
            t.add("inspect: subject, SANs, validity, key, usages, fingerprint;", .muted, indent: 2, prefix: "  ")
            t.add("match: the key of the same basename belongs to it;", .muted, indent: 2, prefix: "  ")
            t.add("verify: a certificate chains to a root of the CA bundle.", .muted, indent: 2, prefix: "  ")
            if v.source == .here {
                t.add("Nothing is written.", .muted)
            } else {
                t.add("Certificates and bundles are fetched to a private temporary folder, removed after; a key never leaves the node: pki match runs there.", .muted)
            }
        }
        t.render(area: inner, buffer: &b, scroll: v.scroll)
    }
}
