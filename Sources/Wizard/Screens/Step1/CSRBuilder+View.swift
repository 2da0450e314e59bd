import PKI
import TerminalUI

/// Step 1 on screen: the fields with their reasons beside them, the key type, and the
/// live preview of the `pki csr` line, the subject and the SANs.
extension CSRBuilder {
    static let hints = [
        "Letters, digits, - and _ only: it names <basename>.key and <basename>.csr. Use a NEW basename to renew: pki csr over a live key breaks its service.",
        "The server's FQDN, or a wildcard such as *.example.com.",
        "Optional organisational unit, up to 64 characters; spaces allowed (quoted in the line).",
        "Optional organisation, up to 64 characters; spaces allowed (quoted in the line).",
        "Optional state or province, up to 64 characters.",
        "Optional locality (city), up to 64 characters.",
        "Optional two-letter ISO 3166 country code, upper-case: GB, US, FR.",
        "Optional subjectAltName: comma-separated, no spaces, no DNS: prefix; DNS names, IP or e-mail addresses.",
        "←/→ to change. CMS's own pki csr makes RSA 2048; every choice is signed with SHA-256.",
    ]

    func render(area: Rect, buffer b: inout Buffer, _ s: WizardState) {
        let theme = s.theme
        let csr = self
        let parts = Layout.vertical([.length(1), .length(CSRBuilder.labels.count), .length(1), .length(1), .length(2), .fill(1)]).split(area)
        b.write(("Folder: " + s.context.workspaceDirectory).truncated(toWidth: parts[0].width), x: parts[0].x, y: parts[0].y, style: theme[.muted], clip: parts[0])
        var form = csr.form
        form.focus = csr.focus < CSRBuilder.keyTypeRow ? csr.focus : -1
        Form(state: form, inputWidth: 30).render(area: parts[1], buffer: &b, theme: theme)
        // The key type, a choice rather than text.
        let keyRow = parts[2]
        let keyFocused = csr.focus == CSRBuilder.keyTypeRow
        b.write("Key type", x: keyRow.x, y: keyRow.y, style: keyFocused ? theme[.focused] : theme[.normal], clip: keyRow)
        b.write("◀ " + csr.keyType.displayName + " ▶", x: keyRow.x + 9, y: keyRow.y, style: keyFocused ? theme[.inputFocused] : theme[.input], clip: keyRow)
        // The focused row: its whole reason, or what it takes.
        var detail = TextLines(width: parts[4].width, theme: theme)
        if let error = csr.submitError {
            detail.add("✗ " + error, .error, indent: 2)
        } else if csr.focus < CSRBuilder.keyTypeRow, let error = csr.form.fields[csr.focus].error,
                  csr.form.fields[csr.focus].input.touched || csr.form.showAllErrors {
            detail.add("✗ " + CSRBuilder.labels[csr.focus] + ": " + error, .error, indent: 2)
        } else {
            detail.add(Self.hints[min(csr.focus, Self.hints.count - 1)], .muted, indent: 2)
        }
        detail.render(area: parts[4], buffer: &b)
        // The preview.
        var p = TextLines(width: parts[5].width, theme: theme)
        switch csr.spec {
        case .success(let spec):
            p.add(spans: [Span("The line, as the MMP takes it:", style: theme[.header])])
            p.add(spec.mmpCommand(), .ok, indent: 4)
            // Notes first: the CN added to the SANs must be said even when the list is long.
            for note in spec.notes { p.add(note, .warning, indent: 6, prefix: "Note: ") }
            p.add(spec.subject.entries.map { "\($0.0)=\($0.1)" }.joined(separator: ", "), .normal, indent: 9, prefix: "Subject  ")
            if spec.subjectAltNames.isEmpty {
                p.add("none (XMPP clients reject a certificate without SANs)", .warning, indent: 9, prefix: "SANs     ")
            } else {
                p.add(spec.subjectAltNames.map(\.typedValue).joined(separator: ", "), .normal, indent: 9, prefix: "SANs     ")
            }
            p.add("\(spec.keyFileName) (0600) and \(spec.csrFileName), \(csr.keyType.displayName), SHA-256", .muted, indent: 9, prefix: "Writes   ")
        case .failure:
            p.add(spans: [Span("The line so far (incomplete: fix the fields marked ✗):", style: theme[.header])])
            p.add(csr.draftCommand, .muted, indent: 4)
        }
        p.render(area: parts[5], buffer: &b)
    }
}
