import Foundation
import TestSupport
import Testing

private let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// `cmscerts expiry` over a fleet: several estates at once (each node read once), a
/// progress line only on a terminal, and `--now` for audits.
@Suite("cmscerts expiry over several estates", .serialized)
struct ExpiryFleetTests {
    /// A lab whose cms1 has web admin configured with a certificate the lab's dbca signed.
    func lab(_ label: String) throws -> String {
        let dir = TestSupport.temporaryDirectory(label) + "/lab"
        let made = TestSupport.runProduct("cmscerts", ["lab", "init", dir])
        try #require(made.status == 0, "\(made.output)")
        for command in ["pki selfsigned dbca CN:lab.example.com", "pki csr webadmin CN:cms1.lab.example.com",
                        "pki sign webadmin dbca", "webadmin certs webadmin.key webadmin.crt dbca.crt"] {
            let r = TestSupport.runProduct("cms-lab-node", ["--lab", dir, "--node", "cms1", "-c", command])
            try #require(r.status == 0 && !r.stdout.contains("FAILURE"), "\(command): \(r.output)")
        }
        return dir
    }

    func rows(_ result: ProcessResult) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.output)")
    }

    @Test func severalEstatesAreReadAndANodeListedTwiceIsReadOnce() throws {
        let first = try lab("fleet1"), second = try lab("fleet2")
        // The first lab's file again under another name: the same nodes.
        let again = first + "/again.yaml"
        TestSupport.write(TestSupport.read(first + "/deployment.yaml"), to: again)

        let one = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", first + "/deployment.yaml", "--format", "json"])
        #expect(one.status == 0, "\(one.output)")
        let single = try rows(one)
        #expect(single.count == 2, "webadmin.crt and dbca.crt on cms1")

        let twice = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", first + "/deployment.yaml",
                                                        "--deployment", again, "--format", "json", "--jobs", "2"])
        #expect(twice.status == 0, "\(twice.output)")
        #expect(try rows(twice).count == single.count, "each node once")

        let both = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", first + "/deployment.yaml",
                                                       "--deployment", second + "/deployment.yaml", "--deployment", again,
                                                       "--format", "json"])
        #expect(both.status == 0, "\(both.output)")
        let all = try rows(both)
        #expect(all.count == 2 * single.count)
        #expect(Set(all.compactMap { $0["sha256"] as? String }).count == 2 * single.count, "two labs, two sets of certificates")
        // Piped: no progress line.
        #expect(both.stderr.isEmpty, "\(both.stderr)")
    }

    @Test func nowJudgesValidityAtAnotherInstant() throws {
        let dir = try lab("fleetnow")
        let file = dir + "/deployment.yaml"
        let today = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", file, "--format", "json"])
        #expect(today.status == 0, "\(today.output)")
        let left = try #require(try rows(today).first { ($0["commonName"] as? String) == "cms1.lab.example.com" }?["daysLeft"] as? Int)
        // The day the certificate has some 4 days left.
        let later = Date().addingTimeInterval(Double(left - 4) * 86_400)
        let day = ISO8601DateFormatter().string(from: later).prefix(10)
        let soon = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", file, "--format", "json", "--now", String(day)])
        #expect(soon.status == 2, "5 days left or fewer is critical: \(soon.output)")
        let webadmin = try #require(try rows(soon).first { ($0["commonName"] as? String) == "cms1.lab.example.com" })
        #expect(webadmin["status"] as? String == "critical")
        #expect((webadmin["daysLeft"] as? Int).map { (3...5).contains($0) } == true, "\(webadmin)")
        for form in ["2100-01-01T00:00:00+01:00", "2100-01-01T00:00Z", "2100-01-01T00:00:00.250-0130"] {
            let past = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", file, "--now", form])
            #expect(past.status == 2, "\(form): \(past.output)")
            #expect(past.stdout.contains("EXPIRED"), "\(past.stdout)")
        }
        for bad in ["tomorrow", "2027-02-30", "2027-01-01T12:00:00", "2027-01-01T25:00:00Z", "27-01-01"] {
            let refused = TestSupport.runProduct("cmscerts", ["expiry", "--deployment", file, "--now", bad])
            #expect(refused.status == 3, "\(bad): \(refused.output)")
            #expect(refused.stderr.contains("--now \(bad) is not an ISO 8601 date or date-time"), "\(refused.stderr)")
        }
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func aTerminalShowsProgressThatIsClearedBeforeTheTable() throws {
        let silent = try SilentListener()
        let folder = TestSupport.temporaryDirectory("fleettty")
        let socket = "cmscerts-fleet-\(UUID().uuidString.prefix(8))"
        func run(_ arguments: [String]) -> ProcessResult { TestSupport.run(tmux!, ["-L", socket] + arguments, timeout: .seconds(30)) }
        defer { _ = run(["kill-server"]) }
        let command = "'\(TestSupport.productPath("cmscerts"))' expiry --endpoint 127.0.0.1:\(silent.port) --timeout 4; echo exit=$?; sleep 60"
        TestSupport.write(command, to: folder + "/run.sh")
        #expect(run(["new-session", "-d", "-s", "t", "-x", "100", "-y", "24", "bash --norc --noprofile '\(folder)/run.sh'"]).status == 0)
        func screen() -> String { run(["capture-pane", "-p", "-t", "t"]).stdout }
        func wait(for text: String) -> Bool {
            let deadline = Date(timeIntervalSinceNow: 20)
            while Date() < deadline {
                if screen().contains(text) { return true }
                usleep(50_000)
            }
            return false
        }
        #expect(wait(for: "endpoints probed 0/1"), "\(screen())")
        #expect(wait(for: "exit=3"), "\(screen())")
        let end = screen()
        #expect(!end.contains("endpoints probed"), "the progress line is gone: \(end)")
        #expect(end.contains("UNREADABLE"))
        withExtendedLifetime(silent) {}
    }
}
