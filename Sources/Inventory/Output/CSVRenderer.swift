import Foundation

/// RFC 4180 CSV with a header line, streamed.
public struct CSVRenderer: RowRenderer {
    public static let header = ["status", "days_left", "not_after", "not_before", "common_name", "subject_alt_names", "issuer",
                                "position", "source", "node", "service", "file", "member", "serial", "sha256", "reason", "problems"]

    public init() {}

    public mutating func begin(to output: inout some TextOutputStream) { output.write(Self.header.joined(separator: ",") + "\r\n") }

    public mutating func add(_ rows: [CertificateRow], to output: inout some TextOutputStream) {
        for row in rows { output.write(Self.line(row)) }
    }

    /// One row as a CSV line, CRLF included.
    static func line(_ row: CertificateRow) -> String {
        var out: [UInt8] = []
        append(row, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// One row's line appended to `out`.
    static func append(_ row: CertificateRow, to out: inout [UInt8]) {
        var first = true
        func field(_ text: String) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            var text = text
            text.withUTF8 { bytes in
                guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
                    return out.append(contentsOf: bytes)
                }
                out.append(UInt8(ascii: "\""))
                for byte in bytes {
                    if byte == 0x22 { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            }
        }
        func number(_ value: Int?) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if let value { Text.append(value, to: &out) }
        }
        func date(_ value: Date?) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if let value { Text.appendISO(value, to: &out) }
        }
        field(row.status.rawValue)
        number(row.daysLeft)
        date(row.notAfter)
        date(row.notBefore)
        field(row.commonName ?? "")
        field(row.subjectAltNames.joined(separator: " "))
        field(row.issuerName ?? "")
        field(row.position?.rawValue ?? "")
        field(row.source.rawValue)
        field(row.node ?? "")
        field(row.service ?? "")
        field(row.file)
        number(row.member)
        field(row.serialHex ?? "")
        field(row.sha256Fingerprint ?? "")
        field(row.reason ?? "")
        field(row.problems.joined(separator: " | "))
        out.append(contentsOf: "\r\n".utf8)
    }

    public mutating func finish(to output: inout some TextOutputStream) {}
}
