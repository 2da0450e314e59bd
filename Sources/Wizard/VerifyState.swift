import PKI
import TerminalUI

/// Step 4: the workspace's files; Enter checks the one selected: inspect, match with the
/// key of the same basename, verify against the CA bundle.
public struct VerifyState: Sendable {
    /// The workspace's certificate, key and CSR files, or nil before they are listed.
    public var files: [BrowsedFile]?
    /// Why the folder could not be listed.
    public var listError: String?
    /// The file selected.
    public var list = MenuState()
    /// The bundle certificates are verified against (`b` picks it); by default
    /// `ca-bundle.crt` when the folder has one.
    public var bundle: String?
    /// The last check, shown on the right.
    public var result: VerifyResult?
    /// Rows of the result scrolled past.
    public var scroll = 0

    /// Nothing listed yet.
    public init() {}

    /// The file selected, when there is one.
    var selectedFile: String? {
        guard let files, list.selected < files.count else { return nil }
        return files[list.selected].relativePath
    }
}

/// What a check found about one file: each part passes, fails with the reason, or is not
/// applicable.
public struct VerifyResult: Sendable, Equatable {
    /// One check and its outcome.
    public struct Check: Sendable, Equatable {
        /// inspect, match, verify.
        public var name: String
        /// True when it passed.
        public var passed: Bool
        /// One line: what passed, or why it failed.
        public var summary: String
        /// The full text (the inspect fields, the chain link by link).
        public var detail: String
    }

    /// The file checked.
    public var file: String
    /// The checks, in order.
    public var checks: [Check]

    static func basename(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return path }
        return String(path[..<dot])
    }

    static func ext(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return String(path[path.index(after: dot)...]).lowercased()
    }

    /// Checks `file` in `workspace`: inspect (certificates and CSRs), match with the key of
    /// the same basename (or, for a key, with its certificate or CSR), verify a certificate
    /// against `bundle`. Only engine calls; nothing is written.
    static func check(_ file: String, bundle: String?, among names: Set<String>, workspace: Workspace) -> VerifyResult {
        var checks: [Check] = []
        let base = basename(file)
        let isKey = ext(file) == "key"
        var isCertificate = false
        if !isKey {
            do {
                let items = try workspace.inspect(file)
                let first = items[0]
                isCertificate = first.kind == .certificate
                var summary = "\(items.count == 1 ? "" : "\(items.count) items; first: ")\(first.kind == .certificate ? "certificate" : "CSR") \(first.subject)"
                if let days = first.daysLeft { summary += days < 0 ? ", expired \(-days) days ago" : ", \(days) days left" }
                let passed = (first.daysLeft ?? 0) >= 0 && first.signatureValid != false
                checks.append(Check(name: "inspect", passed: passed, summary: summary, detail: items.map(\.text).joined(separator: "\n")))
            } catch {
                checks.append(Check(name: "inspect", passed: false, summary: WizardFailure(error).message, detail: ""))
            }
        }
        // The pair: the key beside a certificate or CSR, or the certificate (else CSR) beside a key.
        let partner: (key: String, other: String)?
        if isKey {
            let other = ["crt", "cer", "pem", "csr"].map { base + "." + $0 }.first { names.contains($0) }
            partner = other.map { (file, $0) }
        } else {
            partner = names.contains(base + ".key") ? (base + ".key", file) : nil
        }
        if let partner {
            do {
                let ok = try workspace.match(key: partner.key, against: partner.other)
                checks.append(Check(name: "match", passed: ok,
                                    summary: ok ? "\(partner.key) belongs to \(partner.other)" : "\(partner.key) does NOT belong to \(partner.other): another key made it",
                                    detail: ""))
            } catch {
                checks.append(Check(name: "match", passed: false, summary: WizardFailure(error).message, detail: ""))
            }
        } else {
            checks.append(Check(name: "match", passed: false,
                                summary: isKey ? "no \(base).crt or \(base).csr beside the key to match it with" : "no \(base).key here to match (the key may be on the node)",
                                detail: ""))
        }
        if isCertificate {
            if let bundle, bundle != file {
                do {
                    let report = try workspace.verify(file, against: bundle)
                    checks.append(Check(name: "verify", passed: report.verified,
                                        summary: report.verified ? "chains to a root of \(bundle)" : report.failures.joined(separator: "; "),
                                        detail: report.text))
                } catch {
                    checks.append(Check(name: "verify", passed: false, summary: WizardFailure(error).message, detail: ""))
                }
            } else {
                checks.append(Check(name: "verify", passed: false, summary: "no CA bundle picked: select one and press b", detail: ""))
            }
        }
        return VerifyResult(file: file, checks: checks)
    }
}
