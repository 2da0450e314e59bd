import Foundation
import PKI

/// What Step 4 found about one file: each check (inspect, match, verify) passes, or fails
/// with the reason. The same value for a workspace file and for a file on a node, so that
/// the reasons read the same wherever the file is.
public struct FileChecks: Sendable, Equatable {
    /// One check and its outcome.
    public struct Check: Sendable, Equatable {
        /// inspect, match, verify.
        public var name: String
        /// True when it passed.
        public var passed: Bool
        /// One line: what passed, or why it failed.
        public var summary: String
        /// The full text (the inspect fields, the chain link by link, the node's own output).
        public var detail: String

        /// A check.
        public init(name: String, passed: Bool, summary: String, detail: String) {
            self.name = name
            self.passed = passed
            self.summary = summary
            self.detail = detail
        }
    }

    /// The file checked.
    public var file: String
    /// The node it is on; nil for a file of the workspace.
    public var node: String?
    /// The checks, in order.
    public var checks: [Check]

    /// The checks of `file` (on `node`, when it is a node's).
    public init(file: String, node: String? = nil, checks: [Check]) {
        self.file = file
        self.node = node
        self.checks = checks
    }

    /// The file as the admin names it: `webadmin.crt`, or `cms2:webadmin.crt` on a node.
    public var label: String { node.map { "\($0):\(file)" } ?? file }

    /// True when every check passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }
}

/// The checks of Step 4 over PKI's engine (`pki inspect`, `match`, `verify`). Only reads;
/// nothing is written.
public enum FileChecker {
    /// `webadmin` for `webadmin.crt` (and `chain/leaf` for `chain/leaf.crt`).
    public static func basename(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return path }
        return String(path[..<dot])
    }

    /// The extension, lower case, without the dot ("" when there is none).
    public static func ext(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return String(path[path.index(after: dot)...]).lowercased()
    }

    /// The key that goes with a certificate or CSR of basename `base`: `<base>.key`, or
    /// for a full chain (`cms1-fullchain.crt`, what webbridge3 is given) the key of the
    /// certificate it was built from (`cms1.key`); nil when neither is among `names`.
    public static func keyName(for base: String, among names: Set<String>) -> String? {
        var candidates = [base + ".key"]
        if base.hasSuffix("-fullchain") { candidates.append(String(base.dropLast("-fullchain".count)) + ".key") }
        return candidates.first { names.contains($0) }
    }

    /// True for a file that holds a private key (a key, a PKCS#12): it is never copied off a node.
    public static func holdsPrivateKey(_ path: String) -> Bool { ["key", "p12", "pfx"].contains(ext(path)) }

    /// An engine error in the words the admin reads.
    static func message(_ error: Error) -> String { (error as? PKIError)?.message ?? "\(error)" }

    /// Checks `file` in `workspace`: inspect (certificates and CSRs), match with the key of
    /// the same basename (or, for a key, with its certificate or CSR), verify a certificate
    /// against `bundle`. `names` are the files of the workspace.
    public static func check(_ file: String, bundle: String?, among names: Set<String>, workspace: Workspace) -> FileChecks {
        var checks: [FileChecks.Check] = []
        let base = basename(file)
        let isKey = ext(file) == "key"
        var isCertificate = false
        if !isKey {
            let inspected = inspect(file, workspace: workspace)
            checks.append(inspected.check)
            isCertificate = inspected.isCertificate
        }
        // The pair: the key beside a certificate or CSR, or the certificate (else CSR) beside a key.
        let partner: (key: String, other: String)?
        if isKey {
            let other = ["crt", "cer", "pem", "csr"].map { base + "." + $0 }.first { names.contains($0) }
            partner = other.map { (file, $0) }
        } else {
            partner = FileChecker.keyName(for: base, among: names).map { ($0, file) }
        }
        if let partner {
            do {
                let ok = try workspace.match(key: partner.key, against: partner.other)
                checks.append(matchCheck(ok, key: partner.key, other: partner.other, detail: ""))
            } catch {
                checks.append(FileChecks.Check(name: "match", passed: false, summary: message(error), detail: ""))
            }
        } else {
            checks.append(FileChecks.Check(name: "match", passed: false,
                                           summary: isKey ? "no \(base).crt or \(base).csr beside the key to match it with" : "no \(base).key here to match (the key may be on the node)",
                                           detail: ""))
        }
        if isCertificate { checks.append(verify(file, against: bundle, workspace: workspace)) }
        return FileChecks(file: file, checks: checks)
    }

    /// `pki inspect`: passes for a certificate in date with a good signature, or a CSR.
    static func inspect(_ file: String, workspace: Workspace) -> (check: FileChecks.Check, isCertificate: Bool) {
        do {
            let items = try workspace.inspect(file)
            let first = items[0]
            var summary = "\(items.count == 1 ? "" : "\(items.count) items; first: ")\(first.kind == .certificate ? "certificate" : "CSR") \(first.subject)"
            if let days = first.daysLeft { summary += days < 0 ? ", expired \(-days) days ago" : ", \(days) days left" }
            if first.validity == "unknown" { summary += ", validity dates unreadable: expiry unknown" }
            let passed = (first.daysLeft ?? 0) >= 0 && first.signatureValid != false && first.validity != "unknown"
            return (FileChecks.Check(name: "inspect", passed: passed, summary: summary, detail: items.map(\.text).joined(separator: "\n")),
                    first.kind == .certificate)
        } catch {
            return (FileChecks.Check(name: "inspect", passed: false, summary: message(error), detail: ""), false)
        }
    }

    /// The match check's outcome in words: the same sentence for the workspace and a node.
    static func matchCheck(_ ok: Bool, key: String, other: String, detail: String) -> FileChecks.Check {
        FileChecks.Check(name: "match", passed: ok,
                         summary: ok ? "\(key) belongs to \(other)" : "\(key) does NOT belong to \(other): another key made it",
                         detail: detail)
    }

    /// `pki verify`: the chain from `file` to a root of `bundle`.
    static func verify(_ file: String, against bundle: String?, workspace: Workspace) -> FileChecks.Check {
        guard let bundle, bundle != file else {
            return FileChecks.Check(name: "verify", passed: false, summary: "no CA bundle picked: select one and press b", detail: "")
        }
        do {
            let report = try workspace.verify(file, against: bundle)
            return FileChecks.Check(name: "verify", passed: report.verified,
                                    summary: report.verified ? "chains to a root of \(bundle)" : report.failures.joined(separator: "; "),
                                    detail: report.text)
        } catch {
            return FileChecks.Check(name: "verify", passed: false, summary: message(error), detail: "")
        }
    }
}
