import Foundation
import TestSupport
import Testing

/// Every fuzz harness, as the plain build makes it (no libFuzzer: replay mode), run over
/// its seed corpus, Fuzz/Corpus/<harness>: the seeds, and the inputs that once crashed a
/// harness (`crash-*`, each with its regression test in the module's tests), must all
/// go through without a crash. Fuzz/run.sh does the fuzzing itself.
@Suite("Fuzz harnesses replay their corpus")
struct CorpusReplayTests {
    static let harnesses = ["certificate-reader", "csr-spec", "deployment-file", "mmp-output", "key-decoder"]

    /// The repository's Fuzz/Corpus, from this file's place in Tests/FuzzTests.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus").path

    @Test(arguments: harnesses)
    func theCorpusReplaysWithoutACrash(_ harness: String) async throws {
        let folder = Self.corpus + "/" + harness
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }
        #expect(!files.isEmpty, "no seeds in \(folder): run Fuzz/seeds.sh")
        let result = try await TestSupport.offThePool {
            TestSupport.runProduct("fuzz-\(harness)", ["-runs=0", folder])
        }
        #expect(result.status == 0 && !result.crashed, "fuzz-\(harness) on \(folder):\n\(result.output.suffix(2000))")
        #expect(result.stderr.contains("replayed \(files.count) inputs"), "\(result.stderr.suffix(500))")
    }

    /// Without inputs a harness says how to use it and exits 2: a typo in CI is not a pass.
    @Test func noInputIsAUsageError() async throws {
        let result = try await TestSupport.offThePool { TestSupport.runProduct("fuzz-csr-spec", []) }
        #expect(result.status == 2)
        #expect(result.stderr.contains("usage: fuzz-csr-spec"))
        let missing = try await TestSupport.offThePool { TestSupport.runProduct("fuzz-csr-spec", ["/nonexistent/corpus"]) }
        #expect(missing.status == 2 && missing.stderr.contains("no such file"))
    }
}
