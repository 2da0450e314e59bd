#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A file that an operation will write, as the review screen lists it.
public struct PlannedWrite: Codable, Sendable, Equatable {
    public var path: String
    /// What the file is: "private key (RSA 2048)", "CSR", "certificate", "bundle".
    public var what: String
    /// The permission bits, 0o600 for private keys.
    public var mode: UInt16
    /// True when a file of that name is there now and will be replaced (keys: only with
    /// an explicit replace, which keeps a backup).
    public var replaces: Bool
    /// SHA-256 (hex) of the bytes to be written: what is reviewed is what is written (empty
    /// in a plan of a write whose bytes are not made yet).
    public var digest: String = ""

    public var modeText: String { String(mode, radix: 8) }
}

/// One write of a reviewed operation as data: the file as the review lists it, its bytes,
/// and how the store may treat a file already there. `FileStore.perform` does these and
/// nothing else.
public struct FileWrite: Sendable, Equatable {
    /// How a file of that name already there is treated.
    public enum Existing: Sendable, Equatable {
        /// Replaced (a certificate, a bundle, a CSR); a key is never replaced this way.
        case replace
        /// Refused: written only where no file of that name is.
        case refuse
        /// Replaced, the old one kept as `<name>.previous` (a deployment file).
        case keepPrevious
        /// A key replaced on explicit request, the old key kept as `<name>.bak-<time>`.
        case replaceKeyKeepingBackup
    }

    /// What the review lists: path, what, mode, replaces, digest.
    public var planned: PlannedWrite
    /// The name in the store.
    public var name: String
    /// The bytes.
    public var content: Data
    /// True for a private key (0600, never overwritten without an explicit replace).
    public var isPrivateKey: Bool
    /// A file already there.
    public var existing: Existing
}

/// Every write of cmscerts goes through here: atomic (temp file, fsync, rename, fsync of
/// the folder), private keys 0600, and never over an existing key unless the caller
/// says replace, in which case the old key is kept as a backup.
public struct FileStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public static let keyMode: UInt16 = 0o600
    public static let publicMode: UInt16 = 0o644

    /// The full path of a name in the store (a name with a '/' is taken as it is).
    public func path(_ name: String) -> String {
        name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
    }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// The text of the file at `path` (a deployment file, say), or why it cannot be read.
    public static func readText(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PKIError.input("\(path) does not exist: check the path (cmscerts init writes an example deployment file)", field: path)
        }
        if isDirectory.boolValue { throw PKIError.input("\(path) is a folder: give the file's path", field: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PKIError.input("cannot read \(path): check its permissions", field: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PKIError.input("\(path) is not UTF-8 text: give a text file", field: path)
        }
        return text
    }

    /// What writing `name` would do, for the review screen.
    public func plan(_ name: String, what: String, isPrivateKey: Bool) -> PlannedWrite {
        PlannedWrite(path: path(name), what: what, mode: isPrivateKey ? Self.keyMode : Self.publicMode, replaces: exists(name))
    }

    /// Writing `content` to `name`, as data for a review: what it lists (with the bytes'
    /// digest) and what `perform` will write.
    public func write(_ content: Data, to name: String, what: String, isPrivateKey: Bool, existing: FileWrite.Existing = .replace) -> FileWrite {
        var planned = plan(name, what: what, isPrivateKey: isPrivateKey)
        planned.digest = OpenSSL.hex(OpenSSL.sha256(content), separator: "").lowercased()
        return FileWrite(planned: planned, name: name, content: content, isPrivateKey: isPrivateKey, existing: existing)
    }

    /// Performs reviewed writes, in order, and nothing else: each file atomically, its
    /// bytes checked against the digest the review showed. Returns the paths written and
    /// the backups kept.
    public func perform(_ writes: [FileWrite]) throws -> (written: [String], backups: [String]) {
        var written: [String] = [], backups: [String] = []
        for w in writes {
            guard OpenSSL.hex(OpenSSL.sha256(w.content), separator: "").lowercased() == w.planned.digest else {
                throw PKIError.input("\(w.planned.path): the bytes are not those reviewed; nothing more was written", field: w.planned.path)
            }
            let kept = try write(w.content, to: w.name, isPrivateKey: w.isPrivateKey, replace: w.existing == .replaceKeyKeepingBackup,
                                 createOnly: w.existing == .refuse, keepPrevious: w.existing == .keepPrevious)
            written.append(w.planned.path)
            if let kept { backups.append(kept) }
        }
        return (written, backups)
    }

    /// Refuses early (before any key is generated) when `name` is an existing key.
    public func checkKeyIsFree(_ name: String, replace: Bool) throws {
        if exists(name) && !replace {
            throw PKIError.input("\(path(name)) exists: cmscerts never overwrites a private key (a service may be using it, and pki csr over a live key breaks that service at once). Choose a new basename, or pass --replace to keep the old key as a backup", field: name)
        }
    }

    /// Writes `data` to `name` atomically and returns the backup's path when a key was replaced.
    /// `createOnly` gives any file the keys' rule: written only where no file of that name
    /// is (a deployment file the user may have edited, say). `keepPrevious` replaces a
    /// file but keeps the old one as `<name>.previous` (`.previous-2`, ...) first, and
    /// returns that path.
    @discardableResult
    public func write(_ data: Data, to name: String, isPrivateKey: Bool, replace: Bool = false, createOnly: Bool = false,
                      keepPrevious: Bool = false) throws -> String? {
        let target = path(name)
        let folder = (target as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            } catch {
                throw PKIError.input("cannot create the folder \(folder): \(error.localizedDescription)", field: folder)
            }
        } else if !isDirectory.boolValue {
            throw PKIError.input("\(folder) is not a folder", field: folder)
        }
        if isPrivateKey { try checkKeyIsFree(name, replace: replace) }
        if createOnly && exists(name) {
            throw PKIError.input("\(target) exists already: it is never overwritten; choose another name", field: name)
        }
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue {
            throw PKIError.input("\(target) is a directory: cannot write a file there", field: target)
        }

        let mode = isPrivateKey ? Self.keyMode : Self.publicMode
        let temporary = folder + "/.\((target as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else {
            throw PKIError.input("cannot write in \(folder): \(String(cString: strerror(errno))); check the folder's permissions", field: folder)
        }
        var written = 0
        let writeError: Int32? = data.withUnsafeBytes { raw -> Int32? in
            guard let base = raw.baseAddress else { return nil }
            while written < raw.count {
                let n = Glibc.write(fd, base + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return errno }
                written += n
            }
            return nil
        }
        // The umask may have taken bits away (or, for keys, must never add any): set them exactly.
        let chmodFailed = fchmod(fd, mode_t(mode)) != 0
        let syncFailed = fsync(fd) != 0
        close(fd)
        if writeError != nil || chmodFailed || syncFailed {
            let reason = String(cString: strerror(writeError ?? errno))
            unlink(temporary)
            throw PKIError.input("could not write \(target): \(reason)", field: target)
        }

        var backup: String? = nil
        if isPrivateKey || createOnly {
            if isPrivateKey && replace && FileManager.default.fileExists(atPath: target) {
                // An explicit replace: keep the old key beside it (a counter when two
                // replaces fall in the same second).
                let stamp = Int(Date().timeIntervalSince1970)
                var candidate = "\(target).bak-\(stamp)"
                var counter = 1
                while FileManager.default.fileExists(atPath: candidate) {
                    counter += 1
                    candidate = "\(target).bak-\(stamp)-\(counter)"
                }
                guard link(target, candidate) == 0 else {
                    unlink(temporary)
                    throw PKIError.input("could not keep a backup of \(target) (\(String(cString: strerror(errno)))): the key was not replaced", field: target)
                }
                backup = candidate
                guard rename(temporary, target) == 0 else {
                    unlink(temporary)
                    throw PKIError.input("could not replace \(target): \(String(cString: strerror(errno)))", field: target)
                }
            } else {
                // link() fails if the name appeared meanwhile: a key is never overwritten, even in a race.
                guard link(temporary, target) == 0 else {
                    let reason = errno == EEXIST ? "a file of that name appeared meanwhile" : String(cString: strerror(errno))
                    unlink(temporary)
                    throw PKIError.input("could not write \(target): \(reason); nothing was overwritten", field: target)
                }
                unlink(temporary)
            }
        } else {
            if keepPrevious && FileManager.default.fileExists(atPath: target) {
                // The old file gets a second name before the new one takes its place, so
                // there is never a moment without the file, and nothing is lost.
                var candidate = target + ".previous"
                var counter = 1
                while link(target, candidate) != 0 {
                    guard errno == EEXIST else {
                        let reason = String(cString: strerror(errno))
                        unlink(temporary)
                        throw PKIError.input("could not keep a copy of \(target) (\(reason)): it was not replaced", field: target)
                    }
                    counter += 1
                    candidate = target + ".previous-\(counter)"
                }
                backup = candidate
            }
            guard rename(temporary, target) == 0 else {
                unlink(temporary)
                throw PKIError.input("could not write \(target): \(String(cString: strerror(errno)))", field: target)
            }
        }
        syncDirectory(folder)
        return backup
    }

    /// Renames `name` to `<name>.previous` (`.previous-2`, ... when taken), never over a
    /// file; returns the new path, or nil when there was no such file.
    @discardableResult
    public func setAside(_ name: String) throws -> String? {
        let source = path(name)
        guard FileManager.default.fileExists(atPath: source) else { return nil }
        var candidate = source + ".previous"
        var counter = 1
        // link() then unlink(): the old name is kept until the new one exists, and an
        // existing file is never replaced.
        while link(source, candidate) != 0 {
            guard errno == EEXIST else {
                throw PKIError.input("could not set \(source) aside: \(String(cString: strerror(errno)))", field: name)
            }
            counter += 1
            candidate = source + ".previous-\(counter)"
        }
        unlink(source)
        syncDirectory((source as NSString).deletingLastPathComponent)
        return candidate
    }

    private func syncDirectory(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
