#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PKI

/// What a node printed for one command.
public struct LabReply: Sendable, Equatable {
    /// Every line, each ending in a line break (empty when the command prints nothing).
    public var text: String

    public init(lines: [String]) {
        text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    public init(text: String) { self.text = text }

    /// The lines, without their line breaks.
    public var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    /// True when a line starts with `FAILURE:`.
    public var hasFailure: Bool { lines.contains { $0.hasPrefix("FAILURE:") } }
}

/// A simulated CMS cluster on disk: a folder with `lab.json` (topology, clock, every
/// node's state), `lab.lock` (the flock that serialises commands, across threads and
/// processes) and `nodes/<name>/`, each node's MMP root folder (what SFTP reaches).
///
/// Every command locks, reads the state, acts, writes the state atomically through the
/// PKI file store, and unlocks: commands on two nodes never see half a state.
public final class Lab: Sendable {
    public let directory: String

    public static let stateFileName = "lab.json"
    public static let lockFileName = "lab.lock"
    public static let nodesFolderName = "nodes"

    /// Opens the lab in `directory`, which `Lab.create` made.
    public init(directory: String) throws {
        self.directory = Self.absolute(directory)
        guard FileManager.default.fileExists(atPath: (self.directory as NSString).appendingPathComponent(Self.stateFileName)) else {
            throw LabError("no lab in \(directory): make one with cmscerts lab init \(directory)")
        }
    }

    private init(unchecked directory: String) {
        self.directory = Self.absolute(directory)
    }

    /// An absolute, tidy path: node folders are handed to sftp-server and to other processes.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }

    /// Opens the lab in `directory`, making it first (factory state) when there is none:
    /// what the wizard does when it starts without a deployment file.
    public static func openOrCreate(at directory: String = Lab.defaultDirectory(), nodes: Int = 3, version: LabVersion = .v3) throws -> Lab {
        if let lab = try? Lab(directory: directory) { return lab }
        do {
            let lab = try create(at: directory, nodes: nodes, version: version)
            // The same deployment file as `cmscerts lab init` writes, so that the command
            // line (plan, apply --resume, expiry --deployment) works on the built-in lab too.
            _ = try LabDeployment.write(try lab.topology(), labFolder: lab.directory)
            return lab
        } catch {
            // Another process may have made it meanwhile.
            if let lab = try? Lab(directory: directory) { return lab }
            throw error
        }
    }

    /// Makes a lab of `nodes` nodes with every node in factory state: no certificates
    /// configured, services disabled, database cluster not configured. Refuses a folder
    /// that already holds a lab.
    @discardableResult
    public static func create(at directory: String, nodes: Int = 3, version: LabVersion = .v3) throws -> Lab {
        try create(at: directory, topology: try LabTopology.make(nodes: nodes, version: version))
    }

    /// Makes a lab of the topology given (`LabTopology.make(for:)` a deployment file's),
    /// every node in factory state. Refuses a folder that already holds a lab.
    @discardableResult
    public static func create(at directory: String, topology: LabTopology) throws -> Lab {
        let lab = Lab(unchecked: directory)
        if FileManager.default.fileExists(atPath: lab.statePath) {
            throw LabError("\(lab.statePath) exists: a lab is already there (remove the folder or choose another)")
        }
        do {
            for node in topology.nodes {
                try FileManager.default.createDirectory(atPath: lab.nodeDirectory(node.name), withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o755])
            }
        } catch {
            throw LabError("cannot make the lab folder \(directory): \(error.localizedDescription)")
        }
        try lab.locked {
            if FileManager.default.fileExists(atPath: lab.statePath) {
                throw LabError("\(lab.statePath) exists: a lab is already there (remove the folder or choose another)")
            }
            try lab.save(LabState(topology: topology))
        }
        return lab
    }

    /// Where `cmscerts lab` keeps its lab when no folder is given:
    /// `$XDG_DATA_HOME/cmscerts/lab`, else `~/.local/share/cmscerts/lab`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return xdg + "/cmscerts/lab"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/cmscerts/lab"
    }

    var statePath: String { (directory as NSString).appendingPathComponent(Self.stateFileName) }

    /// A node's MMP root folder: where `pki` writes and SFTP uploads land.
    public func nodeDirectory(_ node: String) -> String {
        "\(directory)/\(Self.nodesFolderName)/\(node)"
    }

    /// The lab's topology: release, node names, FQDNs, addresses, services, database roles.
    public func topology() throws -> LabTopology { try state().topology }

    /// A consistent copy of the whole state.
    public func state() throws -> LabState { try locked { try load() } }

    // MARK: the clock

    /// The lab's time: the real clock moved by the lab's offset.
    public func now() throws -> Date { try state().now() }

    /// The clock's offset from the real time, in seconds.
    public func clockOffset() throws -> TimeInterval { try state().clockOffset }

    /// Sets the clock's offset from the real time (0: the real time).
    public func setClockOffset(_ seconds: TimeInterval) throws {
        try withState { $0.clockOffset = seconds }
    }

    /// Moves the clock by `seconds` (positive: into the future).
    public func moveClock(by seconds: TimeInterval) throws {
        try withState { $0.clockOffset += seconds }
    }

    /// A change of the clock as `cmscerts lab clock` takes it: `+400d`, `-30d`, `+3y` (a
    /// year is 365 days), `+12h`, and `reset` or `now` (back to the real time).
    public enum ClockChange: Equatable, Sendable {
        case by(TimeInterval)
        case reset

        public init?(_ text: String) {
            if text == "reset" || text == "now" { self = .reset; return }
            guard let sign = text.first, sign == "+" || sign == "-", let unit = text.last else { return nil }
            let digits = text.dropFirst().dropLast()
            guard let amount = Int(digits), amount >= 0 else { return nil }
            let seconds: Double
            switch unit {
            case "d": seconds = Double(amount) * 86_400
            case "h": seconds = Double(amount) * 3_600
            case "y": seconds = Double(amount) * 365 * 86_400
            default: return nil
            }
            self = .by(sign == "-" ? -seconds : seconds)
        }
    }

    /// Applies a clock change and returns the new offset.
    @discardableResult
    public func changeClock(_ change: ClockChange) throws -> TimeInterval {
        try withState { state in
            switch change {
            case .reset: state.clockOffset = 0
            case .by(let seconds): state.clockOffset += seconds
            }
            return state.clockOffset
        }
    }

    /// The clock in words, as `cmscerts lab clock` and the wizard say it after a move:
    /// `Lab clock: 2029-12-05 10:04 UTC (+1095.0 days from real time)`.
    public func clockSummary() throws -> String {
        let state = try state()
        let days = state.clockOffset / 86_400
        return "Lab clock: \(labDate(state.now())) (\(state.clockOffset == 0 ? "real time" : String(format: "%+.1f days from real time", days)))"
    }

    // MARK: commands

    /// Runs one MMP command on `node` and returns what the node printed.
    ///
    /// `confirm` is asked the question of a command that asks one (`database cluster
    /// remove`) and returns the answer typed, or nil; it is called before the lab is
    /// locked, so a person may take their time. Without it the answer is no.
    @discardableResult
    public func run(_ line: String, on node: String, confirm: ((String) -> String?)? = nil) throws -> LabReply {
        let tokens: [String]
        do {
            tokens = try CSRSpec.tokenize(line)
        } catch let error as PKIError {
            return LabReply(lines: [MMPText.pkiFailure(error.message)])
        }
        var prefix = ""
        if NodeInterpreter.asksConfirmation(tokens) {
            let answer = confirm?(MMPText.removeQuestion)
            prefix = MMPText.removeQuestion + (answer ?? "") + "\n"
            guard answer?.trimmingCharacters(in: .whitespaces) == "Y" else {
                return LabReply(text: prefix + MMPText.removeCancelled + "\n")
            }
        }
        let lines = try withState { state -> [String] in
            guard state.topology.nodes.contains(where: { $0.name == node }) else {
                throw LabError("no node \(node) in the lab \(directory): its nodes are \(state.topology.nodes.map(\.name).joined(separator: ", "))")
            }
            var interpreter = NodeInterpreter(lab: self, node: node, state: state)
            let out = interpreter.run(tokens, line: line.trimmingCharacters(in: .whitespaces))
            state = interpreter.state
            return out
        }
        return LabReply(text: prefix + LabReply(lines: lines).text)
    }

    /// Runs `command` on `node`, answering a confirmation with `answer`.
    @discardableResult
    public func run(_ command: String, on node: String, answer: String?) throws -> LabReply {
        try run(command, on: node, confirm: { _ in answer })
    }

    // MARK: state on disk

    /// Runs `body` with the state locked, read, and written back when it changed.
    func withState<T>(_ body: (inout LabState) throws -> T) throws -> T {
        try locked {
            let before = try load()
            var state = before
            let result = try body(&state)
            if state != before { try save(state) }
            return result
        }
    }

    private func load() throws -> LabState {
        guard let data = FileManager.default.contents(atPath: statePath) else {
            throw LabError("cannot read \(statePath): is this a lab folder?")
        }
        do {
            return try Self.decoder.decode(LabState.self, from: data)
        } catch {
            throw LabError("\(statePath) is damaged (\(error)); make a new lab with cmscerts lab init")
        }
    }

    private func save(_ state: LabState) throws {
        do {
            let data = try Self.encoder.encode(state)
            try FileStore(directory: directory).write(data + Data("\n".utf8), to: Self.stateFileName, isPrivateKey: false)
        } catch let error as PKIError {
            throw LabError(error.message)
        }
    }

    /// Holds the lab's flock (an exclusive lock on `lab.lock`) while `body` runs.
    func locked<T>(_ body: () throws -> T) throws -> T {
        let path = (directory as NSString).appendingPathComponent(Self.lockFileName)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LabError("cannot open the lab's lock \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw LabError("cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}
