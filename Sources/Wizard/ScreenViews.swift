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

/// What F1 shows of a screen not yet moved to `WizardScreen`.
enum HelpText {
    static func text(for screen: Screen) -> String {
        switch screen {
        case .step2, .step3:
            return """
                Steps 2 and 3 read the plan of a fresh deployment, the same value Step 5 reviews and runs: nothing is made on these screens.
                Step 2 lists every CSR the deployment's certificate strategy gives (per service, one SAN certificate, or a wildcard): where it is made (on a node by pki csr, or here when keys: local), the basename, CN and SANs, the exact command and the services that will use it. ↑/↓ select.
                Step 3 lists the database cluster's steps in the plan's order, node by node: the built-in CA, dbserver and dbclient, the copies, and the cluster made again. ↑/↓ scroll.
                Enter on a Step 2 row edits that certificate: its basename, CN and SANs (comma separated), and where keys are made (on the node by pki csr, or here: for every certificate). Each problem shows at its row by the deployment file's rules; the line under them is the pki csr the plan will type. F10 saves the edit in the deployment file through a review (a service's certificates: entry; for one shared certificate certificate_name, cluster_fqdn and sans); F5 goes back to what the strategy gives; Esc drops the edit. ✎ marks an edited certificate. 5 opens Step 5 with the plan.
                """
        case .deployment:
            return """
                The deployment file Steps 2, 3 and 5 plan from: the CMS release, the domain, how certificates are cut, where keys are made, the subject of every CSR, and each node with its FQDN, address, SSH target, services and database role.
                ↑/↓ or Tab move between fields; type to edit; ←/→ or Space change a choice; on Services ←/→ move and Space ticks. Enter on "+ Add a node" adds one; F8 removes the node you are on.
                Every field is checked as you type by the rules the file loader applies (one primary, 1, 3 or 5 database nodes, webbridge3 on 3.x, ...); the reason shows beside the field and in full under the form.
                F10 checks everything and shows the file to be written on a review screen; y writes it (the old file kept as .previous) and the wizard works on it at once.
                F2 starts a new file in the folder cmscerts was started in; F3 opens another file; F5 drops the changes. On the built-in lab the release and nodes are the lab's and cannot be changed here.
                """
        case .dashboard:
            return """
                The expiry dashboard reads every certificate file of the workspace (and its subfolders) and of every node's MMP folder (through SSH, or the lab), one row per certificate: node, service using it, file, CN, expiry date, days left, status.
                Colours follow the thresholds: warning at 30 days or less, critical at 7, expired past the date; unreadable files are listed with the reason.
                ↑/↓ PgUp/PgDn move. 1 to 7 sort by that column (again reverses). / filters: type, Enter keeps it, Esc clears it. Enter opens the full details of a row. r reads everything again.
                e adds live TLS endpoints, as cmscerts expiry --endpoint takes them (the input starts with those the deployment file lists under endpoints:): host:port[@sni][=cert file], several separated by spaces or commas (a relative cert file is read from the workspace, and the certificate presented is compared with it). Each is probed with a 10 s timeout; its chain joins the table (the endpoint in the Node column, "live" as the service), with the chain's order and a certificate that differs from the configured one in its status. The endpoints stay, probed again by r, until e and an empty input clear them.
                """
        case .apply:
            return """
                Step 5 reads what the nodes hold (read-only), plans a procedure from it and opens on a summary per node: steps, keys made, certificates applied, restarts, what happens to the database cluster, and what is already so (not run). s shows every command that will run and every file it will write, node by node, in the order the executor runs them. ←/→ picks the procedure: fresh deployment, renewal under the same names, renewal under new names, expired database certificates. A procedure that would overwrite what a live service uses is refused, with the reason; on an estate that already holds what the deployment file wants there is nothing to run.
                y or F10 runs exactly that plan, nodes in parallel where the order allows; progress shows per node. Every step goes to a journal beside the deployment file (.cmscerts/runs). One run at a time: another run on the same deployment (the command line's too) is refused while this one holds it.
                When the run waits for files (certificates your CA signs), place them in the workspace and press r: each is checked against its CSR and the CA bundle before anything is sent, and the run resumes from its journal, skipping what is done. After a failure, the node, the command and its output are shown: fix the cause, then r resumes the same way. A run left open opens here again the next time cmscerts starts.
                q (after asking), Ctrl-C or a signal during a run stop it at a step boundary: the steps running end and are journaled; r, or cmscerts apply <deployment.yaml> --resume <run id>, goes on.
                """
        case .bundles:
            return """
                Bundles: pick the files (Space) among the workspace folder and its subfolders; the chain is drawn top to bottom: the entity, the intermediates, the root, each with the issuer that signed it.
                A missing issuer, duplicates, strangers (certificates of another chain) and keys are named. A picked file that is already a bundle, and the output file when it exists, are checked against every bundle rule.
                m switches between a full chain (webbridge3, CMS 3.x) and a CA bundle (no entity). Tab goes to the output name. PgUp/PgDn scroll the chain. r reads the folder again. Enter or F10 opens the review.
                """
        case .home, .csr, .review, .themes, .troubleshoot, .verify:
            return ""
        }
    }
}
