import Foundation
import Inventory
import Testing

/// The dashboard's grouping over a fixed estate: one entry per certificate in use, its
/// chain folded under it, copies merged, unused files apart and never critical, and the
/// counts of what a filter shows.
@Suite struct CertificateGroupsTests {
    /// One row, as the sources make them (a row is plain Codable data).
    static func row(_ source: String, _ node: String?, _ service: String?, _ file: String, member: Int = 1, fp: String,
                    cn: String, days: Int, status: String, position: String? = nil) throws -> CertificateRow {
        var fields = ["\"source\": \"\(source)\"", "\"file\": \"\(file)\"", "\"subjectAltNames\": []", "\"status\": \"\(status)\"",
                      "\"problems\": []", "\"member\": \(member)", "\"sha256Fingerprint\": \"\(fp)\"", "\"daysLeft\": \(days)",
                      "\"subject\": {\"attributes\": [{\"name\": \"CN\", \"value\": \"\(cn)\"}]}"]
        if let node { fields.append("\"node\": \"\(node)\"") }
        if let service { fields.append("\"service\": \"\(service)\"") }
        if let position { fields.append("\"position\": \"\(position)\"") }
        return try JSONDecoder().decode(CertificateRow.self, from: Data(("{" + fields.joined(separator: ", ") + "}").utf8))
    }

    /// cms1's callbridge certificate (ok) with the root in its bundle; cms2's (a warning);
    /// an old expired file on cms1 no service uses; in the workspace a copy of cms1's
    /// certificate, a copy of the root, and a stray expired file.
    static func estate() throws -> (rows: [CertificateRow], uses: [String: [ServiceFile]]) {
        let rows = [
            try row("node", "cms1", "callbridge", "callbridge.crt", fp: "A", cn: "cms1.example.com", days: 300, status: "ok", position: "entity"),
            try row("node", "cms1", "callbridge", "ca-bundle.crt", fp: "R", cn: "Root CA", days: 3000, status: "ok"),
            try row("node", "cms1", nil, "old.crt", fp: "O", cn: "cms1.example.com", days: -30, status: "expired"),
            try row("node", "cms2", "callbridge", "callbridge.crt", fp: "B", cn: "cms2.example.com", days: 20, status: "warning"),
            try row("file", nil, nil, "/w/callbridge.crt", fp: "A", cn: "cms1.example.com", days: 300, status: "ok"),
            try row("file", nil, nil, "/w/root.crt", fp: "R", cn: "Root CA", days: 3000, status: "ok"),
            try row("file", nil, nil, "/w/stray.pem", fp: "S", cn: "stray", days: -2, status: "expired"),
        ]
        func use(_ file: String, own: Bool) throws -> ServiceFile {
            try JSONDecoder().decode(ServiceFile.self, from: Data(#"{"service": "callbridge", "label": "x", "file": "\#(file)", "isServiceCertificate": \#(own)}"#.utf8))
        }
        let uses = ["cms1": [try use("callbridge.crt", own: true), try use("ca-bundle.crt", own: false)],
                    "cms2": [try use("callbridge.crt", own: true)]]
        return (rows, uses)
    }

    @Test func oneEntryPerCertificateInUseWithItsChainFoldedAndItsCopiesMerged() throws {
        let (rows, uses) = try Self.estate()
        let groups = CertificateGroups(rows: rows, serviceFiles: uses).view(filter: "", order: .worst)
        // Worst first: cms2's warning, then cms1's ok certificate.
        #expect(groups.entries.map(\.id) == ["B", "A"])
        let a = try #require(groups.entries.last)
        #expect(a.chain.map(\.sha256Fingerprint) == ["R"], "the bundle the service uses is its chain")
        #expect(a.places.map(\.text) == ["cms1:callbridge.crt (callbridge)", "/w/callbridge.crt", "/w/root.crt"],
                "the workspace's copies (of the certificate and of its root) are places of the one entry")
        #expect(!groups.entries.contains { $0.id == "R" }, "a bundle is folded under the certificates that use it, never its own row")
    }

    @Test func filesNoServiceUsesAreUnusedAndNeverCritical() throws {
        let (rows, uses) = try Self.estate()
        let groups = CertificateGroups(rows: rows, serviceFiles: uses).view(filter: "", order: .worst)
        #expect(Set(groups.unused.map(\.id)) == ["O", "S"])
        #expect(groups.unused.allSatisfy { $0.state == .critical }, "expired they are")
        let c = groups.counts
        #expect(c == CertificateGroups.Counts(ok: 1, warning: 1, critical: 0, unknown: 0, unused: 2))
        // Every certificate read is somewhere: what `cmscerts expiry` lists, once each.
        #expect(groups.fingerprints == Set(rows.compactMap(\.sha256Fingerprint)))
    }

    @Test func theCountsAreThoseOfWhatTheFilterShows() throws {
        let (rows, uses) = try Self.estate()
        let groups = CertificateGroups(rows: rows, serviceFiles: uses)
        #expect(groups.view(filter: "CMS2", order: .worst).counts == CertificateGroups.Counts(ok: 0, warning: 1, critical: 0, unknown: 0, unused: 0))
        #expect(groups.view(filter: "stray", order: .worst).counts == CertificateGroups.Counts(unused: 1))
        // A place matches too: the workspace copy's path finds cms1's entry.
        #expect(groups.view(filter: "/w/callbridge", order: .worst).entries.map(\.id) == ["A"])
        #expect(groups.view(filter: "nothing like it", order: .worst).counts == CertificateGroups.Counts())
    }

    @Test func theOrdersCycleAndSort() throws {
        let (rows, uses) = try Self.estate()
        let groups = CertificateGroups(rows: rows, serviceFiles: uses)
        var order = CertificateGroups.Order.worst
        var seen: [CertificateGroups.Order] = []
        for _ in CertificateGroups.Order.allCases { seen.append(order); order = order.next }
        #expect(seen == CertificateGroups.Order.allCases && order == .worst)
        #expect(groups.view(filter: "", order: .node).entries.map { $0.row.node } == ["cms1", "cms2"])
        #expect(groups.view(filter: "", order: .daysLeft).unused.map(\.id) == ["O", "S"])
    }

    @Test func withNoNodeReadEveryFileIsAnEntry() throws {
        let rows = try Self.estate().rows.filter { $0.source == .file }
        let groups = CertificateGroups(rows: rows)
        #expect(groups.unused.isEmpty)
        #expect(Set(groups.entries.map(\.id)) == ["A", "R", "S"])
        #expect(groups.counts == CertificateGroups.Counts(ok: 2, critical: 1))
    }
}
