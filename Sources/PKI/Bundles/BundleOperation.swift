import Foundation

/// The certificates read from a set of files for a bundle, and what was left out of them.
public struct BundlePile: @unchecked Sendable {
    /// Every certificate, with the file (and line) it came from, in the order given.
    public var certificates: [SourcedCertificate]
    /// Keys and CSRs met on the way, which never go into a bundle, said in words.
    public var leftOut: [String]
}

extension BundlePile {
    /// Reads the certificates of files for a bundle with the reader every certificate
    /// command uses (keys met, never decoded); `shown` is the name used in messages. The
    /// first file that cannot be read is an error naming it.
    public static func read(_ files: [(path: String, shown: String)], passphrase: String?) throws -> BundlePile {
        var certificates: [SourcedCertificate] = []
        var leftOut: [String] = []
        for file in files {
            let loaded = try Loader.load(path: file.path, passphrase: passphrase, keys: .skip)
            for item in loaded.items {
                let location = item.line.map { "\(file.shown) line \($0)" } ?? file.shown
                if let certificate = item.certificate {
                    certificates.append(SourcedCertificate(certificate: certificate, location: location))
                } else if item.isPrivateKey {
                    leftOut.append("the private key in \(location) is left out: a key never goes into a bundle")
                } else if item.request != nil {
                    leftOut.append("the CSR in \(location) is left out: a bundle holds certificates only")
                }
            }
        }
        return BundlePile(certificates: certificates, leftOut: leftOut)
    }
}

extension Workspace {
    /// Reads the certificates of `names` (paths in the workspace: PEM, DER, PKCS#7, PKCS#12
    /// without a passphrase) for `BundleBuilder.build`. The first file that cannot be read
    /// is an error naming it.
    public func loadPile(_ names: [String]) throws -> BundlePile {
        try BundlePile.read(names.map { (path: store.path($0), shown: $0) }, passphrase: nil)
    }

    /// Writing `plan` to `name` in the workspace, ready for review: the file it writes (a
    /// bundle replaces a file of that name; it is never a key) and the equivalent
    /// `cmscerts bundle build` line. Refused when the chain is incomplete or the name
    /// is not a CMS bundle name.
    public func prepareBundle(_ plan: BundlePlan, sources: [String], to name: String) throws -> PreparedOperation {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            throw PKIError.input("the output file name is empty: give one ending .pem, .cer or .crt, e.g. fullchain.pem", field: "output")
        }
        if trimmed.contains(" ") {
            throw PKIError.input("the output file name '\(trimmed)' contains a space: MMP file names have none", field: "output")
        }
        if !(trimmed.hasSuffix(".pem") || trimmed.hasSuffix(".cer") || trimmed.hasSuffix(".crt")) {
            throw PKIError.input("the output file name '\(trimmed)' should end .pem, .cer or .crt: CMS takes bundles by those names", field: "output")
        }
        if let missing = plan.missingIssuer {
            throw PKIError.input("the chain stops at \(plan.members.last?.certificate.displayName ?? "?"): its issuer '\(missing)' is in none of the files; add that CA's certificate", field: "chain")
        }
        if plan.members.isEmpty {
            throw PKIError.input("the bundle would be empty: choose the certificate files", field: "chain")
        }
        let kind = plan.mode == .fullChain ? "full-chain bundle" : "CA bundle"
        let what = "\(kind), \(plan.members.count) certificate\(plan.members.count == 1 ? "" : "s"), top: \(plan.members[0].certificate.displayName)"
        func quoted(_ s: String) -> String { s.contains(" ") ? "'\(s)'" : s }
        let command = (["cmscerts", "bundle", "build"] + sources.map(quoted) + (plan.mode == .caBundle ? ["--ca-only"] : []) + ["--out", quoted(trimmed)]).joined(separator: " ")
        let write = store.write(Data(plan.pemText.utf8), to: trimmed, what: what, isPrivateKey: false)
        let count = plan.members.count
        return PreparedOperation(command: command, files: [write], notes: plan.warnings,
                                 messages: ["Wrote \(write.planned.path): \(count) certificate\(count == 1 ? "" : "s") in CMS order, LF line ends"],
                                 store: store)
    }
}
