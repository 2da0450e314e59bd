import Deployment
import Orchestration
import TerminalUI

/// Step 5 on screen: the plan per node for review, then per-node progress, then the end
/// of the run with the way on.
enum ApplyView {
    /// The procedure in a few words.
    static func describe(_ flow: Flow) -> String {
        switch flow {
        case .fresh: return "fresh deployment: CSRs, database cluster and built-in CA, every certificate applied"
        case .renew: return "renewal under the same file names: upload, then restart each service"
        case .renewNewNames: return "proactive renewal: new keys under new basenames, then each service swapped"
        case .renewDatabase: return "expired database certificates: remove on replicas then the primary, then Step 3 again"
        }
    }

    /// The home menu's detail for Step 5.
    static func homeDetail(_ apply: ApplyState?) -> String {
        guard let apply else { return "plan and run" }
        switch apply.phase {
        case .review: return "plan open, nothing run"
        case .running: return "running"
        case .waiting: return "waiting for files: r resumes"
        case .failed: return "stopped on a failure: r resumes"
        case .done: return "done"
        case .couldNotStart: return "could not start"
        }
    }

    static func footnote(_ apply: ApplyState?) -> String {
        switch apply?.phase {
        case .review?:
            if apply?.needsNodeState == true { return "Reading the nodes, read-only; nothing runs before you press y." }
            if case .failure? = apply?.plan { return "Nothing can run: the planner refused this procedure for this estate." }
            if case .success(let plan)? = apply?.plan, plan.isNoOp { return "Nothing has run, and nothing needs to." }
            return "Nothing has run. y runs exactly the steps listed, and nothing else."
        case .running?: return "Running, journaled step by step; Ctrl-C stops at a step boundary, r resumes."
        default: return "The journal is beside the deployment file, in .cmscerts/runs."
        }
    }

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        guard let apply = s.apply, let target = s.context.apply else { return }
        if apply.phase == .review {
            renderReview(apply, target: target, theme: s.theme, area: area, buffer: &b)
        } else {
            renderRun(apply, target: target, lab: s.context.labControls != nil, theme: s.theme, area: area, buffer: &b)
        }
    }

    static func renderReview(_ apply: ApplyState, target: ApplyTarget, theme: Theme, area: Rect, buffer b: inout Buffer) {
        var top = TextLines(width: area.width, theme: theme)
        // One row: the description shortened (with "…") to what the procedure's name leaves.
        let procedure = "◀ \(apply.flow.rawValue) ▶"
        let used = CharacterWidth.of("Procedure " + procedure + "  ")
        top.add(spans: [Span("Procedure ", style: theme[.title]), Span(procedure, style: theme[.inputFocused]),
                        Span("  " + describe(apply.flow).truncated(toWidth: max(0, area.width - used)), style: theme[.muted])])
        var body = TextLines(width: area.width, theme: theme)
        var bottom = TextLines(width: area.width, theme: theme)
        switch apply.plan {
        case .failure(let failure) where apply.needsNodeState:
            // Not a refusal yet: the nodes' present files are being read for the plan.
            top.add(failure.message, .muted)
        case .failure(let failure):
            top.add("No plan for this procedure: the planner's reasons follow.", .error)
            body.add("Every procedure is planned from what the nodes hold now, read just before: a renewal needs a certificate in use; the set-up refuses to redo what a live service uses. ←/→ picks another procedure.", .muted, indent: 2)
            body.add(failure.message, .error, indent: 2)
        case .success(let plan):
            let groups = ApplyState.stepsPerNode(plan)
            top.add(plan.isNoOp ? "Nothing to run; workspace \(target.workspace)"
                                : "\(plan.steps.count) steps on \(groups.map(\.node).joined(separator: ", ")); workspace \(target.workspace)", .normal)
            // The same summary as apply's question: what changes where, then every step.
            for line in PlanSummary(plan).lines() {
                if line.hasPrefix("  ") {
                    body.add(String(line.dropFirst(2)), .normal, indent: 6, prefix: "  ")
                } else {
                    body.add(line, .header)
                }
            }
            for held in plan.alreadySo ?? [] where plan.isNoOp { body.add(held, .muted, indent: 2, prefix: "= ") }
            for note in plan.notes { body.add(note, .warning, indent: 2, prefix: "Note: ") }
            if !plan.isNoOp && !apply.showSteps {
                body.add("Every step, node by node, with its command and the files it writes: press s.", .muted)
            }
            for group in groups where apply.showSteps {
                let fqdn = plan.nodes.first { $0.name == group.node }?.fqdn
                let where_ = group.node == "local" ? "this machine, in the workspace" : (fqdn ?? group.node)
                body.add(spans: [Span("\(group.node) · \(where_) · \(group.steps.count) steps", style: theme[.header])])
                for (i, step) in group.steps.enumerated() {
                    let number = String(i + 1).padded(toWidth: 3)
                    body.add(step.command, .normal, indent: 8, prefix: " \(number)S\(step.articleStep) ")
                    if !step.writes.isEmpty {
                        body.add(step.writes.map(\.description).joined(separator: ", "), .muted, indent: 14, prefix: "        writes ")
                    }
                }
            }
            body.add("The journal goes to \(Journal.stateDirectory(forDeploymentFile: target.deploymentPath))/runs.", .muted)
            bottom.add(plan.isNoOp ? "The nodes hold what the deployment file wants: nothing to run. ←/→ picks another procedure."
                                   : "y runs these \(plan.steps.count) steps, nodes in parallel where the order allows.", plan.isNoOp ? .normal : .ok)
        }
        // The head as tall as its wrapped rows (a long workspace path takes two), at most a third.
        let parts = Layout.vertical([.length(min(top.rows.count, max(2, area.height / 3))), .fill(1), .length(1)]).split(area)
        top.render(area: parts[0], buffer: &b)
        body.render(area: parts[1], buffer: &b, scroll: apply.scroll)
        bottom.render(area: parts[2], buffer: &b)
    }

    static func renderRun(_ apply: ApplyState, target: ApplyTarget, lab: Bool = false, theme: Theme, area: Rect, buffer b: inout Buffer) {
        let nodeRows = min(apply.nodes.count, max(1, area.height / 3))
        let parts = Layout.vertical([.length(1), .length(nodeRows), .length(1), .fill(1)]).split(area)
        // The head line: what the run is doing.
        var head: [Span]
        let run = apply.runID.map { "run \($0)" } ?? "the run"
        switch apply.phase {
        case .running: head = [Span(Spinner(state: apply.spinner).currentFrame + " Running \(run) (\(apply.flow.rawValue))", style: theme[.title])]
        case .done(let ran, let skipped): head = [Span("✓ Done: \(ran) steps run" + (skipped > 0 ? ", \(skipped) done before" : ""), style: theme[.ok])]
        case .waiting(let files, _): head = [Span("… \(run.capitalizedFirst) waits for the CA (\(files.count) file\(files.count == 1 ? "" : "s")): r resumes", style: theme[.warning])]
        case .failed: head = [Span("✗ \(run) stopped on a failure", style: theme[.error])]
        case .couldNotStart: head = [Span("✗ The run could not start", style: theme[.error])]
        case .review: head = []
        }
        b.write(head, x: parts[0].x, y: parts[0].y, clip: parts[0])
        // One row per node: name, bar, count, state, the command.
        for (i, node) in apply.nodes.prefix(nodeRows).enumerated() {
            let y = parts[1].y + i
            let role: Role = node.state == "FAILED" ? .error : node.state == "done" ? .ok : node.state.hasPrefix("waiting") ? .warning : .normal
            b.write(node.node.padded(toWidth: 7), x: parts[1].x, y: y, style: theme[.header], clip: parts[1])
            let bar = Rect(x: parts[1].x + 7, y: y, width: min(16, max(0, parts[1].width - 7)), height: 1)
            ProgressBar(ratio: node.total == 0 ? 0 : Double(node.done) / Double(node.total)).render(area: bar, buffer: &b, theme: theme)
            let text = " \(node.done)/\(node.total) ".padded(toWidth: 8) + node.state.padded(toWidth: 18) + node.command
            b.write(text.truncated(toWidth: max(0, parts[1].width - 23)), x: parts[1].x + 23, y: y, style: theme[role], clip: parts[1])
        }
        if apply.nodes.count > nodeRows {
            b.write("… \(apply.nodes.count - nodeRows) more nodes", x: parts[2].x, y: parts[2].y, style: theme[.muted], clip: parts[2])
        }
        // What happened, and the way on.
        var text = TextLines(width: parts[3].width, theme: theme)
        switch apply.phase {
        case .waiting(let files, let steps):
            // The way on first, then the list (it scrolls): what to place, what the CA does.
            text.add("Place \(files.count == 1 ? "it" : "them") in \(target.workspace), then press r: \(run) resumes from its journal and skips what is done (\(steps.count) step\(steps.count == 1 ? " waits" : "s wait")). It also resumes by itself once every file is there.", .normal, indent: 2)
            if lab {
                text.add("In this rehearsal the lab plays your CA: s signs exactly these files, as cmscerts lab sign would.", .ok, indent: 2)
            }
            if let note = apply.labNote { text.add(note, .normal, indent: 2) }
            text.add("Waiting for \(files.count) file\(files.count == 1 ? "" : "s") that your CA makes (certificates: SHA-256, PEM, extendedKeyUsage serverAuth and clientAuth):", .warning)
            for file in files {
                text.add(file + "  ← " + apply.caRequest(for: file), .normal, indent: 8, prefix: "    ")
            }
        case .failed(let failures):
            for failure in failures {
                if failure.stepID == "-" {
                    // Not one step's failure: the run as a whole stopped (interrupted, stopped).
                    text.add(failure.reason.capitalizedFirst + ".", .warning)
                    continue
                }
                text.add("Node \(failure.node), step \(failure.stepID): \(failure.reason)", .error)
                text.add(failure.command, .normal, indent: 11, prefix: "  command  ")
                text.add("  output:", .muted)
                for line in failure.output.split(separator: "\n", omittingEmptySubsequences: false).prefix(12) {
                    text.add(String(line), .normal, indent: 4, prefix: "    ")
                }
            }
            let flow = apply.flow == .fresh ? "" : " --flow \(apply.flow.rawValue)"
            let stoppedOnly = failures.allSatisfy { $0.stepID == "-" }
            text.add((stoppedOnly ? "Press r to go on:" : "Nothing new was started after the failure. Fix the cause, then press r:") + " \(run) resumes from its journal (on the command line: cmscerts apply \(target.deploymentPath)\(flow) --resume \(apply.runID ?? "")).", .normal, indent: 2)
            snapshots(apply, into: &text)
        case .couldNotStart(let why):
            text.add(why, .error, indent: 2)
            text.add("Nothing was run.", .muted)
        case .done:
            text.add("Every step of the plan is done; the journal of \(run) is in \(Journal.stateDirectory(forDeploymentFile: target.deploymentPath))/runs.", .normal)
            if let note = apply.labNote { text.add(note, .normal) }
            snapshots(apply, into: &text)
            text.add("Last events:", .muted)
            for line in apply.log.suffix(max(0, parts[3].height - 3)) { text.add(spans: [Span("  " + line, style: theme[.muted])]) }
        case .running, .review:
            for line in apply.log.suffix(parts[3].height) { text.add(spans: [Span(line, style: theme[.muted])]) }
        }
        text.render(area: parts[3], buffer: &b, scroll: apply.phase == .running ? 0 : apply.scroll)
    }
}

extension ApplyView {
    /// The snapshots the run took (a node's first step is its snapshot: any step done
    /// there means it exists), each with the command that goes back to it.
    static func snapshots(_ apply: ApplyState, into text: inout TextLines) {
        guard case .success(let plan) = apply.plan else { return }
        let taken = plan.backups.filter { backup in (apply.nodes.first { $0.node == backup.node }?.done ?? 0) > 0 }
        guard !taken.isEmpty else { return }
        text.add("Snapshots taken before any certificate changed:", .muted)
        for backup in taken { text.add(backup.rollbackLine, .normal, indent: 4, prefix: "  ") }
    }
}

extension String {
    /// The text with its first letter upper-case (`run 2026...` -> `Run 2026...`).
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
