import Foundation

/// The forms `cmscerts plan` writes a plan in.
public enum PlanFormat: String, Codable, Hashable, Sendable, CaseIterable {
    /// A runbook to follow top to bottom in PuTTY: one command a line as it is typed.
    case text
    /// The same for a change ticket.
    case markdown
    /// The Plan value itself.
    case json
    /// A commented shell script of the MMP commands, per node, over ssh and sftp.
    case script
}

/// Writes a plan as text, Markdown, JSON or a shell script. All forms follow
/// `Plan.runbookOrder()`, so they never disagree on the order.
public enum PlanRenderer {
    /// The plan in the given form, ending with one line break.
    public static func render(_ plan: Plan, as format: PlanFormat) -> String {
        switch format {
        case .text: return text(plan)
        case .markdown: return markdown(plan)
        case .json: return json(plan)
        case .script: return script(plan)
        }
    }

    /// Where a step runs: the node, its FQDN and the ssh command that reaches it (a user or
    /// port the file does not set is left out, as cmscerts leaves it to ~/.ssh/config).
    static func where_(_ step: Step, _ nodes: [String: PlanNode]) -> String {
        guard let node = step.node else { return "this machine (the workspace)" }
        let host = nodes[node].map { " — \($0.fqdn), \($0.ssh.command)" } ?? ""
        return node + host
    }

    /// The plan's nodes by name (the first of a name, as the steps name them).
    static func nodesByName(_ plan: Plan) -> [String: PlanNode] {
        Dictionary(plan.nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// `ssh [-p PORT] -- [USER@]HOST` (or `sftp -b - [-P PORT] -- ...`) for the script: the
    /// `--` keeps the host from ever being read as an option. sftp reads `host:path`, so
    /// for it an IPv6 address goes in brackets (`[2001:db8::11]`).
    static func sshDestination(_ ssh: SSHTarget, portFlag: String, forSFTP: Bool = false) -> String {
        let host = forSFTP && ssh.host.contains(":") ? "[\(ssh.host)]" : ssh.host
        return (ssh.port.map { "\(portFlag) \($0) " } ?? "") + "-- " + (ssh.user.map { "\($0)@" } ?? "") + host
    }

    static func kindLabel(_ kind: StepKind) -> String {
        switch kind {
        case .localPKI: return "here"
        case .upload: return "upload, SFTP"
        case .download: return "download, SFTP"
        case .mmp: return "MMP"
        case .check: return "check"
        }
    }

    /// The article's step by its title: `Step 2: CSRs`, ... `Step 5: apply`.
    static func articleStepName(_ step: Int) -> String {
        let titles = [1: "CSR syntax", 2: "CSRs", 3: "database cluster", 4: "verification", 5: "apply"]
        return "Step \(step)" + (titles[step].map { ": " + $0 } ?? "")
    }

    static func header(_ plan: Plan) -> [String] {
        ["cmscerts plan: \(plan.flow.rawValue), CMS \(plan.cmsVersion), \(plan.steps.count) steps on \(plan.nodes.map(\.name).joined(separator: ", "))",
         "digest sha256:\(plan.digest)"] + observation(plan)
    }

    /// Whether the plan was made from the nodes' state, and what it found already so.
    static func observation(_ plan: Plan) -> [String] {
        var lines: [String] = []
        if plan.offline == true {
            lines.append("OFFLINE: planned without reading the nodes, so what they hold is not known; apply reads them first and never runs an offline plan.")
        }
        if let held = plan.alreadySo, !held.isEmpty {
            lines.append("Already so on the nodes (not run): \(held.count)")
            lines += held.map { "  = " + $0 }
        }
        if plan.isNoOp {
            lines.append("Nothing to do: the nodes already hold what the deployment file wants.")
        }
        return lines
    }

    static func text(_ plan: Plan) -> String {
        var lines = header(plan)
        if !plan.notes.isEmpty {
            lines.append("")
            lines.append("Notes:")
            lines += plan.notes.map { "  - " + $0 }
        }
        let order = plan.runbookOrder()
        let nodes = nodesByName(plan)
        var number: [String: Int] = [:]
        var place: String?
        for (i, step) in order.enumerated() {
            number[step.id] = i + 1
            let here = where_(step, nodes)
            if here != place {
                lines.append("")
                lines.append("=== \(here) ===")
                place = here
            }
            lines.append("")
            lines.append("[\(i + 1)] \(step.id)  (Step \(step.articleStep), \(kindLabel(step.kind)))")
            lines.append("    " + step.command)
            if let answer = step.confirmation { lines.append("    answer the prompt: \(answer)") }
            if let success = step.success { lines.append("    expect: \(success)") }
            if !step.dependsOn.isEmpty {
                lines.append("    after: " + step.dependsOn.map { "[\(number[$0] ?? 0)]" }.joined(separator: " "))
            }
            lines.append("    why: " + step.why)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func markdown(_ plan: Plan) -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var lines = ["# Certificate change: \(plan.flow.rawValue) (CMS \(plan.cmsVersion))", "",
                     "- Nodes: \(plan.nodes.map { "\($0.name) (\($0.fqdn))" }.joined(separator: ", "))",
                     "- Steps: \(plan.steps.count)",
                     "- Plan digest (SHA-256): `\(plan.digest)`"]
        let observed = observation(plan)
        if !observed.isEmpty { lines += [""] + observed.map { "> " + $0 } }
        if !plan.notes.isEmpty {
            lines += ["", "## Notes", ""] + plan.notes.map { "- " + $0 }
        }
        // As the article reads: the steps of one server together under its name, each with
        // the article's step and the command as typed, numbered across the whole change.
        var number: [String: Int] = [:]
        var place: String?
        let nodes = nodesByName(plan)
        for (i, step) in plan.runbookOrder().enumerated() {
            number[step.id] = i + 1
            let here = where_(step, nodes)
            if here != place {
                lines += ["", "## " + cell(here), "",
                          "| # | Article step | Kind | Command | Expect | After | Why |",
                          "|---|---|---|---|---|---|---|"]
                place = here
            }
            var command = "`\(cell(step.command))`"
            if let answer = step.confirmation { command += " (answer `\(answer)`)" }
            let expect = step.success.map { cell($0.description) } ?? ""
            let after = step.dependsOn.map { "\(number[$0] ?? 0)" }.joined(separator: ", ")
            lines.append("| \(i + 1) | \(articleStepName(step.articleStep)) | \(kindLabel(step.kind)) | \(command) | \(expect) | \(after) | \(cell(step.why)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ plan: Plan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(plan), as: UTF8.self) + "\n"
    }

    /// `'...'` for the shell, single quotes inside escaped.
    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func script(_ plan: Plan) -> String {
        var lines = ["#!/bin/sh",
                     "# cmscerts plan: \(plan.flow.rawValue), CMS \(plan.cmsVersion), \(plan.steps.count) steps",
                     "# digest sha256:\(plan.digest)",
                     "# Run from the workspace folder. Each MMP command is one ssh exec; files move with sftp.",
                     "# The script stops at the first step whose output lacks what it must show.",
                     "set -eu", "",
                     "fail() { echo \"cmscerts plan: step $1 failed: $2\" >&2; exit 1; }",
                     "# Steps done are listed in this file and skipped when the script runs again,",
                     "# so that a rerun never makes a key twice. Delete it only to start over.",
                     "DONE=.cmscerts-\(plan.digest.prefix(12)).done",
                     "touch \"$DONE\"",
                     "is_done() { grep -qxF -- \"$1\" \"$DONE\"; }",
                     "mark_done() { printf '%s\\n' \"$1\" >> \"$DONE\"; }"]
        for line in observation(plan) { lines.append("# " + line) }
        for note in plan.notes { lines.append("# note: " + note) }
        var place: String?
        let nodes = nodesByName(plan)
        for step in plan.runbookOrder() {
            let node = step.node.flatMap { nodes[$0] }
            let here = step.node ?? "workspace"
            if here != place {
                lines += ["", "# ===== \(here) ====="]
                place = here
            }
            lines.append("")
            lines.append("# \(step.id) (Step \(step.articleStep)): \(step.why)")
            let id = quoted(step.id)
            lines.append("if ! is_done \(id); then")
            let bodyStart = lines.count
            defer {
                for i in bodyStart..<lines.count { lines[i] = "  " + lines[i] }
                lines.append("  mark_done \(id)")
                lines.append("fi")
            }
            switch step.kind {
            case .mmp, .check:
                guard let n = node else {
                    lines.append("# " + step.command)
                    for file in step.writes where file.node == nil {
                        lines.append("test -s \(quoted(file.name)) || fail \(id) \(quoted("place " + file.name + " in the workspace, then run again"))")
                    }
                    continue
                }
                let ssh = "ssh \(sshDestination(n.ssh, portFlag: "-p")) \(quoted(step.command))"
                let run = step.confirmation.map { "printf '%s\\n' \(quoted($0)) | \(ssh)" } ?? "\(ssh) </dev/null"
                if let success = step.success {
                    lines.append("out=$(\(run)) || fail \(id) 'the command failed'")
                    lines.append("printf '%s\\n' \"$out\"")
                    let tests = success.alternatives.map { parts in
                        "{ printf '%s\\n' \"$out\" | " + parts.map { "grep -F -- \(quoted($0))" }.joined(separator: " | ") + " >/dev/null; }"
                    }
                    lines.append(tests.joined(separator: " || ") + " || fail \(id) \(quoted("expected " + success.description))")
                } else {
                    lines.append("\(run) || fail \(id) 'the command failed'")
                }
            case .upload, .download:
                let n = node!
                lines.append("printf '%s\\n' \(quoted(step.command)) | sftp -b - \(sshDestination(n.ssh, portFlag: "-P", forSFTP: true)) || fail \(id) 'the transfer failed'")
            case .localPKI:
                lines.append("\(step.command) || fail \(id) 'the local PKI step failed'")
            }
        }
        lines.append("")
        lines.append("echo 'cmscerts plan: all \(plan.steps.count) steps done'")
        return lines.joined(separator: "\n") + "\n"
    }
}
