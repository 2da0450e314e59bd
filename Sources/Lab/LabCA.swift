import Foundation
import PKI

/// "Your CA" for rehearsals: a root and an issuing CA kept in the lab's `ca/` folder,
/// which signs the CSRs a plan waits for, as the customer's CA would, and places the
/// CA bundle (issuing CA, then root) where the plan expects it. Never used on real
/// servers' certificates: it exists so that anyone can walk the whole procedure.
public struct LabCA: Sendable {
    public let directory: String
    let store: FileStore

    public init(labDirectory: String) {
        directory = labDirectory + "/ca"
        store = FileStore(directory: labDirectory + "/ca")
    }

    /// Makes the root and the issuing CA once; later calls reuse them.
    public func ensure(now: Date = Date()) throws -> (root: Certificate, issuing: Certificate, issuingKey: PrivateKey) {
        if !store.exists("root.crt") {
            let spec = try CSRSpec.parse(line: "root CN:lab-root.example.com O:\"cmscerts lab\"")
            _ = try Workspace(directory: directory, now: { now }).prepareSelfSigned(spec, days: 3650).perform()
        }
        let root = try Loader.certificates(path: store.path("root.crt"))[0]
        if !store.exists("issuing.crt") {
            let rootKey = try Loader.privateKey(path: store.path("root.key"))
            let spec = try CSRSpec.parse(line: "issuing CN:lab-issuing-ca.example.com O:\"cmscerts lab\"")
            let key = try PrivateKey.generate()
            let request = try Issuance.makeCSR(spec, key: key)
            var notes: [String] = []
            let issuing = try Issuance.sign(request, caCertificate: root, caKey: rootKey, days: 1825, now: now,
                                            intermediateCA: true, notes: &notes)
            try store.write(try key.pemData(), to: "issuing.key", isPrivateKey: true)
            try store.write(Data(issuing.pem.utf8), to: "issuing.crt", isPrivateKey: false)
        }
        return (root, try Loader.certificates(path: store.path("issuing.crt"))[0],
                try Loader.privateKey(path: store.path("issuing.key")))
    }

    /// Signs every `<name>.csr` in `workspace`'s node folders (and the workspace itself)
    /// that has no `<name>.crt` yet, and writes `bundleName` (issuing CA, then root) when
    /// it is missing. Returns the files written. The built-in database CA's folder (`db/`)
    /// is left alone: the plan signs those itself.
    public func signPending(workspace: String, bundleName: String = "ca-bundle.crt", days: Int = 365,
                            now: Date = Date()) throws -> [String] {
        let ca = try ensure(now: now)
        var written: [String] = []
        let out = FileStore(directory: workspace)
        if !out.exists(bundleName) {
            try out.write(Data((ca.issuing.pem + ca.root.pem).utf8), to: bundleName, isPrivateKey: false)
            written.append(out.path(bundleName))
        }
        let fm = FileManager.default
        var folders = [""]
        for entry in (try? fm.contentsOfDirectory(atPath: workspace)) ?? [] {
            var isDirectory: ObjCBool = false
            if !["ca", "db", "nodes", ".cmscerts"].contains(entry), !entry.hasPrefix("."),
               fm.fileExists(atPath: workspace + "/" + entry, isDirectory: &isDirectory), isDirectory.boolValue {
                folders.append(entry + "/")
            }
        }
        for folder in folders.sorted() {
            for name in ((try? fm.contentsOfDirectory(atPath: workspace + "/" + folder)) ?? []).sorted() where name.hasSuffix(".csr") {
                let certificateName = folder + String(name.dropLast(4)) + ".crt"
                if out.exists(certificateName) { continue }
                guard let request = try Loader.load(path: out.path(folder + name)).requests.first else { continue }
                try sign(request, as: certificateName, in: out, ca: ca, days: days, now: now)
                written.append(out.path(certificateName))
            }
        }
        return written
    }

    /// Plays the CA for exactly `files`, the workspace paths a run waits for: `bundleName`
    /// gets the CA bundle (issuing CA, then root), and each `<path>.crt` the certificate
    /// signed from `<path>.csr` beside it, by the lab's clock `now`. Every file is checked
    /// before any is written: a name that is neither, or a certificate without its CSR, is
    /// refused with what to do. Returns the files written.
    public func sign(files: [String], workspace: String, bundleName: String = "ca-bundle.crt", days: Int = 365,
                     now: Date = Date()) throws -> [String] {
        let out = FileStore(directory: workspace)
        var requests: [(name: String, request: CertificateRequest?)] = []
        for file in files {
            if file == bundleName {
                requests.append((file, nil))
                continue
            }
            guard file.hasSuffix(".crt"), !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
                throw LabError("the lab's CA signs certificates (<name>.crt from <name>.csr) and places \(bundleName); \(file) is neither: place it yourself")
            }
            let csr = String(file.dropLast(4)) + ".csr"
            guard out.exists(csr), let request = try Loader.load(path: out.path(csr)).requests.first else {
                throw LabError("\(file) cannot be signed: \(out.path(csr)) is not there (or holds no CSR); the run makes it before it waits for the certificate")
            }
            requests.append((file, request))
        }
        let ca = try ensure(now: now)
        var written: [String] = []
        for (name, request) in requests {
            if let request {
                try sign(request, as: name, in: out, ca: ca, days: days, now: now)
            } else {
                try out.write(Data((ca.issuing.pem + ca.root.pem).utf8), to: name, isPrivateKey: false)
            }
            written.append(out.path(name))
        }
        return written
    }

    /// One certificate signed by the issuing CA, written as `name` (a certificate is not a
    /// key: a renewal's new one replaces the file).
    private func sign(_ request: CertificateRequest, as name: String, in out: FileStore,
                      ca: (root: Certificate, issuing: Certificate, issuingKey: PrivateKey), days: Int, now: Date) throws {
        var notes: [String] = []
        let certificate = try Issuance.sign(request, caCertificate: ca.issuing, caKey: ca.issuingKey, days: days, now: now, notes: &notes)
        try out.write(Data(certificate.pem.utf8), to: name, isPrivateKey: false)
    }
}
