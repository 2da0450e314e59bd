import Foundation

/// One theme a picker can offer.
public struct ThemeInfo: Hashable, Sendable {
    /// The name to pick it by.
    public var name: String
    /// Its one-line description.
    public var description: String
    /// The file it comes from, or nil for a built-in theme.
    public var path: String?

    /// A theme entry.
    public init(name: String, description: String, path: String?) {
        self.name = name
        self.description = description
        self.path = path
    }
}

/// The themes found in a list of folders (earlier folders win for the same name), plus
/// the built-in default and monochrome themes, which always exist.
public struct ThemeCatalog: Sendable {
    /// Folders searched for `NAME.yaml`, in order.
    public var folders: [String]

    /// A catalog over `folders`.
    public init(folders: [String]) {
        self.folders = folders
    }

    /// Reads and parses one theme file; the theme's name is the file name without `.yaml`.
    public static func loadFile(atPath path: String) throws -> Theme {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, key: "", problem: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, key: "", problem: "is not UTF-8 text")
        }
        return try Theme.parse(yaml: text, name: name, file: path)
    }

    /// The paths of the `*.yaml` files in one folder, sorted (none when it does not exist).
    public static func themeFiles(inFolder folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { (folder as NSString).appendingPathComponent($0) }
    }

    /// Every theme on offer, sorted by name, for a picker. A file that does not parse is
    /// listed with its error as description so that the user sees why it cannot be used.
    public func available() -> [ThemeInfo] {
        var found: [String: ThemeInfo] = [:]
        for folder in folders {
            for path in Self.themeFiles(inFolder: folder) {
                let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                if found[name] != nil { continue }
                do {
                    let theme = try Self.loadFile(atPath: path)
                    found[name] = ThemeInfo(name: name, description: theme.description, path: path)
                } catch {
                    found[name] = ThemeInfo(name: name, description: "unusable: \(error)", path: path)
                }
            }
        }
        for builtIn in [Theme.builtInDefault, Theme.builtInMonochrome] where found[builtIn.name] == nil {
            found[builtIn.name] = ThemeInfo(name: builtIn.name, description: builtIn.description, path: nil)
        }
        return found.values.sorted { $0.name < $1.name }
    }

    /// The theme called `name`: from the first folder that has it, else a built-in one.
    public func load(named name: String) throws -> Theme {
        for folder in folders {
            let path = (folder as NSString).appendingPathComponent(name + ".yaml")
            if FileManager.default.fileExists(atPath: path) {
                return try Self.loadFile(atPath: path)
            }
        }
        switch name {
        case Theme.builtInDefault.name: return .builtInDefault
        case Theme.builtInMonochrome.name: return .builtInMonochrome
        default:
            let names = available().map(\.name).joined(separator: ", ")
            throw ThemeError(file: name, key: "", problem: "no such theme; themes are \(names)")
        }
    }

    /// The theme to start with. A name the user gave (`--theme NAME`) wins; otherwise
    /// NO_COLOR (set and not empty, see no-color.org) gives the monochrome theme, and
    /// without it the default theme.
    public func select(named name: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Theme {
        if let name { return try load(named: name) }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            return try load(named: Theme.builtInMonochrome.name).withoutColor
        }
        return try load(named: Theme.builtInDefault.name)
    }
}
