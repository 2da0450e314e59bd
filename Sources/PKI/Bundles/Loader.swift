import COpenSSL
import Foundation

/// One thing found in a file: a certificate, a CSR or a private key, with where it was.
public struct LoadedItem: @unchecked Sendable {
    public enum Content {
        case certificate(Certificate)
        case request(CertificateRequest)
        case privateKey(PrivateKey)
        /// A PEM private key block met by a reader of certificates (`KeyReading.skip`):
        /// counted and named, never decoded, so that neither a damaged nor an encrypted
        /// key beside a certificate stops the certificate from being read. The label says
        /// which kind ("ENCRYPTED PRIVATE KEY").
        case privateKeyBlock(String)
    }

    public var content: Content
    /// The file it came from (as given), for messages.
    public var source: String
    /// The 1-based line of its BEGIN line in a PEM file; nil for DER, PKCS#7 and PKCS#12.
    public var line: Int?

    public var certificate: Certificate? { if case .certificate(let c) = content { return c }; return nil }
    public var request: CertificateRequest? { if case .request(let r) = content { return r }; return nil }
    public var privateKey: PrivateKey? { if case .privateKey(let k) = content { return k }; return nil }
    /// A private key, decoded or only met (`privateKeyBlock`).
    public var isPrivateKey: Bool {
        switch content {
        case .privateKey, .privateKeyBlock: return true
        case .certificate, .request: return false
        }
    }

    /// "bundle.pem line 30", "root.der".
    public var location: String { line.map { "\(source) line \($0)" } ?? source }
}

/// What a reader does with the private keys of a file.
public enum KeyReading: Sendable {
    /// Decodes them (with the passphrase when encrypted): for commands that use the key.
    case decode
    /// Leaves PEM key blocks undecoded (`LoadedItem.Content.privateKeyBlock`): for every
    /// reader of certificates (inspect, bundles, expiry), which then accept and refuse
    /// the same files with the same words, whatever key sits beside the certificate.
    case skip
}

/// The formats a file can come in.
public enum FileFormat: String, Sendable, Codable {
    case pem, der, pkcs7, pkcs12
}

/// What a file held.
public struct LoadedFile: @unchecked Sendable {
    public var path: String
    public var format: FileFormat
    public var items: [LoadedItem]

    public var certificates: [Certificate] { items.compactMap(\.certificate) }
    public var requests: [CertificateRequest] { items.compactMap(\.request) }
    public var privateKeys: [PrivateKey] { items.compactMap(\.privateKey) }
    /// Private keys decoded or only met.
    public var privateKeyCount: Int { items.count { $0.isPrivateKey } }
}

/// Reads certificates, CSRs and keys from any file an admin is handed: PEM (several
/// blocks, CRLF, a BOM, text around the blocks), DER, PKCS#7 (PEM or DER) and PKCS#12.
/// Every failure is a `PKIError` that names the file and says what to do.
public enum Loader {
    /// Files larger than this are refused before reading: no certificate file is this big.
    public static let maximumFileSize = 16 << 20

    /// Reads and decodes the file at `path`.
    public static func load(path: String, passphrase: String? = nil, keys: KeyReading = .decode) throws -> LoadedFile {
        let data = try readFile(path)
        return try load(data: data, name: path, passphrase: passphrase, keys: keys)
    }

    /// Reads a file's bytes with a clear error for a missing, unreadable, empty or
    /// directory path, or one too large to be a certificate file.
    public static func readFile(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PKIError.input("\(path): no such file: check the path (pki list shows the files here)", field: path)
        }
        if isDirectory.boolValue {
            throw PKIError.input("\(path) is a directory: give a file", field: path)
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PKIError.input("\(path) cannot be read: permission denied; fix its mode or run as a user who can read it", field: path)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maximumFileSize {
            throw PKIError.input("\(path) is \(size / (1 << 20)) MB: far too large for a certificate, key or bundle; check that it is the right file", field: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PKIError.input("\(path) cannot be read", field: path)
        }
        if data.isEmpty {
            throw PKIError.input("\(path) is empty: copy the file again (SFTP in binary mode)", field: path)
        }
        return data
    }

    /// Decodes bytes; `name` is used in messages.
    public static func load(data: Data, name: String, passphrase: String? = nil, keys: KeyReading = .decode) throws -> LoadedFile {
        if data.isEmpty { throw PKIError.input("\(name) is empty: copy the file again", field: name) }
        if PEMText.looksLikePEM(data) {
            return try loadPEM(PEMText(data), name: name, passphrase: passphrase, keys: keys)
        }
        return try loadBinary(data, name: name, passphrase: passphrase)
    }

    static func loadPEM(_ text: PEMText, name: String, passphrase: String?, keys: KeyReading = .decode) throws -> LoadedFile {
        var items: [LoadedItem] = []
        for block in text.blocks {
            let at = "\(name) line \(block.beginLine)"
            guard block.endLine != nil else {
                throw PKIError.input("\(at): the \(block.label) block has no END line: the file is truncated; copy it again", field: name)
            }
            let pem = Data(block.canonicalText.utf8)
            ERR_clear_error()
            switch block.label {
            case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
                guard let der = block.derBytes else {
                    throw PKIError.input("\(at): the certificate's base64 does not decode (truncated or damaged): copy the file again", field: name)
                }
                do {
                    items.append(LoadedItem(content: .certificate(try Certificate(der: der)), source: name, line: block.beginLine))
                } catch {
                    if block.label == "TRUSTED CERTIFICATE", let c = try? Certificate(pem: pem) {
                        items.append(LoadedItem(content: .certificate(c), source: name, line: block.beginLine))
                    } else {
                        throw PKIError.input("\(at): the CERTIFICATE block is not a valid X.509 certificate (damaged or truncated): copy the file again", field: name)
                    }
                }
            case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
                guard let der = block.derBytes, let request = try? CertificateRequest(der: der) else {
                    throw PKIError.input("\(at): the CSR block is damaged or truncated: make or copy the CSR again", field: name)
                }
                items.append(LoadedItem(content: .request(request), source: name, line: block.beginLine))
            case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
                if keys == .skip {
                    items.append(LoadedItem(content: .privateKeyBlock(block.label), source: name, line: block.beginLine))
                    continue
                }
                let key = try PrivateKey(pem: pem, passphrase: passphrase, source: at)
                items.append(LoadedItem(content: .privateKey(key), source: name, line: block.beginLine))
            case "PKCS7", "CMS":
                guard let der = block.derBytes else {
                    throw PKIError.input("\(at): the PKCS#7 block is damaged: export it again", field: name)
                }
                for certificate in try pkcs7Certificates(der, name: at) {
                    items.append(LoadedItem(content: .certificate(certificate), source: name, line: block.beginLine))
                }
            case "EC PARAMETERS":
                continue // openssl ecparam -genkey writes these before the key; nothing to load.
            default:
                throw PKIError.input("\(at): a '\(block.label)' block is not something cmscerts reads (certificates, CSRs, private keys, PKCS#7)", field: name)
            }
        }
        if items.isEmpty {
            throw PKIError.input("\(name) holds no certificate, CSR or key: only its BEGIN/END lines or empty blocks were found", field: name)
        }
        return LoadedFile(path: name, format: .pem, items: items)
    }

    static func loadBinary(_ data: Data, name: String, passphrase: String?) throws -> LoadedFile {
        if let certificate = try? Certificate(der: data) {
            return LoadedFile(path: name, format: .der, items: [LoadedItem(content: .certificate(certificate), source: name, line: nil)])
        }
        if let request = try? CertificateRequest(der: data) {
            return LoadedFile(path: name, format: .der, items: [LoadedItem(content: .request(request), source: name, line: nil)])
        }
        if let certificates = try? pkcs7Certificates(data, name: name) {
            return LoadedFile(path: name, format: .pkcs7, items: certificates.map { LoadedItem(content: .certificate($0), source: name, line: nil) })
        }
        if isPKCS12(data) {
            return try loadPKCS12(data, name: name, passphrase: passphrase)
        }
        if let key = try? PrivateKey(der: data, passphrase: passphrase, source: name) {
            return LoadedFile(path: name, format: .der, items: [LoadedItem(content: .privateKey(key), source: name, line: nil)])
        }
        ERR_clear_error()
        throw PKIError.input("\(name) is not a certificate, CSR, key, PKCS#7 or PKCS#12 file: it has no PEM block (-----BEGIN ...) and is not valid DER; check that it is the right file and that it was copied in binary mode", field: name)
    }

    static func pkcs7Certificates(_ der: Data, name: String) throws -> [Certificate] {
        ERR_clear_error()
        let p7 = der.withUnsafeBytes { raw -> UnsafeMutablePointer<PKCS7>? in
            var p: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
            return d2i_PKCS7(nil, &p, raw.count)
        }
        guard let p7 else { throw OpenSSL.failure("\(name) is not PKCS#7") }
        defer { PKCS7_free(p7) }
        guard let stack = cms_pkcs7_certificates(p7) else {
            throw PKIError.input("\(name) is a PKCS#7 file with no certificates in it", field: name)
        }
        var out: [Certificate] = []
        for i in 0..<cms_sk_X509_num(stack) {
            guard let x = cms_sk_X509_value(stack, i), X509_up_ref(x) == 1 else { continue }
            out.append(try Certificate(owning: x))
        }
        if out.isEmpty { throw PKIError.input("\(name) is a PKCS#7 file with no certificates in it", field: name) }
        return out
    }

    static func isPKCS12(_ data: Data) -> Bool {
        let p12 = data.withUnsafeBytes { raw -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
            return d2i_PKCS12(nil, &p, raw.count)
        }
        ERR_clear_error()
        guard let p12 else { return false }
        PKCS12_free(p12)
        return true
    }

    static func loadPKCS12(_ data: Data, name: String, passphrase: String?) throws -> LoadedFile {
        let p12 = data.withUnsafeBytes { raw -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
            return d2i_PKCS12(nil, &p, raw.count)
        }
        guard let p12 else { throw OpenSSL.failure("\(name) is not PKCS#12") }
        defer { PKCS12_free(p12) }
        // A PKCS#12 with no password is common (`-passout pass:`): try "" when none was given.
        let pass = passphrase ?? ""
        let macOK = pass.withCString { PKCS12_verify_mac(p12, $0, -1) } == 1
            || (passphrase == nil && PKCS12_verify_mac(p12, nil, 0) == 1)
        ERR_clear_error()
        guard macOK else {
            if passphrase == nil {
                throw PKIError.input("\(name) is a PKCS#12 file protected by a passphrase: give it (--passphrase-file FILE, or the CMSCERTS_PASSPHRASE variable)", field: name)
            }
            throw PKIError.input("wrong passphrase for \(name) (or the file is damaged): check the passphrase", field: name)
        }
        var key: OpaquePointer? = nil
        var certificate: OpaquePointer? = nil
        var chain: OpaquePointer? = nil
        let ok = pass.withCString { PKCS12_parse(p12, $0, &key, &certificate, &chain) }
        guard ok == 1 else { throw OpenSSL.failure("\(name): the PKCS#12 contents cannot be decoded", field: name) }
        var items: [LoadedItem] = []
        if let certificate { items.append(LoadedItem(content: .certificate(try Certificate(owning: certificate)), source: name, line: nil)) }
        if let chain {
            for i in 0..<cms_sk_X509_num(chain) {
                guard let x = cms_sk_X509_value(chain, i), X509_up_ref(x) == 1 else { continue }
                items.append(LoadedItem(content: .certificate(try Certificate(owning: x)), source: name, line: nil))
            }
            cms_sk_X509_pop_free(chain)
        }
        if let key { items.append(LoadedItem(content: .privateKey(PrivateKey(owning: key)), source: name, line: nil)) }
        return LoadedFile(path: name, format: .pkcs12, items: items)
    }

    // Convenience readers that say what they expected when the file holds something else.

    /// The certificates of a file (every member of a bundle), at least one. Keys beside
    /// them are left undecoded, as every reader of certificates does.
    public static func certificates(path: String, passphrase: String? = nil) throws -> [Certificate] {
        let file = try load(path: path, passphrase: passphrase, keys: .skip)
        let found = file.certificates
        if found.isEmpty { throw PKIError.input("\(path) holds no certificate (it holds \(describe(file))): give the certificate file", field: path) }
        return found
    }

    /// The one private key of a file.
    public static func privateKey(path: String, passphrase: String? = nil) throws -> PrivateKey {
        let file = try load(path: path, passphrase: passphrase)
        guard let key = file.privateKeys.first else {
            throw PKIError.input("\(path) holds no private key (it holds \(describe(file))): give the .key file", field: path)
        }
        return key
    }

    static func describe(_ file: LoadedFile) -> String {
        var parts: [String] = []
        let c = file.certificates.count, r = file.requests.count, k = file.privateKeyCount
        if c > 0 { parts.append(c == 1 ? "a certificate" : "\(c) certificates") }
        if r > 0 { parts.append(r == 1 ? "a CSR" : "\(r) CSRs") }
        if k > 0 { parts.append(k == 1 ? "a private key" : "\(k) private keys") }
        return parts.isEmpty ? "nothing usable" : parts.joined(separator: " and ")
    }
}
