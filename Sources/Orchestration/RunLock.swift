#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Who holds a deployment's run lock: written into the lock file by the holder, read by
/// whoever is refused, so that the refusal names them.
public struct RunLockHolder: Codable, Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var host: String
    /// The run it is for (nil while it reads the nodes and plans, before a run exists).
    public var runID: String?
    /// What it does: `apply`, `apply --resume`, the wizard's Step 5.
    public var operation: String
    public var started: Date

    public init(pid: Int32, host: String, runID: String?, operation: String, started: Date) {
        self.pid = pid
        self.host = host
        self.runID = runID
        self.operation = operation
        self.started = started
    }

    public var description: String {
        let formatter = ISO8601DateFormatter()
        return "\(operation) (pid \(pid) on \(host)\(runID.map { ", run \($0)" } ?? ""), since \(formatter.string(from: started)))"
    }
}

/// Why the lock was not taken.
public struct RunLockError: Error, Sendable, CustomStringConvertible {
    /// The holder, as its lock file says (nil when it could not be read).
    public var holder: RunLockHolder?
    public var path: String
    public var message: String

    public var description: String { message }
}

/// One run at a time per deployment: `<state folder>/lock`, held with `flock` for as long
/// as the process lives. The kernel lets go of it when the holder ends, however it ends
/// (a kill -9 included), so a dead holder's lock is taken over at once and safely: there
/// is no stale file to judge by its pid. The file keeps the holder's pid, host, run and
/// operation, which a refused second run prints.
public final class RunLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32
    private var holder: RunLockHolder

    private init(path: String, descriptor: Int32, holder: RunLockHolder) {
        self.path = path
        self.descriptor = descriptor
        self.holder = holder
    }

    deinit { release() }

    /// The lock file of a deployment's state folder.
    public static func path(stateDirectory: String) -> String { stateDirectory + "/lock" }

    /// Takes the lock, or throws `RunLockError` naming who holds it. Never waits.
    public static func acquire(stateDirectory: String, operation: String, runID: String? = nil) throws -> RunLock {
        let path = path(stateDirectory: stateDirectory)
        do {
            try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw RunLockError(holder: nil, path: path, message: "cannot make the state folder \(stateDirectory): \(error.localizedDescription)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RunLockError(holder: nil, path: path, message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            let holder = read(fd)
            close(fd)
            guard busy else { throw RunLockError(holder: nil, path: path, message: "cannot lock \(path): \(reason)") }
            let who = holder.map { "\($0)" } ?? "another cmscerts (its lock file says nothing more)"
            throw RunLockError(holder: holder, path: path, message:
                "another run holds this deployment's lock: \(who). Only one run may change the nodes at a time: wait for it to end (or stop it: its journal lets it be resumed), then try again. The lock is \(path); it is let go the moment its holder ends.")
        }
        let lock = RunLock(path: path, descriptor: fd,
                           holder: RunLockHolder(pid: getpid(), host: hostName(), runID: runID, operation: operation, started: Date()))
        lock.writeHolder()
        return lock
    }

    /// This machine's name, as `hostname` prints it (no DNS look-up).
    static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "unknown host" }
        return String(cString: name)
    }

    /// Who holds the lock now, if anyone does (a read; the lock is not taken).
    public static func holder(stateDirectory: String) -> RunLockHolder? {
        let fd = open(path(stateDirectory: stateDirectory), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { flock(fd, LOCK_UN); return nil }
        return read(fd)
    }

    /// Records the run the lock is now for (a run gets its id after the plan is made).
    public func note(runID: String) {
        holder.runID = runID
        writeHolder()
    }

    /// Lets go of the lock (also done when the object goes, or the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    private func writeHolder() {
        guard descriptor >= 0 else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(holder) else { return }
        _ = ftruncate(descriptor, 0)
        _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        _ = fsync(descriptor)
    }

    private static func read(_ fd: Int32) -> RunLockHolder? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(RunLockHolder.self, from: Data(buffer[0..<n]))
    }
}
