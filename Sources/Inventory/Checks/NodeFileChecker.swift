import Deployment
import Foundation
import Orchestration
import PKI

/// What one node holds, for Step 4: the files `pki list` names and which service uses
/// which (from the services' status commands).
public struct NodeFileListing: Sendable, Equatable {
    /// The node's name.
    public var node: String
    /// The files, in `pki list`'s order, then any file a service uses that the list lacks.
    public var files: [String]
    /// Which service uses which certificate or bundle.
    public var serviceFiles: [ServiceFile]
    /// Why the listing is not to be trusted (`pki list` answered a FAILURE), else nil.
    public var problem: String?

    /// A listing.
    public init(node: String, files: [String], serviceFiles: [ServiceFile] = [], problem: String? = nil) {
        self.node = node
        self.files = files
        self.serviceFiles = serviceFiles
        self.problem = problem
    }

    /// The services using `file` ("callbridge", "webadmin (CA)").
    public func services(using file: String) -> [String] { serviceFiles.filter { $0.file == file }.map(\.service) }

    /// The CA bundle the node's services use for `file`: the bundle of the service that
    /// uses it (a database server certificate gets the database's CA), else the bundle
    /// most services use (the first of equals), else nil.
    public func bundle(for file: String?) -> String? {
        let bundles = serviceFiles.filter { !$0.isServiceCertificate }
        if let file {
            for user in serviceFiles where user.file == file && user.isServiceCertificate {
                let head = user.service.split(separator: " ").first
                if let own = bundles.first(where: { $0.service == user.service + " (CA)" })
                    ?? bundles.first(where: { $0.service.split(separator: " ").first == head }) {
                    return own.file
                }
            }
        }
        var counts: [String: Int] = [:]
        for bundle in bundles { counts[bundle.file, default: 0] += 1 }
        let most = counts.values.max() ?? 0
        return bundles.first { counts[$0.file] == most }?.file
    }
}

extension NodeSource {
    /// `pki list` and the services' status commands on one node: its files and their users.
    /// Throws the transport's error when the node cannot be reached.
    public static func listing(_ target: NodeTarget, timeout: Duration) async throws -> NodeFileListing {
        let transport = target.transport
        let output = try await transport.run("pki list", answer: nil, timeout: timeout)
        var serviceFiles: [ServiceFile] = []
        for command in statusCommands {
            guard let status = try? await transport.run(command, answer: nil, timeout: timeout), status.exitStatus == 0 else { continue }
            serviceFiles += parseStatus(command: command, status.text)
        }
        var files = parseList(output.text)
        for used in serviceFiles where !files.contains(used.file) { files.append(used.file) }
        return NodeFileListing(node: target.name, files: files, serviceFiles: serviceFiles,
                               problem: OutputGate.judge(output, success: nil).map { "pki list: \($0)" })
    }

    /// A private (0700) temporary folder for files fetched from a node; the caller removes it.
    static func makePrivateFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cmscerts-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PKIError.input("cannot make a temporary folder: \(error.localizedDescription)", field: folder)
        }
        return folder
    }
}

/// Step 4 on a node's files, through its Transport. Certificates, CSRs and bundles are
/// public: they are fetched into a private temporary folder (removed after) and checked
/// with the same engine as the workspace's files (`FileChecker`), so the reasons read the
/// same. A private key never leaves its node: the pair is judged by the MMP's own
/// `pki match` run there, its output judged as the executor judges it.
public enum NodeFileChecker {
    /// The node's files, or the transport's error.
    public static func list(_ target: NodeTarget, timeout: Duration = .seconds(20)) async throws -> NodeFileListing {
        try await NodeSource.listing(target, timeout: timeout)
    }

    /// Checks `file` on the node of `target`. `listing` is what the node holds; `bundle` is
    /// the CA bundle picked (a file of the node), else the one its services use. Never
    /// throws: a node that cannot be reached or a file that cannot be fetched is a check
    /// saying so and what to do.
    public static func check(_ file: String, on target: NodeTarget, listing: NodeFileListing, bundle: String? = nil,
                             timeout: Duration = .seconds(20)) async -> FileChecks {
        let node = target.name
        let names = Set(listing.files)
        let base = FileChecker.basename(file)
        if FileChecker.ext(file) == "key" {
            // A key is never fetched: its check is the node's own pki match with its certificate.
            let certificate = base + ".crt"
            guard names.contains(certificate) else {
                return FileChecks(file: file, node: node, checks: [FileChecks.Check(
                    name: "match", passed: false,
                    summary: "no \(certificate) on \(node) to match the key with (the key stays on the node; its certificate must be uploaded beside it)",
                    detail: "")])
            }
            return FileChecks(file: file, node: node, checks: [await match(key: file, other: certificate, target: target, timeout: timeout)])
        }
        if FileChecker.holdsPrivateKey(file) {
            return FileChecks(file: file, node: node, checks: [FileChecks.Check(
                name: "inspect", passed: false,
                summary: "\(file) holds a private key, so it is not fetched from \(node): run pki inspect \(file) on the node", detail: "")])
        }
        let folder: String
        do { folder = try NodeSource.makePrivateFolder() } catch {
            return FileChecks(file: file, node: node, checks: [FileChecks.Check(name: "inspect", passed: false, summary: FileChecker.message(error), detail: "")])
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let workspace = Workspace(directory: folder)
        do {
            try await fetch(file, target: target, into: folder, timeout: timeout)
        } catch {
            return FileChecks(file: file, node: node, checks: [FileChecks.Check(
                name: "inspect", passed: false, summary: "cannot fetch \(file) from \(node): \(error)\(advice(error))", detail: "")])
        }
        var checks: [FileChecks.Check] = []
        let inspected = FileChecker.inspect(file, workspace: workspace)
        checks.append(inspected.check)
        if let key = FileChecker.keyName(for: base, among: names) {
            checks.append(await match(key: key, other: file, target: target, timeout: timeout))
        } else {
            checks.append(FileChecks.Check(name: "match", passed: false, summary: "no \(base).key on \(node) to match", detail: ""))
        }
        if inspected.isCertificate {
            let chosen = bundle ?? listing.bundle(for: file)
            if let chosen, chosen != file {
                do {
                    try await fetch(chosen, target: target, into: folder, timeout: timeout)
                    checks.append(FileChecker.verify(file, against: chosen, workspace: workspace))
                } catch {
                    checks.append(FileChecks.Check(name: "verify", passed: false,
                                                   summary: "cannot fetch the CA bundle \(chosen) from \(node): \(error)\(advice(error))", detail: ""))
                }
            } else if chosen == nil {
                checks.append(FileChecks.Check(name: "verify", passed: false,
                                               summary: "no service on \(node) names a CA bundle: select one and press b", detail: ""))
            } else {
                checks.append(FileChecker.verify(file, against: nil, workspace: workspace))
            }
        }
        // The temporary folder means nothing to the reader: the names are the node's.
        let local = folder + "/"
        for i in checks.indices {
            checks[i].summary = checks[i].summary.replacingOccurrences(of: local, with: "")
            checks[i].detail = checks[i].detail.replacingOccurrences(of: local, with: "")
        }
        return FileChecks(file: file, node: node, checks: checks)
    }

    /// Copies a public file of the node into `folder` under its own name; refuses a file
    /// that holds a private key.
    static func fetch(_ name: String, target: NodeTarget, into folder: String, timeout: Duration) async throws {
        guard !FileChecker.holdsPrivateKey(name) else {
            throw TransportError(.refused, node: target.name, operation: "get \(name)", message: "\(name) holds a private key, and keys never leave the node")
        }
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw TransportError(.fileTransfer, node: target.name, operation: "get \(name)", message: "\(name) is not a file name of the MMP root folder")
        }
        try await target.transport.get(remoteName: name, localPath: folder + "/" + name, timeout: timeout)
    }

    /// The MMP's own `pki match <key> <certificate>` on the node, judged by the executor's
    /// gate against what the MMP prints for a match; the raw output is the detail.
    static func match(key: String, other: String, target: NodeTarget, timeout: Duration) async -> FileChecks.Check {
        let command = MMP.match(key: key, certificate: other)
        do {
            let output = try await target.transport.run(command, answer: nil, timeout: timeout)
            let detail = "\(target.name)> \(command)\n" + output.text
            if let reason = OutputGate.judge(output, success: MMP.matchOK) {
                return FileChecks.Check(name: "match", passed: false, summary: "\(command) on \(target.name): \(reason)", detail: detail)
            }
            return FileChecker.matchCheck(true, key: key, other: other, detail: detail)
        } catch {
            return FileChecks.Check(name: "match", passed: false, summary: "cannot run \(command) on \(target.name): \(error)\(advice(error))", detail: "")
        }
    }

    /// What to do after a transport error, when its own message does not say.
    static func advice(_ error: Error) -> String {
        guard let error = error as? TransportError else { return "" }
        switch error.kind {
        case .timeout: return " (r tries again)"
        case .fileTransfer: return " (r reads the node's files again)"
        default: return ""
        }
    }
}
