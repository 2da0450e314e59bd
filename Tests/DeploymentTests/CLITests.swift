import Foundation
import Testing
import TestSupport
@testable import Deployment

/// The built `cmscerts` executable, run as a user would: `init` and `plan`, their output
/// and exit codes. `swift test` builds the executable with the tests.
@Suite("cmscerts init and plan")
struct CLITests {
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cmscerts")
    }

    struct Result { var code: Int32; var out: String; var err: String }

    func run(_ args: [String], in dir: URL) throws -> Result {
        let r = TestSupport.run(Self.binary.path, args, in: dir.path)
        return Result(code: r.status, out: r.stdout, err: r.stderr)
    }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmscerts-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("init writes the example once and never overwrites it")
    func initWritesOnce() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the cmscerts executable: \(Self.binary.path)")
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try run(["init", "site.yaml"], in: dir)
        #expect(first.code == 0)
        let written = try String(contentsOf: dir.appendingPathComponent("site.yaml"), encoding: .utf8)
        #expect(written == DeploymentFile.example)
        try "edited\n".write(to: dir.appendingPathComponent("site.yaml"), atomically: true, encoding: .utf8)
        let second = try run(["init", "site.yaml"], in: dir)
        #expect(second.code == 2)
        #expect(second.err.contains("exists already"))
        #expect(try String(contentsOf: dir.appendingPathComponent("site.yaml"), encoding: .utf8) == "edited\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary file left: \(leftovers)")
    }

    @Test("plan prints each format; exit 2 with the line for a bad file or unreachable nodes, 4 for a refused plan")
    func plan() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Fixtures.three3x.write(to: dir.appendingPathComponent("d.yaml"), atomically: true, encoding: .utf8)
        // The fixture's nodes cannot be reached from here: plan says so, and how to plan offline.
        let unreachable = try run(["plan", "d.yaml", "--ssh-config", "/dev/null"], in: dir)
        #expect(unreachable.code == 2)
        #expect(unreachable.out.isEmpty)
        #expect(unreachable.err.contains("cannot read what the nodes hold") && unreachable.err.contains("--offline"), "\(unreachable.err)")
        let text = try run(["plan", "d.yaml", "--offline"], in: dir)
        #expect(text.code == 0)
        #expect(text.out.hasPrefix("cmscerts plan: fresh, CMS 3.8"))
        #expect(text.out.contains("OFFLINE: planned without reading the nodes"))
        let json = try run(["plan", "d.yaml", "--offline", "--format", "json", "--flow", "renew-database"], in: dir)
        #expect(json.code == 0)
        #expect(try JSONDecoder().decode(Plan.self, from: Data(json.out.utf8)).flow == .renewDatabase)
        #expect(try run(["plan", "d.yaml", "--offline", "--format", "markdown"], in: dir).out.hasPrefix("# Certificate change: fresh"))
        #expect(try run(["plan", "d.yaml", "--offline", "--format", "script"], in: dir).out.hasPrefix("#!/bin/sh"))

        try (Fixtures.three3x + "\nfoo: 1\n").write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try run(["plan", "bad.yaml", "--offline"], in: dir)
        #expect(bad.code == 2)
        #expect(bad.out.isEmpty)
        #expect(bad.err.contains("line 22: foo: unknown key 'foo'"))

        let d = try Fixtures.load(Fixtures.three3x)
        try JSONEncoder().encode(Fixtures.state3x(d, withCSRs: false)).write(to: dir.appendingPathComponent("state.json"))
        let refused = try run(["plan", "d.yaml", "--flow", "renew", "--state", "state.json"], in: dir)
        #expect(refused.code == 4)
        #expect(refused.err.contains("renew-new-names"))
        let noState = try run(["plan", "d.yaml", "--flow", "renew", "--offline"], in: dir)
        #expect(noState.code == 2)
        #expect(try run(["plan", "missing.yaml"], in: dir).code == 2)
        #expect(try run(["plan", "d.yaml", "--offline", "--state", "state.json"], in: dir).code == 2)
        #expect(try run(["plan", "d.yaml", "--flow", "sideways"], in: dir).code == 2)
    }
}
