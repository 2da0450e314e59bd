import Foundation

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

    static let fields = ["C", "ST", "L", "O", "OU", "CN"]

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
        let path = row.location
        let name = path.split(separator: "/").last.map(String.init) ?? path
        // A file that cannot be read, or a certificate whose dates cannot be: an error
        // to monitoring, never a made-up date.
        if row.status == .unreadable || row.status == .unknown {
            return .error("filename=\(Self.quote(name)),filepath=\(Self.quote(path))")
        }
        guard let notBefore = row.notBefore, let notAfter = row.notAfter else { return nil }
        var labels = "serial_number=\(Self.quote(Text.decimal(fromHex: row.serialHex ?? "0")))"
        for field in Self.fields { labels += ",subject_\(field)=\(Self.quote(row.subject?[field] ?? ""))" }
        for field in Self.fields { labels += ",issuer_\(field)=\(Self.quote(row.issuer?[field] ?? ""))" }
        labels += ",filename=\(Self.quote(name)),filepath=\(Self.quote(path))"
        return .series(labels: labels, notBefore: Int64(notBefore.timeIntervalSince1970),
                       notAfter: Int64(notAfter.timeIntervalSince1970), expired: row.status == .expired)
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
        var out = "\""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
