#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rules for the names a certificate carries: host names, wildcards, IP addresses and
/// e-mail addresses. Each check returns nil when the value is good, or the reason it is not.
public enum NameRules {
    /// A host name: one or more labels of letters, digits and hyphens, 1 to 63 characters
    /// each, not starting or ending with a hyphen; 253 characters at most in all.
    /// One label is allowed (`postgres`, the database client's CN, is one).
    public static func hostnameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.count > 253 { return "it is \(name.count) characters long; a DNS name has 253 at most" }
        if name.hasSuffix(".") { return "it ends with a dot; drop the trailing dot" }
        if name.hasPrefix(".") { return "it starts with a dot" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if label.isEmpty { return "it has an empty label (two dots in a row)" }
            if label.count > 63 { return "the label '\(label)' is longer than 63 characters" }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                return "the label '\(label)' starts or ends with a hyphen"
            }
            for ch in label.unicodeScalars {
                let ok = (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch == "-"
                if !ok {
                    if ch == "*" { return "'*' may only stand alone as the first label, as in *.example.com" }
                    if ch == " " { return "it contains a space" }
                    if ch == "_" { return "it contains '_', which a host name may not" }
                    return "it contains '\(Character(ch))'; a host name has only letters, digits, '-' and '.'"
                }
            }
        }
        return nil
    }

    /// A host name or a wildcard (`*.example.com`: the star alone as the first label,
    /// followed by at least two labels).
    public static func hostnameOrWildcardProblem(_ name: String) -> String? {
        if name.hasPrefix("*.") {
            let rest = String(name.dropFirst(2))
            if let problem = hostnameProblem(rest) { return "after '*.': \(problem)" }
            if !rest.contains(".") { return "a wildcard must cover a domain of two labels at least, as in *.example.com" }
            return nil
        }
        if name.hasPrefix(".*") { return "a wildcard is written *.example.com, not .*.example.com" }
        return hostnameProblem(name)
    }

    /// True when the text is an IPv4 address in dotted-quad form.
    public static func isIPv4(_ text: String) -> Bool {
        var addr = in_addr()
        return text.withCString { inet_pton(AF_INET, $0, &addr) } == 1
    }

    /// True when the text is an IPv6 address.
    public static func isIPv6(_ text: String) -> Bool {
        var addr = in6_addr()
        return text.withCString { inet_pton(AF_INET6, $0, &addr) } == 1
    }

    /// An e-mail address: a local part, one '@', and a host name.
    public static func emailProblem(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count != 2 { return "an e-mail address has exactly one '@'" }
        if parts[0].isEmpty { return "nothing before the '@'" }
        if parts[0].contains(where: { $0 == " " || $0 == "," || $0 == "<" || $0 == ">" }) {
            return "the part before the '@' has a character an address may not"
        }
        if let problem = hostnameProblem(String(parts[1])) { return "the domain after the '@' is not valid: \(problem)" }
        return nil
    }

    /// Does a certificate name (possibly a wildcard) cover a host name?
    public static func name(_ pattern: String, covers host: String) -> Bool {
        let p = pattern.lowercased(), h = host.lowercased()
        if p == h { return true }
        if p.hasPrefix("*.") {
            let suffix = String(p.dropFirst(1)) // ".example.com"
            guard h.hasSuffix(suffix) else { return false }
            let head = h.dropLast(suffix.count)
            return !head.isEmpty && !head.contains(".")
        }
        return false
    }
}
