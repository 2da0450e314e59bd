import COpenSSL
import Foundation

/// Small helpers over OpenSSL's error queue and memory BIOs, used by every wrapper here.
enum OpenSSL {
    /// Drains OpenSSL's error queue into one line (empty when there was nothing queued).
    static func drainErrors() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                let text = String(cString: reason)
                if !reasons.contains(text) { reasons.append(text) }
            }
        }
        return reasons.joined(separator: "; ")
    }

    /// Throws a bad-input error built from `message` and whatever OpenSSL queued.
    static func failure(_ message: String, field: String? = nil) -> PKIError {
        let detail = drainErrors()
        return PKIError.input(detail.isEmpty ? message : "\(message) (OpenSSL: \(detail))", field: field)
    }

    /// Runs `body` with a read-only memory BIO over `data`.
    static func withReadBIO<T>(_ data: Data, _ body: (OpaquePointer) throws -> T) throws -> T {
        try data.withUnsafeBytes { raw -> T in
            // BIO_new_mem_buf does not copy: the bytes must outlive the BIO, which they do here.
            guard let bio = BIO_new_mem_buf(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count)) else {
                throw failure("could not allocate a memory buffer")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `body` with a writable memory BIO and returns what it wrote.
    static func writeBIO(_ body: (OpaquePointer) throws -> Bool) throws -> Data {
        guard let bio = BIO_new(BIO_s_mem()) else { throw failure("could not allocate a memory buffer") }
        defer { BIO_free(bio) }
        guard try body(bio) else { throw failure("OpenSSL could not write the data") }
        var pointer: UnsafeMutablePointer<CChar>? = nil
        let length = cms_bio_mem_data(bio, &pointer)
        guard let pointer, length > 0 else { return Data() }
        return Data(bytes: pointer, count: length)
    }

    /// The bytes of an ASN1_STRING (octet string, IA5 string, bit string).
    static func bytes(of string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
        let length = Int(ASN1_STRING_length(string))
        return Array(UnsafeBufferPointer(start: data, count: length))
    }

    /// An ASN1_STRING as UTF-8 text.
    static func text(of string: UnsafePointer<ASN1_STRING>?) -> String {
        guard let string else { return "" }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&out, string)
        guard length >= 0, let out else { return String(decoding: bytes(of: string), as: UTF8.self) }
        defer { cms_openssl_free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
    }

    /// An ASN1_TIME as a Date.
    static func date(of time: UnsafePointer<ASN1_TIME>?) -> Date? {
        var seconds: Int64 = 0
        guard cms_asn1_time_to_unix(time, &seconds) == 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Bytes as upper-case hex pairs joined by `separator` ("AB:CD:...").
    static func hex(_ bytes: [UInt8], separator: String = ":") -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: separator)
    }

    /// The SHA-256 digest of some bytes.
    static func sha256(_ data: Data) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBytes { raw in
            _ = SHA256(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &digest)
        }
        return digest
    }

    /// A short name of an object identifier ("serverAuth") or its dotted form.
    static func shortName(of object: OpaquePointer?) -> String {
        let nid = OBJ_obj2nid(object)
        if nid != NID_undef, let sn = OBJ_nid2sn(nid) { return String(cString: sn) }
        var buffer = [CChar](repeating: 0, count: 128)
        OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        return String(cString: buffer)
    }
}
