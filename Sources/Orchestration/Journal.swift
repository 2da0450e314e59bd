#if canImport(Glibc)
import Glibc
#endif
import Deployment
import Foundation
import PKI

/// One line of a run's journal. Never holds a passphrase, a key or a command's output:
/// only the SHA-256 of the output, so that an audit can tell outputs apart.
public struct JournalRecord: Codable, Sendable, Equatable {
    /// `run` (a run begins), `resume` (it is resumed) or `step`.
    public var type: String
    public var runID: String
    public var planDigest: String
    public var flow: String?
    public var step: String?
    public var node: String?
    public var command: String?
    public var start: Date?
    public var end: Date?
    /// `started`, then one of `done`, `failed`, `waiting`.
    public var outcome: String?
    /// SHA-256 of what the step printed.
    public var outputDigest: String?
    /// For uploads: SHA-256 of the workspace file sent, so that a resume sends a changed file again.
    public var inputDigest: String?
    /// For failures: the reason in one line (never the output).
    public var reason: String?
    /// For an `end` record of a run that waits: the files it waits for.
    public var files: [String]?

    public init(type: String, runID: String, planDigest: String, flow: String? = nil, step: String? = nil, node: String? = nil,
                command: String? = nil, start: Date? = nil, end: Date? = nil, outcome: String? = nil,
                outputDigest: String? = nil, inputDigest: String? = nil, reason: String? = nil) {
        self.type = type
        self.runID = runID
        self.planDigest = planDigest
        self.flow = flow
        self.step = step
        self.node = node
        self.command = command
        self.start = start
        self.end = end
        self.outcome = outcome
        self.outputDigest = outputDigest
        self.inputDigest = inputDigest
        self.reason = reason
    }
}

/// Why a journal cannot be used.
public struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No such run, or its file cannot be read.
        case notFound
        /// The run was made for another plan: the deployment or the flow changed.
        case planChanged
        /// The journal cannot be written.
        case cannotWrite
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The journal of one run: JSON lines in `<state folder>/runs/<run id>.jsonl`, one record
/// when a step starts and one when it ends, each appended and synced before the executor
/// goes on, so that a run killed at any moment can be resumed. A resumed run appends to
/// the same file.
public final class Journal: @unchecked Sendable {
    public let runID: String
    public let planDigest: String
    /// The journal file.
    public let path: String
    /// The deployment's state folder the journal is in.
    public var stateDirectory: String { store.directory }
    private let store: FileStore
    private let name: String
    private let lock = NSLock()

    private init(runID: String, planDigest: String, stateDirectory: String) {
        self.runID = runID
        self.planDigest = planDigest
        store = FileStore(directory: stateDirectory)
        name = "runs/\(runID).jsonl"
        path = store.path(name)
    }

    /// The folder of a deployment's state: `<deployment dir>/.cmscerts`.
    public static func stateDirectory(forDeploymentFile file: String) -> String {
        let folder = (absolutePath(file) as NSString).deletingLastPathComponent
        return folder + "/.cmscerts"
    }

    /// Starts the journal of a new run of `plan`.
    public static func create(stateDirectory: String, plan: Plan, now: Date = Date()) throws -> Journal {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let id = formatter.string(from: now) + "-" + String(UUID().uuidString.lowercased().prefix(6))
        let journal = Journal(runID: id, planDigest: plan.digest, stateDirectory: stateDirectory)
        try journal.append(JournalRecord(type: "run", runID: id, planDigest: plan.digest, flow: plan.flow.rawValue, start: now))
        return journal
    }

    /// What a resumed run needs: its journal, and the steps an earlier run finished.
    public struct Resumption: Sendable {
        public var journal: Journal
        /// Steps done, to skip.
        public var done: Set<String>
        /// Steps an earlier run started and never ended (it was killed): run again.
        public var interrupted: Set<String>
    }

    /// Opens run `runID` to resume it with `plan`. Refuses (`.planChanged`) a plan whose
    /// digest is not the run's: the deployment file or the flow changed since. An upload
    /// whose workspace file changed since it was sent is not counted done, nor is any
    /// step after it. Reads only: the executor notes the resume when it starts.
    public static func resume(stateDirectory: String, runID: String, plan: Plan, workspace: String) throws -> Resumption {
        guard runID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), !runID.isEmpty else {
            throw JournalError(.notFound, "\(runID) is not a run id (they look like 20261129T111500Z-ab12cd)")
        }
        let journal = Journal(runID: runID, planDigest: plan.digest, stateDirectory: stateDirectory)
        let records = try read(path: journal.path)
        guard let first = records.first(where: { $0.type == "run" }) else {
            throw JournalError(.notFound, "\(journal.path) is not the journal of a run")
        }
        guard first.planDigest == plan.digest else {
            throw JournalError(.planChanged, """
                run \(runID) was made for another plan (sha256:\(first.planDigest.prefix(16))...), not this one \
                (sha256:\(plan.digest.prefix(16))...): the deployment file or the flow changed since. \
                Resume only the plan that was reviewed; to run this one, start a new run (without --resume).
                """)
        }
        var done: Set<String> = []
        var started: Set<String> = []
        var sent: [String: String] = [:]
        for record in records where record.type == "step" {
            guard let step = record.step else { continue }
            switch record.outcome {
            case "started": started.insert(step)
            case "done":
                done.insert(step)
                started.remove(step)
                if let digest = record.inputDigest { sent[step] = digest }
            default: started.remove(step)
            }
        }
        // A file changed in the workspace since it was sent: send it again, and redo what followed.
        var stale: Set<String> = []
        for step in plan.steps where step.kind == .upload && done.contains(step.id) {
            guard let source = step.reads.first?.name else { continue }
            let data = FileManager.default.contents(atPath: workspace + "/" + source) ?? Data()
            if let digest = sent[step.id], digest != Digest.sha256Hex(Array(data)) { stale.insert(step.id) }
        }
        if !stale.isEmpty {
            var changed = true
            while changed {
                changed = false
                for step in plan.steps where !stale.contains(step.id) && step.dependsOn.contains(where: stale.contains) {
                    stale.insert(step.id)
                    changed = true
                }
            }
            done.subtract(stale)
        }
        return Resumption(journal: journal, done: done.intersection(plan.steps.map(\.id)), interrupted: started)
    }

    /// What the nodes held when the run's plan was made, kept beside its journal, so
    /// that a resume (from the command line or the wizard) plans exactly the same.
    public func saveState(_ state: CurrentState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileStore(directory: store.directory + "/runs").write(try encoder.encode(state), to: runID + ".state.json", isPrivateKey: false)
    }

    /// The state run `runID`'s plan was made from, if it was kept.
    public static func savedState(stateDirectory: String, runID: String) throws -> CurrentState? {
        guard let data = FileManager.default.contents(atPath: stateDirectory + "/runs/\(runID).state.json") else { return nil }
        return try JSONDecoder().decode(CurrentState.self, from: data)
    }

    /// A run that did not finish: it waits for the CA's files, stopped on a failure, or was
    /// interrupted (killed, or the wizard left) after its last start.
    public struct OpenRun: Sendable, Equatable {
        public var runID: String
        public var flow: Flow
        /// The digest of the plan it runs: a resume needs the same plan.
        public var planDigest: String
        /// `waiting`, `failed` or `interrupted`.
        public var outcome: String
        /// The files it waits for (`waiting`).
        public var files: [String]
        public var reason: String?
    }

    /// The newest run of the deployment, when it did not finish; nil when it finished, or
    /// there is none.
    public static func openRun(stateDirectory: String) -> OpenRun? {
        let runs = stateDirectory + "/runs"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
        guard let newest = names.last, let records = try? read(path: runs + "/" + newest),
              let first = records.first(where: { $0.type == "run" }), let flow = first.flow.flatMap(Flow.init(rawValue:)) else { return nil }
        let id = String(newest.dropLast(".jsonl".count))
        guard let last = records.last(where: { $0.type == "end" || $0.type == "run" || $0.type == "resume" }) else { return nil }
        if last.type != "end" { return OpenRun(runID: id, flow: flow, planDigest: first.planDigest, outcome: "interrupted", files: [], reason: nil) }
        if last.outcome == "done" { return nil }
        return OpenRun(runID: id, flow: flow, planDigest: first.planDigest, outcome: last.outcome ?? "failed", files: last.files ?? [], reason: last.reason)
    }

    /// Every record of a journal file.
    public static func read(path: String) throws -> [JournalRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JournalError(.notFound, "no journal at \(path): the run id is wrong, or the run was made from another folder")
        }
        var records: [JournalRecord] = []
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            do {
                records.append(try decoder.decode(JournalRecord.self, from: Data(line.utf8)))
            } catch {
                // A line cut by a crash in the middle of a write is the last one: ignore it.
                if i == String(decoding: data, as: UTF8.self).split(separator: "\n").count - 1 { break }
                throw JournalError(.notFound, "\(path) line \(i + 1) is not a journal record: \(error)")
            }
        }
        return records
    }

    /// Appends one record and syncs it to disk.
    public func append(_ record: JournalRecord) throws {
        let line = try Self.encoder.encode(record) + Data("\n".utf8)
        lock.lock()
        defer { lock.unlock() }
        do {
            try store.appendSynced(line, to: name)
        } catch {
            throw JournalError(.cannotWrite, "cannot write the journal \(path): \(error)")
        }
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(isoFormatter.string(from: date))
        }
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = isoFormatter.date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
            }
            return date
        }
        return d
    }

    nonisolated(unsafe) static let isoFormatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
}

/// An absolute, tidy path.
func absolutePath(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return (full as NSString).standardizingPath
}

extension FileStore {
    /// Appends to a log file (the journal) and syncs it: a journal grows a line at a time,
    /// so it is appended, not rewritten; the folder is made 0700 (it says what ran where).
    /// Never used for keys.
    func appendSynced(_ data: Data, to name: String) throws {
        let target = path(name)
        let folder = (target as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = open(target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PKIError.input("cannot open \(target): \(String(cString: strerror(errno)))", field: target) }
        defer { close(fd) }
        var written = 0
        let failure: Int32? = data.withUnsafeBytes { raw -> Int32? in
            guard let base = raw.baseAddress else { return nil }
            while written < raw.count {
                let n = Glibc.write(fd, base + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return errno }
                written += n
            }
            return nil
        }
        if let failure { throw PKIError.input("cannot write \(target): \(String(cString: strerror(failure)))", field: target) }
        if fsync(fd) != 0 { throw PKIError.input("cannot sync \(target): \(String(cString: strerror(errno)))", field: target) }
    }
}
