import Foundation
import PKI

/// The Prometheus text format with x509-certificate-exporter's names: per certificate
/// `x509_cert_not_after`, `x509_cert_not_before` (Unix seconds) and `x509_cert_expired`
/// (0 or 1), labelled `serial_number` (decimal), `subject_C/ST/L/O/OU/CN`,
/// `issuer_C/ST/L/O/OU/CN`, `filename` and `filepath`; per unreadable file (or
/// certificate whose dates cannot be read)
/// `x509_cert_error` 1; and `x509_read_errors`, their count. Node files are
/// `node:file`, endpoints `host:port`. Write it to node_exporter's textfile folder
/// (atomically: write a temporary file, then rename it to *.prom).
///
/// A metric family must be written in one piece, so this renderer keeps one short label
/// string per certificate until `finish`; a series seen twice (the same certificate in
/// the same file) is written once.
public struct PrometheusRenderer: RowRenderer {
    private var series: [(labels: String, notBefore: Int64, notAfter: Int64, expired: Bool)] = []
    private var errors: [String] = []
    private var seen: Set<String> = []

    public init() {}

    public mutating func begin(to output: inout some TextOutputStream) {}

    public mutating func add(_ rows: [CertificateRow], to output: inout some TextOutputStream) {
        for row in rows {
            switch Self.entry(row) {
            case .error(let labels)?:
                errors.append(labels)
            case let .series(labels, notBefore, notAfter, expired)?:
                guard seen.insert(labels).inserted else { continue }
                series.append((labels, notBefore, notAfter, expired))
            case nil:
                continue
            }
        }
    }

    /// What one row gives: an error (its labels), a series, or nothing.
    enum Entry {
        case error(String)
        case series(labels: String, notBefore: Int64, notAfter: Int64, expired: Bool)
    }

    static func entry(_ row: CertificateRow) -> Entry? {
        var labels: [UInt8] = []
        switch appendEntry(row, to: &labels) {
        case .error?: return .error(String(decoding: labels, as: UTF8.self))
        case let .series(notBefore, notAfter, expired)?:
            return .series(labels: String(decoding: labels, as: UTF8.self), notBefore: notBefore, notAfter: notAfter, expired: expired)
        case nil: return nil
        }
    }

    static let fields = ["C", "ST", "L", "O", "OU", "CN"]
    static let subjectKeys = fields.map { "subject_\($0)=" }
    static let issuerKeys = fields.map { "issuer_\($0)=" }

    /// What `appendEntry` wrote the labels of.
    enum Kind {
        case error
        case series(notBefore: Int64, notAfter: Int64, expired: Bool)
    }

    /// Appends a row's labels to `out` (nothing when it gives no metric), and says what they are for.
    static func appendEntry(_ row: CertificateRow, to out: inout [UInt8]) -> Kind? {
        let path = row.location
        let name = fileName(path)
        func label(_ key: String, _ value: String) {
            if !out.isEmpty { out.append(UInt8(ascii: ",")) }
            Text.append(key, to: &out)
            appendQuoted(value, to: &out)
        }
        // A file that cannot be read, or a certificate whose dates cannot be: an error
        // to monitoring, never a made-up date.
        if row.status == .unreadable || row.status == .unknown {
            label("filename=", name)
            label("filepath=", path)
            return .error
        }
        guard let notBefore = row.notBefore, let notAfter = row.notAfter else { return nil }
        if !out.isEmpty { out.append(UInt8(ascii: ",")) }
        Text.append("serial_number=\"", to: &out)
        Text.appendDecimal(fromHex: row.serialHex ?? "0", to: &out)
        out.append(UInt8(ascii: "\""))
        appendFields(of: row.subject, keys: subjectKeys, to: &out)
        appendFields(of: row.issuer, keys: issuerKeys, to: &out)
        label("filename=", name)
        label("filepath=", path)
        return .series(notBefore: Int64(notBefore.timeIntervalSince1970), notAfter: Int64(notAfter.timeIntervalSince1970),
                       expired: row.status == .expired)
    }

    /// The six name labels (C, ST, L, O, OU, CN in that order), each the first value of
    /// its attribute in the name (as `name[field]`) or empty: one pass over the name.
    static func appendFields(of name: DistinguishedName?, keys: [String], to out: inout [UInt8]) {
        var first = (-1, -1, -1, -1, -1, -1)
        if let attributes = name?.attributes {
            for index in attributes.indices.reversed() {
                switch attributes[index].name {
                case "C": first.0 = index
                case "ST": first.1 = index
                case "L": first.2 = index
                case "O": first.3 = index
                case "OU": first.4 = index
                case "CN": first.5 = index
                default: continue
                }
            }
        }
        withUnsafeBytes(of: first) { raw in
            for (slot, index) in raw.bindMemory(to: Int.self).enumerated() {
                out.append(UInt8(ascii: ","))
                Text.append(keys[slot], to: &out)
                appendQuoted(index >= 0 ? name!.attributes[index].value : "", to: &out)
            }
        }
    }

    /// The path's last component (`path.split(separator: "/").last`), the path when it has
    /// none; an ASCII path is cut at its bytes (each a Character there).
    static func fileName(_ path: String) -> String {
        var path = path
        let cut: String?? = path.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return .none }
            var end = bytes.count
            while end > 0 && bytes[end - 1] == 0x2F { end -= 1 }
            guard end > 0 else { return .some(nil) }
            var start = end
            while start > 0 && bytes[start - 1] != 0x2F { start -= 1 }
            return .some(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        }
        switch cut {
        case .some(let name?): return name
        case .some(nil): return path
        case .none: return path.split(separator: "/").last.map(String.init) ?? path
        }
    }

    /// A label value in double quotes, with the format's three escapes, as bytes.
    static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return out.append(contentsOf: bytes) }
            for byte in bytes {
                switch byte {
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static let notAfterHead = "# HELP x509_cert_not_after The timestamp after which the certificate is no longer valid\n# TYPE x509_cert_not_after gauge\n"
    static let notBeforeHead = "# HELP x509_cert_not_before The timestamp before which the certificate is not yet valid\n# TYPE x509_cert_not_before gauge\n"
    static let expiredHead = "# HELP x509_cert_expired Whether the certificate has expired (1) or not (0)\n# TYPE x509_cert_expired gauge\n"
    static let errorHead = "# HELP x509_cert_error Whether a file that should hold certificates could not be read\n# TYPE x509_cert_error gauge\n"
    static func readErrors(_ count: Int) -> String {
        "# HELP x509_read_errors The number of files that could not be read\n# TYPE x509_read_errors gauge\nx509_read_errors \(count)\n"
    }

    public mutating func finish(to out: inout some TextOutputStream) {
        out.write(Self.notAfterHead)
        for s in series { out.write("x509_cert_not_after{\(s.labels)} \(s.notAfter)\n") }
        out.write(Self.notBeforeHead)
        for s in series { out.write("x509_cert_not_before{\(s.labels)} \(s.notBefore)\n") }
        out.write(Self.expiredHead)
        for s in series { out.write("x509_cert_expired{\(s.labels)} \(s.expired ? 1 : 0)\n") }
        if !errors.isEmpty {
            out.write(Self.errorHead)
            for e in errors { out.write("x509_cert_error{\(e)} 1\n") }
        }
        out.write(Self.readErrors(errors.count))
    }

    /// A label value in double quotes, with the format's three escapes.
    static func quote(_ value: String) -> String {
        var out: [UInt8] = []
        appendQuoted(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
