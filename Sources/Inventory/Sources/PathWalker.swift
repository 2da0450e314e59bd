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
    enum Item: Equatable {
        /// A file to read.
        case file(String)
        /// A folder that could not be listed, and why.
        case problem(String, String)
    }

    let extensions: Set<String>
    private var pending: [(path: String, explicit: Bool)]
    private var visited: Set<[UInt64]> = []

    init(paths: [String], extensions: Set<String>) {
        self.extensions = extensions
        pending = paths.reversed().map { ($0, true) }
    }

    mutating func next() -> Item? {
        while let (path, explicit) = pending.popLast() {
            var info = stat()
            guard stat(path, &info) == 0 else {
                if explicit { return .file(path) } // the reader says "no such file"
                continue // a dangling link inside a folder
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let identity = [UInt64(info.st_dev), UInt64(info.st_ino)]
                guard visited.insert(identity).inserted else { continue }
                switch list(path) {
                case .success(let names):
                    let prefix = path.hasSuffix("/") ? path : path + "/"
                    for name in names.sorted().reversed() { pending.append((prefix + name, false)) }
                case .failure(let error):
                    return .problem(path, error.message)
                }
                continue
            }
            if explicit { return .file(path) }
            guard (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if let dot = path.lastIndex(of: "."), extensions.contains(path[path.index(after: dot)...].lowercased()) {
                return .file(path)
            }
        }
        return nil
    }

    private func list(_ path: String) -> Result<[String], ListError> {
        guard let directory = opendir(path) else {
            return .failure("the folder cannot be listed (\(String(cString: strerror(errno)))): check its permissions")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return .success(names)
    }

    struct ListError: Error { var message: String; init(_ m: String) { message = m } }
}

extension Result where Failure == PathWalker.ListError {
    fileprivate static func failure(_ message: String) -> Result { .failure(PathWalker.ListError(message)) }
}
