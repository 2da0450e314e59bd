import COpenSSL
import Foundation

/// A PKCS#10 certificate signing request held by OpenSSL.
public final class CertificateRequest: @unchecked Sendable {
    let pointer: OpaquePointer

    public let subject: DistinguishedName
    /// The extensions the CSR requests (SAN, keyUsage, extendedKeyUsage).
    public let requestedExtensions: ExtensionSummary
    public let der: Data

    init(owning pointer: OpaquePointer) throws {
        self.pointer = pointer
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_X509_REQ(pointer, &out)
        guard length > 0, let out else { X509_REQ_free(pointer); throw OpenSSL.failure("the CSR cannot be encoded") }
        der = Data(bytes: out, count: Int(length))
        cms_openssl_free(out)
        subject = DistinguishedName(X509_REQ_get_subject_name(pointer))
        let extensions = X509_REQ_get_extensions(pointer)
        requestedExtensions = ExtensionSummary { nid in
            guard let extensions else { return nil }
            return X509V3_get_d2i(extensions, nid, nil, nil)
        }
        if let extensions { cms_sk_X509_EXTENSION_pop_free(extensions) }
        ERR_clear_error()
    }

    deinit { X509_REQ_free(pointer) }

    public convenience init(der: Data) throws {
        ERR_clear_error()
        let pointer = der.withUnsafeBytes { raw -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
            return d2i_X509_REQ(nil, &p, raw.count)
        }
        guard let pointer else { throw OpenSSL.failure("not a DER CSR") }
        try self.init(owning: pointer)
    }

    public convenience init(pem: Data) throws {
        ERR_clear_error()
        let pointer = try OpenSSL.withReadBIO(pem) { PEM_read_bio_X509_REQ($0, nil, nil, nil) }
        guard let pointer else { throw OpenSSL.failure("not a PEM CSR") }
        try self.init(owning: pointer)
    }

    /// The CSR as one PEM block, LF line ends, one trailing newline.
    public var pem: String {
        let body = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE REQUEST-----\n\(body)\n-----END CERTIFICATE REQUEST-----\n"
    }

    public var subjectAltNames: [SubjectAltName] { requestedExtensions.subjectAltNames }

    public var publicKeyDescription: String {
        guard let key = X509_REQ_get0_pubkey(pointer) else { return "unreadable public key" }
        return PrivateKey.describe(key)
    }

    public var publicKeyDER: Data {
        guard let key = X509_REQ_get0_pubkey(pointer) else { return Data() }
        return PrivateKey.publicKeyDER(of: key)
    }

    public var signatureAlgorithm: String {
        let nid = X509_REQ_get_signature_nid(pointer)
        guard let name = OBJ_nid2ln(nid) else { return "unknown" }
        return String(cString: name)
    }

    /// Is the CSR signed by the key it carries (as every genuine CSR is)?
    public var signatureIsValid: Bool {
        guard let key = X509_REQ_get0_pubkey(pointer) else { return false }
        let ok = X509_REQ_verify(pointer, key) == 1
        ERR_clear_error()
        return ok
    }

    public var sha256Fingerprint: String { OpenSSL.hex(OpenSSL.sha256(der)) }
}
