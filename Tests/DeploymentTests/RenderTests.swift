import Foundation
import Testing
import TestSupport
@testable import Deployment

@Suite("Plan output")
struct RenderTests {
    @Test("text: a runbook with node changes marked, one command a line, answers and expectations")
    func text() throws {
        let plan = try Planner.plan(try Fixtures.load(Fixtures.three3x), flow: .fresh)
        let out = PlanRenderer.render(plan, as: .text)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "cmscerts plan: fresh, CMS 3.8, \(plan.steps.count) steps on cms1, cms2, cms3")
        #expect(lines.contains("digest sha256:\(plan.digest)"))
        #expect(lines.contains("=== cms2 — cms2.example.com, ssh -p 2222 ops@jump-cms2 ==="))
        #expect(lines.contains("=== cms1 — cms1.example.com, ssh cms1.example.com ==="), "no user or port the file does not set")
        #expect(lines.contains("    database cluster remove"))
        #expect(lines.contains("    answer the prompt: Y"))
        #expect(lines.contains("    expect: a line with \"(me)\" and \"Connected Primary\" (or \"(me)\" and \"Connected Master\")"))
        // Every step once, numbered in runbook order.
        let numbered = lines.filter { $0.hasPrefix("[") }
        #expect(numbered.count == plan.steps.count)
        for (i, step) in plan.runbookOrder().enumerated() {
            #expect(numbered[i].hasPrefix("[\(i + 1)] \(step.id) "))
        }
        #expect(out.hasSuffix("\n") && !out.hasSuffix("\n\n"))
    }

    @Test("markdown: a table row per step in runbook order")
    func markdown() throws {
        let plan = try Planner.plan(try Fixtures.load(Fixtures.combined29), flow: .fresh)
        let out = PlanRenderer.render(plan, as: .markdown)
        #expect(out.hasPrefix("# Certificate change: fresh (CMS 2.9)\n"))
        #expect(out.contains("- Plan digest (SHA-256): `\(plan.digest)`"))
        let rows = out.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| #") }
        #expect(rows.count == plan.steps.count)
        #expect(rows.contains { $0.contains("`database cluster remove` (answer `Y`)") })
    }

    @Test("json: the Plan value itself, read back equal, digest intact")
    func json() throws {
        let plan = try Planner.plan(try Fixtures.load(Fixtures.five29), flow: .fresh)
        let out = PlanRenderer.render(plan, as: .json)
        let back = try JSONDecoder().decode(Plan.self, from: Data(out.utf8))
        #expect(back == plan)
        #expect(back.computeDigest() == back.digest)
        #expect(out.contains("\"flow\" : \"fresh\""))
        #expect(out.contains("\"cmsVersion\" : \"2.9\""))
    }

    @Test("script: ssh per MMP command, sftp per file, checks on output, Y piped to remove; valid sh")
    func script() throws {
        let plan = try Planner.plan(try Fixtures.load(Fixtures.three3x), flow: .fresh)
        let out = PlanRenderer.render(plan, as: .script)
        #expect(out.hasPrefix("#!/bin/sh\n"))
        #expect(out.contains("# ===== cms2 ====="))
        // The host follows `--`; user and port only where the file sets them.
        #expect(out.contains("ssh -p 2222 -- ops@jump-cms2 'database cluster join 10.0.0.11' </dev/null || fail 'cms2:db.join' 'the command failed'"))
        #expect(out.contains("printf '%s\\n' 'Y' | ssh -- cms1.example.com 'database cluster remove'"))
        #expect(out.contains("printf '%s\\n' 'put ca-bundle.crt ca-bundle.crt' | sftp -b - -- cms1.example.com"))
        #expect(out.contains("sftp -b - -P 2222 -- ops@jump-cms2"))
        #expect(!out.contains("admin@"), "no user the file does not set")
        // sftp reads host:path: an IPv6 address goes in brackets there, not for ssh.
        let v6 = SSHTarget(host: "2001:db8::11", user: "ops", port: 2222)
        #expect(PlanRenderer.sshDestination(v6, portFlag: "-P", forSFTP: true) == "-P 2222 -- ops@[2001:db8::11]")
        #expect(PlanRenderer.sshDestination(v6, portFlag: "-p") == "-p 2222 -- ops@2001:db8::11")
        #expect(out.contains("grep -F -- '(me)' | grep -F -- 'Connected Primary'"))
        #expect(out.contains("test -s 'cms1/webadmin.crt' || fail"))
        // sh -n parses it without running anything.
        let parsed = TestSupport.run("/bin/sh", ["-n"], input: Data(out.utf8))
        #expect(parsed.status == 0, "\(parsed.stderr)")
    }

    @Test("quoting for the shell keeps single quotes")
    func quoting() {
        #expect(PlanRenderer.quoted("O:\"Example Inc.\"") == "'O:\"Example Inc.\"'")
        #expect(PlanRenderer.quoted("it's") == "'it'\\''s'")
    }

    @Test("the plan command: output per format, and exit codes 4 for a refused plan, 2 for bad input")
    func command() throws {
        let text = try PlanCommandSupport.run(deploymentYAML: Fixtures.combined29, flow: .fresh, format: .text)
        #expect(text.hasPrefix("cmscerts plan: fresh, CMS 2.9"))
        let d = try Fixtures.load(Fixtures.three3x)
        let state = String(decoding: try JSONEncoder().encode(Fixtures.state3x(d, withCSRs: false)), as: UTF8.self)
        let json = try PlanCommandSupport.run(deploymentYAML: Fixtures.three3x, flow: .renewNewNames, format: .json, stateJSON: state)
        #expect(try JSONDecoder().decode(Plan.self, from: Data(json.utf8)).flow == .renewNewNames)

        func code(_ body: () throws -> String) -> Int32? {
            do { _ = try body(); return nil } catch { return PlanCommandSupport.exitCode(for: error) }
        }
        #expect(code { try PlanCommandSupport.run(deploymentYAML: Fixtures.three3x, flow: .renew, format: .text, stateJSON: state) } == 4)
        #expect(code { try PlanCommandSupport.run(deploymentYAML: "version: 1\n", flow: .fresh, format: .text) } == 2)
        #expect(code { try PlanCommandSupport.run(deploymentYAML: Fixtures.three3x, flow: .renew, format: .text) } == 2)
        #expect(code { try PlanCommandSupport.run(deploymentYAML: Fixtures.three3x, flow: .renew, format: .text, stateJSON: "{") } == 2)
        // A hand-written state with only what matters: the CSR on the node lets renew reuse it.
        let minimal = """
        {"nodes": {"cms3": {"files": ["turn.csr"], "services": [{"service": "turn", "key": "turn.key", "certificate": "turn.crt"}]}}}
        """
        let one = Fixtures.three3x.replacingOccurrences(of: "services: [callbridge, turn]", with: "services: [turn]")
            .replacingOccurrences(of: "services: [webadmin, callbridge, webbridge3]", with: "services: []")
            .replacingOccurrences(of: "services: [callbridge, webbridge3]", with: "services: []")
        let renew = try PlanCommandSupport.run(deploymentYAML: one, flow: .renew, format: .text, stateJSON: minimal)
        #expect(renew.contains("    get turn.csr cms3/turn.csr"))
        #expect(renew.contains("    turn disable"))
    }
}

/// Golden runbooks: the text form of a plan for each fixture and flow, kept under
/// Golden/. A missing golden, or RECORD_SNAPSHOTS set, records it and fails, so that a
/// person reads the new runbook before it becomes the reference.
@Suite("Golden runbooks")
struct GoldenTests {
    static let cases: [(String, String, Flow, Bool)] = [
        ("combined29-fresh", Fixtures.combined29, .fresh, false),
        ("three3x-fresh", Fixtures.three3x, .fresh, false),
        ("five29-fresh", Fixtures.five29, .fresh, false),
        ("wildcard3x-fresh", Fixtures.wildcard3x, .fresh, false),
        ("singleLocalSAN-fresh", Fixtures.singleLocalSAN, .fresh, false),
        ("three3x-renew", Fixtures.three3x, .renew, true),
        ("three3x-renew-new-names", Fixtures.three3x, .renewNewNames, false),
        ("five29-renew-database", Fixtures.five29, .renewDatabase, false),
        ("overrides3x-fresh", Fixtures.overrides3x, .fresh, false),
        ("overrides3x-renew-new-names", Fixtures.overrides3x, .renewNewNames, false),
        ("sanOverride-fresh", Fixtures.sanOverride, .fresh, false),
    ]

    @Test("each runbook matches its golden", arguments: cases.map(\.0))
    func golden(name: String) throws {
        let (_, yaml, flow, withCSRs) = Self.cases.first { $0.0 == name }!
        let d = try Fixtures.load(yaml)
        let state = flow == .renew || flow == .renewNewNames ? Fixtures.state3x(d, withCSRs: withCSRs) : .empty
        let text = PlanRenderer.render(try Planner.plan(d, flow: flow, current: state), as: .text)
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name).txt")
        let recorded = try? String(contentsOf: url, encoding: .utf8)
        if recorded == nil || ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(url.path): read it, then run the tests again")
            return
        }
        #expect(text == recorded, "the runbook differs from Golden/\(name).txt (RECORD_SNAPSHOTS=1 records it anew)")
    }

    /// `plan --format markdown` of the 2.9 estate reads like the TAC article: the steps of
    /// each server under its name, the article's step and its own commands, in its order.
    @Test("the 2.9 estate's markdown runbook matches its golden")
    func estate29Markdown() throws {
        let plan = try Planner.plan(try Fixtures.load(Fixtures.estate29), flow: .fresh)
        let text = PlanRenderer.render(plan, as: .markdown)
        #expect(text.contains("## core1 — core1.example.com, ssh core1.example.com\n"))
        #expect(text.contains("| Step 3: database cluster | MMP | `database cluster initialize` |"))
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/estate29-fresh.md")
        let recorded = try? String(contentsOf: url, encoding: .utf8)
        if recorded == nil || ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try text.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(url.path): read it, then run the tests again")
            return
        }
        #expect(text == recorded, "the markdown differs from Golden/estate29-fresh.md (RECORD_SNAPSHOTS=1 records it anew)")
    }
}

/// The script run for real against stand-in `ssh` and `sftp` commands that log what they
/// are asked: it stops where a person must act, and a second run skips what was done.
@Suite("The plan script, run")
struct ScriptRunTests {
    @Test("a rerun after the signed certificates arrive never makes a key twice")
    func resumes() throws {
        let plan = try Planner.plan(try Fixtures.load(Fixtures.combined29), flow: .fresh)
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("cmscerts-script-\(UUID().uuidString)")
        let bin = dir.appendingPathComponent("bin")
        try fm.createDirectory(at: bin, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let log = dir.appendingPathComponent("log").path
        // The stand-ins print what every check of the plan looks for.
        let ssh = "#!/bin/sh\nwhile [ \"$1\" != -- ]; do shift; done\nshift 2\necho \"ssh $*\" >> \(log)\necho 'Created key file x.key and CSR x.csr'\necho 'SUCCESS'\necho '10.0.0.5 (me) : Connected Primary'\n"
        let sftp = "#!/bin/sh\nread line\necho \"sftp $line\" >> \(log)\n"
        for (name, body) in [("ssh", ssh), ("sftp", sftp)] {
            let url = bin.appendingPathComponent(name)
            try body.write(to: url, atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let script = dir.appendingPathComponent("plan.sh")
        try PlanRenderer.render(plan, as: .script).write(to: script, atomically: true, encoding: .utf8)

        func runScript() throws -> Int32 {
            TestSupport.run("/bin/sh", [script.path], in: dir.path, environment: ["PATH": bin.path + ":/usr/bin:/bin"]).status
        }

        // First run: stops at once, the CA bundle is not there yet.
        #expect(try runScript() == 1)
        try "bundle\n".write(to: dir.appendingPathComponent("ca-bundle.crt"), atomically: true, encoding: .utf8)
        // Second run: CSRs made and downloaded, the database done; stops for the signed certificates.
        #expect(try runScript() == 1)
        try fm.createDirectory(at: dir.appendingPathComponent("cms"), withIntermediateDirectories: true)
        for s in ["webadmin", "callbridge", "webbridge", "xmpp", "turn"] {
            try "cert\n".write(to: dir.appendingPathComponent("cms/\(s).crt"), atomically: true, encoding: .utf8)
        }
        #expect(try runScript() == 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("ssh pki csr webadmin ") }.count == 1, "the key is made once")
        #expect(lines.filter { $0 == "ssh database cluster initialize" }.count == 1)
        #expect(lines.contains("sftp put cms/webadmin.crt webadmin.crt"))
        #expect(lines.last == "ssh turn enable")
        let mmp = plan.steps.filter { $0.node != nil && ($0.kind == .mmp || $0.kind == .check) }.count
        #expect(lines.filter { $0.hasPrefix("ssh ") }.count == mmp, "each MMP step ran exactly once")
    }
}
