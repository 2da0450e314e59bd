import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks the paths given on the command line lazily: a file given by name is always
/// read; a folder is walked recursively (entries sorted, so the output is stable), and
/// in it only files whose extension says certificate are read. Symbolic links to
/// folders are followed once (a loop is walked only once).
struct PathWalker: IteratorProtocol {
    /// A folder kept open while its files are read (openat by name), closed with its last item.
    final class Folder: @unchecked Sendable, Equatable {
        let handle: OpaquePointer
        var fd: Int32 { dirfd(handle) }
        init(_ handle: OpaquePointer) { self.handle = handle }
        deinit { closedir(handle) }
        static func == (a: Folder, b: Folder) -> Bool { a === b }
    }

    enum Item: Equatable {
        /// A file to read.
        case file(String)
        /// A file a folder listing says is a regular file (no stat was needed): it can be
        /// read to its end without asking its size first, by its name in its folder.
        case regularFile(String, Folder, name: String)
        /// A folder that could not be listed, and why.
        case problem(String, String)
    }

    let extensions: Set<String>
    /// Folders opened so far: each stays open (one descriptor) while an item of it lives,
    /// so a batch of items stops at `folderLimit` new folders.
    private(set) var foldersOpened = 0
    static let folderLimit = 256
    /// Each path to look at: given on the command line, and what the folder listing said it is.
    private var pending: [(path: String, explicit: Bool, type: UInt8, folder: Folder?, name: String)]
    private var visited: Set<[UInt64]> = []

    init(paths: [String], extensions: Set<String>) {
        self.extensions = extensions
        pending = paths.reversed().map { ($0, true, UInt8(DT_UNKNOWN), nil, "") }
    }

    mutating func next() -> Item? {
        while let (path, explicit, type, folder, name) = pending.popLast() {
            // A regular file met in a folder: its listing said so, no stat (a file system
            // that does not say, and links, are looked at below).
            if !explicit && type == UInt8(DT_REG), let folder {
                if hasExtension(path) { return .regularFile(path, folder, name: name) }
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                if explicit { return .file(path) } // the reader says "no such file"
                continue // a dangling link inside a folder
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let identity = [UInt64(info.st_dev), UInt64(info.st_ino)]
                guard visited.insert(identity).inserted else { continue }
                switch list(path) {
                case .success(let (folder, names)):
                    let prefix = path.hasSuffix("/") ? path : path + "/"
                    for entry in names.sorted(by: { $0.name < $1.name }).reversed() {
                        pending.append((prefix + entry.name, false, entry.type, folder, entry.name))
                    }
                case .failure(let error):
                    return .problem(path, error.message)
                }
                continue
            }
            if explicit { return .file(path) }
            guard (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if hasExtension(path) { return .file(path) }
        }
        return nil
    }

    /// The next items, up to `size`, or fewer once `folderLimit` folders have been opened
    /// since the first (each stays open while its items live); empty at the end.
    mutating func batch(of size: Int) -> [Item] {
        var batch: [Item] = []
        var folders = foldersOpened
        while batch.count < size, batch.isEmpty || foldersOpened - folders < Self.folderLimit, let item = next() {
            if batch.isEmpty { folders = foldersOpened }
            batch.append(item)
        }
        return batch
    }

    private func hasExtension(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: ".") else { return false }
        return extensions.contains(path[path.index(after: dot)...].lowercased())
    }

    private mutating func list(_ path: String) -> Result<(Folder, [(name: String, type: UInt8)]), ListError> {
        guard let directory = opendir(path) else {
            return .failure("the folder cannot be listed (\(String(cString: strerror(errno)))): check its permissions")
        }
        let folder = Folder(directory)
        foldersOpened += 1
        var names: [(name: String, type: UInt8)] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            names.append((name, entry.pointee.d_type))
        }
        return .success((folder, names))
    }

    struct ListError: Error { var message: String; init(_ m: String) { message = m } }
}

extension Result where Failure == PathWalker.ListError {
    fileprivate static func failure(_ message: String) -> Result { .failure(PathWalker.ListError(message)) }
}
