import Deployment
import Foundation

/// Reads what the nodes hold now, through their transports, for the planner's renewal
/// flows: the files of the MMP's folder (`pki list`) and, from each service's status,
/// which key, certificate and bundle it uses. Read-only: only listing and status
/// commands are sent. The planner stays pure; this is the executor's side.
public enum NodeStateReader {
    /// The status commands asked on each node, by the service name the planner uses
    /// (unverified: `loadbalancer list` and `trunk list` as their status).
    static let statusCommands: [(service: String, command: String)] = [
        ("webadmin", "webadmin"), ("callbridge", "callbridge"), ("webbridge", "webbridge"),
        ("webbridge3", "webbridge3"), ("xmpp", "xmpp"), ("turn", "turn"), ("recorder", "recorder"), ("streamer", "streamer"),
        ("uploader", "uploader"), ("scheduler", "scheduler"), ("loadbalancer", "loadbalancer list"), ("trunk", "trunk list"),
        ("database", "database cluster status"),
    ]

    /// Reads every node of `deployment` that has a transport. A node that cannot be
    /// reached is an error naming it: a renewal planned on a guess would be worse.
    public static func read(_ deployment: Deployment, transports: [String: any Transport],
                            timeout: Duration = .seconds(30)) async throws -> CurrentState {
        var nodes: [String: NodeState] = [:]
        for node in deployment.nodes {
            guard let transport = transports[node.name] else { continue }
            nodes[node.name] = try await read(transport, services: Set(node.services.map(\.rawValue) + ["database"]), timeout: timeout)
        }
        return CurrentState(nodes: nodes)
    }

    static func read(_ transport: any Transport, services: Set<String>, timeout: Duration) async throws -> NodeState {
        let listing = try await transport.run("pki list", answer: nil, timeout: timeout)
        var state = NodeState(files: parseList(listing.text))
        for (service, command) in statusCommands where services.contains(service) {
            let output = try await transport.run(command, answer: nil, timeout: timeout)
            if let files = parseStatus(service: service, output.text) { state.services.append(files) }
        }
        return state
    }

    /// The names after `pki list`'s heading, one a line (a shell's prompt line, `cms1>`,
    /// is not a name, nor is a line that is not one word: see `isFileName`).
    public static func parseList(_ text: String) -> [String] {
        var names: [String] = []
        var inList = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.lowercased().hasPrefix("user supplied certificates") { inList = true; continue }
            if inList, isFileName(line), !line.hasSuffix(">") { names.append(line) }
        }
        return names
    }

    /// Whether a word of a node's output can be a file name of the MMP's folder: not
    /// empty, no white space (a tab or a no-break space as much as a space) and no control
    /// character. The names read are sent back in MMP commands and SFTP transfers, so a
    /// node's output (or whatever answers in its place) must not make one of two words.
    public static func isFileName<S: StringProtocol>(_ word: S) -> Bool {
        !word.isEmpty && !word.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
    }

    /// The files one status output names, sorted into key, certificate, bundle and the
    /// rest; nil when the service is not configured (every file `none`) or unknown here.
    public static func parseStatus(service: String, _ text: String) -> ServiceFiles? {
        var files = ServiceFiles(service: service)
        var clusterStatus: String?
        for raw in text.split(whereSeparator: \.isNewline) {
            guard let colon = raw.firstIndex(of: ":") else { continue }
            var label = raw[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            // The scheduler's own pair is its C2W one (`scheduler c2w certs`, TAC 217367).
            if service == "scheduler", label.hasPrefix("c2w "), !label.contains("trust") { label.removeFirst(4) }
            let value = raw[raw.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            // The service's state, and the database's: this node's row, else the cluster's status.
            if label == "state" && files.state == nil { files.state = value; continue }
            if service == "database" && label.hasSuffix("(me)") { files.state = value; continue }
            if service == "database" && label == "status" { clusterStatus = value; continue }
            guard value.contains("."), isFileName(value), value.lowercased() != "none" else { continue }
            switch role(of: label) {
            case .key where files.key == nil: files.key = value
            case .certificate where files.certificate == nil: files.certificate = value
            case .bundle where files.bundle == nil: files.bundle = value
            case .key, .certificate, .bundle, .other:
                if !files.other.contains(value) { files.other.append(value) }
            case .none:
                break
            }
        }
        if files.state == nil { files.state = clusterStatus }
        return files.key == nil && files.certificate == nil && files.bundle == nil && files.other.isEmpty ? nil : files
    }

    /// What a status label names: the service's own key, certificate or CA bundle, one of
    /// its other files (trust lists, C2W, the database client pair), or nothing to read.
    enum LabelRole { case key, certificate, bundle, other, none }

    /// The service's own files by their labels: `Key file` / `Certificate file` / `CA Bundle
    /// file`, webbridge3's `HTTPS ...`, TURN's `TLS key` / `TLS cert` / `TLS bundle` (TAC
    /// 221729), the database's `Server ...` and `CA Certificate`. A trust list is never the
    /// CA bundle: a 3.x call bridge prints `C2W trusted certs`, `Callbridge cluster trusted
    /// certs`, `UCM trusted certs` and `IMPS trusted certs`, and leaves `CA Bundle file` out
    /// when none is set, so taking the first bundle-like label would take a trust list.
    static func role(of label: String) -> LabelRole {
        let other = label.contains("trust") || label.hasPrefix("c2w") || label.hasPrefix("client")
            || label.hasPrefix("ucm") || label.hasPrefix("imps")
        let isKey = label.contains("key")
        let isCertificate = label.contains("cert")
        let isBundle = label.contains("bundle") || label == "ca certificate"
        if other { return isKey || isCertificate || isBundle ? .other : .none }
        if isBundle { return .bundle }
        if isKey { return .key }
        if isCertificate { return .certificate }
        return .none
    }
}
