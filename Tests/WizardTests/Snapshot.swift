import Foundation
import Testing

/// Screen snapshots kept as text files in Tests/WizardTests/Snapshots. A missing file is
/// recorded, and so is every file when RECORD_SNAPSHOTS is set; a recording run fails so
/// that a person reads the new screen before it becomes the expectation.
enum Snapshot {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots").path

    /// Compares `lines` (trailing spaces removed) with the snapshot `name`, after putting
    /// `placeholders` (say, a temporary folder of the same length) in place of variable text.
    static func check(_ lines: [String], _ name: String, replacing placeholders: [String: String] = [:],
                      sourceLocation: SourceLocation = #_sourceLocation) {
        var text = lines.joined(separator: "\n") + "\n"
        for (from, to) in placeholders { text = text.replacingOccurrences(of: from, with: to) }
        let path = folder + "/" + name + ".txt"
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"].map { !$0.isEmpty && $0 != "0" } ?? false
        if record || !FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
            Issue.record("recorded snapshot \(name).txt: read it, then run again", sourceLocation: sourceLocation)
            return
        }
        let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        if expected != text {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = text.split(separator: "\n", omittingEmptySubsequences: false)
            var diff: [String] = []
            for i in 0..<max(e.count, a.count) {
                let x = i < e.count ? String(e[i]) : "<none>", y = i < a.count ? String(a[i]) : "<none>"
                if x != y { diff.append("line \(i + 1):\n  expected: \(x)\n  actual:   \(y)") }
            }
            let message = "screen differs from snapshot \(name).txt:\n" + diff.joined(separator: "\n")
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }
}
