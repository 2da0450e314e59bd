import ArgumentParser
import Foundation
import PKI

/// `cmscerts pki ...`: the MMP's `pki` commands, on a folder here.
struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Keys, CSRs and the built-in CA, with the MMP's own syntax.",
        subcommands: [CSR.self, SelfSigned.self, Sign.self, Inspect.self, Lint.self, Match.self, Verify.self, List.self]
    )

    struct FolderOption: ParsableArguments {
        @Option(name: .long, help: "The folder to work in (the MMP's root folder).")
        var dir: String = "."
    }

    /// What `csr` and `selfsigned` share: the key type, replacing a key, a dry run.
    struct KeyOptions: ParsableArguments {
        @Option(name: .long, help: "Key type: rsa2048 (default), rsa3072, rsa4096, p256, p384.")
        var key: String = KeyType.default.rawValue
        @Flag(help: "Replace an existing <basename>.key, keeping the old one as a backup.")
        var replace = false
        @Flag(name: .customLong("dry-run"), help: "Show what would be written, write nothing.")
        var dryRun = false
    }

    /// Shows what an operation will write, then does it (unless --dry-run).
    static func run(_ operation: PreparedOperation, dryRun: Bool) throws {
        for note in operation.notes { Console.out("Note: \(note)") }
        if dryRun {
            Console.out("Would run: \(operation.command)")
            for write in operation.writes {
                Console.out("Would write \(write.path) (\(write.what), mode \(write.modeText)\(write.replaces ? ", replacing the file there" : ""))")
            }
            return
        }
        let result = try operation.perform()
        for line in result.messages { Console.out(line) }
        for backup in result.backups { Console.out("The old key was kept as \(backup)") }
        for note in result.notes where !operation.notes.contains(note) { Console.out("Note: \(note)") }
    }

    struct CSR: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "csr",
            abstract: "Make a key and a CSR: pki csr <basename> CN:<fqdn> [OU:] [O:] [ST:] [L:] [C:] [subjectAltName:a,b]",
            discussion: "Values with spaces go in double quotes: O:\"Example Inc.\". When SANs are given the CN is added to them.")

        @Argument(help: "<basename> then the fields, as in the MMP.")
        var fields: [String] = []
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var folder: FolderOption

        func run() throws {
            do {
                let spec = try CSRSpec.parse(arguments: fields)
                let keyType = try KeyType.parse(keyOptions.key)
                try PKICommand.run(Workspace(directory: folder.dir).prepareCSR(spec, keyType: keyType, replace: keyOptions.replace),
                                   dryRun: keyOptions.dryRun)
            } catch { throw fail(error) }
        }
    }

    struct SelfSigned: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "selfsigned",
            abstract: "Make the built-in CA: a key and a self-signed CA certificate (pki selfsigned dbca CN:example.com).")

        @Argument(help: "<basename> then the fields, as in the MMP.")
        var fields: [String] = []
        @Option(help: "Validity in days.")
        var days: Int = Issuance.defaultCADays
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var folder: FolderOption

        func run() throws {
            do {
                let spec = try CSRSpec.parse(arguments: fields)
                let keyType = try KeyType.parse(keyOptions.key)
                try PKICommand.run(Workspace(directory: folder.dir).prepareSelfSigned(spec, keyType: keyType, days: days, replace: keyOptions.replace),
                                   dryRun: keyOptions.dryRun)
            } catch { throw fail(error) }
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
            abstract: "Sign <basename>.csr with the built-in CA <ca-basename> into <basename>.crt.")

        @Argument(help: "The CSR's basename.") var basename: String
        @Argument(help: "The CA's basename (its .crt and .key).") var caBasename: String
        @Option(help: "Validity in days.") var days: Int = Issuance.defaultSignDays
        @OptionGroup var folder: FolderOption
        @Flag(name: .customLong("dry-run"), help: "Show what would be written, write nothing.")
        var dryRun = false

        func run() throws {
            do {
                try PKICommand.run(Workspace(directory: folder.dir).prepareSign(basename: basename, caBasename: caBasename, days: days), dryRun: dryRun)
            } catch { throw fail(error) }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect", abstract: "Show a certificate's or CSR's contents and validity (every member of a bundle).")

        @Argument(help: "A certificate, bundle or CSR: PEM, DER, PKCS#7 or PKCS#12.") var file: String
        @Flag(help: "JSON output: an array, one object per certificate or CSR.") var json = false
        @Option(name: .customLong("passphrase-file"), help: "A file holding the PKCS#12 passphrase.") var passphraseFile: String?
        @OptionGroup var folder: FolderOption

        func run() throws {
            do {
                let workspace = Workspace(directory: folder.dir)
                let found = try PassphraseSource(file: passphraseFile).run { try workspace.inspect(file, passphrase: $0) }
                if json {
                    try Console.json(found)
                } else {
                    Console.out(found.map(\.text).joined(separator: "\n"))
                }
            } catch { throw fail(error) }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Check a certificate or CSR the way a CMS engineer does: SANs, CN among them, key size, SHA-1, key usage, validity, the names the deployment needs.",
            discussion: "Exit 0 nothing wrong (warnings are printed), 1 an error found, 2 bad input. Each finding says why CMS cares.")

        @Argument(help: "A certificate, bundle (the first certificate) or CSR.") var file: String
        @Option(help: "What it is for: \(LintRole.allCases.map(\.rawValue).joined(separator: ", ")) (default: from its fields).") var role: String?
        @Option(name: .customLong("name"), help: "A name the deployment needs in its SANs (join URL, XMPP domain, cluster FQDN); repeat it.") var names: [String] = []
        @Flag(help: "JSON output: the findings.") var json = false
        @OptionGroup var folder: FolderOption

        func run() throws {
            let chosen: LintRole?
            if let role {
                guard let parsed = LintRole(rawValue: role) else {
                    throw CLIFailure(code: 2, message: "ERROR: --role \(role) is not a role: use one of \(LintRole.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                chosen = parsed
            } else {
                chosen = nil
            }
            let findings: [LintFinding]
            let what: String
            do {
                let workspace = Workspace(directory: folder.dir)
                let loaded = try Loader.load(path: workspace.store.path(file), keys: .skip)
                if let certificate = loaded.certificates.first {
                    findings = PKI.Lint.certificate(certificate, role: chosen, requiredNames: names)
                    what = certificate.displayName
                } else if let request = loaded.requests.first {
                    findings = PKI.Lint.request(request, role: chosen ?? .inferred(isCA: false, commonName: request.subject.commonName), requiredNames: names)
                    what = "the CSR " + (request.subject.commonName.map { "CN=" + DistinguishedName.escape($0) } ?? request.subject.description)
                } else {
                    throw PKIError.input("\(file) holds no certificate or CSR to lint", field: file)
                }
            } catch { throw fail(error) }
            if json {
                try Console.json(findings)
            } else if findings.isEmpty {
                Console.out("OK: \(what): nothing found (SANs, key, signature, key usage, validity\(names.isEmpty ? "" : ", the names asked"))")
            } else {
                Console.out("\(what):")
                for finding in findings { Console.out("  " + finding.text) }
            }
            if findings.contains(where: { $0.severity == .error }) { throw CLIFailure(code: 1, message: "") }
        }
    }

    struct Match: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "match", abstract: "Check that a private key belongs to a certificate or a CSR.")

        @Argument(help: "The private key file.") var keyFile: String
        @Argument(help: "The certificate or CSR.") var file: String
        @Option(name: .customLong("passphrase-file"), help: "A file holding the key's passphrase.") var passphraseFile: String?
        @OptionGroup var folder: FolderOption

        func run() throws {
            do {
                let workspace = Workspace(directory: folder.dir)
                let matches = try PassphraseSource(file: passphraseFile).run { try workspace.match(key: keyFile, against: file, passphrase: $0) }
                if matches {
                    Console.out("SUCCESS: Key and certificate pair match")
                } else {
                    throw CLIFailure(code: 1, message: "FAILURE: \(keyFile) does not belong to \(file): the certificate was made for another key; find the key its CSR was made with")
                }
            } catch { throw fail(error) }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check that a certificate chains to a bundle or root CA, link by link.")

        @Argument(help: "The certificate.") var certificate: String
        @Argument(help: "The CA bundle or root certificate.") var bundle: String
        @Flag(help: "JSON output.") var json = false
        @OptionGroup var folder: FolderOption

        func run() throws {
            do {
                let report = try Workspace(directory: folder.dir).verify(certificate, against: bundle)
                if json {
                    try Console.json(report)
                } else {
                    Console.out(report.text)
                }
                if !report.verified { throw CLIFailure(code: 1, message: "") }
            } catch { throw fail(error) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the keys, certificates and CSRs of the folder.")
        @OptionGroup var folder: FolderOption

        func run() throws {
            do { Console.out(try Workspace(directory: folder.dir).listText()) } catch { throw fail(error) }
        }
    }
}
