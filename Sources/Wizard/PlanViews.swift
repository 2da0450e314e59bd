import Deployment
import PKI
import TerminalUI

/// Steps 2 and 3 read from the fresh deployment's Plan (the value Step 5 runs): per
/// certificate the basename, CN and SANs the strategy gives, where it is made and which
/// services use it; and the database cluster's sequence across the nodes.
public struct PlanViewState: Sendable {
    /// The plan of the fresh flow, or why there is none.
    public var plan: Result<Plan, WizardFailure>
    /// Step 2's table.
    public var table = TableState()
    /// Rows scrolled past (Step 3; Step 2's command panel).
    public var scroll = 0

    /// The fresh plan for `target`.
    public init(target: ApplyTarget) {
        do { plan = .success(try Planner.plan(target.deployment, flow: .fresh)) } catch { plan = .failure(WizardFailure("\(error)")) }
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

    /// Every CSR step of the plan with the services whose `certs` commands use its key.
    static func csrRows(_ plan: Plan) -> [CSRRow] {
        plan.steps.filter { $0.articleStep == 2 }.compactMap { step -> CSRRow? in
            let spec: CSRSpec
            let made: String
            if case .makeKeyAndCSR(let s, _, _, _)? = step.local {
                spec = s
                made = "here"
            } else if step.kind == .mmp, step.command.hasPrefix("pki csr "), let s = try? CSRSpec.parse(line: String(step.command.dropFirst("pki csr ".count))) {
                spec = s
                made = step.node ?? "here"
            } else {
                return nil
            }
            let key = spec.basename + ".key"
            // The services whose certs command names the key: on the node that made it, or
            // (a key made here) on every node it is sent to.
            let services = plan.steps.filter { $0.articleStep == 5 && $0.kind == .mmp && (made == "here" || $0.node == made)
                && $0.command.split(separator: " ").contains { $0 == key } }
                .map { "\($0.node ?? "here") \($0.command.split(separator: " ").first.map(String.init) ?? "")" }
            return CSRRow(node: made, basename: spec.basename, commonName: spec.subject.commonName,
                          sans: spec.subjectAltNames.map(\.value).joined(separator: ","),
                          usedBy: Array(Set(services)).sorted().joined(separator: ", "), command: step.command, made: made)
        }
    }
}

enum PlanViews {
    static let step2Columns = [TableColumn("Made on", width: .length(8)), TableColumn("Basename", width: .length(16)),
                               TableColumn("CN", width: .fill(2)), TableColumn("SANs", width: .fill(3))]

    static func step2Cells(_ rows: [PlanViewState.CSRRow]) -> [[String]] {
        rows.map { [$0.made, $0.basename, $0.commonName, $0.sans.isEmpty ? "-" : $0.sans] }
    }

    static func tableHeight(_ size: Size) -> Int { max(1, size.height - 3 - 1 - 6 - 1) }

    static let step2Bindings: [KeyBinding] = [.move, KeyBinding(.char("5"), help: "plan and run (Step 5)"), KeyBinding(.esc, help: "home"), .help, .quit]
    static let step3Bindings: [KeyBinding] = [KeyBinding([.up, .down, .pageUp, .pageDown], label: "↑↓", help: "scroll"), KeyBinding(.char("5"), help: "plan and run (Step 5)"), KeyBinding(.esc, help: "home"), .help, .quit]

    static func renderStep2(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        guard let st = s.planView else { return }
        guard case .success(let plan) = st.plan else {
            renderFailure(st, theme: theme, area: area, buffer: &b)
            return
        }
        let rows = PlanViewState.csrRows(plan)
        let parts = Layout.vertical([.length(1), .fill(1), .length(6)]).split(area)
        b.write("\(rows.count) CSRs from the deployment's certificate strategy, as the plan makes them".truncated(toWidth: parts[0].width),
                x: parts[0].x, y: parts[0].y, style: theme[.title], clip: parts[0])
        let cells = step2Cells(rows)
        Table(columns: step2Columns, rows: cells, state: st.table, emptyText: st.table.filter.isEmpty ? "No CSR in the plan" : "No CSR matches /\(st.table.filter)")
            .render(area: parts[1], buffer: &b, theme: theme)
        var detail = TextLines(width: parts[2].width, theme: theme)
        if let index = st.table.selectedRow(in: cells) {
            let row = rows[index]
            detail.add(row.command, .ok, indent: 4, prefix: row.made == "here" ? "Here:  " : "On \(row.made): ")
            detail.add(row.usedBy.isEmpty ? "(no service in the plan)" : row.usedBy, .normal, indent: 9, prefix: "Used by  ")
        }
        detail.render(area: parts[2], buffer: &b)
    }

    static func renderStep3(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        guard let st = s.planView else { return }
        guard case .success(let plan) = st.plan else {
            renderFailure(st, theme: theme, area: area, buffer: &b)
            return
        }
        var t = TextLines(width: area.width, theme: theme)
        let steps = plan.steps.filter { $0.articleStep == 3 }
        let nodes = plan.nodes.map(\.name)
        t.add("Database cluster and built-in CA: \(steps.count) steps in the plan's order", .title)
        var last: String?
        for (i, step) in steps.enumerated() {
            let node = step.node ?? "here"
            if node != last {
                t.add(spans: [Span("\(node)\(nodes.contains(node) ? "" : " (this machine)")", style: theme[.header])])
                last = node
            }
            t.add(step.command, .normal, indent: 7, prefix: " " + String(i + 1).padded(toWidth: 4) + "  ")
        }
        t.render(area: area, buffer: &b, scroll: st.scroll)
    }

    static func renderFailure(_ st: PlanViewState, theme: Theme, area: Rect, buffer b: inout Buffer) {
        guard case .failure(let failure) = st.plan else { return }
        var t = TextLines(width: area.width, theme: theme)
        t.add("No plan for this estate:", .error)
        t.add(failure.message, .error, indent: 2)
        t.render(area: area, buffer: &b)
    }
}
