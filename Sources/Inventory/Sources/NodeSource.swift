import Foundation
import Orchestration
import PKI

/// A CMS node to read: its name and the Transport that reaches it. Plain values, so that
/// whatever describes the estate (a deployment file, the lab) can hand them over.
public struct NodeTarget: Sendable {
    public var name: String
    public var transport: any Transport

    public init(name: String, transport: any Transport) {
        self.name = name
        self.transport = transport
    }
}

/// One file a service is configured with, as the service's status prints it.
public struct ServiceFile: Sendable, Hashable, Codable {
    /// "callbridge", "webbridge3 https", "database server", ...
    public var service: String
    /// The status line's label: "Certificate file", "CA Bundle file", ...
    public var label: String
    public var file: String
    /// True for the service's own certificate (or full chain), false for a CA bundle or trust store.
    public var isServiceCertificate: Bool
}

/// What one node holds.
public struct NodeScan: Sendable {
    public var node: String
    public var rows: [CertificateRow]
    /// Which service uses which file.
    public var serviceFiles: [ServiceFile]
    /// The entity certificate each service is configured with, by service name: what its
    /// TLS endpoint should present.
    public var configuredCertificates: [String: CertificateSummary]
}

/// Reads the certificates of CMS nodes through their Transport: `pki list` names the
/// files, the services' status commands say which service uses which file, each
/// certificate file is fetched to a private temporary folder, read, and deleted.
public enum NodeSource {
    /// The status commands asked, in order; one a node does not know (xmpp on 3.x, the
    /// scheduler on 2.x) simply contributes nothing. The recorder, streamer, scheduler,
    /// load balancer and trunk hold certificates too; the uploader's status names its
    /// trust lists (unverified: `loadbalancer list`, `trunk list` as their status).
    public static let statusCommands = ["webadmin", "callbridge", "webbridge", "webbridge3", "turn", "xmpp", "recorder", "streamer",
                                        "scheduler", "uploader", "loadbalancer list", "trunk list", "database cluster status"]

    /// The file names of `pki list`'s output (the lines after its heading): the
    /// executor's reader, so that both read the MMP's listing the same way.
    public static func parseList(_ text: String) -> [String] { NodeStateReader.parseList(text) }

    /// The certificate and bundle files a service's status names (key files are left out).
    public static func parseStatus(command: String, _ text: String) -> [ServiceFile] {
        let base = command.hasPrefix("database") ? "database" : command.hasSuffix(" list") ? String(command.dropLast(5)) : command
        var found: [ServiceFile] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            guard let colon = raw.firstIndex(of: ":") else { continue }
            let label = raw[..<colon].trimmingCharacters(in: .whitespaces)
            let value = raw[raw.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let lower = label.lowercased()
            // "cert" takes TURN's "TLS cert" (TAC 221729) beside every "... certificate ...".
            guard !lower.contains("key"), lower.contains("cert") || lower.contains("bundle") || lower.contains("trust"),
                  NodeStateReader.isFileName(value), value.contains("."),
                  !["none", "not", "unset", "(none)"].contains(value.lowercased()) else { continue }
            let isBundle = lower.contains("bundle") || lower.contains("trust") || lower.hasPrefix("ca ")
            // The words before what the file is ("HTTPS Full chain certificate file" -> https).
            var qualifier = lower
            for marker in ["ca bundle", "ca certificate", "full chain", "certificate", "bundle", "trust", "cert"] {
                if let range = qualifier.range(of: marker) { qualifier = String(qualifier[..<range.lowerBound]) }
            }
            qualifier = qualifier.trimmingCharacters(in: .whitespaces)
            var service = qualifier.isEmpty ? base : "\(base) \(qualifier)"
            if isBundle || lower.hasPrefix("ca ") { service += " (CA)" }
            found.append(ServiceFile(service: service, label: label, file: value, isServiceCertificate: !isBundle))
        }
        return found
    }

    /// Reads several nodes at once (each node's commands in order, the nodes in
    /// parallel); the scans come back in the order of `targets`.
    public static func scan(_ targets: [NodeTarget], policy: ExpiryPolicy, now: Date = Date(), passphrase: String? = nil,
                            timeout: Duration = .seconds(30)) async -> [NodeScan] {
        await scan(targets, jobs: max(1, targets.count), policy: policy, now: now, passphrase: passphrase, timeout: timeout)
    }

    /// Reads several nodes, at most `jobs` at a time (each node's commands in order); the
    /// scans come back in the order of `targets`, and `done` is called as each node ends.
    public static func scan(_ targets: [NodeTarget], jobs: Int, policy: ExpiryPolicy, now: Date = Date(), passphrase: String? = nil,
                            timeout: Duration = .seconds(30), done: @escaping @Sendable () -> Void = {}) async -> [NodeScan] {
        await withTaskGroup(of: (Int, NodeScan).self) { group in
            var scans: [(Int, NodeScan)] = []
            var pending = targets.enumerated().makeIterator()
            func start() -> Bool {
                guard let (index, target) = pending.next() else { return false }
                group.addTask {
                    let scan = await scan(target, policy: policy, now: now, passphrase: passphrase, timeout: timeout)
                    done()
                    return (index, scan)
                }
                return true
            }
            for _ in 0..<max(1, jobs) where !start() { break }
            while let result = await group.next() {
                scans.append(result)
                _ = start()
            }
            return scans.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Reads one node. Never throws: a node that cannot be reached, or a file that cannot
    /// be fetched or read, is a row saying so.
    public static func scan(_ target: NodeTarget, policy: ExpiryPolicy, now: Date = Date(), passphrase: String? = nil,
                            timeout: Duration = .seconds(30)) async -> NodeScan {
        let transport = target.transport
        let listing: NodeFileListing
        do {
            listing = try await self.listing(target, timeout: timeout)
        } catch {
            return NodeScan(node: target.name, rows: [CertificateRow(unreadable: "pki list", reason: "\(error)", source: .node, node: target.name)],
                            serviceFiles: [], configuredCertificates: [:])
        }
        let serviceFiles = listing.serviceFiles
        // The certificate files, and whatever a service uses.
        let names = listing.files.filter { name in
            FileSource.folderExtensions.contains(FileChecker.ext(name)) || serviceFiles.contains { $0.file == name }
        }

        let folder: String
        var rows: [CertificateRow] = []
        var configured: [String: CertificateSummary] = [:]
        do {
            folder = try makePrivateFolder()
        } catch {
            return NodeScan(node: target.name, rows: [CertificateRow(unreadable: "temporary folder", reason: FileChecker.message(error), source: .node, node: target.name)],
                            serviceFiles: serviceFiles, configuredCertificates: [:])
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (index, name) in names.enumerated() {
            let uses = serviceFiles.filter { $0.file == name }
            let service = uses.isEmpty ? nil : uses.map(\.service).joined(separator: ", ")
            let local = "\(folder)/\(index)-\(name.replacingOccurrences(of: "/", with: "_"))"
            do {
                try await transport.get(remoteName: name, localPath: local, timeout: timeout)
            } catch {
                rows.append(CertificateRow(unreadable: name, reason: "cannot fetch it: \(error)", source: .node, node: target.name, service: service))
                continue
            }
            defer { try? FileManager.default.removeItem(atPath: local) }
            do {
                let contents = try CertificateFileReader.read(path: local, passphrase: passphrase)
                for (member, summary) in contents.certificates.enumerated() {
                    rows.append(CertificateRow(summary: summary, source: .node, file: name, member: member + 1, node: target.name,
                                               service: service, policy: policy, now: now))
                }
                if let entity = contents.certificates.first {
                    for use in uses where use.isServiceCertificate { configured[use.service] = entity }
                }
            } catch {
                let message = (error as? PKIError)?.message ?? "\(error)"
                rows.append(CertificateRow(unreadable: name, reason: message.replacingOccurrences(of: local, with: name),
                                           source: .node, node: target.name, service: service))
            }
        }
        return NodeScan(node: target.name, rows: rows, serviceFiles: serviceFiles, configuredCertificates: configured)
    }
}

extension NodeScan {
    /// The TLS endpoint of `service` on this node, carrying the certificate the service
    /// is configured with, so that `EndpointSource` can tell whether the live service
    /// presents it (a renewal uploaded but never applied, a restart forgotten). A service
    /// whose status names several certificates is taken by its first (`webbridge3` is
    /// `webbridge3 https`, the one browsers see).
    public func endpoint(for service: String, host: String, port: Int, serverName: String? = nil) -> EndpointTarget {
        let name = configuredCertificates[service] != nil ? service
            : serviceFiles.first { $0.isServiceCertificate && $0.service.hasPrefix(service + " ") }?.service ?? service
        return EndpointTarget(host: host, port: port, serverName: serverName,
                              configuredFingerprint: configuredCertificates[name]?.sha256Fingerprint,
                              configuredSource: serviceFiles.first { $0.service == name && $0.isServiceCertificate }.map { "\(node):\($0.file)" },
                              node: node, service: name)
    }
}
