import Foundation
import PKI

/// Runs one MMP command on one node, over the lab's state (locked by the caller) and the
/// node's folder: `pki ...`, the services, `database cluster ...`, `backup snapshot`.
struct NodeInterpreter {
    let lab: Lab
    let node: String
    var state: LabState
    let now: Date
    let folder: String
    let workspace: Workspace
    let info: LabNodeInfo

    init(lab: Lab, node: String, state: LabState) {
        self.lab = lab
        self.node = node
        self.state = state
        let now = state.now()
        self.now = now
        folder = lab.nodeDirectory(node)
        workspace = Workspace(directory: folder, now: { now })
        info = state.topology.nodes.first { $0.name == node }!
    }

    /// Commands that ask before they act.
    static func asksConfirmation(_ tokens: [String]) -> Bool {
        tokens.count == 3 && tokens[0] == "database" && tokens[1] == "cluster" && tokens[2] == "remove"
    }

    var nodeState: LabNodeState {
        get { state.nodes[node]! }
        set { state.nodes[node] = newValue }
    }

    /// Runs a command. The MMP names files as they are in its folder: no line of the
    /// output shows where the lab keeps that folder on this machine.
    mutating func run(_ tokens: [String], line: String) -> [String] {
        let prefixes = [folder + "/", (folder as NSString).resolvingSymlinksInPath + "/"]
        return dispatch(tokens, line: line).map { output in
            prefixes.reduce(output) { $0.replacingOccurrences(of: $1, with: "") }
        }
    }

    mutating func dispatch(_ tokens: [String], line: String) -> [String] {
        guard let first = tokens.first else { return [] }
        switch first {
        case "help":
            let others: [LabService] = [.loadbalancer, .trunk, .recorder, .streamer, .uploader, .scheduler]
            return MMPText.help(services: info.services)
                + info.services.filter(others.contains).map { "  " + Self.syntax($0, state.topology.version) }
        case "tls" where info.services.contains(.callbridge):
            return tls(Array(tokens.dropFirst()))
        case "pki": return pki(Array(tokens.dropFirst()), line: line)
        case "database" where tokens.count >= 2 && tokens[1] == "cluster":
            return database(Array(tokens.dropFirst(2)), line: line)
        case "backup" where tokens.count >= 2 && tokens[1] == "snapshot":
            return backup(Array(tokens.dropFirst(2)), line: line)
        case "backup" where tokens.count >= 2 && tokens[1] == "rollback":
            return rollback(Array(tokens.dropFirst(2)))
        default:
            if let service = LabService(rawValue: first), info.services.contains(service) {
                return self.service(service, Array(tokens.dropFirst()), line: line)
            }
            return [MMPText.unknownCommand(line)]
        }
    }

    /// `tls sip trust <crt-bundle>` sets the call bridge's SIP TLS trust; `tls sip` shows it.
    mutating func tls(_ args: [String]) -> [String] {
        switch args.count {
        case 1 where args[0] == "sip":
            return aligned([(MMPText.sipTrustLabel, nodeState.sipTrust ?? MMPText.none)])
        case 3 where args[0] == "sip" && args[1] == "trust":
            if let bad = checkFiles([args[2]]) ?? kindProblem(pairs: [], certificates: [args[2]]) { return [bad] }
            nodeState.sipTrust = args[2]
            return []
        default:
            return [MMPText.usage("tls sip [trust <crt-bundle>]")]
        }
    }

    // MARK: files

    /// A name in the node's root folder, or the reason it is not one.
    func checkName(_ name: String) -> String? {
        if name.isEmpty || name.contains("/") || name == "." || name == ".." || name.hasPrefix(".") {
            return MMPText.badFileName(name)
        }
        return nil
    }

    /// nil when every name is a file of the node's folder; else the FAILURE line.
    func checkFiles(_ names: [String]) -> String? {
        for name in names {
            if let bad = checkName(name) { return bad }
            if !FileManager.default.fileExists(atPath: folder + "/" + name) { return MMPText.missingFile(name) }
        }
        return nil
    }

    // MARK: pki

    mutating func pki(_ args: [String], line: String) -> [String] {
        let usage = "pki list|csr|selfsigned|sign|inspect|match|verify ..."
        guard let verb = args.first else { return [MMPText.usage(usage)] }
        let rest = Array(args.dropFirst())
        do {
            switch verb {
            case "list" where rest.isEmpty:
                return try workspace.list().isEmpty ? ["User supplied certificates and keys:"]
                    : ["User supplied certificates and keys:"] + workspace.list()
            case "csr", "selfsigned":
                let spec = try CSRSpec.parse(arguments: rest)
                // The MMP overwrites a key of the same name: so does the lab (the PKI store keeps a backup).
                let operation = verb == "csr"
                    ? try workspace.prepareCSR(spec, replace: true)
                    : try workspace.prepareSelfSigned(spec, replace: true)
                let result = try operation.perform()
                if !result.backups.isEmpty { breakServices(usingKey: spec.keyFileName) }
                return result.messages
            case "sign" where rest.count == 2:
                return try workspace.prepareSign(basename: rest[0], caBasename: rest[1]).perform().messages
            case "inspect" where rest.count == 1:
                if let bad = checkFiles(rest) { return [bad] }
                return try workspace.inspect(rest[0]).map(\.text).joined(separator: "\n")
                    .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastEmpty()
            case "match" where rest.count == 2:
                if let bad = checkFiles(rest) { return [bad] }
                return [try workspace.match(key: rest[0], against: rest[1]) ? MMPText.keyMatches : MMPText.keyDoesNotMatch]
            case "verify" where rest.count == 2:
                if let bad = checkFiles(rest) { return [bad] }
                return try workspace.verify(rest[0], against: rest[1]).text
                    .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastEmpty()
            case "list", "sign", "inspect", "match", "verify":
                return [MMPText.usage(MMPText.pkiSyntax[verb] ?? usage)]
            default:
                return [MMPText.unknownCommand(line)]
            }
        } catch let error as PKIError {
            return [MMPText.pkiFailure(error.message)]
        } catch {
            return [MMPText.pkiFailure("\(error)")]
        }
    }

    /// The MMP overwrote `key`: every enabled service of this node that uses it breaks at once.
    mutating func breakServices(usingKey key: String) {
        for (service, var s) in nodeState.services where s.enabled {
            if s.files[.key] == key || s.files[.c2wKey] == key {
                s.failure = MMPText.keyOverwritten(key)
                s.loaded = nil
                nodeState.services[service] = s
            }
        }
    }

    // MARK: backup

    mutating func backup(_ args: [String], line: String) -> [String] {
        guard args.count == 1 else { return [MMPText.usage("backup snapshot <name>")] }
        do { try CSRSpec.checkBasename(args[0]) } catch let error as PKIError {
            return [MMPText.pkiFailure(error.message)]
        } catch { return [MMPText.pkiFailure("\(error)")] }
        let name = args[0] + ".bak"
        var files: [String: String] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for file in names where !file.hasPrefix(".") && !file.hasSuffix(".bak") {
            if let data = FileManager.default.contents(atPath: folder + "/" + file) {
                files[file] = data.base64EncodedString()
            }
        }
        let snapshot = LabSnapshot(node: node, fqdn: info.fqdn, taken: now, configuration: nodeState, files: files)
        do {
            let data = try Lab.encoder.encode(snapshot)
            // The snapshot holds the node's keys: it is written as a private file (0600).
            try FileStore(directory: folder).write(data, to: name, isPrivateKey: true, replace: FileStore(directory: folder).exists(name))
        } catch let error as PKIError {
            return [MMPText.pkiFailure(error.message)]
        } catch {
            return [MMPText.pkiFailure("\(error)")]
        }
        return [MMPText.backupDone(name)]
    }
}

extension NodeInterpreter {
    /// `backup rollback <name>`: the node's configuration, certificates and keys as the
    /// snapshot holds them, then a reboot (every enabled service starts again on them).
    /// Files made since stay (unverified: what the MMP does with them).
    mutating func rollback(_ args: [String]) -> [String] {
        guard args.count == 1 else { return [MMPText.usage("backup rollback <name>")] }
        do { try CSRSpec.checkBasename(args[0]) } catch let error as PKIError {
            return [MMPText.pkiFailure(error.message)]
        } catch { return [MMPText.pkiFailure("\(error)")] }
        let store = FileStore(directory: folder)
        guard store.exists(args[0] + ".bak") else { return [MMPText.noBackup(args[0])] }
        let snapshot: LabSnapshot
        do {
            snapshot = try Lab.decoder.decode(LabSnapshot.self, from: Data(contentsOf: URL(fileURLWithPath: store.path(args[0] + ".bak"))))
            guard snapshot.node == node else { return [MMPText.noBackup(args[0])] }
            for (file, base64) in snapshot.files.sorted(by: { $0.key < $1.key }) {
                guard checkName(file) == nil, let data = Data(base64Encoded: base64) else { continue }
                let path = store.path(file)
                // The MMP puts its own files back as they were: written over, no copy kept.
                try? FileManager.default.removeItem(atPath: path)
                try store.write(data, to: file, isPrivateKey: file.hasSuffix(".key"), replace: false)
            }
        } catch let error as PKIError {
            return [MMPText.pkiFailure(error.message)]
        } catch {
            return [MMPText.pkiFailure("the backup \(args[0]) cannot be read: \(error)")]
        }
        nodeState = snapshot.configuration
        var out = [MMPText.rolledBack(args[0])]
        for service in LabService.allCases where nodeState.services[service]?.enabled == true {
            let started = start(service)
            out += started.filter { $0.hasPrefix("FAILURE") }
        }
        return out
    }
}

/// What `backup snapshot` keeps of a node: its configuration and every file of its folder.
struct LabSnapshot: Codable {
    var node: String
    var fqdn: String
    var taken: Date
    var configuration: LabNodeState
    var files: [String: String]
}

extension Array where Element == String {
    /// Drops the empty string a trailing line break leaves when splitting.
    func dropLastEmpty() -> [String] {
        var copy = self
        while copy.last == "" { copy.removeLast() }
        return copy
    }
}
