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

    @Option(help: ArgumentHelp("A deployment file: read the certificates on its nodes (over SSH, or in its lab).", valueName: "deployment.yaml"))
    var deployment: String?

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

    @Option(help: "Seconds to wait for each TLS endpoint.")
    var timeout: Int = 10

    @Option(help: .hidden)
    var parser: String = CertificateFileReader.Parser.lean.rawValue

    func run() throws {
        // Bad usage is UNKNOWN (3) for monitoring, as Nagios plugins do.
        let policy: ExpiryPolicy
        let outputFormat: ExpiryFormat
        var targets: [EndpointTarget] = []
        do {
            policy = try ExpiryPolicy(warningDays: warn, criticalDays: crit)
            guard let chosen = ExpiryFormat(rawValue: format) else {
                throw InventoryError("--format \(format) is not one of \(ExpiryFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            outputFormat = chosen
            if probeEndpoints && deployment == nil {
                throw InventoryError("--endpoints probes the endpoints a deployment file lists: give --deployment deployment.yaml too (or --endpoint host:port for one endpoint)")
            }
            if paths.isEmpty && endpoints.isEmpty && deployment == nil {
                throw InventoryError("give files or folders to read, --deployment deployment.yaml, or --endpoint host:port")
            }
            guard timeout > 0 else { throw InventoryError("--timeout must be at least 1 second") }
            guard CertificateFileReader.Parser(rawValue: parser) != nil else {
                throw InventoryError("--parser \(parser) is not one of \(CertificateFileReader.Parser.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            targets = try endpoints.map { try EndpointTarget.parse(specification: $0) }
        } catch let error as InventoryError {
            throw CLIFailure(code: CheckState.unknown.rawValue, message: "UNKNOWN: \(error.message)")
        }
        let passphrase = try PassphraseSource(file: passphraseFile).initial()
        let estate = try deployment.map { try Self.estate($0, sshConfig: sshConfig) }
        let nodes = estate?.nodes ?? []
        if probeEndpoints, let estate, estate.deployment.endpoints.isEmpty {
            throw CLIFailure(code: CheckState.unknown.rawValue,
                             message: "UNKNOWN: \(deployment ?? "") lists no endpoints: add them under endpoints: (node, service, port), or leave out --endpoints")
        }
        let now = Date()
        let color = outputFormat == .table
            && TableRenderer.wantsColor(isTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
        var size = winsize()
        let width = isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0
            ? Int(size.ws_col) : nil
        var renderer = outputFormat.makeRenderer(color: color, now: now, width: width)
        var state = CheckState.ok
        var count = 0
        var out = StandardOutput()
        func take(_ rows: [CertificateRow]) {
            count += rows.count
            state = state.worse(rows.checkState)
            renderer.add(rows, to: &out)
        }

        renderer.begin(to: &out)
        if !paths.isEmpty {
            FileSource.scan(paths, policy: policy, now: now, passphrase: passphrase,
                            parser: CertificateFileReader.Parser(rawValue: parser) ?? .lean) { take($0) }
        }
        if !nodes.isEmpty {
            nonisolated(unsafe) var scans: [NodeScan] = []
            ApplyCommand.blocking { scans = await NodeSource.scan(nodes, policy: policy, now: now, passphrase: passphrase) }
            for scan in scans { take(scan.rows) }
            if probeEndpoints, let estate {
                // Each endpoint carries what its node's service is configured with, as just read.
                for e in estate.deployment.endpoints {
                    let host = estate.deployment.endpointHost(e)
                    let target = scans.first { $0.node == e.node }?
                        .endpoint(for: e.service.rawValue, host: host, port: e.port, serverName: e.serverName)
                        ?? EndpointTarget(e, of: estate.deployment)
                    take(EndpointSource.scan(target, policy: policy, now: now, timeout: .seconds(timeout)).rows)
                }
            }
        }
        for given in targets {
            let (target, problem) = EndpointSource.readingConfiguredFile(given, passphrase: passphrase)
            if let problem { take([problem]) }
            take(EndpointSource.scan(target, policy: policy, now: now, timeout: .seconds(timeout)).rows)
        }
        renderer.finish(to: &out)
        out.flush()
        if count == 0 {
            throw CLIFailure(code: CheckState.unknown.rawValue, message: "UNKNOWN: no certificate found in \(paths.joined(separator: " "))")
        }
        if state != .ok { throw CLIFailure(code: state.rawValue, message: "") }
    }
}

extension ExpiryCommand {
    /// A deployment file and its nodes, each with its transport (the lab's, or SSH).
    static func estate(_ path: String, sshConfig: String?) throws -> (deployment: Deployment, nodes: [NodeTarget]) {
        do {
            let estate = try DeploymentFile.load(contentsOf: path)
            let folder = (path as NSString).deletingLastPathComponent
            let transports = try NodeTransports.make(for: estate, deploymentFolder: folder.isEmpty ? "." : folder, sshConfig: sshConfig)
            return (estate, estate.nodes.compactMap { node in transports[node.name].map { NodeTarget(name: node.name, transport: $0) } })
        } catch {
            throw CLIFailure(code: CheckState.unknown.rawValue, message: "UNKNOWN: \(path): \(error)")
        }
    }
}

/// Standard output, buffered: written in 64 KB pieces.
struct StandardOutput: TextOutputStream {
    private var buffer: [UInt8] = []

    mutating func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        var done = 0
        while done < buffer.count {
            let n = buffer[done...].withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
