import COpenSSL
import Foundation

/// The key types cmscerts makes. RSA 2048 is the default, as CMS's own `pki csr`.
public enum KeyType: String, CaseIterable, Sendable, Codable {
    case rsa2048, rsa3072, rsa4096, p256, p384

    public static let `default` = KeyType.rsa2048

    /// "RSA 2048", "ECDSA P-256".
    public var displayName: String {
        switch self {
        case .rsa2048: return "RSA 2048"
        case .rsa3072: return "RSA 3072"
        case .rsa4096: return "RSA 4096"
        case .p256: return "ECDSA P-256"
        case .p384: return "ECDSA P-384"
        }
    }

    /// Reads a key type as the command line and the deployment file write it (`rsa2048`, `p256`, ...).
    public static func parse(_ text: String) throws -> KeyType {
        guard let type = KeyType(rawValue: text.lowercased()) else {
            throw PKIError.input("unknown key type '\(text)': use one of \(allCases.map(\.rawValue).joined(separator: ", "))", field: "key")
        }
        return type
    }

    var isRSA: Bool { self == .rsa2048 || self == .rsa3072 || self == .rsa4096 }
}

/// A private key held by OpenSSL (an EVP_PKEY), freed with the value.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    /// Makes a new key of the given type.
    public static func generate(_ type: KeyType = .default) throws -> PrivateKey {
        let id = type.isRSA ? EVP_PKEY_RSA : EVP_PKEY_EC
        guard let ctx = EVP_PKEY_CTX_new_id(id, nil) else { throw OpenSSL.failure("could not start key generation") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw OpenSSL.failure("could not start key generation") }
        switch type {
        case .rsa2048: guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) == 1 else { throw OpenSSL.failure("bad RSA size") }
        case .rsa3072: guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 3072) == 1 else { throw OpenSSL.failure("bad RSA size") }
        case .rsa4096: guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 4096) == 1 else { throw OpenSSL.failure("bad RSA size") }
        case .p256:
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1,
                  EVP_PKEY_CTX_set_ec_param_enc(ctx, OPENSSL_EC_NAMED_CURVE) == 1 else { throw OpenSSL.failure("bad curve") }
        case .p384:
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_secp384r1) == 1,
                  EVP_PKEY_CTX_set_ec_param_enc(ctx, OPENSSL_EC_NAMED_CURVE) == 1 else { throw OpenSSL.failure("bad curve") }
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen(ctx, &key) == 1, let key else { throw OpenSSL.failure("key generation failed") }
        return PrivateKey(owning: key)
    }

    /// Reads one PEM private key: PKCS#1 (`RSA PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`),
    /// PKCS#8 (`PRIVATE KEY`), or encrypted (`ENCRYPTED PRIVATE KEY`, or a legacy
    /// `Proc-Type: 4,ENCRYPTED` header) with `passphrase`.
    public convenience init(pem: Data, passphrase: String? = nil, source: String = "the key") throws {
        let text = String(decoding: pem, as: UTF8.self)
        let encrypted = text.contains("ENCRYPTED")
        if encrypted && passphrase == nil {
            throw PKIError.input("\(source) is an encrypted private key: give its passphrase (--passphrase-file FILE, or the CMSCERTS_PASSPHRASE variable)", field: source)
        }
        ERR_clear_error()
        let key: OpaquePointer? = try OpenSSL.withReadBIO(pem) { bio in
            if let passphrase {
                return passphrase.withCString { cms_read_private_key(bio, $0) }
            }
            return cms_read_private_key(bio, nil)
        }
        guard let key else {
            if encrypted {
                _ = OpenSSL.drainErrors()
                throw PKIError.input("wrong passphrase for \(source) (or the key is damaged): check the passphrase", field: source)
            }
            throw OpenSSL.failure("\(source) is not a readable private key: the PEM block does not decode; fetch or export the key again", field: source)
        }
        self.init(owning: key)
    }

    /// Reads a DER private key: PKCS#8 (encrypted or not), then PKCS#1 RSA and SEC1 EC.
    public convenience init(der: Data, passphrase: String? = nil, source: String = "the key") throws {
        ERR_clear_error()
        var key: OpaquePointer? = try OpenSSL.withReadBIO(der) { bio in
            if let passphrase { return passphrase.withCString { cms_read_der_private_key(bio, $0) } }
            return cms_read_der_private_key(bio, nil)
        }
        if key == nil {
            key = der.withUnsafeBytes { raw -> OpaquePointer? in
                var p: UnsafePointer<UInt8>? = raw.bindMemory(to: UInt8.self).baseAddress
                return d2i_AutoPrivateKey(nil, &p, raw.count)
            }
        }
        guard let key else { throw OpenSSL.failure("\(source) is not a DER private key", field: source) }
        _ = OpenSSL.drainErrors()
        self.init(owning: key)
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    public func pemData() throws -> Data {
        try OpenSSL.writeBIO { bio in
            PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil) == 1
        }
    }

    /// The key as AES-256 encrypted PKCS#8 PEM.
    public func encryptedPEMData(passphrase: String) throws -> Data {
        try OpenSSL.writeBIO { bio in
            passphrase.withCString { cms_write_pkcs8_encrypted(bio, pointer, $0) == 1 }
        }
    }

    /// The public half as DER SubjectPublicKeyInfo: what a certificate or CSR must carry.
    public func publicKeyDER() -> Data { Self.publicKeyDER(of: pointer) }

    /// "RSA 2048", "ECDSA P-256", ...
    public var algorithmDescription: String { Self.describe(pointer) }

    /// The key's size in bits.
    public var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }

    /// Does this key belong to `publicKey` (a certificate's or CSR's)?
    func matches(publicKey: OpaquePointer) -> Bool { EVP_PKEY_eq(pointer, publicKey) == 1 }

    static func publicKeyDER(of key: OpaquePointer) -> Data {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_PUBKEY(key, &out)
        guard length > 0, let out else { return Data() }
        defer { cms_openssl_free(out) }
        return Data(bytes: out, count: Int(length))
    }

    /// Names a key (public or private) as a person would: "RSA 2048", "ECDSA P-384".
    static func describe(_ key: OpaquePointer) -> String {
        let bits = Int(EVP_PKEY_get_bits(key))
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS: return "RSA \(bits)"
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            if EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 {
                switch String(cString: name) {
                case "prime256v1", "P-256": return "ECDSA P-256"
                case "secp384r1", "P-384": return "ECDSA P-384"
                case "secp521r1", "P-521": return "ECDSA P-521"
                case let other: return "ECDSA \(other)"
                }
            }
            return "ECDSA \(bits)"
        case EVP_PKEY_ED25519: return "Ed25519"
        case EVP_PKEY_ED448: return "Ed448"
        case EVP_PKEY_DSA: return "DSA \(bits)"
        default: return "unknown key type (\(bits) bits)"
        }
    }
}
