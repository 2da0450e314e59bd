import Deployment
import Foundation
import Lab
@testable import Inventory
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

@Suite("The expiry dashboard: rows, colours, sort, filter, inspect, refresh")
struct DashboardTests {
    let app = WizardApp()

    /// Home → Expiry (past Step 5 and Bundles).
    func openDashboard(_ f: WizardFixture) {
        f.open(.expiry)
    }

    static let base = Date(timeIntervalSinceReferenceDate: 817_000_000)  // 2026-11-21

    /// One row as JSON, as the Inventory sources make them (a row is plain Codable data).
    static func rowJSON(_ node: String?, _ service: String?, _ file: String, _ cn: String?, _ days: Int?, _ status: String,
                        reason: String? = nil, source: String? = nil, member: Int = 1, issuer: String = "Outside Issuing CA",
                        position: String? = nil, problems: [String] = []) -> String {
        var fields = ["\"source\": \"\(source ?? (node == nil ? "file" : "node"))\"", "\"file\": \"\(file)\"", "\"subjectAltNames\": []",
                      "\"status\": \"\(status)\"", "\"problems\": [\(problems.map { "\"\($0)\"" }.joined(separator: ", "))]"]
        if let node { fields.append("\"node\": \"\(node)\"") }
        if let service { fields.append("\"service\": \"\(service)\"") }
        if let cn {
            fields.append("\"subject\": {\"attributes\": [{\"name\": \"CN\", \"value\": \"\(cn)\"}]}")
            fields.append("\"issuer\": {\"attributes\": [{\"name\": \"CN\", \"value\": \"\(issuer)\"}]}")
            fields.append("\"member\": \(member)")
            fields.append("\"serialHex\": \"0A1B2C\"")
        }
        if let days {
            fields.append("\"daysLeft\": \(days)")
            fields.append("\"notBefore\": \(base.timeIntervalSinceReferenceDate - 86_400 * 300)")
            fields.append("\"notAfter\": \(base.timeIntervalSinceReferenceDate + 86_400 * Double(days))")
        }
        if let reason { fields.append("\"reason\": \"\(reason)\"") }
        if let position { fields.append("\"position\": \"\(position)\"") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static func decode(_ rows: [String]) throws -> [CertificateRow] {
        try JSONDecoder().decode([CertificateRow].self, from: Data(("[" + rows.joined(separator: ", ") + "]").utf8))
    }

    /// Fixed rows, one per status.
    static func sampleRows() throws -> [CertificateRow] {
        try decode([
            rowJSON(nil, nil, "broken.pem", nil, nil, "unreadable", reason: "no PEM block"),
            rowJSON("cms2", "database", "dbclient.crt", "postgres", -3, "expired"),
            rowJSON("cms1", "callbridge", "callbridge.crt", "cms1.lab.example.com", 5, "critical"),
            rowJSON("cms3", "webadmin", "webadmin.crt", "cms3.lab.example.com", 21, "warning"),
            rowJSON(nil, nil, "chain/leaf.crt", "cms1.lab.example.com", 364, "ok"),
        ])
    }

    func loaded(_ f: WizardFixture, size: Size = .standard) throws -> WizardState {
        var s = f.state
        s.size = size
        s.screen = .dashboard
        s.dashboard.generation = 7
        _ = app.update(&s, .dashboardLoaded(generation: 7, rows: try Self.sampleRows(), at: Date()))
        return s
    }

    /// Read at a moved clock (the lab's, 3 years on): the head says so first, so that
    /// negative days are read against that date.
    @Test func aMovedClockIsSaidInTheHead() throws {
        let f = try WizardFixture()
        var s = f.state
        s.screen = .dashboard
        s.dashboard.generation = 7
        let later = Date(timeIntervalSinceNow: 1095 * 86_400)
        _ = app.update(&s, .dashboardLoaded(generation: 7, rows: try Self.sampleRows(), at: later))
        let head = app.view(s, size: .standard).trimmedLines[1].trimmingCharacters(in: .whitespaces)
        #expect(head.hasPrefix("Lab clock \(DashboardView.dayFormat.string(from: later)) (+1095 d) · Certificates of "), "\(head)")
        _ = app.update(&s, .dashboardLoaded(generation: 7, rows: try Self.sampleRows(), at: Date()))
        #expect(app.view(s, size: .standard).trimmedLines[1].hasPrefix(" Certificates of "), "at real time, nothing to say")
    }

    @Test func rowsAreColouredByThresholdAtBothSizes() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        let screen = app.view(s, size: .standard)
        let text = screen.trimmedLines.joined(separator: "\n")
        #expect(text.contains("5 in use: ✓ 1 ok  ! 1 warning  ✗ 2 critical  ? 1 unreadable  0 unused"))
        Snapshot.check(screen.trimmedLines, "dashboard", replacing: f.placeholders)
        // The colours: the status cells carry the threshold's role (the selected row keeps the selection's).
        let lines = screen.trimmedLines
        let criticalRow = try #require(lines.firstIndex { $0.contains("callbridge.crt") })
        let x = try #require(lines[criticalRow].range(of: "critical").map { lines[criticalRow].distance(from: lines[criticalRow].startIndex, to: $0.lowerBound) })
        #expect(screen[x, criticalRow].style.fg == s.theme[.error].fg)
        let expiredRow = try #require(lines.firstIndex { $0.contains("dbclient.crt") })
        #expect(screen[3, expiredRow].style == s.theme[.selected], "the selection, worst first")
        let okRow = try #require(lines.firstIndex { $0.contains("chain/leaf.crt") })
        let y = try #require(lines[okRow].range(of: " ok").map { lines[okRow].distance(from: lines[okRow].startIndex, to: $0.lowerBound) + 1 })
        #expect(screen[y, okRow].style.fg == s.theme[.ok].fg)
        s.size = Size(width: 120, height: 40)
        Snapshot.check(app.view(s, size: Size(width: 120, height: 40)).trimmedLines, "dashboard-120x40", replacing: f.placeholders)
    }

    /// The File column of the lines on screen, without the fold marker.
    func files(_ s: WizardState) -> [String] {
        s.dashboard.lines.map { $0.cells[2].trimmingCharacters(in: .whitespaces) }
    }

    @Test func sortFilterAndInspect() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        // Worst first: expired and critical, then the unreadable file, the warning, ok.
        #expect(files(s) == ["dbclient.crt", "callbridge.crt", "broken.pem", "webadmin.crt", "chain/leaf.crt"])
        // s cycles the order: days left next (no date: first), then node.
        _ = app.update(&s, .key(.char("s")))
        #expect(s.dashboard.order == .daysLeft)
        #expect(files(s).first == "broken.pem")
        _ = app.update(&s, .key(.char("s")))
        #expect(s.dashboard.order == .node)
        #expect(s.dashboard.lines.map { $0.row?.node } == [nil, nil, "cms1", "cms2", "cms3"])
        // Filter: shown while typed, still shown after Enter, counted in the header.
        _ = app.update(&s, .key(.char("/")))
        #expect(s.dashboard.editingFilter)
        for c in "cms1" { _ = app.update(&s, .key(.char(c))) }
        _ = app.update(&s, .key(.enter))
        #expect(!s.dashboard.editingFilter)
        #expect(s.dashboard.lines.count == 2)
        var text = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(text.contains("/cms1  2 in use: ✓ 1 ok  ! 0 warning  ✗ 1 critical  ? 0 unreadable  0 unused"), "\(text)")
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "dashboard-filtered", replacing: f.placeholders)
        // Esc stops typing and leaves the filter shown; / edits the same filter again.
        _ = app.update(&s, .key(.char("/")))
        _ = app.update(&s, .key(.backspace))
        _ = app.update(&s, .key(.char("2")))
        _ = app.update(&s, .key(.esc))
        #expect(s.dashboard.filter == "cms2" && !s.dashboard.editingFilter && s.screen == .dashboard)
        text = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(text.contains("/cms2") && text.contains("1 in use"))
        // ^U clears it.
        _ = app.update(&s, .key(.char("/")))
        _ = app.update(&s, .key(.ctrl("u")))
        _ = app.update(&s, .key(.enter))
        #expect(s.dashboard.filter.isEmpty && s.dashboard.lines.count == 5)
        // Enter opens the selected line in full; Esc comes back.
        _ = app.update(&s, .key(.char("/")))
        for c in "postgres" { _ = app.update(&s, .key(.char(c))) }
        _ = app.update(&s, .key(.enter))
        _ = app.update(&s, .key(.enter))
        let opened = try #require(s.dashboard.inspected?.row)
        #expect(opened.file == "dbclient.crt")
        let inspect = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(inspect.contains("cms2:dbclient.crt"))
        #expect(inspect.contains("✗ expired, -3 days left"))
        #expect(inspect.contains("Issuer        CN=Outside Issuing CA"))
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "dashboard-inspect", replacing: f.placeholders)
        _ = app.update(&s, .key(.esc))
        #expect(s.dashboard.inspected == nil && s.screen == .dashboard)
        _ = app.update(&s, .key(.esc))
        #expect(s.screen == .home)
    }

    /// cms1's call bridge certificate with its bundle's root, its copy in the workspace and
    /// an unused expired file, as the dashboard reads them.
    static func chainedEstate() throws -> (rows: [CertificateRow], scan: NodeScan) {
        func fp(_ json: String, _ value: String) -> String { String(json.dropLast()) + ", \"sha256Fingerprint\": \"\(value)\"}" }
        let rows = try decode([
            fp(rowJSON("cms1", "callbridge", "callbridge.crt", "cms1.lab.example.com", 200, "ok", position: "entity"), "A"),
            fp(rowJSON("cms1", "callbridge", "ca-bundle.crt", "Outside Root CA", 3000, "ok", position: "root"), "R"),
            fp(rowJSON("cms1", nil, "old.crt", "cms1.lab.example.com", -40, "expired"), "O"),
            fp(rowJSON(nil, nil, "callbridge.crt", "cms1.lab.example.com", 200, "ok"), "A"),
        ])
        let uses = try JSONDecoder().decode([ServiceFile].self, from: Data("""
            [{"service": "callbridge", "label": "Certificate file", "file": "callbridge.crt", "isServiceCertificate": true},
             {"service": "callbridge", "label": "CA Bundle file", "file": "ca-bundle.crt", "isServiceCertificate": false}]
            """.utf8))
        let scan = NodeScan(node: "cms1", rows: [], serviceFiles: uses, configuredCertificates: [:])
        return (rows, scan)
    }

    /// A node's certificate with its bundle, its copy in the workspace, and an unused
    /// expired file: one line, its chain folded (→ or Enter unfolds, ← folds), the copy
    /// listed in its details, the unused file apart and never counted critical.
    @Test func chainsFoldCopiesMergeAndUnusedFilesAreApart() throws {
        let f = try WizardFixture()
        var s = f.state
        s.screen = .dashboard
        s.dashboard.generation = 3
        let (rows, scan) = try Self.chainedEstate()
        _ = app.update(&s, .dashboardLoaded(generation: 3, rows: rows, at: Date(), nodes: [scan]))
        #expect(files(s) == ["▶ callbridge.crt +1", "1 not counted", "old.crt"], "the workspace's copy is the same line")
        var text = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(text.contains("1 in use: ✓ 1 ok  ! 0 warning  ✗ 0 critical  ? 0 unreadable  1 unused"), "\(text)")
        _ = app.update(&s, .key(.right))
        #expect(files(s) == ["▼ callbridge.crt +1", "└ root", "1 not counted", "old.crt"])
        _ = app.update(&s, .key(.down))
        _ = app.update(&s, .key(.left))
        #expect(files(s).count == 3 && s.dashboard.table.selected == 0, "← folds and selects the certificate")
        _ = app.update(&s, .key(.enter))
        #expect(s.dashboard.inspected == nil && files(s).count == 4, "Enter unfolds first")
        _ = app.update(&s, .key(.enter))
        text = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(text.contains("Copy at       cms1:callbridge.crt (callbridge)") && text.contains("Copy at       callbridge.crt"), "\(text)")
    }

    /// The first scan shows the workspace's rows as they are read ("Reading… N so far"
    /// above them); a refresh keeps the rows on screen until its own are complete; a stale
    /// scan's batches change nothing.
    @Test func theFirstScanShowsRowsAsTheyAreRead() throws {
        let f = try WizardFixture()
        var s = f.state
        s.screen = .dashboard
        _ = app.update(&s, .key(.char("r")))
        let first = s.dashboard.generation
        #expect(s.dashboard.loading && s.dashboard.rows == nil)
        #expect(app.view(s, size: .standard).trimmedLines.joined(separator: "\n").contains("Reading…"))
        let rows = try Self.sampleRows()
        _ = app.update(&s, .dashboard(.progress(generation: first, rows: Array(rows[0..<2]))))
        #expect(s.dashboard.rows?.count == 2 && s.dashboard.loading, "the first batch is on screen while the scan goes on")
        var screen = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(screen.contains("Reading… 2 certificates so far") && screen.contains("dbclient.crt"), "\(screen)")
        _ = app.update(&s, .dashboard(.progress(generation: first, rows: Array(rows[2...]))))
        #expect(s.dashboard.rows?.count == 5)
        _ = app.update(&s, .dashboard(.progress(generation: first - 1, rows: rows)))
        #expect(s.dashboard.rows?.count == 5 && s.dashboard.readSoFar == 5, "a stale scan's batch is dropped")
        _ = app.update(&s, .dashboardLoaded(generation: first, rows: rows, at: Date()))
        #expect(!s.dashboard.loading && s.dashboard.rows?.count == 5)

        // A large first scan: its first rows show, then only the count moves (each merge
        // costs the input loop a sort of every row), and the whole comes at the end.
        var large = f.state
        large.screen = .dashboard
        _ = app.update(&large, .key(.char("r")))
        let many = Array(repeating: rows, count: 500).flatMap { $0 }  // 2,500 rows a batch
        for _ in 0..<4 { _ = app.update(&large, .dashboard(.progress(generation: large.dashboard.generation, rows: many))) }
        #expect(large.dashboard.rows?.count == 2500 && large.dashboard.readSoFar == 10_000)
        _ = app.update(&large, .dashboardLoaded(generation: large.dashboard.generation, rows: many + many, at: Date()))
        #expect(large.dashboard.rows?.count == 5000)

        // A refresh: the five rows stay until the new scan is whole, then its rows replace them.
        _ = app.update(&s, .key(.char("r")))
        let second = s.dashboard.generation
        _ = app.update(&s, .dashboard(.progress(generation: second, rows: Array(rows[0..<1]))))
        #expect(s.dashboard.rows?.count == 5 && s.dashboard.readSoFar == 1)
        screen = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(screen.contains("Reading… 1 certificate so far") && screen.contains("webadmin.crt"), "\(screen)")
        _ = app.update(&s, .dashboardLoaded(generation: second, rows: Array(rows[0..<1]), at: Date()))
        #expect(s.dashboard.rows?.count == 1)
    }

    @Test func aStaleScanIsDroppedAndRefreshAsksAgain() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        _ = app.update(&s, .dashboardLoaded(generation: 6, rows: [], at: Date()))
        #expect(s.dashboard.rows?.count == 5, "an older scan's rows are dropped")
        let commands = app.update(&s, .key(.char("r")))
        #expect(commands.count == 1 && s.dashboard.generation == 8 && s.dashboard.loading)
    }

    static let endpointInput = "10.0.0.1:443@join.lab.example.com, 10.0.0.2:445=webbridge3.crt 10.0.0.3:5061"

    /// What the three endpoints of `endpointInput` present, fixed: the first its chain out of
    /// order, the second a certificate other than the configured one, the third nothing.
    static func sampleProbes(_ targets: [EndpointTarget]) throws -> [EndpointProbe] {
        let first = targets[0].label, second = targets[1].label, third = targets[2].label
        let wrongOrder = "wrong order: the issuer of certificate 1 (join.lab.example.com) is presented at place 3, not right after it at place 2: put each issuer right after the certificate it signed"
        let rootFirst = "wrong order: certificate 2 (Outside Root CA) is a root, yet Outside Issuing CA follows it: the root goes last"
        let differs = "the certificate presented (cms2.lab.example.com, SHA-256 AA:BB) is not the one configured (webbridge3.crt), SHA-256 CC:DD: restart or re-enable the service, or check which certificate it was given"
        let a = try decode([
            rowJSON(nil, nil, first, "join.lab.example.com", 200, "ok", source: "endpoint", member: 1, position: "entity", problems: [wrongOrder]),
            rowJSON(nil, nil, first, "Outside Root CA", 3000, "ok", source: "endpoint", member: 2, issuer: "Outside Root CA", position: "root", problems: [rootFirst]),
            rowJSON(nil, nil, first, "Outside Issuing CA", 1500, "ok", source: "endpoint", member: 3, issuer: "Outside Root CA", position: "intermediate"),
        ])
        let b = try decode([rowJSON(nil, nil, second, "cms2.lab.example.com", 12, "warning", source: "endpoint", member: 1, position: "entity", problems: [differs])])
        let c = try decode([rowJSON(nil, nil, third, nil, nil, "unreadable", reason: "\(third): cannot connect (Connection refused): check the address, the port and any firewall", source: "endpoint")])
        var configured = targets[1]
        configured.configuredSource = "webbridge3.crt"
        return [
            EndpointProbe(scan: EndpointScan(target: targets[0], rows: a, inOrder: false, orderProblems: [wrongOrder, rootFirst], matchesConfigured: nil)),
            EndpointProbe(scan: EndpointScan(target: configured, rows: b, inOrder: true, orderProblems: [], matchesConfigured: false)),
            EndpointProbe(scan: EndpointScan(target: targets[2], rows: c, inOrder: false, orderProblems: [], matchesConfigured: nil)),
        ]
    }

    /// `e`, the text, Enter: the commands it returns.
    func giveEndpoints(_ text: String, _ s: inout WizardState) -> [Command<WizardMessage>] {
        _ = app.update(&s, .key(.char("e")))
        _ = app.update(&s, .key(.ctrl("u")))
        for c in text { _ = app.update(&s, .key(.char(c))) }
        return app.update(&s, .key(.enter))
    }

    /// Every endpoint on the dashboard answers what `sampleProbes` says.
    func answer(_ s: inout WizardState) throws {
        for (index, probe) in try Self.sampleProbes(s.dashboard.endpoints).enumerated() {
            _ = app.update(&s, .dashboardEndpointProbed(generation: s.dashboard.endpointGeneration, index: index, probe))
        }
    }

    @Test func endpointsAreGivenProbedAndJoinTheTableWithTheirProblems() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        _ = app.update(&s, .key(.char("e")))
        #expect(s.dashboard.endpointInput?.text == "", "no endpoint yet: the input starts empty")
        let empty = app.view(s, size: .standard).trimmedLines
        #expect(empty[3] == " Endpoints e.g. cms1.example.com:445 cms1.example.com:443@join.example.com")
        #expect(empty[4].contains("host:port[@sni][=cert file], several separated by spaces or commas"))
        #expect(app.bindings(s).filter(\.shownInHelp).map(\.help) == ["probe", "cancel", "clear"])
        _ = app.update(&s, .key(.char("r")))
        #expect(s.dashboard.endpointInput?.text == "r", "keys are typed into the input, not taken as commands")
        _ = app.update(&s, .key(.esc))
        #expect(s.dashboard.endpointInput == nil && s.dashboard.endpoints.isEmpty)

        let commands = giveEndpoints(Self.endpointInput, &s)
        #expect(commands.count == 3, "each endpoint is probed off the input loop, on a thread of its own")
        #expect(s.dashboard.endpointInput == nil)
        #expect(s.dashboard.endpoints.map(\.specification) == ["10.0.0.1:443@join.lab.example.com", "10.0.0.2:445=webbridge3.crt", "10.0.0.3:5061"])
        #expect(s.dashboard.probing == 3)
        #expect(app.view(s, size: .standard).trimmedLines[2].hasPrefix(" Probing 3 endpoints… 5 in use"))
        let generation = s.dashboard.endpointGeneration
        let probes = try Self.sampleProbes(s.dashboard.endpoints)
        for (index, probe) in probes.enumerated() {
            _ = app.update(&s, .dashboardEndpointProbed(generation: generation, index: index, probe))
        }
        #expect(s.dashboard.probing == 0)
        #expect(s.dashboard.rows?.count == 10)
        func cellsOf(_ file: String, member: Int?) throws -> [String] {
            let row = try #require(s.dashboard.rows?.first { $0.file == file && $0.member == member })
            return DashboardView.cells(row, problem: s.dashboard.problemTag(row))
        }
        #expect(try cellsOf("10.0.0.1:443@join.lab.example.com", member: 1) == ["10.0.0.1:443@join.lab.example.com", "live", "#1 entity", "join.lab.example.com", "2027-06-10", "200", "⚠ order"])
        #expect(try cellsOf("10.0.0.1:443@join.lab.example.com", member: 2).last == "⚠ order")
        #expect(try cellsOf("10.0.0.1:443@join.lab.example.com", member: 3).last == "ok")
        #expect(try cellsOf("10.0.0.2:445", member: 1).last == "⚠ differs")
        let silent = try cellsOf("10.0.0.3:5061", member: nil)
        #expect(silent[2] == "no answer" && silent[3].hasPrefix("cannot connect (Connection refused)") && silent[6] == "unreadable")
        // Coloured by threshold like the rest; a problem makes the status at least a warning.
        let screen = app.view(s, size: .standard)
        let lines = screen.trimmedLines
        #expect(lines[1].hasSuffix("and of 3 nodes, 3 live endpoints") || lines[1].hasSuffix("…"))
        #expect(lines[2].contains("8 in use: ✓ 1 ok  ! 3 warning  ✗ 2 critical  ? 2 unreadable  0 unused"), "one line per endpoint, its chain folded under it")
        let orderRow = try #require(lines.firstIndex { $0.contains("⚠ order") })
        let x = try #require(lines[orderRow].range(of: "⚠ order").map { lines[orderRow].distance(from: lines[orderRow].startIndex, to: $0.lowerBound) })
        #expect(screen[x, orderRow].style.fg == s.theme[.warning].fg)
        // A stale answer (an older probing) is dropped.
        _ = app.update(&s, .dashboardEndpointProbed(generation: generation - 1, index: 0, probes[2]))
        #expect(s.dashboard.rows?.count == 10)
        // r reads the files and nodes again and probes the endpoints again; their rows stay meanwhile.
        let refresh = app.update(&s, .key(.char("r")))
        #expect(refresh.count == 4 && s.dashboard.probing == 3 && s.dashboard.endpoints.count == 3)
        #expect(s.dashboard.rows?.count == 10, "the endpoints' last rows stay until they answer again")
        #expect(app.view(s, size: .standard).trimmedLines[2].hasPrefix(" Reading… 0 certificates so far Probing 3 endpoints…"))
        try answer(&s)
        _ = app.update(&s, .dashboardLoaded(generation: s.dashboard.generation, rows: try Self.sampleRows(), at: Date()))
        #expect(s.dashboard.rows?.count == 10)
        // e opens the input with the endpoints as they were given; emptied, Enter clears them.
        _ = app.update(&s, .key(.char("e")))
        #expect(s.dashboard.endpointInput?.text == "10.0.0.1:443@join.lab.example.com 10.0.0.2:445=webbridge3.crt 10.0.0.3:5061")
        _ = app.update(&s, .key(.esc))
        #expect(giveEndpoints("", &s).isEmpty)
        #expect(s.dashboard.endpoints.isEmpty && s.dashboard.rows?.count == 5)
    }

    @Test func anEndpointRowOpensWithItsChainAndConfiguredCertificate() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        _ = giveEndpoints(Self.endpointInput, &s)
        try answer(&s)
        _ = app.update(&s, .key(.char("/")))
        for c in "10.0.0.2" { _ = app.update(&s, .key(.char(c))) }
        _ = app.update(&s, .key(.enter))
        _ = app.update(&s, .key(.enter))
        let text = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(text.contains("Endpoint      10.0.0.2:445, live: the chain as its server presents it"))
        #expect(text.contains("Configured    the certificate presented differs from the one of webbridge3.crt"))
        #expect(text.contains("Problem       the certificate presented (cms2.lab.example.com"))
        #expect(text.contains("Member        1 in the chain presented"))
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "dashboard-endpoint-inspect", replacing: f.placeholders)
        // An answer arriving meanwhile keeps the same row open.
        let open = try #require(s.dashboard.inspected?.row)
        _ = app.update(&s, .dashboardEndpointProbed(generation: s.dashboard.endpointGeneration, index: 0, try Self.sampleProbes(s.dashboard.endpoints)[0]))
        #expect(s.dashboard.inspected?.row == open)
    }

    /// A deployment file that lists endpoints (`endpoints:`): the input starts with them,
    /// and they keep their node and service.
    @Test func theDeploymentFilesEndpointsPrefillTheInput() throws {
        let text = WizardFixture.twoNodes() + "\nendpoints:\n  - {node: cms1, service: webadmin, port: 445}\n"
            + "  - {node: cms2, service: callbridge, port: 5061, sni: join.example.com}\n"
        let f = try WizardFixture(context: { folder in
            WizardContext.deployment(path: folder + "/deployment.yaml", text: text, currentDirectory: folder, connections: .wired)
        })
        #expect(f.context.apply?.deployment.endpoints.count == 2, "the deployment file loads: \(f.context.source)")
        var s = try loaded(f)
        _ = app.update(&s, .key(.char("e")))
        #expect(s.dashboard.endpointInput?.text == "cms1.example.com:445 cms2.example.com:5061@join.example.com")
        for c in " 127.0.0.1:4443" { _ = app.update(&s, .key(.char(c))) }
        #expect(app.update(&s, .key(.enter)).count == 3)
        #expect(s.dashboard.endpoints.map(\.node) == ["cms1", "cms2", nil])
        #expect(s.dashboard.endpoints.map(\.service) == ["webadmin", "callbridge", nil])
        // Given, the dashboard's own endpoints are what e shows next.
        _ = giveEndpoints("127.0.0.1:4443", &s)
        _ = app.update(&s, .key(.char("e")))
        #expect(s.dashboard.endpointInput?.text == "127.0.0.1:4443")
    }

    @Test func badEndpointsAreRefusedAtTheInputWithTheFix() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        #expect(giveEndpoints("nohost", &s).isEmpty)
        #expect(s.dashboard.endpointInput?.text == "nohost", "the input stays open to fix")
        #expect(s.dashboard.endpointError == "'nohost' has no port: write host:port, e.g. cms1.example.com:443")
        let lines = app.view(s, size: .standard).trimmedLines
        #expect(lines[3].hasPrefix(" Endpoints nohost"))
        #expect(lines[4] == " ✗ 'nohost' has no port: write host:port, e.g. cms1.example.com:443")
        Snapshot.check(lines, "dashboard-endpoint-error", replacing: f.placeholders)
        _ = app.update(&s, .key(.char("x")))
        #expect(s.dashboard.endpointError == nil, "typing clears the error")
        #expect(giveEndpoints("cms1.lab.example.com:443 cms1.lab.example.com:99999", &s).isEmpty)
        #expect(s.dashboard.endpointError == "'cms1.lab.example.com:99999': the port '99999' is not a number from 1 to 65535")
        let error = app.view(s, size: .standard).trimmedLines[4...5].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(error == "✗ 'cms1.lab.example.com:99999': the port '99999' is not a number from 1 to 65535")
        #expect(s.dashboard.endpoints.isEmpty, "nothing is probed while one of them is wrong")
        #expect(giveEndpoints("cms1.lab.example.com:443=", &s).isEmpty)
        #expect(s.dashboard.endpointError?.contains("name the certificate file") == true)
    }

    @Test func endpointRowsAtBothSizes() throws {
        let f = try WizardFixture()
        var s = try loaded(f)
        _ = giveEndpoints(Self.endpointInput, &s)
        try answer(&s)
        Snapshot.check(app.view(s, size: .standard).trimmedLines, "dashboard-endpoints", replacing: f.placeholders)
        s.size = Size(width: 120, height: 40)
        Snapshot.check(app.view(s, size: Size(width: 120, height: 40)).trimmedLines, "dashboard-endpoints-120x40", replacing: f.placeholders)
    }

    /// Real endpoints: `openssl s_server` presenting a chain out of order, another presenting a
    /// certificate that is not the configured one, and a port where nothing answers.
    // Five minutes: alone it takes 2 s, but in a full run on two loaded cores the scan's
    // task has waited for a thread of the test pool longer than two minutes.
    @Test(.timeLimit(.minutes(5))) func liveEndpointsAreProbedThroughTheEngine() async throws {
        let f = try WizardFixture()
        let workspace = try #require(f.context.apply?.workspace)
        f.opensslChain(in: workspace + "/chain")
        let chain = workspace + "/chain"
        TestSupport.write(TestSupport.read(chain + "/root.crt") + TestSupport.read(chain + "/inter.crt"), to: f.folder + "/wrong-order.pem")
        TestSupport.write(TestSupport.read(chain + "/inter.crt") + TestSupport.read(chain + "/root.crt"), to: f.folder + "/right-order.pem")
        // Starting openssl s_server waits for its port: off the test pool's threads.
        let folder = f.folder
        let wrong = try await TestSupport.offThePool { try TLSServer(directory: chain, cert: "leaf.crt", key: "leaf.key", chain: folder + "/wrong-order.pem") }
        defer { wrong.stop() }
        let other = try await TestSupport.offThePool { try TLSServer(directory: chain, cert: "leaf.crt", key: "leaf.key", chain: folder + "/right-order.pem") }
        defer { other.stop() }
        let silent = try TestSupport.freePort()
        f.open(.expiry)
        await f.settle()
        f.press(.char("e"))
        f.type("127.0.0.1:\(wrong.port)@cms1.lab.example.com=chain/leaf.crt, 127.0.0.1:\(other.port)=chain/root.crt 127.0.0.1:\(silent)")
        f.press(.enter)
        await f.settle()
        let rows = try #require(f.state.dashboard.rows)
        let first = rows.filter { $0.file == "127.0.0.1:\(wrong.port)@cms1.lab.example.com" }.sorted { ($0.member ?? 0) < ($1.member ?? 0) }
        #expect(first.map(\.commonName) == ["cms1.lab.example.com", "Test Root CA", "Test Issuing CA"])
        #expect(first.allSatisfy { $0.source == .endpoint && $0.status == .ok })
        #expect(f.state.dashboard.probes[0]?.scan.matchesConfigured == true, "the configured file was read from the workspace")
        #expect(DashboardView.cells(first[0], problem: f.state.dashboard.problemTag(first[0])).last == "⚠ order")
        let second = try #require(rows.first { $0.file == "127.0.0.1:\(other.port)" })
        #expect(f.state.dashboard.probes[1]?.scan.matchesConfigured == false)
        #expect(DashboardView.cells(second, problem: f.state.dashboard.problemTag(second)).last == "⚠ differs")
        let none = try #require(rows.first { $0.file == "127.0.0.1:\(silent)" })
        #expect(none.status == .unreadable && none.reason?.contains("cannot connect") == true)
        #expect(f.lines.contains { $0.hasPrefix(" 127.0.0.1:\(other.port) ") && $0.contains(" live ") && $0.contains(" ▶ #1 ent") && $0.hasSuffix(" ⚠ differs") },
                "\(f.screenText)")
        // The one that did not answer opens with why.
        f.press(.char("/"))
        f.type("no answer")
        f.press(.enter, .enter)
        #expect(f.screenText.contains("Endpoint      127.0.0.1:\(silent), live: no chain was read (why below)"), "\(f.screenText)")
        #expect(f.screenText.contains("Unreadable    127.0.0.1:\(silent): cannot connect"))
        f.press(.esc, .char("/"), .esc)
        // r probes them again: the rows stay.
        f.press(.char("r"))
        await f.settle()
        #expect(f.state.dashboard.rows?.filter { $0.source == .endpoint }.count == 7, "3, 3 and 1 row")
        #expect(f.state.dashboard.endpoints.count == 3)
    }

    /// The endpoints the deployment file lists are compared with the certificate their
    /// node's service is configured with, as `cmscerts expiry --endpoints` does: the node
    /// read by the dashboard says which one that is.
    @Test(.timeLimit(.minutes(5))) func deploymentEndpointsAreComparedWithWhatTheirServiceIsConfiguredWith() async throws {
        var servers: [TLSServer] = []
        defer { servers.forEach { $0.stop() } }
        let f = try WizardFixture(context: { folder in
            let lab = folder + "/lab"
            _ = try WizardContext.lab(directory: lab)
            let nodes = try Lab(directory: lab)
            for node in ["cms1", "cms2"] {
                for command in ["pki selfsigned web CN:\(node).lab.example.com", "webadmin certs web.key web.crt"] {
                    let reply = try nodes.run(command, on: node, answer: nil)
                    #expect(!reply.text.contains("ERROR") && !reply.text.contains("Failure"), "\(command): \(reply.text)")
                }
            }
            // cms1's web admin presents its own certificate; cms2's presents cms1's.
            let mine = try TLSServer(directory: nodes.nodeDirectory("cms1"), cert: "web.crt", key: "web.key")
            let notMine = try TLSServer(directory: nodes.nodeDirectory("cms1"), cert: "web.crt", key: "web.key")
            servers = [mine, notMine]
            var d = try DeploymentFile.load(yaml: String(contentsOfFile: lab + "/deployment.yaml", encoding: .utf8))
            d.endpoints = [DeploymentEndpoint(node: "cms1", service: .webadmin, port: mine.port, host: "127.0.0.1"),
                           DeploymentEndpoint(node: "cms2", service: .webadmin, port: notMine.port, host: "127.0.0.1")]
            try DeploymentFile.text(for: d, header: "test").write(toFile: lab + "/deployment.yaml", atomically: true, encoding: .utf8)
            return try WizardContext.lab(directory: lab)
        })
        #expect(f.context.apply?.deployment.endpoints.count == 2, "the lab plans from its file: \(String(describing: f.context.notice))")
        f.open(.expiry)
        await f.settle()
        f.press(.char("e"))
        f.press(.enter)
        await f.settle()
        let probes = f.state.dashboard.probes.compactMap { $0 }
        try #require(probes.count == 2, "\(f.screenText)")
        #expect(probes[0].scan.matchesConfigured == true, "cms1 presents what its web admin is configured with")
        #expect(probes[1].scan.matchesConfigured == false, "cms2 presents another certificate")
        #expect(probes[1].scan.target.configuredSource == "cms2:web.crt")
        #expect(f.lines.contains { $0.contains("127.0.0.1:\(servers[1].port)") && $0.hasSuffix("⚠ differs") }, "\(f.screenText)")
        #expect(!f.lines.contains { $0.contains("127.0.0.1:\(servers[0].port)") && $0.contains("differs") })
    }

    /// An endpoint that takes the connection and then says nothing is a row saying so once
    /// the timeout passes: the probe never hangs the dashboard.
    /// (No wall-clock bound of its own beyond the time limit: on a loaded 2-core machine the
    /// node scan beside it takes what it takes; what matters is that it ends, with the row.)
    @Test(.timeLimit(.minutes(3))) func anEndpointThatNeverAnswersTimesOut() async throws {
        let f = try WizardFixture()
        let silent = try SilentListener()
        var state = f.state
        state.dashboard.endpointTimeout = .seconds(1)
        let r = HeadlessRuntime(WizardApp(), state: state)
        r.press(.home)
        for _ in HomeScreen.Entry.allCases where HomeScreen.Entry.allCases[r.state.home.menu.selected] != .expiry { r.press(.down) }
        r.press(.enter)
        #expect(r.state.screen == .dashboard)
        r.press(.char("e"))
        r.type("127.0.0.1:\(silent.port)")
        r.press(.enter)
        #expect(r.lines[2].contains("Probing 1 endpoint…"), "\(r.lines.joined(separator: "\n"))")
        #expect(await r.settle())
        let row = try #require(r.state.dashboard.rows?.first { $0.source == .endpoint })
        #expect(row.status == .unreadable)
        #expect(row.reason?.contains("did not finish in time") == true, "\(row.reason ?? "")")
        #expect(r.state.dashboard.probing == 0)
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
        // No service of the lab's nodes uses them: the unused group, not counted.
        #expect(f.state.dashboard.shown.unused.count == 3 && f.state.dashboard.shown.entries.isEmpty)
        #expect(f.screenText.contains("0 in use: ✓ 0 ok  ! 0 warning  ✗ 0 critical  ? 0 unreadable  3 unused"))
        #expect(["/", "Esc", "q"].allSatisfy { f.lines.last?.contains($0) == true }, "every key in sight")
    }
}

/// The details of a certificate carry its lint (`cmscerts pki lint`'s checks), read again
/// from this machine's copy when opened: a certificate openssl made without a SAN says so,
/// with why CMS cares; a node's copy alone says where to lint it.
@Suite("The dashboard's details lint the certificate opened")
struct DashboardLintTests {
    /// Pure: the rows of the file as the scan makes them, Enter, then the lint message the
    /// command sends back (the engine's node read is not needed to open a file's details).
    @Test func openingACertificateLintsIt() throws {
        let f = try WizardFixture()
        let app = WizardApp()
        let workspace = f.context.workspaceDirectory
        let made = TestSupport.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "200",
                                        "-subj", "/CN=old.example.com", "-addext", "basicConstraints=critical,CA:FALSE",
                                        "-keyout", "old.key", "-out", "zz-no-san.crt"], in: workspace)
        try #require(made.status == 0, "\(made.stderr)")
        var s = f.state
        s.screen = .dashboard
        s.dashboard.generation = 7
        var rows = FileSource.rows(forFile: workspace + "/zz-no-san.crt", policy: try ExpiryPolicy(), now: Date())
        for i in rows.indices { rows[i].file = "zz-no-san.crt" }
        _ = app.update(&s, .dashboardLoaded(generation: 7, rows: rows, at: Date()))
        _ = app.update(&s, .key(.char("/")))
        for c in "zz-no-san" { _ = app.update(&s, .key(.char(c))) }
        _ = app.update(&s, .key(.enter))
        let header = app.view(s, size: .standard).trimmedLines.first { $0.contains(" in use: ") } ?? ""
        #expect(header.hasSuffix("/zz-no-san  1 in use: ✓ 1 ok"), "the counts that fit (the zeros left out), none cut: \(header)")
        let opened = app.update(&s, .key(.enter))
        let row = try #require(s.dashboard.inspected?.row)
        #expect(opened.count == 1, "opening reads the certificate again, off the input loop")
        let lint = DashboardLint.read(row, places: s.dashboard.inspected?.entry?.places ?? [], workspace: workspace)
        _ = s.dashboard.update(.linted(lint), s)
        let text = app.view(s, size: .standard).trimmedLines.joined(separator: "\n")
        #expect(text.contains("✗ error no-san: no subjectAltName"), "\(text)")
        #expect(text.contains("read from") == false, "a finding, not clean: \(text)")

        // A node's copy only: said, not guessed.
        let nodeRow = CertificateRow(unreadable: "x.crt", reason: "gone", source: .node, node: "cms1")
        let none = DashboardLint.read(nodeRow, places: [], workspace: workspace)
        #expect(none.findings == nil && none.source.contains("Step 4"))
    }
}
