import COpenSSL
import Foundation

/// An X.509 certificate held by OpenSSL, with what cmscerts reads from it decoded once.
public final class Certificate: @unchecked Sendable, Hashable, CustomStringConvertible {
    let pointer: OpaquePointer

    public let subject: DistinguishedName
    public let issuer: DistinguishedName
    /// The validity dates. When the certificate's times cannot be read (not a valid ASN.1
    /// time, "Bad time value" to OpenSSL) they are the epoch and `timesAreReadable` is
    /// false: nothing may then call the certificate valid or expired, it is unknown.
    public let notBefore: Date
    public let notAfter: Date
    /// False when notBefore or notAfter is not a time OpenSSL can read.
    public let timesAreReadable: Bool
    /// The serial number in hex, upper-case, as `openssl x509 -serial` prints it.
    public let serialHex: String
    public let extensions: ExtensionSummary
    /// The DER encoding: what identifies the certificate.
    public let der: Data

    /// Takes ownership of an X509*.
    init(owning pointer: OpaquePointer) throws {
        self.pointer = pointer
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_X509(pointer, &out)
        guard length > 0, let out else { X509_free(pointer); throw OpenSSL.failure("the certificate cannot be encoded") }
        der = Data(bytes: out, count: Int(length))
        cms_openssl_free(out)
        subject = DistinguishedName(X509_get_subject_name(pointer))
        issuer = DistinguishedName(X509_get_issuer_name(pointer))
        let start = OpenSSL.date(of: X509_get0_notBefore(pointer)), end = OpenSSL.date(of: X509_get0_notAfter(pointer))
        ERR_clear_error()
        notBefore = start ?? Date(timeIntervalSince1970: 0)
        notAfter = end ?? Date(timeIntervalSince1970: 0)
        timesAreReadable = start != nil && end != nil
        var serial = ""
        if let bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(pointer), nil) {
            if let hex = BN_bn2hex(bn) { serial = String(cString: hex); cms_openssl_free(hex) }
            BN_free(bn)
        }
        serialHex = serial
        extensions = ExtensionSummary { nid in X509_get_ext_d2i(pointer, nid, nil, nil) }
    }

    deinit { X509_free(pointer) }

    /// Reads a DER certificate.
    public convenience init(der: Data) throws {
        ERR_clear_error()
        let pointer = der.withUnsafeBytes { raw -> OpaquePointer? in
            var p: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
            return d2i_X509(nil, &p, raw.count)
        }
        guard let pointer else { throw OpenSSL.failure("not a DER certificate") }
        try self.init(owning: pointer)
    }

    /// Reads the first certificate of a PEM text.
    public convenience init(pem: Data) throws {
        ERR_clear_error()
        let pointer = try OpenSSL.withReadBIO(pem) { PEM_read_bio_X509($0, nil, nil, nil) }
        guard let pointer else { throw OpenSSL.failure("not a PEM certificate") }
        try self.init(owning: pointer)
    }

    /// The certificate as one PEM block with LF line ends and one trailing newline.
    public var pem: String {
        let body = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE-----\n\(body)\n-----END CERTIFICATE-----\n"
    }

    public var subjectAltNames: [SubjectAltName] { extensions.subjectAltNames }

    /// True when basicConstraints says CA:TRUE.
    public var isCA: Bool { extensions.isCA == true }

    /// "RSA 2048", "ECDSA P-256", ...
    public var publicKeyDescription: String {
        guard let key = X509_get0_pubkey(pointer) else { return "unreadable public key" }
        return PrivateKey.describe(key)
    }

    /// The public key as DER SubjectPublicKeyInfo.
    public var publicKeyDER: Data {
        guard let key = X509_get0_pubkey(pointer) else { return Data() }
        return PrivateKey.publicKeyDER(of: key)
    }

    /// "sha256WithRSAEncryption", "ecdsa-with-SHA256", ...
    public var signatureAlgorithm: String {
        let nid = X509_get_signature_nid(pointer)
        guard let name = OBJ_nid2ln(nid) else { return "unknown" }
        return String(cString: name)
    }

    /// The SHA-256 fingerprint, "AB:CD:...", as `openssl x509 -fingerprint -sha256` prints it.
    public var sha256Fingerprint: String { OpenSSL.hex(OpenSSL.sha256(der)) }

    /// Is `candidate` this certificate's issuer by name (and key identifier, where both
    /// carry one)? The signature is checked apart, by `isSigned(by:)`.
    public func isIssued(by candidate: Certificate) -> Bool {
        let result = X509_check_issued(candidate.pointer, pointer)
        // A key-usage complaint still means the names and key identifiers match.
        return result == X509_V_OK || result == X509_V_ERR_KEYUSAGE_NO_CERTSIGN
    }

    /// Does `issuer`'s public key verify this certificate's signature?
    public func isSigned(by issuer: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        let ok = X509_verify(pointer, key) == 1
        ERR_clear_error()
        return ok
    }

    /// Issued by itself and signed with its own key.
    public var isSelfSigned: Bool { isIssued(by: self) && isSigned(by: self) }

    /// Whole days from `now` until notAfter (negative once expired).
    public func daysLeft(at now: Date = Date()) -> Int {
        Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// Past notAfter; false when the times cannot be read (that is unknown, not expired).
    public func isExpired(at now: Date = Date()) -> Bool { timesAreReadable && now > notAfter }
    /// Before notBefore; false when the times cannot be read.
    public func isNotYetValid(at now: Date = Date()) -> Bool { timesAreReadable && now < notBefore }

    /// notAfter as people read it ("2027-01-05 18:12 UTC"), or "an unreadable date".
    public var notAfterText: String { timesAreReadable ? PKIFormat.date(notAfter) : Certificate.unreadableDate }
    /// notBefore likewise.
    public var notBeforeText: String { timesAreReadable ? PKIFormat.date(notBefore) : Certificate.unreadableDate }
    /// What is shown in place of a date that cannot be read.
    public static let unreadableDate = "unknown (the date cannot be read)"

    /// "CN=cms1.example.com" or the whole subject when there is no CN.
    public var displayName: String { subject.commonName.map { "CN=" + DistinguishedName.escape($0) } ?? subject.description }

    public var description: String { displayName }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }
}
