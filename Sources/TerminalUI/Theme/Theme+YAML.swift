import Yams

extension Theme {
    /// The theme file format this code reads.
    public static let fileVersion = 1

    /// Parses a theme file's text. `name` is the theme's name (the file name without
    /// `.yaml`) and `file` what errors call the file. Unknown keys, roles, colours and
    /// attributes are errors, never ignored, so that a typo cannot pass unnoticed.
    ///
    ///     version: 1
    ///     description: One line for the picker
    ///     roles:
    ///       title: { fg: cyan, bg: default, attributes: [bold] }
    public static func parse(yaml text: String, name: String, file: String? = nil) throws -> Theme {
        let file = file ?? name
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ThemeError(file: file, line: yamlLine(error), key: "", problem: "not valid YAML: \(yamlProblem(error))")
        }
        guard let root, case .mapping(let top) = root else {
            throw ThemeError(file: file, line: nil, key: "", problem: "expected a mapping with version, description and roles")
        }
        var version: Int?
        var description = ""
        var styles: [Role: Style] = [:]
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "version":
                guard let v = value.int else {
                    throw ThemeError(file: file, line: line(value), key: "version", problem: "expected a number, found \"\(value.string ?? "?")\"")
                }
                version = v
            case "description":
                guard let d = value.string else {
                    throw ThemeError(file: file, line: line(value), key: "description", problem: "expected text")
                }
                description = d
            case "roles":
                guard case .mapping(let roles) = value else {
                    throw ThemeError(file: file, line: line(value), key: "roles", problem: "expected a mapping of role to style")
                }
                for (roleNode, styleNode) in roles {
                    let roleName = roleNode.string ?? ""
                    guard let role = Role(rawValue: roleName) else {
                        throw ThemeError(
                            file: file, line: line(roleNode), key: "roles.\(roleName)",
                            problem: "unknown role; roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    styles[role] = try parseStyle(styleNode, key: "roles.\(roleName)", file: file)
                }
            default:
                throw ThemeError(file: file, line: line(keyNode), key: key, problem: "unknown key; keys are version, description, roles")
            }
        }
        guard let version else {
            throw ThemeError(file: file, line: nil, key: "version", problem: "missing; this program reads version \(fileVersion)")
        }
        guard version == fileVersion else {
            throw ThemeError(file: file, line: nil, key: "version", problem: "version \(version) is not supported; this program reads version \(fileVersion)")
        }
        return Theme(name: name, description: description, styles: styles)
    }

    private static func parseStyle(_ node: Node, key: String, file: String) throws -> Style {
        guard case .mapping(let fields) = node else {
            throw ThemeError(file: file, line: line(node), key: key, problem: "expected a mapping with fg, bg and attributes")
        }
        var style = Style()
        for (fieldNode, value) in fields {
            let field = fieldNode.string ?? ""
            let path = "\(key).\(field)"
            switch field {
            case "fg", "bg":
                guard let text = value.string, let color = Color(themeName: text) else {
                    throw ThemeError(
                        file: file, line: line(value), key: path,
                        problem: "unknown colour \"\(value.string ?? "?")\"; colours are default, "
                            + Color.NamedColor.allCases.map(\.rawValue).joined(separator: ", ") + ", or 0-255")
                }
                if field == "fg" { style.fg = color } else { style.bg = color }
            case "attributes":
                let names: [Node]
                switch value {
                case .sequence(let seq): names = Array(seq)
                case .scalar: names = [value]
                default:
                    throw ThemeError(file: file, line: line(value), key: path, problem: "expected a list such as [bold, underline]")
                }
                for n in names {
                    let word = n.string ?? ""
                    guard let m = Modifiers.named.first(where: { $0.0 == word })?.1 else {
                        throw ThemeError(
                            file: file, line: line(n), key: path,
                            problem: "unknown attribute \"\(word)\"; attributes are \(Modifiers.named.map(\.0).joined(separator: ", "))")
                    }
                    style.modifiers.insert(m)
                }
            default:
                throw ThemeError(file: file, line: line(fieldNode), key: path, problem: "unknown key; keys are fg, bg, attributes")
            }
        }
        return style
    }

    private static func line(_ node: Node) -> Int? { node.mark.map { $0.line } }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let p, _, _), .parser(_, let p, _, _), .composer(_, let p, _, _): return p
        default: return "\(error)"
        }
    }
}
