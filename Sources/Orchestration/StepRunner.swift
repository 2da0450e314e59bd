import Deployment
import Foundation
import PKI

/// How one step ended.
enum StepResult: Sendable {
    case done(output: String, inputDigest: String?)
    case failed(output: String, reason: String)
    case waiting(files: [String])
}

/// The gate on a command's output: what counts as a failed MMP command, in one place.
public enum OutputGate {
    /// Lines that mean the command did not work, whatever the step expects. The MMP prints
    /// `FAILURE: ...` (public); the answers to an unknown command or a wrong syntax
    /// (unverified: the lab's wording) are failures too.
    public static let failurePrefixes = ["FAILURE", "Unknown command", "Usage:"]

    /// Nil when the output shows the step worked; else why not, in one line.
    public static func judge(_ output: CommandOutput, success: SuccessCriterion?) -> String? {
        let lines = output.text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        if let bad = lines.first(where: { line in failurePrefixes.contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) } }) {
            return "the node answered: \(bad.trimmingCharacters(in: .whitespaces))"
        }
        if output.exitStatus != 0 {
            return "the command ended with status \(output.exitStatus)"
        }
        if let success, !success.isMet(by: output.text) {
            return "the output lacks \(success)"
        }
        return nil
    }
}

/// Carries out one step: an MMP command or a transfer through the node's transport, or a
/// PKI operation or a person's task in the workspace. Every file written here goes
/// through PKI's FileStore.
struct StepRunner: Sendable {
    /// The workspace folder (absolute): the plan's workspace paths are relative to it.
    let workspace: String
    /// A private (0700) folder for downloads in flight.
    let partialDirectory: String
    let timeout: Duration

    func path(_ relative: String) -> String { workspace + "/" + relative }

    func run(_ step: Step, transport: (any Transport)?) async -> StepResult {
        do {
            switch step.kind {
            case .mmp, .check:
                if step.node == nil { return try local(step) }
                guard let transport else { return .failed(output: "", reason: "no transport to \(step.node ?? "?")") }
                let output = try await transport.run(step.command, answer: step.confirmation, timeout: timeout)
                if let reason = OutputGate.judge(output, success: step.success) {
                    return .failed(output: output.text, reason: reason)
                }
                return .done(output: output.text, inputDigest: nil)
            case .upload:
                guard let transport, let source = step.reads.first, let target = step.writes.first else {
                    return .failed(output: "", reason: "an upload needs a node, one workspace file and one node file")
                }
                guard let data = FileManager.default.contents(atPath: path(source.name)), !data.isEmpty else {
                    return .failed(output: "", reason: "\(path(source.name)) is missing or empty in the workspace")
                }
                try await transport.put(localPath: path(source.name), remoteName: target.name, timeout: timeout)
                return .done(output: "", inputDigest: Digest.sha256Hex(Array(data)))
            case .download:
                guard let transport, let source = step.reads.first, let target = step.writes.first else {
                    return .failed(output: "", reason: "a download needs a node, one node file and one workspace file")
                }
                return try await download(source.name, to: target.name, transport: transport)
            case .localPKI:
                return try local(step)
            }
        } catch let error as TransportError {
            return .failed(output: error.message, reason: "\(error.kind.rawValue): \(error.operation)")
        } catch let error as PKIError {
            return .failed(output: error.message, reason: "the workspace operation failed")
        } catch {
            return .failed(output: "\(error)", reason: "the step could not be carried out")
        }
    }

    /// Fetches into a private folder first, then into the workspace through the store: a
    /// key is never overwritten; fetched again (a resumed run) and the same, it is kept.
    func download(_ remote: String, to local: String, transport: any Transport) async throws -> StepResult {
        try FileManager.default.createDirectory(atPath: partialDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let partial = partialDirectory + "/\(UUID().uuidString)-\((remote as NSString).lastPathComponent)"
        defer { try? FileManager.default.removeItem(atPath: partial) }
        try await transport.get(remoteName: remote, localPath: partial, timeout: timeout)
        guard let data = FileManager.default.contents(atPath: partial) else {
            return .failed(output: "", reason: "the download of \(remote) left no file")
        }
        let store = FileStore(directory: workspace)
        let isKey = local.lowercased().hasSuffix(".key")
        if store.exists(local) {
            if FileManager.default.contents(atPath: store.path(local)) == data {
                return .done(output: "\(local) is already in the workspace, the same", inputDigest: nil)
            }
            if isKey {
                return .failed(output: "", reason: "\(store.path(local)) exists and differs from \(remote) on the node: cmscerts never overwrites a key; move the old one away, then resume")
            }
        }
        try store.write(data, to: local, isPrivateKey: isKey)
        return .done(output: "", inputDigest: nil)
    }

    func local(_ step: Step) throws -> StepResult {
        guard let operation = step.local else {
            return .failed(output: "", reason: "a step on this machine without an operation")
        }
        let store = FileStore(directory: workspace)
        switch operation {
        case let .setAside(file):
            if let moved = try store.setAside(file) {
                return .done(output: "\(file) set aside as \((moved as NSString).lastPathComponent)", inputDigest: nil)
            }
            return .done(output: "\(file) is not in the workspace: nothing to set aside", inputDigest: nil)

        case let .awaitFiles(files, chain, lint):
            let missing = (files + (chain.map { [$0] } ?? [])).filter { (FileManager.default.contents(atPath: path($0)) ?? Data()).isEmpty }
            guard missing.isEmpty else { return .waiting(files: missing) }
            // The CA's answer to a CSR the plan made: it must be the answer to THIS CSR,
            // never a file left by an earlier round, and pass the lint (checked before
            // anything is sent).
            var warnings: [String] = []
            if let csr = step.reads.first(where: { $0.node == nil && $0.name.hasSuffix(".csr") }), let file = files.first {
                let answer = try answerProblems(file, csr: csr.name, bundle: chain, lint: lint)
                if let refusal = answer.refusal { return .failed(output: "", reason: refusal) }
                warnings = answer.warnings
            }
            return .done(output: (["found " + files.joined(separator: ", ")] + warnings).joined(separator: "\n"), inputDigest: nil)

        case let .makeKeyAndCSR(spec, keyType, key, csr):
            let existing = try keptKey(key, store: store)
            if let existing, store.exists(csr), let request = try Loader.load(path: store.path(csr)).requests.first,
               KeyMatch.matches(existing, request) {
                return .done(output: "\(key) and \(csr) are there and belong together: kept (a key is never made twice)", inputDigest: nil)
            }
            let privateKey = try existing ?? PrivateKey.generate(keyType)
            let request = try Issuance.makeCSR(spec, key: privateKey)
            if existing == nil { try store.write(try privateKey.pemData(), to: key, isPrivateKey: true) }
            try store.write(Data(request.pem.utf8), to: csr, isPrivateKey: false)
            return .done(output: existing == nil ? "Created key file \(key) and CSR \(csr)" : "Created CSR \(csr) for the key already there, \(key)", inputDigest: nil)

        case let .makeSelfSignedCA(spec, keyType, days, key, certificate):
            let existing = try keptKey(key, store: store)
            if let existing, store.exists(certificate), let ca = try Loader.load(path: store.path(certificate)).certificates.first,
               KeyMatch.matches(existing, ca) {
                return .done(output: "\(key) and \(certificate) are there and belong together: kept", inputDigest: nil)
            }
            let privateKey = try existing ?? PrivateKey.generate(keyType)
            let ca = try Issuance.selfSigned(spec, key: privateKey, days: days)
            if existing == nil { try store.write(try privateKey.pemData(), to: key, isPrivateKey: true) }
            try store.write(Data(ca.pem.utf8), to: certificate, isPrivateKey: false)
            return .done(output: "Created the CA \(certificate) (\(days) days)", inputDigest: nil)

        case let .sign(csr, caKey, caCertificate, days, certificate):
            guard let request = try Loader.load(path: store.path(csr)).requests.first else {
                return .failed(output: "", reason: "\(csr) holds no CSR")
            }
            let ca = try Loader.certificates(path: store.path(caCertificate))[0]
            let key = try Loader.privateKey(path: store.path(caKey))
            var notes: [String] = []
            let signed = try Issuance.sign(request, caCertificate: ca, caKey: key, days: days, notes: &notes)
            try store.write(Data(signed.pem.utf8), to: certificate, isPrivateKey: false)
            return .done(output: (["Created certificate \(certificate)"] + notes).joined(separator: "\n"), inputDigest: nil)

        case let .trustList(files, output):
            var seen: Set<String> = []
            var text = ""
            for file in files {
                let certificates = try Loader.load(path: store.path(file)).certificates
                guard !certificates.isEmpty else {
                    return .failed(output: "", reason: "\(file) holds no certificate, so the trust list \(output) cannot be built from it")
                }
                for certificate in certificates where seen.insert(certificate.pem).inserted { text += certificate.pem }
            }
            try store.write(Data(text.utf8), to: output, isPrivateKey: false)
            return .done(output: "Wrote \(output): \(seen.count) certificate(s) from " + files.joined(separator: ", "), inputDigest: nil)

        case let .fullChain(certificate, bundle, output):
            var pile: [SourcedCertificate] = []
            for file in [certificate, bundle] {
                for item in try Loader.load(path: store.path(file)).items {
                    if let c = item.certificate { pile.append(SourcedCertificate(certificate: c, location: item.location)) }
                }
            }
            let chain = try BundleBuilder.build(pile, mode: .fullChain)
            if let missing = chain.missingIssuer {
                return .failed(output: "", reason: "the chain of \(certificate) stops: its issuer '\(missing)' is not in \(bundle); put your CA's intermediates and root there")
            }
            try store.write(Data(chain.pemText.utf8), to: output, isPrivateKey: false)
            return .done(output: "Wrote \(output): " + chain.members.map { $0.position.rawValue }.joined(separator: ", "), inputDigest: nil)
        }
    }

    /// Why the certificate in `file` is not the CA's answer to `csr` (nil when it is), in
    /// one line that names the file and says what to do; and the lint's warnings, which do
    /// not stop the run. With `lint`, the lint's errors refuse it too, a name the
    /// deployment needs in the SANs among them.
    func answerProblems(_ file: String, csr: String, bundle: String?, lint: AnswerLint? = nil) throws -> (refusal: String?, warnings: [String]) {
        let store = FileStore(directory: workspace)
        guard let request = try Loader.load(path: store.path(csr)).requests.first else {
            return ("\(store.path(csr)) holds no CSR, so \(file) cannot be checked against it", [])
        }
        guard let certificate = try Loader.load(path: store.path(file)).certificates.first else {
            return ("\(store.path(file)) holds no certificate: save the certificate your CA signed for \(csr) there (PEM or DER)", [])
        }
        var problems = AnswerCheck.problems(certificate, answers: request)
        var warnings: [String] = []
        if problems.isEmpty, let lint {
            // Lint.swift says why each finding matters to CMS.
            let findings = Lint.certificate(certificate, role: lint.role, requiredNames: lint.names)
            problems += findings.filter { $0.severity == .error }.map(\.text)
            warnings = findings.filter { $0.severity == .warning }.map { "\(file): " + $0.text }
        }
        if problems.isEmpty, let bundle {
            // Signed by the CA of the bundle? Judged at the time it was issued: whether it
            // is valid now is the node's `pki verify`, on the node's clock.
            let chain = try Loader.load(path: store.path(bundle)).certificates
            let report = ChainVerifier.verify(certificate, against: chain, at: certificate.notBefore.addingTimeInterval(1))
            if !report.verified {
                problems.append("it does not chain to the CA in \(bundle): " + report.failures.joined(separator: "; "))
            }
        }
        guard !problems.isEmpty else { return (nil, warnings) }
        return ("\(store.path(file)) is not the CA's answer to \(csr): " + problems.joined(separator: "; ")
            + ". Nothing was sent. Move it away, save the certificate signed for \(csr) there, then resume", warnings)
    }

    /// The key already in the workspace, if any.
    func keptKey(_ name: String, store: FileStore) throws -> PrivateKey? {
        guard store.exists(name) else { return nil }
        return try Loader.privateKey(path: store.path(name))
    }
}
