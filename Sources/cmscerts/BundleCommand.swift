import ArgumentParser
import Foundation
import PKI

/// `cmscerts bundle ...`: build bundles in CMS order, check existing ones.
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Build a certificate bundle in CMS order, or check one.",
        subcommands: [Build.self, Check.self]
    )

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Put any pile of certificate files (PEM, DER, PKCS#7, PKCS#12) into one bundle in CMS order.",
            discussion: "Full chain: the entity on top, intermediates, the root at the bottom. --ca-only leaves the entity out. The order is shown before anything is written.")

        @Argument(help: "The certificate files.") var files: [String] = []
        @Option(help: "The bundle file to write.") var out: String
        @Flag(name: .customLong("ca-only"), help: "A CA bundle: intermediates and root, no entity certificate.") var caOnly = false
        @Flag(help: "Write without asking.") var yes = false
        @Flag(name: .customLong("allow-incomplete"), help: "Write even when the chain does not reach a root.") var allowIncomplete = false
        @Option(name: .customLong("passphrase-file"), help: "A file holding the PKCS#12 passphrase.") var passphraseFile: String?
        @Flag(help: "Fetch a missing issuer from the URL its certificate names (AIA caIssuers, http://), shown before anything is written.") var fetch = false

        func validate() throws {
            if files.isEmpty { throw ValidationError("give the certificate files to put into the bundle") }
        }

        func run() throws {
            do {
                let read = try PassphraseSource(file: passphraseFile).run { passphrase in
                    try BundlePile.read(files.map { (path: $0, shown: $0) }, passphrase: passphrase)
                }
                for note in read.leftOut { Console.err("Note: \(note)") }
                var pile = read.certificates
                var plan = try BundleBuilder.build(pile, mode: caOnly ? .caBundle : .fullChain)
                // A missing issuer the chain's top names a URL for: fetched with --fetch
                // (each fetch shown, up to a root or five levels), else the URL is named.
                var fetchedFrom: Set<String> = []
                while fetch, plan.missingIssuer != nil, fetchedFrom.count < 5,
                      let url = plan.members.last?.certificate.extensions.caIssuers?.first(where: { !fetchedFrom.contains($0) }) {
                    fetchedFrom.insert(url)
                    let fetched = try IssuerFetcher.fetch(url)
                    for certificate in fetched.certificates {
                        Console.out("Fetched \(certificate.displayName) from \(url) (\(fetched.bytes) bytes, \(fetched.format.rawValue.uppercased()))")
                        pile.append(SourcedCertificate(certificate: certificate, location: url))
                    }
                    plan = try BundleBuilder.build(pile, mode: caOnly ? .caBundle : .fullChain)
                }
                Console.out("\(caOnly ? "CA bundle" : "Full chain") for \(out), top to bottom:")
                let width = plan.members.map { $0.certificate.displayName.count }.max() ?? 0
                for (index, member) in plan.members.enumerated() {
                    let name = member.certificate.displayName.padding(toLength: width, withPad: " ", startingAt: 0)
                    let position = member.position.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                    Console.out("  \(index + 1). \(position) \(name)  until \(member.certificate.notAfterText)  (\(member.location))")
                    if index + 1 < plan.members.count {
                        Console.out("       issued by \(plan.members[index + 1].certificate.displayName)")
                    }
                }
                for duplicate in plan.duplicates { Console.out("Dropped: \(duplicate.dropped) is a copy of \(duplicate.kept)") }
                for stranger in plan.strangers { Console.out("Dropped: \(stranger.location): \(stranger.reason)") }
                for warning in plan.warnings { Console.out("Warning: \(warning)") }
                if let missing = plan.missingIssuer {
                    var message = "the chain stops at \(plan.members.last?.certificate.displayName ?? "?"): its issuer '\(missing)' is in none of the files; add that CA's certificate (and its issuers up to the root)"
                    if let urls = plan.members.last?.certificate.extensions.caIssuers, !urls.isEmpty {
                        message += fetch ? " (fetched from \(urls.joined(separator: ", ")) without reaching it)"
                            : ". The certificate says where to get it: \(urls.joined(separator: ", ")) (--fetch gets it, shown before writing)"
                    }
                    if !allowIncomplete {
                        throw CLIFailure(code: 1, message: "FAILURE: \(message). Nothing written (--allow-incomplete writes it anyway).")
                    }
                    Console.out("Warning: \(message)")
                }
                let store = FileStore(directory: FileManager.default.currentDirectoryPath)
                let planned = store.plan(out, what: caOnly ? "CA bundle" : "full-chain bundle", isPrivateKey: false)
                Console.out("Will write \(planned.path) (\(plan.members.count) certificates, LF line ends, mode \(planned.modeText)\(planned.replaces ? ", replacing the file there" : "")).")
                if !yes {
                    guard Console.stdinIsTerminal else {
                        throw CLIFailure(code: 2, message: "Nothing written: no terminal to ask on; add --yes to write.")
                    }
                    guard Console.confirm("Write it?") else {
                        throw CLIFailure(code: 1, message: "Nothing written.")
                    }
                }
                try store.write(Data(plan.pemText.utf8), to: out, isPrivateKey: false)
                Console.out("Wrote \(planned.path)")
            } catch { throw fail(error) }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "List every bundle rule a file breaks (order, CRLF, blank lines, stray text, final newline, keys, expiry, missing issuer), with line numbers.")

        @Argument(help: "The bundle file.") var file: String
        @Flag(help: "JSON output.") var json = false

        func run() throws {
            do {
                let report = try BundleChecker.check(path: file)
                if json {
                    try Console.json(report)
                } else {
                    Console.out(report.text)
                }
                if !report.passed { throw CLIFailure(code: 1, message: "") }
            } catch { throw fail(error) }
        }
    }
}
