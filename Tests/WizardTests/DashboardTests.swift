import Foundation
import Inventory
import TerminalUI
import TestSupport
import Testing
@testable import Wizard

@Suite("The expiry dashboard: rows, colours, sort, filter, inspect, refresh")
struct DashboardTests {
    let app = WizardApp()

    /// Home → Expiry (past Step 5 and Bundles).
    func openDashboard(_ f: WizardFixture) {
        f.open(.expiry)
    }

    /// Fixed rows, one per status, as the Inventory sources make them (decoded, since a
    /// row is plain Codable data).
    static func sampleRows() throws -> [CertificateRow] {
        let base = Date(timeIntervalSinceReferenceDate: 817_000_000)  // 2026-11-21
        func row(_ node: String?, _ service: String?, _ file: String, _ cn: String?, _ days: Int?, _ status: String, reason: String? = nil) -> String {
            var fields = ["\"source\": \"\(node == nil ? "file" : "node")\"", "\"file\": \"\(file)\"", "\"subjectAltNames\": []",
                          "\"status\": \"\(status)\"", "\"problems\": []"]
            if let node { fields.append("\"node\": \"\(node)\"") }
            if let service { fields.append("\"service\": \"\(service)\"") }
            if let cn {
                fields.append("\"subject\": {\"attributes\": [{\"name\": \"CN\", \"value\": \"\(cn)\"}]}")
                fields.append("\"issuer\": {\"attributes\": [{\"name\": \"CN\", \"value\": \"Outside Issuing CA\"}]}")
                fields.append("\"member\": 1")
                fields.append("\"serialHex\": \"0A1B2C\"")
            }
            if let days {
                fields.append("\"daysLeft\": \(days)")
                fields.append("\"notBefore\": \(base.timeIntervalSinceReferenceDate - 86_400 * 300)")
                fields.append("\"notAfter\": \(base.timeIntervalSinceReferenceDate + 86_400 * Double(days))")
            }
            if let reason { fields.append("\"reason\": \"\(reason)\"") }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        let json = "[" + [
            row(nil, nil, "broken.pem", nil, nil, "unreadable", reason: "no PEM block"),
            row("cms2", "database", "dbclient.crt", "postgres", -3, "expired"),
            row("cms1", "callbridge", "callbridge.crt", "cms1.lab.example.com", 5, "critical"),
            row("cms3", "webadmin", "webadmin.crt", "cms3.lab.example.com", 21, "warning"),
            row(nil, nil, "chain/leaf.crt", "cms1.lab.example.com", 364, "ok"),
        ].joined(separator: ", ") + "]"
        return try JSONDecoder().decode([CertificateRow].self, from: Data(json.utf8))
    }

    func loaded(_ f: WizardFixture, size: Size = .standard) throws -> WizardState {
        var s = f.state
        s.size = size
        s.screen = .dashboard
        s.dashboard.generation = 7
        _ = app.update(&s, .dashboardLoaded(generation: 7, rows: try Self.sampleRows(), at: Date()))
        return s
    }

    @Test func rowsAreColouredByThresholdAtBothSizes() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        let screen = app.view(s, size: .standard)
        let text = screen.trimmedLines.joined(separator: "\n")
        #expect(text.contains("5 certificates: 1 ok · 1 warning · 2 critical or expired · 1 unreadable"))
        Snapshot.check(screen.trimmedLines, "dashboard", replacing: f.placeholders)
        // The colours: the status cells carry the threshold's role.
        let lines = screen.trimmedLines
        let expiredRow = try #require(lines.firstIndex { $0.contains("dbclient.crt") })
        let x = try #require(lines[expiredRow].range(of: "expired").map { lines[expiredRow].distance(from: lines[expiredRow].startIndex, to: $0.lowerBound) })
        #expect(screen[x, expiredRow].style.fg == s.theme[.error].fg)
        let okRow = try #require(lines.firstIndex { $0.contains("chain/leaf.crt") })
        let y = try #require(lines[okRow].range(of: " ok").map { lines[okRow].distance(from: lines[okRow].startIndex, to: $0.lowerBound) + 1 })
        #expect(screen[y, okRow].style.fg == s.theme[.ok].fg)
        s.size = Size(width: 120, height: 40)
        Snapshot.check(app.view(s, size: Size(width: 120, height: 40)).trimmedLines, "dashboard-120x40", replacing: f.placeholders)
    }

    @Test func sortFilterAndInspect() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        let cells = s.dashboard.cells
        // Unreadable files first, then the nearest expiry.
        #expect(s.dashboard.table.visibleRows(cells).map { cells[$0][2] } == ["broken.pem", "dbclient.crt", "callbridge.crt", "webadmin.crt", "chain/leaf.crt"])
        _ = app.update(&s, .key(.char("6")))
        #expect(s.dashboard.table.sortColumn == 5 && s.dashboard.table.ascending)
        _ = app.update(&s, .key(.char("6")))
        #expect(s.dashboard.table.ascending == false, "the sorted column again reverses")
        #expect(cells[s.dashboard.table.visibleRows(cells)[0]][2] == "chain/leaf.crt")
        _ = app.update(&s, .key(.char("1")))
        #expect(s.dashboard.table.sortColumn == 0)
        // Filter.
        _ = app.update(&s, .key(.char("/")))
        #expect(s.dashboard.editingFilter)
        for c in "cms1" { _ = app.update(&s, .key(.char(c))) }
        _ = app.update(&s, .key(.enter))
        #expect(!s.dashboard.editingFilter)
        #expect(s.dashboard.table.visibleRows(cells).count == 2)
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "dashboard-filtered", replacing: f.placeholders)
        _ = app.update(&s, .key(.char("/")))
        _ = app.update(&s, .key(.esc))
        #expect(s.dashboard.table.filter.isEmpty && s.dashboard.table.visibleRows(cells).count == 5)
        // Enter opens the selected row in full; Esc comes back.
        _ = app.update(&s, .key(.char("/")))
        for c in "postgres" { _ = app.update(&s, .key(.char(c))) }
        _ = app.update(&s, .key(.enter))
        _ = app.update(&s, .key(.enter))
        let opened = try #require(s.dashboard.inspected)
        #expect(s.dashboard.rows?[opened].file == "dbclient.crt")
        let inspect = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(inspect.contains("cms2:dbclient.crt"))
        #expect(inspect.contains("expired, -3 days left"))
        #expect(inspect.contains("Issuer        CN=Outside Issuing CA"))
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "dashboard-inspect", replacing: f.placeholders)
        _ = app.update(&s, .key(.esc))
        #expect(s.dashboard.inspected == nil && s.screen == .dashboard)
        _ = app.update(&s, .key(.esc))
        #expect(s.screen == .home)
    }

    @Test func aStaleScanIsDroppedAndRefreshAsksAgain() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        _ = app.update(&s, .dashboardLoaded(generation: 6, rows: [], at: Date()))
        #expect(s.dashboard.rows?.count == 5, "an older scan's rows are dropped")
        let commands = app.update(&s, .key(.char("r")))
        #expect(commands.count == 1 && s.dashboard.generation == 8 && s.dashboard.loading)
    }

    /// The real thing: a chain made by openssl in the workspace and the lab's nodes read
    /// through the engine.
    @Test func theWorkspaceFilesAreReadWithTheirExpiry() async throws {
        let f = try WizardFixture()
        let workspace = try #require(f.context.apply?.workspace)
        f.opensslChain(in: workspace + "/chain")
        openDashboard(f)
        #expect(f.state.screen == .dashboard)
        await f.settle()
        let rows = try #require(f.state.dashboard.rows)
        let leaf = try #require(rows.first { $0.file == "chain/leaf.crt" })
        #expect(leaf.commonName == "cms1.lab.example.com")
        #expect(leaf.status == .ok)
        #expect((363...365).contains(leaf.daysLeft ?? 0))
        #expect(rows.contains { $0.file == "chain/root.crt" })
        #expect(!rows.contains { $0.file.hasPrefix("nodes/") }, "the lab's node folders are read as nodes, not as files")
        #expect(f.screenText.contains("chain/leaf.crt"))
        #expect(f.lines.last?.contains("/ filter") == true)
    }
}
