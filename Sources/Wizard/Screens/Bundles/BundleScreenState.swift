import Foundation
import PKI
import TerminalUI

/// One certificate of the chain as the bundle screen draws it.
public struct ChainLink: Hashable, Sendable {
    /// entity, intermediate or root.
    public var position: String
    /// `CN=...` of the certificate.
    public var subject: String
    /// The issuer's name as the certificate writes it.
    public var issuer: String
    /// Where it was read from (`inter.pem line 30`).
    public var location: String
}

/// What a bundle file breaks, per `BundleChecker.check`.
public struct FileCheck: Hashable, Sendable {
    /// The file, relative to the workspace.
    public var file: String
    /// One line per broken rule (`line 3: a blank line: ...`); empty when it passes.
    public var issues: [String]
}

/// The chain built from the files picked, and every problem found on the way: what the
/// bundle screen draws. `plan` is what review writes.
public struct BundleAnalysis: @unchecked Sendable {
    /// Which request this answers (older answers are dropped).
    public var generation: Int
    /// The files it was built from.
    public var sources: [String]
    /// The mode it was built in.
    public var mode: BundlePlan.Mode
    /// The chain top to bottom.
    public var chain: [ChainLink] = []
    /// The issuer the chain stops at, when no file holds it.
    public var missingIssuer: String?
    /// "x is a copy of y": dropped.
    public var duplicates: [String] = []
    /// Certificates not in the chain, with why.
    public var strangers: [String] = []
    /// Expired members, the entity left out of a CA bundle.
    public var warnings: [String] = []
    /// Keys and CSRs found in the files, which never go into a bundle.
    public var leftOut: [String] = []
    /// The rules broken by the files picked that are bundles already (more than one
    /// certificate), and by the output file when it exists.
    public var checks: [FileCheck] = []
    /// Why no chain could be built.
    public var error: String?
    /// The plan, when one was built.
    public var plan: BundlePlan?

    /// Reads `sources` in `workspace`, builds the chain in `mode`, and checks the bundle
    /// files among them and `output` when it exists. Slow (it reads files): run it in a command.
    public static func analyse(workspace: Workspace, sources: [String], mode: BundlePlan.Mode, output: String, generation: Int) -> BundleAnalysis {
        var a = BundleAnalysis(generation: generation, sources: sources, mode: mode)
        guard !sources.isEmpty else { return a }
        do {
            let pile = try workspace.loadPile(sources)
            a.leftOut = pile.leftOut
            for name in sources {
                let count = pile.certificates.filter { $0.location == name || $0.location.hasPrefix(name + " line ") }.count
                if count > 1 { a.checks.append(check(workspace, name)) }
            }
            let plan = try BundleBuilder.build(pile.certificates, mode: mode, at: workspace.now())
            a.plan = plan
            a.chain = plan.members.map {
                ChainLink(position: $0.position.rawValue, subject: $0.certificate.displayName,
                          issuer: $0.certificate.issuer.commonName.map { "CN=\($0)" } ?? $0.certificate.issuer.description, location: $0.location)
            }
            a.missingIssuer = plan.missingIssuer
            a.duplicates = plan.duplicates.map { "\($0.dropped) is a copy of \($0.kept): dropped" }
            a.strangers = plan.strangers.map { "\($0.location): \($0.reason)" }
            a.warnings = plan.warnings
        } catch {
            a.error = WizardFailure(error).message
        }
        let out = output.trimmingCharacters(in: .whitespaces)
        if !out.isEmpty, !out.contains(" "), workspace.store.exists(out), !sources.contains(out) {
            a.checks.append(check(workspace, out))
        }
        return a
    }

    private static func check(_ workspace: Workspace, _ name: String) -> FileCheck {
        do {
            let report = try BundleChecker.check(path: workspace.store.path(name), at: workspace.now())
            return FileCheck(file: name, issues: report.issues.map { ($0.line.map { "line \($0): " } ?? "") + $0.message })
        } catch {
            return FileCheck(file: name, issues: [WizardFailure(error).message])
        }
    }
}

/// The bundle screen: the file picker, the mode, the output name and the chain.
public struct BundleScreenState: Sendable {
    /// Where keys go.
    public enum Focus: Hashable, Sendable {
        /// The file list.
        case files
        /// The output file name.
        case output
    }

    /// The workspace's files, nil until listed.
    public var files: [BrowsedFile]?
    /// Why the files could not be listed.
    public var listError: String?
    /// Picks and selection in the file list.
    public var list = ChecklistState()
    /// Full chain or CA bundle.
    public var mode: BundlePlan.Mode = .fullChain
    /// The output file name.
    public var output = TextFieldState("fullchain.pem", maxLength: 200)
    /// Where keys go.
    public var focus: Focus = .files
    /// The chain for the current picks, once analysed.
    public var analysis: BundleAnalysis?
    /// The newest analysis asked for.
    public var generation = 0
    /// Rows of the chain panel scrolled past.
    public var scroll = 0
    /// Why the last attempt to review was refused.
    public var submitError: String?
    /// True when review was asked for while the chain was still being read: it opens
    /// as soon as the chain arrives.
    public var reviewPending = false

    /// A screen with nothing listed yet.
    public init() {}

    /// The files picked, in the list's order (the chain is ordered by the engine, not by the picks).
    public var picked: [String] {
        guard let files else { return [] }
        return list.checked.sorted().filter { $0 < files.count }.map { files[$0].relativePath }
    }

    /// True when files are picked and nothing was written.
    public var isDirty: Bool { !list.checked.isEmpty }

    /// True when the analysis shown answers the newest request.
    public var isCurrent: Bool { analysis?.generation == generation }
}
