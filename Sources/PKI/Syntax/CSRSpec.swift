import Foundation

/// What one `pki csr` (or `pki selfsigned`) line of CMS's Step 1 syntax asks for:
///
///     pki csr <basename> CN:<value> [OU:<value>] [O:<value>] [ST:<value>] [L:<value>] [C:<value>] [subjectAltName:<a,b,...>]
///
/// Parsing checks every rule of Step 1 and stops on the first broken one with an error
/// that names the field and the fix. When SANs are given and the CN is not among them,
/// the CN is added first in the list and `notes` says so.
public struct CSRSpec: Hashable, Sendable, Codable {
    public var basename: String
    public var subject: SubjectFields
    public var subjectAltNames: [SubjectAltName]
    /// Things the user should be told (the CN added to the SANs, a duplicate SAN dropped).
    public var notes: [String]

    public init(basename: String, subject: SubjectFields, subjectAltNames: [SubjectAltName] = [], notes: [String] = []) {
        self.basename = basename
        self.subject = subject
        self.subjectAltNames = subjectAltNames
        self.notes = notes
    }

    /// The field names of Step 1, as the MMP spells them.
    public static let fieldNames = ["CN", "OU", "O", "ST", "L", "C", "subjectAltName"]

    /// The key file this CSR makes: `<basename>.key`.
    public var keyFileName: String { basename + ".key" }
    /// The CSR file this makes: `<basename>.csr`.
    public var csrFileName: String { basename + ".csr" }

    /// The line as the MMP takes it, values with spaces double-quoted, SANs as normalised
    /// (the CN included): `pki csr <basename> CN:... subjectAltName:...`.
    public func mmpCommand(verb: String = "csr") -> String {
        var parts = ["pki", verb, basename]
        func quoted(_ v: String) -> String { v.contains(" ") ? "\"\(v)\"" : v }
        parts.append("CN:" + quoted(subject.commonName))
        if let v = subject.organizationalUnit { parts.append("OU:" + quoted(v)) }
        if let v = subject.organization { parts.append("O:" + quoted(v)) }
        if let v = subject.state { parts.append("ST:" + quoted(v)) }
        if let v = subject.locality { parts.append("L:" + quoted(v)) }
        if let v = subject.country { parts.append("C:" + quoted(v)) }
        if !subjectAltNames.isEmpty {
            parts.append("subjectAltName:" + subjectAltNames.map(\.value).joined(separator: ","))
        }
        return parts.joined(separator: " ")
    }

    /// Parses the arguments after `pki csr` from one line typed as in the MMP
    /// (`tac CN:a.example.com O:"Example Inc."`).
    public static func parse(line: String) throws -> CSRSpec {
        try parse(arguments: try tokenize(line))
    }

    /// Parses the arguments after `pki csr` as a shell hands them over (quotes already
    /// removed: `O:Example Inc.` is one argument).
    public static func parse(arguments: [String]) throws -> CSRSpec {
        guard let first = arguments.first else {
            throw PKIError.input("the basename is missing: write pki csr <basename> CN:<fqdn> ..., e.g. pki csr webadmin CN:cms1.example.com", field: "basename")
        }
        if first.contains(":") && fieldName(of: first) != nil {
            throw PKIError.input("the basename is missing: '\(first)' is a field; write pki csr <basename> \(first) ...", field: "basename")
        }
        try checkBasename(first)

        var values: [String: String] = [:]
        for token in arguments.dropFirst() {
            guard let colon = token.firstIndex(of: ":") else {
                throw PKIError.input("'\(token)' is not a field: write it as NAME:value with NAME one of \(fieldNames.joined(separator: ", ")); a value with spaces goes in double quotes, e.g. O:\"Example Inc.\"", field: token)
            }
            let rawName = String(token[..<colon])
            guard let name = fieldName(of: token) else {
                throw PKIError.input("unknown field '\(rawName)': the fields are \(fieldNames.joined(separator: ", "))", field: rawName)
            }
            if name != rawName {
                throw PKIError.input("write the field as '\(name)', not '\(rawName)'", field: name)
            }
            var value = String(token[token.index(after: colon)...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if values[name] != nil {
                throw PKIError.input("\(name) is given twice: keep one", field: name)
            }
            if value.isEmpty {
                throw PKIError.input("\(name) has no value: write \(name):<value> or leave the field out", field: name)
            }
            values[name] = value
        }

        guard let cn = values["CN"] else {
            throw PKIError.input("CN is required: add CN:<the server's FQDN>, e.g. CN:cms1.example.com", field: "CN")
        }
        if cn.contains(" ") {
            throw PKIError.input("CN '\(cn)' contains a space: the CN is the server's FQDN, e.g. cms1.example.com", field: "CN")
        }
        if let problem = NameRules.hostnameOrWildcardProblem(cn) {
            throw PKIError.input("CN '\(cn)' is not a valid FQDN or wildcard: \(problem)", field: "CN")
        }
        // The rule of a subjectAltName item, which the CN becomes: a name of digits and dots
        // alone is an address (or a broken one), not a DNS name.
        if cn.allSatisfy({ $0.isNumber || $0 == "." }) {
            throw PKIError.input("CN '\(cn)' is only digits and dots: the CN is the server's FQDN, e.g. cms1.example.com; an IP address goes in subjectAltName", field: "CN")
        }
        for name in ["OU", "O", "ST", "L"] {
            if let v = values[name] { try checkText(v, field: name) }
        }
        if let c = values["C"] { try checkCountry(c) }

        var notes: [String] = []
        var sans: [SubjectAltName] = []
        if let list = values["subjectAltName"] {
            // The values seen, in lower case: a set, so that a long list is read in linear time.
            var seen: Set<String> = []
            for item in list.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
                let san = try SubjectAltName.parse(item).get()
                if !seen.insert(san.value.lowercased()).inserted {
                    notes.append("subjectAltName lists '\(item)' twice: kept once")
                    continue
                }
                sans.append(san)
            }
            if !seen.contains(cn.lowercased()) {
                sans.insert(.dns(cn), at: 0)
                notes.append("the CN \(cn) was added to subjectAltName: CMS requires the CN in the list when SANs are given")
            }
        }

        let subject = SubjectFields(commonName: cn, organizationalUnit: values["OU"], organization: values["O"],
                                    state: values["ST"], locality: values["L"], country: values["C"])
        return CSRSpec(basename: first, subject: subject, subjectAltNames: sans, notes: notes)
    }

    /// Splits a line on spaces outside double quotes; the quotes themselves are removed.
    public static func tokenize(_ line: String) throws -> [String] {
        var tokens: [String] = []
        var current = ""
        var inQuotes = false
        var hasToken = false
        for ch in line {
            if ch == "\"" {
                inQuotes.toggle()
                hasToken = true
            } else if (ch == " " || ch == "\t") && !inQuotes {
                if hasToken { tokens.append(current) }
                current = ""
                hasToken = false
            } else {
                current.append(ch)
                hasToken = true
            }
        }
        if inQuotes {
            throw PKIError.input("a double quote is not closed: close it, e.g. O:\"Example Inc.\"", field: nil)
        }
        if hasToken { tokens.append(current) }
        return tokens
    }

    /// A basename: letters, digits, '-' and '_' only (it names `<basename>.key` and `.csr`).
    public static func checkBasename(_ name: String) throws {
        if name.isEmpty {
            throw PKIError.input("the basename is empty: give a name of letters, digits, '-' or '_', e.g. webadmin", field: "basename")
        }
        if name.count > 64 {
            throw PKIError.input("the basename is \(name.count) characters long: keep it to 64 at most", field: "basename")
        }
        for ch in name.unicodeScalars {
            let ok = (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch == "-" || ch == "_"
            if !ok {
                var hint = ""
                if ch == "." {
                    hint = ": give it without an extension, e.g. '\(name.split(separator: ".").first ?? "")'"
                } else if ch == " " {
                    hint = ": use '-' or '_' instead of spaces"
                }
                throw PKIError.input("the basename '\(name)' contains '\(Character(ch))'; only letters, digits, '-' and '_' are allowed\(hint)", field: "basename")
            }
        }
    }

    static func checkText(_ value: String, field: String) throws {
        if value.count > 64 {
            throw PKIError.input("\(field) is \(value.count) characters long: X.509 allows 64 at most; shorten it", field: field)
        }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw PKIError.input("\(field) contains a control character: remove it", field: field)
        }
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw PKIError.input("\(field) is blank: give a value or leave the field out", field: field)
        }
    }

    static func checkCountry(_ value: String) throws {
        if value.count != 2 {
            throw PKIError.input("C '\(value)' is not a two-letter ISO 3166 country code: write e.g. US, GB or FR", field: "C")
        }
        if value != value.uppercased() {
            throw PKIError.input("C '\(value)' must be upper-case: write C:\(value.uppercased())", field: "C")
        }
        if !CountryCodes.all.contains(value) {
            let hint = CountryCodes.hints[value].map { " (did you mean \($0)?)" } ?? ""
            throw PKIError.input("C '\(value)' is not an ISO 3166 country code\(hint): write e.g. US, GB or FR", field: "C")
        }
    }

    /// The Step 1 field a token names (case-insensitively), in the MMP's spelling.
    static func fieldName(of token: String) -> String? {
        guard let colon = token.firstIndex(of: ":") else { return nil }
        let raw = token[..<colon].lowercased()
        return fieldNames.first { $0.lowercased() == raw }
    }
}
