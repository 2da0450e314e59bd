import ArgumentParser
import Deployment
import Foundation
import Lab
import Inventory
import Orchestration
import PKI

/// `cmscerts expiry`: every certificate of files, folders and live TLS endpoints, with
/// days left, as a table, JSON, CSV or Prometheus metrics; exit codes as Nagios plugins.
struct ExpiryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expiry",
        abstract: "List every certificate of files, folders, a deployment's nodes and TLS endpoints by days left; exit 0 ok, 1 warning, 2 critical or expired, 3 unknown.",
        discussion: """
            Folders are walked recursively (files ending .crt .cer .pem .der .cert .p7b .p7c .p12 .pfx); a file named on \
            its own is always read. Every member of a bundle is a row: intermediates and roots expire too. A file that \
            cannot be read is a row saying why (state UNKNOWN), never a stop.
            --endpoint host:port[@sni][=CERTFILE] reads the chain a live TLS server presents, checks its order and, with \
            =CERTFILE, that the server presents the certificate of that file (the one the service is configured with).
            --deployment F reads every node of a deployment file (or of its lab) through SSH: `pki list`, each \
            certificate file fetched and read here, and which service uses which file.
            --endpoints (with --deployment) also probes every endpoint the file lists under `endpoints:`, and compares \
            each presented certificate with the one the node's service is configured with, as the node scan read it.
            json, csv and prometheus stream in walking order; the table is sorted by days left.
            Prometheus output uses x509-certificate-exporter's names; for node_exporter's textfile collector write it to \
            a temporary file and rename it into the collector's folder.
            """)

    @Argument(help: "Certificate files and folders (any format: PEM, bundles, DER, PKCS#7, PKCS#12).")
    var paths: [String] = []

    @Option(name: .customLong("endpoint"), help: ArgumentHelp("A live TLS endpoint: host:port, host:port@sni, optionally =CERTFILE to compare with.", valueName: "host:port[@sni][=file]"))
    var endpoints: [String] = []

    @Option(name: .customLong("deployment"), help: ArgumentHelp("A deployment file: read the certificates on its nodes (over SSH, or in its lab). Repeat it to read several estates at once; a node listed in two is read once.", valueName: "deployment.yaml"))
    var deployments: [String] = []

    @Flag(name: .customLong("endpoints"), help: "With --deployment: probe every endpoint the file lists (endpoints:) and compare each with the certificate its service is configured with.")
    var probeEndpoints = false

    @Option(name: .customLong("ssh-config"), help: "An ssh_config file to use instead of ~/.ssh/config (ssh -F).")
    var sshConfig: String?

    @Option(help: "Days left at or under which a certificate is a warning.")
    var warn: Int = 30

    @Option(help: "Days left at or under which a certificate is critical.")
    var crit: Int = 7

    @Option(help: "table, json, csv or prometheus.")
    var format: String = ExpiryFormat.table.rawValue

    @Option(name: .customLong("passphrase-file"), help: "A file holding the passphrase of PKCS#12 files.")
    var passphraseFile: String?

    @Option(help: "Seconds to wait for each TLS endpoint (each has its own).")
    var timeout: Int = 10

    @Option(help: "Endpoints probed, and nodes read, at once.")
    var jobs: Int = 32

    @Option(help: ArgumentHelp("Judge validity at this instant instead of now, for audits: an ISO 8601 date (2027-01-31, midnight UTC) or date-time (2027-01-31T12:00:00Z, or with an offset).", valueName: "date"))
    var now: String?

    @Option(help: .hidden)
    var parser: String = CertificateFileReader.Parser.lean.rawValue

    func run() throws {
        // Bad usage is UNKNOWN (3) for monitoring, as Nagios plugins do.
        let policy: ExpiryPolicy
        let outputFormat: ExpiryFormat
        let instant: Date
        var targets: [EndpointTarget] = []
        do {
            policy = try ExpiryPolicy(warningDays: warn, criticalDays: crit)
            guard let chosen = ExpiryFormat(rawValue: format) else {
                throw InventoryError("--format \(format) is not one of \(ExpiryFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            outputFormat = chosen
            if probeEndpoints && deployments.isEmpty {
                throw InventoryError("--endpoints probes the endpoints a deployment file lists: give --deployment deployment.yaml too (or --endpoint host:port for one endpoint)")
            }
            if paths.isEmpty && endpoints.isEmpty && deployments.isEmpty {
                throw InventoryError("give files or folders to read, --deployment deployment.yaml, or --endpoint host:port")
            }
            guard timeout > 0 else { throw InventoryError("--timeout must be at least 1 second") }
            guard jobs > 0 else { throw InventoryError("--jobs must be at least 1") }
            instant = try now.map(Self.instant) ?? Date()
            guard CertificateFileReader.Parser(rawValue: parser) != nil else {
                throw InventoryError("--parser \(parser) is not one of \(CertificateFileReader.Parser.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            targets = try endpoints.map { try EndpointTarget.parse(specification: $0) }
        } catch let error as InventoryError {
            throw CLIFailure(code: CheckState.unknown.rawValue, message: "UNKNOWN: \(error.message)")
        }
        let passphrase = try PassphraseSource(file: passphraseFile).initial()
        let estates = try deployments.map { try Self.estate($0, sshConfig: sshConfig) }
        if probeEndpoints, let empty = zip(deployments, estates).first(where: { $0.1.deployment.endpoints.isEmpty }) {
            throw CLIFailure(code: CheckState.unknown.rawValue,
                             message: "UNKNOWN: \(empty.0) lists no endpoints: add them under endpoints: (node, service, port), or leave out --endpoints")
        }
        let nodes = Self.eachOnce(estates.flatMap(\.nodes))
        let color = outputFormat == .table
            && TableRenderer.wantsColor(isTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
        var size = winsize()
        let width = isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0
            ? Int(size.ws_col) : nil
        let progress = ExpiryProgress(enabled: ExpiryProgress.wanted)
        defer { progress.finish() }
        let writer = ExpiryWriter(format: outputFormat, color: color, now: instant, width: width) { bytes in
            progress.clear()
            StandardOutput.write(bytes)
        }
        func take(_ rows: [CertificateRow]) { writer.add(rows) }

        do {
            try writer.begin()
            if !paths.isEmpty {
                try writer.scanFiles(paths, policy: policy, now: instant, passphrase: passphrase,
                                     parser: CertificateFileReader.Parser(rawValue: parser) ?? .lean) { progress.filesRead($0) }
            }
        } catch let error as InventoryError {
            throw CLIFailure(code: CheckState.unknown.rawValue, message: "UNKNOWN: \(error.message)")
        }
        var probes: [EndpointTarget] = []
        if !nodes.isEmpty {
            progress.expectNodes(nodes.count)
            nonisolated(unsafe) var scans: [NodeScan] = []
            let (jobs, policy) = (jobs, policy)
            ApplyCommand.blocking {
                scans = await NodeSource.scan(nodes.map(\.target), jobs: jobs, policy: policy, now: instant, passphrase: passphrase,
                                              done: { progress.nodeRead() })
                for node in nodes { await node.target.transport.close() }
            }
            for scan in scans { take(scan.rows) }
            if probeEndpoints {
                // Each endpoint carries what its node's service is configured with, as just read.
                for (estate, scanned) in zip(estates, Self.scansByEstate(estates, nodes: nodes, scans: scans)) {
                    for e in estate.deployment.endpoints {
                        let host = estate.deployment.endpointHost(e)
                        probes.append(scanned[e.node]?.endpoint(for: e.service.rawValue, host: host, port: e.port, serverName: e.serverName)
                                      ?? EndpointTarget(e, of: estate.deployment))
                    }
                }
            }
        }
        for given in targets {
            let (target, problem) = EndpointSource.readingConfiguredFile(given, passphrase: passphrase)
            if let problem { take([problem]) }
            probes.append(target)
        }
        if !probes.isEmpty {
            progress.expectEndpoints(probes.count)
            let scans = EndpointSource.scan(probes, jobs: jobs, policy: policy, now: instant, timeout: .seconds(timeout),
                                            done: { progress.endpointProbed() })
            for scan in scans { take(scan.rows) }
        }
        do {
            try writer.finish()
        } catch let error as InventoryError {
            throw CLIFailure(code: CheckState.unknown.rawValue, message: "UNKNOWN: \(error.message)")
        }
        let (count, state) = (writer.count, writer.state)
        if count == 0 {
            throw CLIFailure(code: CheckState.unknown.rawValue, message: "UNKNOWN: no certificate found in \(paths.joined(separator: " "))")
        }
        if state != .ok { throw CLIFailure(code: state.rawValue, message: "") }
    }
}

extension ExpiryCommand {
    /// One node of an estate: its target, and what makes it
    /// the same machine as a node of another estate (its lab folder and name, or its SSH
    /// destination).
    struct EstateNode {
        var target: NodeTarget
        var identity: String
    }

    /// A deployment file and its nodes, each with its transport (the lab's, or SSH).
    static func estate(_ path: String, sshConfig: String?) throws -> (deployment: Deployment, nodes: [EstateNode]) {
        do {
            let estate = try DeploymentFile.load(contentsOf: path)
            let folder = (path as NSString).deletingLastPathComponent
            let base = folder.isEmpty ? "." : folder
            let transports = try NodeTransports.make(for: estate, deploymentFolder: base, sshConfig: sshConfig)
            let lab = estate.lab.map { lab in
                let full = lab.hasPrefix("/") ? lab : base + "/" + lab
                return (full as NSString).resolvingSymlinksInPath
            }
            return (estate, estate.nodes.compactMap { node in
                transports[node.name].map { transport in
                    let identity = lab.map { "lab \($0) \(node.name)" }
                        ?? "ssh \(node.ssh.user ?? "")@\(node.ssh.host):\(node.ssh.port.map(String.init) ?? "") \(sshConfig ?? "")"
                    return EstateNode(target: NodeTarget(name: node.name, transport: transport), identity: identity)
                }
            })
        } catch {
            throw CLIFailure(code: CheckState.unknown.rawValue, message: "UNKNOWN: \(path): \(error)")
        }
    }

    /// The nodes of every estate, each machine once (the first estate that lists it keeps it).
    static func eachOnce(_ nodes: [EstateNode]) -> [EstateNode] {
        var seen: Set<String> = []
        return nodes.filter { seen.insert($0.identity).inserted }
    }

    /// For each estate, its nodes' scans by node name (a node read for another estate counts).
    static func scansByEstate(_ estates: [(deployment: Deployment, nodes: [EstateNode])], nodes: [EstateNode],
                              scans: [NodeScan]) -> [[String: NodeScan]] {
        var byIdentity: [String: NodeScan] = [:]
        for (node, scan) in zip(nodes, scans) { byIdentity[node.identity] = scan }
        return estates.map { estate in
            var found: [String: NodeScan] = [:]
            for node in estate.nodes { found[node.target.name] = byIdentity[node.identity] }
            return found
        }
    }

    /// `--now`: an ISO 8601 date (midnight UTC), or a date-time with seconds optional,
    /// fractions allowed, and Z or an offset (a time without its zone is refused: whose
    /// midnight would it be?). A day that does not exist (2027-02-30) is refused.
    static func instant(_ text: String) throws -> Date {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2}))?$"#
        let refusal = InventoryError("--now \(text) is not an ISO 8601 date or date-time: write 2027-01-31 (midnight UTC) or 2027-01-31T12:00:00Z (or an offset such as +01:00)")
        guard let match = try? NSRegularExpression(pattern: pattern).firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
            throw refusal
        }
        func group(_ i: Int) -> String? { Range(match.range(at: i), in: text).map { String(text[$0]) } }
        let number = { (i: Int) in group(i).flatMap { Int($0) } }
        var parts = DateComponents()
        parts.calendar = Calendar(identifier: .gregorian)
        parts.timeZone = TimeZone(identifier: "UTC")
        (parts.year, parts.month, parts.day) = (number(1), number(2), number(3))
        (parts.hour, parts.minute, parts.second) = (number(4) ?? 0, number(5) ?? 0, number(6) ?? 0)
        guard parts.isValidDate, parts.hour! < 24, parts.minute! < 60, parts.second! < 60, let date = parts.date else { throw refusal }
        var offset = 0
        if let zone = group(8), zone.uppercased() != "Z" {
            let digits = zone.dropFirst().filter(\.isNumber)
            let hours = Int(digits.prefix(2)) ?? 0, minutes = Int(digits.suffix(2)) ?? 0
            guard hours < 24, minutes < 60 else { throw refusal }
            offset = (hours * 3600 + minutes * 60) * (zone.hasPrefix("-") ? -1 : 1)
        }
        let fraction = group(7).flatMap { Double("0" + $0) } ?? 0
        return date.addingTimeInterval(fraction - Double(offset))
    }
}

/// Standard output, written whole.
enum StandardOutput {
    static func write(_ bytes: UnsafeRawBufferPointer) {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(STDOUT_FILENO, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            done += n
        }
    }
}
