import TerminalUI

/// The home screen drawn: the estate, then the menu of steps with their state, then what
/// the entry selected does.
extension HomeScreen {
    static func items(_ s: WizardState) -> [MenuItem] {
        let step1 = s.step1Result ?? (s.csr.isDirty ? "draft, not written" : "ready")
        let bundles = s.bundleResult ?? (s.bundles.isDirty ? "files picked, not written" : "ready")
        return [
            MenuItem("Step 1   CSR builder: a key and CSR, pki csr syntax", detail: step1),
            MenuItem("Step 2   CSRs per service", detail: s.context.apply == nil ? "needs a valid deployment" : "the plan's CSRs", enabled: s.context.apply != nil),
            MenuItem("Step 3   Database cluster and built-in CA", detail: s.context.apply == nil ? "needs a valid deployment" : "the sequence", enabled: s.context.apply != nil),
            MenuItem("Step 4   Verification: inspect, match, verify", detail: s.verify.result.map { r in r.passed ? "\(r.label) passed" : "\(r.label) failed" } ?? "ready"),
            MenuItem("Step 5   Applying certificates to services", detail: s.context.apply == nil ? "needs a valid deployment" : ApplyView.homeDetail(s.apply),
                     enabled: s.context.apply != nil),
            MenuItem("Fix      troubleshooting: expired or renewing certificates", detail: s.context.apply == nil ? "needs a valid deployment" : "3 flows",
                     enabled: s.context.apply != nil),
            MenuItem("Bundles  chain in CMS order, checks, write", detail: bundles),
            MenuItem("Expiry   dashboard: every certificate, files and nodes", detail: s.dashboard.rows.map { "\($0.count) certificates" } ?? "ready"),
            MenuItem("Estate   deployment file: open, create, edit", detail: deploymentDetail(s)),
            MenuItem("Theme    colours", detail: s.theme.name),
            MenuItem("Help", detail: "F1 or ?"),
            MenuItem("Quit", detail: "q"),
        ]
    }

    static func deploymentDetail(_ s: WizardState) -> String {
        if s.deploymentForm?.isDirty == true { return "changes not saved" }
        switch s.context.source {
        case .lab: return "the lab's file"
        case .deployment(let path, _): return lastPathComponent(path)
        case .brokenDeployment: return "cannot be read: fix it here"
        }
    }

    static func describe(_ entry: Entry) -> String {
        switch entry {
        case .step1: return "Make a private key and a CSR as the MMP's pki csr does, every Step 1 rule checked as you type."
        case .step2: return "The CSR of every service as the deployment's strategy gives it: basename, CN, SANs, where it is made, which services use it."
        case .step3: return "The database cluster's built-in CA and certificates, and the order of the commands across the nodes."
        case .step4: return "Inspect, match and verify the workspace's certificates, keys and CSRs: pass or fail, with the reason."
        case .step5: return "Plan a procedure (fresh, renewals, expired database) per node, review every command and file, then run it with progress per node."
        case .bundles: return "Pick certificate files, see the chain top to bottom, write a full chain or a CA bundle."
        case .troubleshoot: return "An expired certificate, a renewal while live, expired database certificates: each a plan, reviewed, then run."
        case .expiry: return "Every certificate of the workspace and of the nodes, nearest expiry first: sort, filter with /, Enter for the details."
        case .deployment: return "The deployment file Steps 2, 3 and 5 plan from: release, strategy, nodes, roles, services. Open another, create one, edit it."
        case .theme: return "Colours from themes/*.yaml; NO_COLOR is honoured."
        case .help: return "The keys and what each screen does."
        case .quit: return "Leave cmscerts; asks first when something typed was not written."
        }
    }

    func render(area: Rect, buffer b: inout Buffer, _ s: WizardState) {
        let theme = s.theme
        let items = Self.items(s)
        let menuHeight = items.count
        let describeHeight = 2
        var estateHeight = max(0, area.height - menuHeight - describeHeight - 1)
        var estate = Self.estateLines(s, width: area.width, room: estateHeight)
        var gap = 1
        if estate.folded {
            // The blank row above the menu is worth a node more.
            estateHeight += 1
            gap = 0
            estate = Self.estateLines(s, width: area.width, room: estateHeight)
        }
        // The menu right under the estate (a taller terminal leaves its room at the bottom).
        let shown = min(estateHeight, estate.lines.rows.count)
        let parts = Layout.vertical([.length(shown), .length(gap), .length(menuHeight), .length(describeHeight), .fill(1)]).split(area)
        estate.lines.render(area: parts[0], buffer: &b)
        Menu(items: items, state: menu).render(area: parts[2], buffer: &b, theme: theme)
        var bottom = TextLines(width: area.width, theme: theme)
        bottom.add(Self.describe(entry), .muted)
        bottom.render(area: parts[3], buffer: &b)
    }

    /// The estate above the menu in at most `room` rows. What must show comes first: the
    /// title, every node, where files go; then what fits of the rest, in order of use (how
    /// the lab came to be, its folder). `folded` when even the nodes did not all fit.
    static func estateLines(_ s: WizardState, width: Int, room: Int) -> (lines: TextLines, folded: Bool) {
        let theme = s.theme
        func lines(_ text: String, _ role: Role, indent: Int = 0) -> TextLines {
            var t = TextLines(width: width, theme: theme)
            t.add(text, role, indent: indent)
            return t
        }
        // What the folder is, when it fits on the same row: a row wrapped is a node less.
        let folder = "Files go to " + s.context.workspaceDirectory, described = folder + " (" + s.context.workspaceLabel + ")"
        let files = lines(CharacterWidth.of(described) <= width ? described : folder, .normal, indent: 2)
        var title: (Bool) -> TextLines
        var optional: [TextLines] = []  // in the order they are dropped last to first, shown in this order under the title
        let estate: EstateSummary
        switch s.context.source {
        case .lab(let directory, let summary, let madeNow):
            estate = summary
            let head = "CMS \(summary.cmsVersion), \(countedNodes(summary.nodes.count)), domain \(summary.domain)"
            // When the line saying the lab was made now is left out, the title says it.
            title = { withFirstLine in lines((madeNow && !withFirstLine ? "Built-in lab, made now: " : "Built-in lab: ") + head, .title) }
            optional = [madeNow ? lines("Made now, on first run: a simulated cluster to rehearse on.", .ok, indent: 2)
                                : lines("A simulated cluster to rehearse on: cmscerts lab status shows it.", .muted, indent: 2),
                        lines("Lab folder: " + directory, .muted, indent: 2)]
        case .deployment(let path, let summary):
            estate = summary
            title = { _ in lines("Deployment \(lastPathComponent(path)): CMS \(summary.cmsVersion), \(countedNodes(summary.nodes.count)), domain \(summary.domain)", .title) }
            optional = [lines("Step 5 plans a procedure for these nodes and runs it over SSH after review.", .muted, indent: 2)]
        case .brokenDeployment(let path, let problem):
            var top = lines("\(path) cannot be used:", .error)
            for line in problem.split(separator: "\n").prefix(max(1, room - files.rows.count - 3)) {
                top.add(String(line), .error, indent: 4)
            }
            top.add("Fix it (cmscerts init writes an example); Step 1 and Bundles work in the current folder.", .muted, indent: 2)
            top.rows = Array(top.rows.prefix(max(0, room - files.rows.count))) + files.rows
            return (top, false)
        }
        // Why the lab's own deployment file is not used, before anything optional.
        if let notice = s.context.notice { optional.insert(lines(notice, .warning, indent: 2), at: 0) }
        var nodes = TextLines(width: width, theme: theme)
        nodeRows(estate, &nodes, room: .max)
        let required = title(false).rows.count + nodes.rows.count + files.rows.count
        var out = TextLines(width: width, theme: theme)
        if required > room {
            out.rows = title(false).rows
            nodes = TextLines(width: width, theme: theme)
            nodeRows(estate, &nodes, room: room - out.rows.count - files.rows.count)
            out.rows = Array((out.rows + nodes.rows).prefix(max(0, room - files.rows.count))) + files.rows
            return (out, true)
        }
        var left = room - required
        let shown = optional.prefix { piece in
            guard piece.rows.count <= left else { return false }
            left -= piece.rows.count
            return true
        }
        out.rows = title(!shown.isEmpty).rows + shown.flatMap(\.rows) + nodes.rows + files.rows
        return (out, false)
    }

    static func nodeRows(_ estate: EstateSummary, _ out: inout TextLines, room: Int) {
        guard room >= 2 else { return }
        let header = ["Node", "FQDN", "Address", "Database", "Services"]
        let table = estate.nodes.map { [$0.name, $0.fqdn, $0.address, $0.database, $0.services.joined(separator: ",")] }
        var widths = header.indices.map { c in ([header[c]] + table.map { $0[c] }).map { CharacterWidth.of($0) + 2 }.max() ?? 0 }
        // Without room for every column, the address goes first: the FQDN names the node.
        var columns = Array(header.indices)
        if widths.reduce(0, +) - 2 > out.width {
            columns.remove(at: 2)
            widths[2] = 0
        }
        func row(_ cells: [String]) -> String {
            columns.map { c in c == columns.last ? cells[c] : cells[c].padded(toWidth: widths[c]) }.joined()
        }
        out.add(spans: [Span(row(header), style: out.theme[.header])])
        let shown = estate.nodes.count <= room - 1 ? table : Array(table.prefix(room - 2))
        for cells in shown {
            out.add(spans: [Span(row(cells), style: out.theme[.normal])])
        }
        if shown.count < estate.nodes.count {
            out.add("… and \(estate.nodes.count - shown.count) more (a taller terminal shows them)", .muted)
        }
    }
}
