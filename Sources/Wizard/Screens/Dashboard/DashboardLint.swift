import Foundation
import Inventory
import PKI

/// The lint of one certificate of the dashboard (`cmscerts pki lint`'s checks: SANs, key,
/// signature, extended key usage, validity), read again from a copy on this machine when
/// its details are opened: the scan keeps summaries, not certificates.
public struct DashboardLint: Sendable, Hashable {
    /// The certificate's SHA-256 fingerprint, as its row has it.
    public var fingerprint: String?
    /// What it was linted as.
    public var role: LintRole
    /// The findings; nil when no copy of it could be read here (then `source` says why).
    public var findings: [LintFinding]?
    /// The file read, or why none was.
    public var source: String

    /// Reads `row`'s certificate from the first of its places on this machine (relative
    /// names are under `workspace`) and lints it in the role its fields suggest.
    static func read(_ row: CertificateRow, places: [CertificateGroups.Place], workspace: String) -> DashboardLint {
        let local = ([row.source == .file ? row.file : nil] + places.map { $0.source == .file && $0.node == nil ? $0.file : nil })
            .compactMap { $0 }
        let none = DashboardLint(fingerprint: row.sha256Fingerprint, role: .server, findings: nil,
                                 source: row.source == .endpoint ? "not run: a live endpoint's chain is not kept (save it to a file and run cmscerts pki lint)"
                                                                 : "not run: no copy on this machine (Step 4 checks a node's files)")
        for file in local {
            let path = file.hasPrefix("/") ? file : workspace + "/" + file
            guard let loaded = try? Loader.load(path: path, keys: .skip),
                  let certificate = loaded.certificates.first(where: { $0.sha256Fingerprint == row.sha256Fingerprint }) else { continue }
            let role = LintRole.inferred(isCA: certificate.isCA, commonName: certificate.subject.commonName)
            return DashboardLint(fingerprint: row.sha256Fingerprint, role: role, findings: Lint.certificate(certificate, role: role), source: file)
        }
        return none
    }
}
