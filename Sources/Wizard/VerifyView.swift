import Foundation
import TerminalUI

/// Step 4 on screen: the files on the left, the checks of the one chosen on the right,
/// each passed (✓) or failed (✗) with the reason, then the full inspect text and chain.
enum VerifyView {
    /// Rows of the file list at `size`.
    static func listHeight(_ size: Size) -> Int { max(1, size.height - 3 - 1 - 2) }

    static func items(_ v: VerifyState) -> [MenuItem] {
        (v.files ?? []).map { MenuItem($0.relativePath, detail: $0.relativePath == v.bundle ? "bundle" : "") }
    }

    static func bindings(_ v: VerifyState) -> [KeyBinding] {
        [.move, KeyBinding(.enter, help: "check"), KeyBinding(.char("b"), help: "use as CA bundle"),
         KeyBinding([.pageUp, .pageDown], label: "PgUp/Dn", help: "result"), KeyBinding(.char("r"), help: "reread"),
         KeyBinding(.esc, help: "home"), .help, .quit]
    }

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        let v = s.verify
        let parts = Layout.vertical([.length(1), .fill(1)]).split(area)
        let head = "Folder: \(s.context.workspaceDirectory) · CA bundle: \(v.bundle ?? "none (b picks one)")"
        b.write(head.truncated(toWidth: parts[0].width), x: parts[0].x, y: parts[0].y, style: theme[.muted], clip: parts[0])
        let cols = Layout.horizontal([.length(30), .fill(1)], spacing: 1).split(parts[1])
        let filesBlock = Block(title: "Files", role: .focused)
        filesBlock.render(area: cols[0], buffer: &b, theme: theme)
        let listArea = filesBlock.inner(cols[0])
        if let error = v.listError {
            var t = TextLines(width: listArea.width, theme: theme)
            t.add("✗ " + error, .error, indent: 2)
            t.render(area: listArea, buffer: &b)
        } else if v.files == nil {
            b.write("Reading…", x: listArea.x, y: listArea.y, style: theme[.muted], clip: listArea)
        } else if v.files?.isEmpty == true {
            var t = TextLines(width: listArea.width, theme: theme)
            t.add("No certificate, key or CSR here yet.", .muted)
            t.render(area: listArea, buffer: &b)
        } else {
            Menu(items: items(v), state: v.list).render(area: listArea, buffer: &b, theme: theme)
        }
        let resultBlock = Block(title: v.result.map { "Checks of " + $0.file } ?? "Checks", role: .border)
        resultBlock.render(area: cols[1], buffer: &b, theme: theme)
        let inner = resultBlock.inner(cols[1])
        var t = TextLines(width: inner.width, theme: theme)
        if let result = v.result {
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
            t.add("Nothing is written.", .muted)
        }
        t.render(area: inner, buffer: &b, scroll: v.scroll)
    }
}
