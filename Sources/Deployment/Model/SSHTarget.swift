import PKI

/// Where the MMP is reached over SSH: a host (or an alias of ~/.ssh/config), and a user and
/// a port only when the deployment file gives them. What is left out is the OpenSSH
/// client's to decide (~/.ssh/config's `User` and `Port` for the host or alias, else the
/// local login name and 22), so that an alias in ~/.ssh/config is never overridden.
public struct SSHTarget: Codable, Hashable, Sendable {
    /// A host name, an IPv4 or IPv6 address, or a Host alias of ~/.ssh/config.
    public var host: String
    /// The login, when the file sets one (`ssh.user`); nil leaves it to ssh_config.
    public var user: String?
    /// The port, when the file sets one (`ssh.port`); nil leaves it to ssh_config.
    public var port: Int?

    /// A target at `host`; a user or port left nil is ssh_config's to decide.
    public init(host: String, user: String? = nil, port: Int? = nil) {
        self.host = host
        self.user = user
        self.port = port
    }

    /// `ssh [-p PORT] [USER@]HOST`, the command a person types to reach the MMP as cmscerts
    /// does; what it leaves out, ssh takes from ~/.ssh/config.
    public var command: String {
        "ssh " + (port.map { "-p \($0) " } ?? "") + (user.map { "\($0)@" } ?? "") + host
    }

    /// Why `host` cannot be given to ssh as a host, or nil. A host is a DNS name, an IPv4 or
    /// IPv6 address, or an ssh_config alias made of the same characters (letters, digits,
    /// '-', '_', '.'): nothing ssh could read as an option (a leading '-'), as a user
    /// (`@`) or as a second argument (a space), and no control character.
    public static func hostProblem(_ host: String) -> String? {
        if host.isEmpty { return "it is empty: give the node's host name, address or ~/.ssh/config alias" }
        if NameRules.isIPv4(host) || NameRules.isIPv6(host) { return nil }
        if host.hasPrefix("-") {
            return "it begins with '-', which ssh reads as an option (-oProxyCommand=... would run a command): give the node's host name, address or ~/.ssh/config alias"
        }
        if host.hasPrefix("["), host.hasSuffix("]"), NameRules.isIPv6(String(host.dropFirst().dropLast())) {
            return "write the IPv6 address without brackets (\(host.dropFirst().dropLast())); a port goes under ssh.port"
        }
        if let problem = characterProblem(host, allowed: "-_.") {
            if host.contains("@") { return "\(problem): write the login under ssh.user and only the host here" }
            if host.contains(":") { return "\(problem): a port goes under ssh.port" }
            return problem + ": a host is a DNS name, an address or a ~/.ssh/config alias (letters, digits, '-', '_', '.')"
        }
        if host.count > 253 { return "it is \(host.count) characters long; a host name has 253 at most" }
        if host.hasPrefix(".") || host.hasSuffix(".") || host.contains("..") {
            return "it has an empty label (a dot at an end, or two in a row)"
        }
        return nil
    }

    /// Why `user` cannot be given to ssh as a login, or nil: a plain account name of
    /// letters, digits, '.', '_' and '-', not beginning with '-', 64 characters at most.
    public static func userProblem(_ user: String) -> String? {
        if user.isEmpty { return "it is empty: give the MMP admin account, e.g. admin, or leave ssh.user out (~/.ssh/config decides)" }
        if user.hasPrefix("-") {
            return "it begins with '-', which ssh reads as an option: give the MMP admin account, e.g. admin"
        }
        if let problem = characterProblem(user, allowed: "-_.") {
            if user.contains("@") { return "\(problem): write the account alone (admin), and the host under ssh.host" }
            return problem + ": an account name has letters, digits, '.', '_' and '-', e.g. admin"
        }
        if user.count > 64 { return "it is \(user.count) characters long; give an account name of 64 at most" }
        return nil
    }

    /// Why `port` is not a TCP port, or nil.
    public static func portProblem(_ port: Int) -> String? {
        (1...65535).contains(port) ? nil : "port \(port) is out of range: give 1 to 65535, or leave ssh.port out (~/.ssh/config decides, else 22)"
    }

    /// Every problem of this target, by the key it is written under (`host`, `user`, `port`).
    public var problems: [(key: String, message: String)] {
        var out: [(key: String, message: String)] = []
        if let p = Self.hostProblem(host) { out.append(("host", "'\(Self.visible(host))' is not an SSH host: \(p)")) }
        if let user, let p = Self.userProblem(user) { out.append(("user", "'\(Self.visible(user))' is not a user name: \(p)")) }
        if let port, let p = Self.portProblem(port) { out.append(("port", p)) }
        return out
    }

    /// The first character outside ASCII letters, digits and `allowed`, named so that a
    /// control character is seen (`U+001B`), or nil when there is none.
    static func characterProblem(_ text: String, allowed: String) -> String? {
        for scalar in text.unicodeScalars {
            let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || allowed.unicodeScalars.contains(scalar)
            if ok { continue }
            if scalar == " " { return "it contains a space" }
            if scalar.value < 0x20 || scalar.value == 0x7f || !scalar.isASCII && scalar.properties.generalCategory == .control {
                return "it contains the control character \(Self.codePoint(scalar))"
            }
            return "it contains '\(Character(scalar))' (\(Self.codePoint(scalar)))"
        }
        return nil
    }

    /// The text with every character outside printable ASCII written as `\u{1B}`, for a
    /// message that quotes it.
    static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7f { out.unicodeScalars.append(scalar) } else { out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" }
        }
        return out
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
