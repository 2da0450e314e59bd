import Foundation

/// An operation checked and ready: what it will write, what the user should know, and
/// the function that does it. Nothing is generated or written before `perform()`.
public struct PreparedOperation: Sendable {
    /// The MMP command this operation is (`pki csr tac CN:...`).
    public var command: String
    /// The files it writes, as data (path, what, mode, replaces, the bytes' digest): the
    /// review lists them and `perform` writes them, nothing else.
    public var files: [FileWrite]
    public var notes: [String]
    /// The lines the MMP prints once it is done.
    public var messages: [String]
    /// The store that performs it.
    let store: FileStore

    /// What the review lists.
    public var writes: [PlannedWrite] { files.map(\.planned) }

    /// An operation of `files` in `store`.
    init(command: String, files: [FileWrite], notes: [String], messages: [String], store: FileStore) {
        self.command = command
        self.files = files
        self.notes = notes
        self.messages = messages
        self.store = store
    }

    /// Writes the files reviewed (the store's `perform`) and says what happened.
    public func perform() throws -> OperationResult {
        let done = try store.perform(files)
        return OperationResult(messages: messages, written: done.written, backups: done.backups, notes: notes)
    }
}

/// What an operation did.
public struct OperationResult: Sendable {
    /// The lines the MMP prints for this command.
    public var messages: [String]
    public var written: [String]
    /// Backups of replaced keys.
    public var backups: [String]
    /// Notes to show (the CN added to the SANs, a certificate outliving its CA, ...).
    public var notes: [String]
}

/// A folder of keys, CSRs and certificates worked on as the MMP works on its root folder:
/// `pki csr`, `pki selfsigned`, `pki sign`, `pki list`, `pki inspect`, `pki match`,
/// `pki verify`. The lab's nodes and the `cmscerts pki` command line both stand on it.
public struct Workspace: Sendable {
    public let store: FileStore
    /// The clock the workspace reads (the lab moves it to rehearse expiry).
    public var now: @Sendable () -> Date

    public init(directory: String, now: @escaping @Sendable () -> Date = { Date() }) {
        store = FileStore(directory: directory)
        self.now = now
    }

    public var directory: String { store.directory }

    // MARK: text files

    /// Writing a text file the user keeps (a deployment file), ready for review: the one
    /// file, what it is, and `command` as the equivalent command line. A file of that name
    /// is replaced only when `replace` is true, and then kept as `<name>.previous`.
    public func prepareTextFile(_ text: String, to name: String, what: String, command: String, notes: [String] = [],
                                replace: Bool) throws -> PreparedOperation {
        if store.exists(name) && !replace {
            throw PKIError.input("\(store.path(name)) exists already: it is never overwritten here; open it to edit it, or choose another name", field: name)
        }
        let write = store.write(Data(text.utf8), to: name, what: what, isPrivateKey: false, existing: replace ? .keepPrevious : .refuse)
        return PreparedOperation(command: command, files: [write], notes: notes, messages: ["Wrote \(write.planned.path)"], store: store)
    }

    // MARK: pki csr

    /// `pki csr <basename> CN:... [...]`: a new key and a CSR. Refused, before anything is
    /// generated, when `<basename>.key` exists (unless `replace`, which keeps a backup).
    public func prepareCSR(_ spec: CSRSpec, keyType: KeyType = .default, replace: Bool = false) throws -> PreparedOperation {
        try store.checkKeyIsFree(spec.keyFileName, replace: replace)
        // The key and CSR are made now, so that the review shows the very bytes written.
        let key = try PrivateKey.generate(keyType)
        let request = try Issuance.makeCSR(spec, key: key)
        let files = [
            store.write(try key.pemData(), to: spec.keyFileName, what: "private key (\(keyType.displayName))", isPrivateKey: true,
                        existing: replace ? .replaceKeyKeepingBackup : .refuse),
            store.write(Data(request.pem.utf8), to: spec.csrFileName, what: "CSR for \(spec.subject.commonName)", isPrivateKey: false),
        ]
        return PreparedOperation(command: spec.mmpCommand(), files: files, notes: spec.notes,
                                 messages: ["Created key file \(spec.keyFileName) and CSR \(spec.csrFileName)",
                                            "CSR file \(spec.csrFileName) ready for download via SFTP"], store: store)
    }

    // MARK: pki selfsigned

    /// `pki selfsigned <basename> CN:...`: a new key and a self-signed CA certificate
    /// (the built-in CA of Step 3, `pki selfsigned dbca CN:<domain>`).
    public func prepareSelfSigned(_ spec: CSRSpec, keyType: KeyType = .default, days: Int = Issuance.defaultCADays,
                                  replace: Bool = false) throws -> PreparedOperation {
        try Issuance.checkDays(days)
        try store.checkKeyIsFree(spec.keyFileName, replace: replace)
        let certificateName = spec.basename + ".crt"
        let key = try PrivateKey.generate(keyType)
        let certificate = try Issuance.selfSigned(spec, key: key, days: days, now: now())
        let files = [
            store.write(try key.pemData(), to: spec.keyFileName, what: "private key (\(keyType.displayName))", isPrivateKey: true,
                        existing: replace ? .replaceKeyKeepingBackup : .refuse),
            store.write(Data(certificate.pem.utf8), to: certificateName, what: "self-signed CA certificate for \(spec.subject.commonName), \(days) days",
                        isPrivateKey: false),
        ]
        return PreparedOperation(command: spec.mmpCommand(verb: "selfsigned"), files: files, notes: spec.notes,
                                 messages: ["Created key file \(spec.keyFileName) and certificate \(certificateName)",
                                            "Certificate \(certificateName) is self-signed, valid until \(PKIFormat.date(certificate.notAfter))"],
                                 store: store)
    }

    // MARK: pki sign

    /// `pki sign <basename> <ca-basename>`: signs `<basename>.csr` with `<ca>.crt`/`<ca>.key`
    /// into `<basename>.crt`. Every input is read and checked before anything is written.
    public func prepareSign(basename: String, caBasename: String, days: Int = Issuance.defaultSignDays) throws -> PreparedOperation {
        try CSRSpec.checkBasename(basename)
        try CSRSpec.checkBasename(caBasename)
        try Issuance.checkDays(days)
        let requestFile = try Loader.load(path: store.path(basename + ".csr"))
        guard let request = requestFile.requests.first else {
            throw PKIError.input("\(basename).csr holds no CSR: make it with pki csr \(basename) CN:...", field: basename)
        }
        let caCertificate = try Loader.certificates(path: store.path(caBasename + ".crt"))[0]
        let caKey = try Loader.privateKey(path: store.path(caBasename + ".key"))
        try Issuance.checkCA(caCertificate, key: caKey, at: now())
        guard request.signatureIsValid else {
            throw PKIError.input("\(basename).csr: the CSR's signature does not verify with its own key: the CSR is damaged or altered; make it again", field: basename)
        }
        let certificateName = basename + ".crt"
        let subject = request.subject.commonName ?? request.subject.description
        var notes: [String] = []
        let certificate = try Issuance.sign(request, caCertificate: caCertificate, caKey: caKey, days: days, now: now(), notes: &notes)
        let files = [store.write(Data(certificate.pem.utf8), to: certificateName, what: "certificate for \(subject) signed by \(caBasename), \(days) days",
                                 isPrivateKey: false)]
        return PreparedOperation(command: "pki sign \(basename) \(caBasename)", files: files, notes: notes,
                                 messages: ["Created certificate \(certificateName) signed by \(caBasename), valid until \(PKIFormat.date(certificate.notAfter))"],
                                 store: store)
    }

    // MARK: pki list

    /// The file extensions `pki list` shows.
    public static let listedExtensions: Set<String> = ["key", "crt", "cer", "pem", "csr", "der", "p7b", "p7c", "p12", "pfx"]

    /// `pki list`: the certificate, key and CSR files of the folder, sorted.
    public func list() throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PKIError.input("cannot list \(directory): \(error.localizedDescription)", field: directory)
        }
        return names.filter { name in
            !name.hasPrefix(".") && Self.listedExtensions.contains((name as NSString).pathExtension.lowercased())
        }.sorted()
    }

    /// `pki list` as the MMP prints it.
    public func listText() throws -> String {
        (["User supplied certificates and keys:"] + (try list())).joined(separator: "\n") + "\n"
    }

    // MARK: inspect, match, verify

    /// `pki inspect <file>`: every certificate or CSR of the file.
    public func inspect(_ name: String, passphrase: String? = nil) throws -> [Inspection] {
        // The reader of certificates that expiry and bundles use: keys beside them are
        // met, not decoded.
        let file = try Loader.load(path: store.path(name), passphrase: passphrase, keys: .skip)
        let clock = now()
        let out = file.items.compactMap { item -> Inspection? in
            if let c = item.certificate { return Inspection(c, now: clock) }
            if let r = item.request { return Inspection(r) }
            return nil
        }
        if out.isEmpty {
            throw PKIError.input("\(name) holds only a private key: pki inspect reads certificates and CSRs (use pki match to pair a key)", field: name)
        }
        return out
    }

    /// `pki match <key> <cert or csr>`: true when the key belongs to the file's first
    /// certificate or CSR.
    public func match(key keyName: String, against name: String, passphrase: String? = nil) throws -> Bool {
        let key = try Loader.privateKey(path: store.path(keyName), passphrase: passphrase)
        let file = try Loader.load(path: store.path(name), passphrase: passphrase)
        if let certificate = file.certificates.first { return KeyMatch.matches(key, certificate) }
        if let request = file.requests.first { return KeyMatch.matches(key, request) }
        throw PKIError.input("\(name) holds no certificate or CSR to match the key against", field: name)
    }

    /// `pki verify <cert> <bundle or root>`: the chain from the certificate to a root of the bundle.
    public func verify(_ certificateName: String, against bundleName: String) throws -> ChainReport {
        let certificate = try Loader.certificates(path: store.path(certificateName))[0]
        let trusted = try Loader.certificates(path: store.path(bundleName))
        return ChainVerifier.verify(certificate, against: trusted, at: now())
    }
}
