import Foundation

/// One file a picker can offer: its path relative to the workspace folder.
public struct BrowsedFile: Hashable, Sendable {
    /// The path from the workspace folder (`certs/root.pem`).
    public var relativePath: String
    /// Size in bytes.
    public var size: Int

    public init(relativePath: String, size: Int) {
        self.relativePath = relativePath
        self.size = size
    }
}

extension Workspace {
    /// The certificate, key and CSR files (those `pki list` shows) of the workspace folder
    /// and its subfolders, for a file picker: hidden files and folders skipped, at most
    /// `depth` folders down and `limit` files, sorted by path. A folder that cannot be read
    /// is an error naming it; an unreadable subfolder is skipped.
    public func browse(depth: Int = 3, limit: Int = 2000) throws -> [BrowsedFile] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PKIError.input("the folder \(directory) does not exist: make it, or start cmscerts in the folder that holds your certificates", field: directory)
        }
        var out: [BrowsedFile] = []
        func walk(_ relative: String, level: Int) throws {
            let folder = relative.isEmpty ? directory : directory + "/" + relative
            let names: [String]
            do {
                names = try fm.contentsOfDirectory(atPath: folder)
            } catch {
                if relative.isEmpty {
                    throw PKIError.input("cannot list \(folder): \(error.localizedDescription)", field: folder)
                }
                return
            }
            for name in names.sorted() where !name.hasPrefix(".") {
                guard out.count < limit else { return }
                let path = relative.isEmpty ? name : relative + "/" + name
                var dir: ObjCBool = false
                guard fm.fileExists(atPath: directory + "/" + path, isDirectory: &dir) else { continue }
                if dir.boolValue {
                    if level < depth { try walk(path, level: level + 1) }
                } else if Self.listedExtensions.contains((name as NSString).pathExtension.lowercased()) {
                    let size = (try? fm.attributesOfItem(atPath: directory + "/" + path)[.size] as? Int) ?? 0
                    out.append(BrowsedFile(relativePath: path, size: size))
                }
            }
        }
        try walk("", level: 0)
        return out.sorted { $0.relativePath < $1.relativePath }
    }
}
