import COpenSSL
import Foundation

/// Makes CSRs and certificates: CMS's `pki csr`, `pki selfsigned` and `pki sign`.
public enum Issuance {
    /// Validity defaults of the built-in CA, kept in one place.
    public static let defaultCADays = 3650
    public static let defaultSignDays = 730

    /// A CSR for `spec`, signed with `key` (SHA-256), requesting SAN (when the spec has
    /// SANs), keyUsage digitalSignature + keyEncipherment (digitalSignature alone for EC
    /// keys, which cannot encipher) and extendedKeyUsage serverAuth + clientAuth.
    public static func makeCSR(_ spec: CSRSpec, key: PrivateKey) throws -> CertificateRequest {
        guard let req = X509_REQ_new() else { throw OpenSSL.failure("could not allocate a CSR") }
        var owned = true
        defer { if owned { X509_REQ_free(req) } }
        X509_REQ_set_version(req, 0)
        let name = try DistinguishedName.make(spec.subject)
        defer { X509_NAME_free(name) }
        guard X509_REQ_set_subject_name(req, name) == 1, X509_REQ_set_pubkey(req, key.pointer) == 1 else {
            throw OpenSSL.failure("could not fill the CSR")
        }
        guard let stack = cms_sk_X509_EXTENSION_new_null() else { throw OpenSSL.failure("could not allocate extensions") }
        defer { cms_sk_X509_EXTENSION_pop_free(stack) }
        for (nid, value) in leafExtensions(spec.subjectAltNames, key: key) {
            let ext = try makeExtension(nid, value, context: nil)
            _ = cms_sk_X509_EXTENSION_push(stack, ext)
        }
        guard X509_REQ_add_extensions(req, stack) == 1 else { throw OpenSSL.failure("could not add the extensions") }
        guard X509_REQ_sign(req, key.pointer, EVP_sha256()) > 0 else { throw OpenSSL.failure("could not sign the CSR") }
        owned = false
        return try CertificateRequest(owning: req)
    }

    /// A self-signed CA certificate for `spec` (`pki selfsigned`): CA:TRUE,
    /// keyUsage keyCertSign + cRLSign + digitalSignature, SKID/AKID, the SANs if any.
    public static func selfSigned(_ spec: CSRSpec, key: PrivateKey, days: Int = defaultCADays, now: Date = Date()) throws -> Certificate {
        try checkDays(days)
        let name = try DistinguishedName.make(spec.subject)
        defer { X509_NAME_free(name) }
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:TRUE"),
            (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        if !spec.subjectAltNames.isEmpty {
            extensions.append((NID_subject_alt_name, spec.subjectAltNames.map(\.typedValue).joined(separator: ",")))
        }
        return try issue(subjectName: name, publicKey: key.pointer, issuerName: name, issuerCertificate: nil,
                         signingKey: key, days: days, now: now, extensions: extensions, sanFromRequest: nil)
    }

    /// Signs `request` with the built-in CA (`pki sign <basename> <ca>`): subject and SANs
    /// from the CSR, CA:FALSE, keyUsage digitalSignature + keyEncipherment (RSA),
    /// extendedKeyUsage serverAuth + clientAuth, a random 128-bit serial, SKID/AKID.
    /// `notes` receives what the user should know (the certificate outliving the CA).
    /// With `intermediateCA`, the certificate is a CA under this one instead (CA:TRUE,
    /// pathlen:0, keyCertSign + cRLSign): an issuing CA, as public and company CAs have.
    public static func sign(_ request: CertificateRequest, caCertificate: Certificate, caKey: PrivateKey,
                            days: Int = defaultSignDays, now: Date = Date(), intermediateCA: Bool = false,
                            notes: inout [String]) throws -> Certificate {
        try checkDays(days)
        guard request.signatureIsValid else {
            throw PKIError.input("the CSR's signature does not verify with its own key: the CSR is damaged or altered; make it again")
        }
        try checkCA(caCertificate, key: caKey, at: now)
        guard let publicKey = X509_REQ_get0_pubkey(request.pointer) else { throw OpenSSL.failure("the CSR has no readable public key") }
        let end = now.addingTimeInterval(TimeInterval(days) * 86_400)
        if end > caCertificate.notAfter {
            notes.append("the certificate will outlive its CA: the CA expires on \(PKIFormat.date(caCertificate.notAfter)), which then ends the certificate's use too")
        }
        let leafKeyIsEC = EVP_PKEY_get_base_id(publicKey) == EVP_PKEY_EC
        let extensions: [(Int32, String)] = intermediateCA ? [
            (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
            (NID_key_usage, "critical,keyCertSign,cRLSign"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ] : [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, leafKeyIsEC ? "critical,digitalSignature" : "critical,digitalSignature,keyEncipherment"),
            (NID_ext_key_usage, "serverAuth,clientAuth"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        return try issue(subjectName: X509_REQ_get_subject_name(request.pointer), publicKey: publicKey,
                         issuerName: X509_get_subject_name(caCertificate.pointer), issuerCertificate: caCertificate,
                         signingKey: caKey, days: days, now: now, extensions: extensions,
                         sanFromRequest: request.subjectAltNames.isEmpty ? nil : request.subjectAltNames)
    }

    /// The CA must be a CA, valid now, and `key` must be its key.
    public static func checkCA(_ caCertificate: Certificate, key caKey: PrivateKey, at now: Date) throws {
        guard caCertificate.isCA else {
            throw PKIError.input("\(caCertificate.displayName) is not a CA (basicConstraints CA:TRUE is missing): sign with a CA made by pki selfsigned")
        }
        guard let caPublic = X509_get0_pubkey(caCertificate.pointer), caKey.matches(publicKey: caPublic) else {
            throw PKIError.input("the CA's key does not match the CA's certificate: use the .key made with it")
        }
        if !caCertificate.timesAreReadable {
            throw PKIError(.checkFailed, "the CA certificate \(caCertificate.displayName) has validity dates that cannot be read (not valid ASN.1 times): make a new CA first")
        }
        if caCertificate.isExpired(at: now) {
            throw PKIError(.checkFailed, "the CA certificate \(caCertificate.displayName) expired on \(PKIFormat.date(caCertificate.notAfter)): make a new CA first")
        }
    }

    static func checkDays(_ days: Int) throws {
        guard (1...36_500).contains(days) else {
            throw PKIError.input("validity of \(days) days is out of range: give 1 to 36500 days", field: "days")
        }
    }

    static func leafExtensions(_ sans: [SubjectAltName], key: PrivateKey) -> [(Int32, String)] {
        let isEC = EVP_PKEY_get_base_id(key.pointer) == EVP_PKEY_EC
        var out: [(Int32, String)] = []
        if !sans.isEmpty { out.append((NID_subject_alt_name, sans.map(\.typedValue).joined(separator: ","))) }
        out.append((NID_key_usage, isEC ? "critical,digitalSignature" : "critical,digitalSignature,keyEncipherment"))
        out.append((NID_ext_key_usage, "serverAuth,clientAuth"))
        return out
    }

    static func makeExtension(_ nid: Int32, _ value: String, context: UnsafeMutablePointer<X509V3_CTX>?) throws -> OpaquePointer {
        guard let ext = X509V3_EXT_nconf_nid(nil, context, nid, value) else {
            let name = OBJ_nid2sn(nid).map { String(cString: $0) } ?? "extension"
            throw OpenSSL.failure("could not make the \(name) extension from '\(value)'")
        }
        return ext
    }

    // Every certificate is made here: version 3, random serial, validity, extensions, SHA-256.
    static func issue(subjectName: OpaquePointer?, publicKey: OpaquePointer, issuerName: OpaquePointer?,
                      issuerCertificate: Certificate?, signingKey: PrivateKey, days: Int, now: Date,
                      extensions: [(Int32, String)], sanFromRequest: [SubjectAltName]?) throws -> Certificate {
        guard let x509 = X509_new() else { throw OpenSSL.failure("could not allocate a certificate") }
        var owned = true
        defer { if owned { X509_free(x509) } }
        X509_set_version(x509, 2)
        try setRandomSerial(x509)
        guard X509_set_subject_name(x509, subjectName) == 1, X509_set_issuer_name(x509, issuerName) == 1,
              X509_set_pubkey(x509, publicKey) == 1 else { throw OpenSSL.failure("could not fill the certificate") }
        var start = time_t(now.timeIntervalSince1970)
        guard X509_time_adj_ex(X509_getm_notBefore(x509), 0, 0, &start) != nil,
              X509_time_adj_ex(X509_getm_notAfter(x509), Int32(days), 0, &start) != nil else {
            throw OpenSSL.failure("could not set the validity")
        }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuerCertificate?.pointer ?? x509, x509, nil, nil, 0)
        var all = extensions
        if let sanFromRequest {
            all.append((NID_subject_alt_name, sanFromRequest.filter { if case .other = $0 { return false }; return true }.map(\.typedValue).joined(separator: ",")))
        }
        for (nid, value) in all {
            let ext = try makeExtension(nid, value, context: &context)
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(x509, ext, -1) == 1 else { throw OpenSSL.failure("could not add an extension") }
        }
        guard X509_sign(x509, signingKey.pointer, EVP_sha256()) > 0 else { throw OpenSSL.failure("could not sign the certificate") }
        owned = false
        return try Certificate(owning: x509)
    }

    static func setRandomSerial(_ x509: OpaquePointer) throws {
        guard let bn = BN_new() else { throw OpenSSL.failure("could not allocate a serial") }
        defer { BN_free(bn) }
        // 128 random bits with the top one set: always 16 bytes of entropy-carrying serial.
        guard BN_rand(bn, 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1,
              let serial = BN_to_ASN1_INTEGER(bn, nil) else { throw OpenSSL.failure("could not make a serial") }
        defer { ASN1_INTEGER_free(serial) }
        guard X509_set_serialNumber(x509, serial) == 1 else { throw OpenSSL.failure("could not set the serial") }
    }
}

/// How dates and durations are shown, in one place.
public enum PKIFormat {
    /// "2027-11-29 10:04 UTC".
    public static func date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return f.string(from: date)
    }

    /// ISO 8601, for JSON.
    public static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }
}
