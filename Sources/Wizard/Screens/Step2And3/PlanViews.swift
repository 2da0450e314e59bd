import Deployment
import PKI
import TerminalUI

/// Steps 2 and 3 read Step 5's Plan (the one value Step 5 reviews and runs, made from what
/// the nodes hold): per certificate the basename, CN and SANs the strategy gives, where it
/// is made and which services use it; and the database cluster's sequence across the nodes.
/// Until the nodes are read (or when they cannot be), the set-up planned without them.
public struct PlanViewState: Sendable {
    /// The set-up planned without reading the nodes, shown until Step 5 has its plan.
    public var offline: Result<Plan, WizardFailure>
    /// Step 2's table.
    public var table = TableState()
    /// Rows scrolled past (Step 3; Step 2's command panel).
    public var scroll = 0
    /// Step 2's editor of one certificate, while open.
    public var editor: CertificateEditor?
    /// The deployment the plan was made from.
    public var deployment: Deployment
    /// The certificates as the planner asks for them (for the edited mark and the editor).
    public var requests: [PlannedCertificate]

    /// Steps 2 and 3 over `target`'s deployment.
    public init(target: ApplyTarget) {
        deployment = target.deployment
        requests = (try? Planner.certificateRequests(target.deployment)) ?? []
        do { offline = .success(try Planner.plan(target.deployment, flow: .fresh)) } catch { offline = .failure(WizardFailure("\(error)")) }
    }

    /// The plan shown: Step 5's (the set-up's unless a procedure was picked there); while
    /// Step 5 has none (the nodes are being read, or cannot be), the set-up planned without them.
    func plan(_ app: WizardState) -> Result<Plan, WizardFailure> {
        if case .success(let plan)? = app.apply?.plan { return .success(plan) }
        return offline
    }

    /// True while the plan shown is not Step 5's but the one made without the nodes.
    func isOffline(_ app: WizardState) -> Bool {
        if case .success? = app.apply?.plan { return false }
        return true
    }

    /// The planner's request behind a row of Step 2.
    func request(for row: CSRRow) -> PlannedCertificate? {
        requests.first { $0.basename == row.basename && ($0.madeOn ?? "here") == row.made }
    }

    /// One CSR of Step 2.
    struct CSRRow: Equatable {
        var node: String
        var basename: String
        var commonName: String
        var sans: String
        var usedBy: String
        var command: String
        var made: String
    }

    /// Every CSR step of the plan (its payload: the CSR's fields) with the services given
    /// its key (their steps' payloads: the files by role).
    static func csrRows(_ plan: Plan) -> [CSRRow] {
        plan.steps.filter { $0.articleStep == 2 }.compactMap { step -> CSRRow? in
            guard let spec = step.payload?.spec else { return nil }
            let made = step.node ?? "here"
            let key = spec.basename + ".key"
            // The services given the key: on the node that made it, or (a key made here) on
            // every node it is sent to.
            let services = plan.steps.filter { $0.articleStep == 5 && (made == "here" || $0.node == made) && $0.payload?.files?.key == key }
                .compactMap { step in step.payload?.files.map { "\(step.node ?? "here") \($0.service)" } }
            return CSRRow(node: made, basename: spec.basename, commonName: spec.subject.commonName,
                          sans: spec.subjectAltNames.map(\.value).joined(separator: ","),
                          usedBy: Array(Set(services)).sorted().joined(separator: ", "), command: step.command, made: made)
        }
    }
}

enum PlanViews {
    static let step2Columns = [TableColumn("Made on", width: .length(8)), TableColumn("Basename", width: .length(16)),
                               TableColumn("CN", width: .fill(2)), TableColumn("SANs", width: .fill(3))]

    /// The table's cells; a certificate whose names were edited by hand is marked ✎.
    static func step2Cells(_ rows: [PlanViewState.CSRRow], _ st: PlanViewState? = nil) -> [[String]] {
        rows.map { row in
            let edited = st?.request(for: row)?.overridden == true
            return [row.made, row.basename + (edited ? " ✎" : ""), row.commonName, row.sans.isEmpty ? "-" : row.sans]
        }
    }

    /// Where Step 2's parts go in the screen's `area`: the title, the table, and the detail of
    /// the row selected (or the editor, taller). The view draws by it and the table's keys
    /// page by it, so that they move the table as it shows.
    static func step2Layout(_ area: Rect, _ st: PlanViewState) -> (title: Rect, table: Rect, detail: Rect) {
        let parts = Layout.vertical([.length(1), .fill(1), .length(st.editor == nil ? 6 : 9)]).split(area)
        return (parts[0], parts[1], parts[2])
    }

    static func renderStep2(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        guard let st = s.planView else { return }
        guard case .success(let plan) = st.plan(s) else {
            renderFailure(s, area: area, buffer: &b)
            return
        }
        let rows = PlanViewState.csrRows(plan)
        let places = step2Layout(area, st)
        let parts = [places.title, places.table, places.detail]
        b.write("\(rows.count) CSRs from the deployment's certificate strategy, as the plan makes them".truncated(toWidth: parts[0].width),
                x: parts[0].x, y: parts[0].y, style: theme[.title], clip: parts[0])
        let cells = step2Cells(rows, st)
        Table(columns: step2Columns, rows: cells, state: st.table, emptyText: st.table.filter.isEmpty ? "No CSR in the plan" : "No CSR matches /\(st.table.filter)")
            .render(area: parts[1], buffer: &b, theme: theme)
        if let editor = st.editor {
            renderEditor(editor, theme: theme, area: parts[2], buffer: &b)
            return
        }
        var detail = TextLines(width: parts[2].width, theme: theme)
        if let index = st.table.selectedRow(in: cells) {
            let row = rows[index]
            detail.add(row.command, .ok, indent: 4, prefix: row.made == "here" ? "Here:  " : "On \(row.made): ")
            detail.add(row.usedBy.isEmpty ? "(no service in the plan)" : row.usedBy, .normal, indent: 9, prefix: "Used by  ")
        }
        detail.render(area: parts[2], buffer: &b)
    }

    /// The editor: the three names and where keys are made, each problem beside its row,
    /// and the `pki csr` line the plan will type with the edit.
    static func renderEditor(_ e: CertificateEditor, theme: Theme, area: Rect, buffer b: inout Buffer) {
        guard area.height > 0 else { return }
        let who = e.isShared ? "the certificate every node shares (\(e.base.strategy.rawValue))" : "\(e.request.services.map(\.rawValue).joined(separator: ", ")) on \(e.request.makerNode)"
        b.write(("Edit " + who + ": saved in the deployment file").truncated(toWidth: area.width), x: area.x, y: area.y, style: theme[.header], clip: area)
        let problems = e.problems
        let labelW = 12, inputW = min(40, max(10, area.width - labelW - 24))
        for (i, label) in CertificateEditor.labels.enumerated() {
            let y = area.y + 1 + i
            guard y < area.bottom else { break }
            let focused = e.focus == i
            b.write("  " + label, x: area.x, y: y, style: focused ? theme[.focused] : theme[.normal], clip: area)
            let x = area.x + labelW
            var errorX = x + inputW + 1
            if i == CertificateEditor.keysRow {
                let text = "◀ " + (e.keys == .node ? "on the node (pki csr)" : "here (cmscerts)") + " ▶ every certificate"
                b.write(text, x: x, y: y, style: focused ? theme[.inputFocused] : theme[.input], clip: area)
                errorX = x + CharacterWidth.of(text) + 1
            } else if e.isLocked(i) {
                b.write(e.fields[i].text + "  (the wildcard of the domain)", x: x, y: y, style: theme[.muted], clip: area)
            } else {
                TextField(state: e.fields[i], focused: focused).render(area: Rect(x: x, y: y, width: inputW, height: 1).intersection(area), buffer: &b, theme: theme)
            }
            if let error = problems.rows[i], e.showAllErrors || (i < e.fields.count && e.fields[i].touched) {
                let cell = Rect(x: errorX, y: y, width: max(0, area.right - errorX), height: 1).intersection(area)
                b.write(("✗ " + error).truncated(toWidth: cell.width), x: cell.x, y: y, style: theme[.error], clip: cell)
            }
        }
        var foot = TextLines(width: area.width, theme: theme)
        var said = false
        if let error = problems.rows[e.focus], e.showAllErrors || (e.focus < e.fields.count && e.fields[e.focus].touched) {
            foot.add(CertificateEditor.labels[e.focus] + ": " + error, .error)
            said = true
        }
        if let error = e.submitError {
            foot.add("✗ " + error, .error)
        } else if !said, let general = problems.general.first {
            foot.add("✗ " + general, .error)
        } else if !said, let preview = problems.preview {
            foot.add(CertificateEditor.line(preview), .ok, indent: 4)
        }
        foot.render(area: Rect(x: area.x, y: area.y + 5, width: area.width, height: max(0, area.height - 5)), buffer: &b)
    }

    static func renderStep3(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        guard let st = s.planView else { return }
        guard case .success(let plan) = st.plan(s) else {
            renderFailure(s, area: area, buffer: &b)
            return
        }
        // One lane per node of the cluster (and this machine when the plan works here):
        // each step is a mark in its node's lane, so the order across nodes reads down.
        let steps = plan.steps.filter { $0.articleStep == 3 }
        let members = st.deployment.nodes.filter { $0.database != .none }
        let stepNodes = steps.map { $0.node ?? "here" }
        let others = stepNodes.reduce(into: [String]()) { if $1 != "here" && !members.map(\.name).contains($1) && !$0.contains($1) { $0.append($1) } }
        let lanes = members.map(\.name) + others + (stepNodes.contains("here") ? ["here"] : [])
        let laneWidth = max(4, (lanes.map { CharacterWidth.of($0) }.max() ?? 4) + 1)
        let lane = { (mark: String) in mark.padded(toWidth: laneWidth) }
        var t = TextLines(width: area.width, theme: theme)
        t.add("Database cluster and built-in CA: \(steps.count) steps in the plan's order", .title)
        t.add(members.map { $0.name + " " + $0.database.rawValue + ($0.database == .primary ? " (the built-in CA)" : "") }.joined(separator: " · "), .muted)
        t.add(spans: [Span(lanes.map(lane).joined() + " #    command", style: theme[.header])])
        let pad = lanes.count * laneWidth + 6
        for (i, step) in steps.enumerated() {
            // The command wrapped beside the lanes; its node's lane marked on its first row.
            var command = TextLines(width: max(1, area.width - pad), theme: theme)
            command.add(step.command)
            let k = lanes.firstIndex(of: stepNodes[i]) ?? 0
            for (r, row) in command.rows.enumerated() {
                let before = lanes[..<k].map { _ in lane("│") }.joined(), after = lanes[(k + 1)...].map { _ in lane("│") }.joined()
                let number = r == 0 ? String(i + 1).padded(toWidth: 5) + " " : String(repeating: " ", count: 6)
                t.add(spans: [Span(before, style: theme[.muted]), Span(lane(r == 0 ? "●" : "│"), style: r == 0 ? theme[.ok] : theme[.muted]),
                              Span(after + number, style: theme[.muted])] + row)
            }
        }
        t.render(area: area, buffer: &b, scroll: st.scroll)
    }

    static func renderFailure(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        guard let st = s.planView, case .failure(let failure) = st.plan(s) else { return }
        var t = TextLines(width: area.width, theme: s.theme)
        t.add("No plan for this estate:", .error)
        t.add(failure.message, .error, indent: 2)
        t.render(area: area, buffer: &b)
    }
}
