import COpenSSL
import Foundation

/// The extensions cmscerts reads from a certificate or a CSR, decoded.
public struct ExtensionSummary: Hashable, Sendable, Codable {
    public var subjectAltNames: [SubjectAltName] = []
    /// keyUsage bits by name (`digitalSignature`, `keyEncipherment`, `keyCertSign`, ...); nil when absent.
    public var keyUsage: [String]? = nil
    /// extendedKeyUsage purposes by short name (`serverAuth`, `clientAuth`); nil when absent.
    public var extendedKeyUsage: [String]? = nil
    /// basicConstraints: CA or not, nil when absent.
    public var isCA: Bool? = nil
    public var pathLength: Int? = nil
    public var subjectKeyIdentifier: String? = nil
    public var authorityKeyIdentifier: String? = nil
    /// Authority Information Access caIssuers: where the issuer's certificate can be
    /// fetched (RFC 5280 4.2.2.1); nil when absent.
    public var caIssuers: [String]? = nil

    static let keyUsageNames = ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
                                "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"]

    /// Decodes through `d2i`, a function that returns OpenSSL's decoded value of one
    /// extension by NID (X509_get_ext_d2i for certificates, X509V3_get_d2i for CSRs).
    init(_ d2i: (Int32) -> UnsafeMutableRawPointer?) {
        if let raw = d2i(NID_subject_alt_name) {
            let names = OpaquePointer(raw)
            subjectAltNames = Self.decodeNames(names)
            GENERAL_NAMES_free(names)
        }
        if let raw = d2i(NID_key_usage) {
            let bits = raw.assumingMemoryBound(to: ASN1_BIT_STRING.self)
            keyUsage = Self.keyUsageNames.enumerated().compactMap { index, name in
                ASN1_BIT_STRING_get_bit(bits, Int32(index)) == 1 ? name : nil
            }
            ASN1_BIT_STRING_free(bits)
        }
        if let raw = d2i(NID_ext_key_usage) {
            let stack = OpaquePointer(raw)
            var purposes: [String] = []
            for i in 0..<cms_sk_ASN1_OBJECT_num(stack) {
                purposes.append(OpenSSL.shortName(of: cms_sk_ASN1_OBJECT_value(stack, i)))
            }
            extendedKeyUsage = purposes
            EXTENDED_KEY_USAGE_free(stack)
        }
        if let raw = d2i(NID_basic_constraints) {
            let bc = raw.assumingMemoryBound(to: BASIC_CONSTRAINTS.self)
            isCA = bc.pointee.ca != 0
            if let pathlen = bc.pointee.pathlen { pathLength = Int(ASN1_INTEGER_get(pathlen)) }
            BASIC_CONSTRAINTS_free(bc)
        }
        if let raw = d2i(NID_subject_key_identifier) {
            let octets = raw.assumingMemoryBound(to: ASN1_OCTET_STRING.self)
            subjectKeyIdentifier = OpenSSL.hex(OpenSSL.bytes(of: octets))
            ASN1_OCTET_STRING_free(octets)
        }
        if let raw = d2i(NID_authority_key_identifier) {
            let akid = raw.assumingMemoryBound(to: AUTHORITY_KEYID.self)
            if let keyid = akid.pointee.keyid { authorityKeyIdentifier = OpenSSL.hex(OpenSSL.bytes(of: keyid)) }
            AUTHORITY_KEYID_free(akid)
        }
        if let raw = d2i(NID_info_access) {
            let aia = OpaquePointer(raw)
            var uris: [String] = []
            for i in 0..<cms_aia_count(aia) {
                if let uri = cms_aia_ca_issuers_uri(aia, i) { uris.append(OpenSSL.text(of: uri)) }
            }
            if !uris.isEmpty { caIssuers = uris }
            AUTHORITY_INFO_ACCESS_free(aia)
        }
        _ = OpenSSL.drainErrors()
    }

    static func decodeNames(_ names: OpaquePointer) -> [SubjectAltName] {
        var out: [SubjectAltName] = []
        for i in 0..<cms_sk_GENERAL_NAME_num(names) {
            guard let name = cms_sk_GENERAL_NAME_value(names, i) else { continue }
            let type = cms_general_name_type(name)
            let value = cms_general_name_ia5(name)
            switch type {
            case GEN_DNS: out.append(.dns(OpenSSL.text(of: value)))
            case GEN_EMAIL: out.append(.email(OpenSSL.text(of: value)))
            case GEN_URI: out.append(.other("URI:" + OpenSSL.text(of: value)))
            case GEN_IPADD: out.append(.ip(formatIP(OpenSSL.bytes(of: value))))
            case GEN_DIRNAME: out.append(.other("DirName"))
            default: out.append(.other("othername"))
            }
        }
        return out
    }

    static func formatIP(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return "invalid address (\(bytes.count) bytes)"
        }
        _ = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(cString: buffer)
    }
}
