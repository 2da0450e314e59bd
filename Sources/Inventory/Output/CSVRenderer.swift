import Foundation

/// RFC 4180 CSV with a header line, streamed.
public struct CSVRenderer: RowRenderer {
    public static let header = ["status", "days_left", "not_after", "not_before", "common_name", "subject_alt_names", "issuer",
                                "position", "source", "node", "service", "file", "member", "serial", "sha256", "reason", "problems"]

    public init() {}

    public mutating func begin(to output: inout some TextOutputStream) { output.write(Self.header.joined(separator: ",") + "\r\n") }

    public mutating func add(_ rows: [CertificateRow], to output: inout some TextOutputStream) {
        for row in rows {
            let fields: [String] = [
                row.status.rawValue, row.daysLeft.map(String.init) ?? "", row.notAfter.map(Text.iso) ?? "",
                row.notBefore.map(Text.iso) ?? "", row.commonName ?? "", row.subjectAltNames.joined(separator: " "),
                row.issuerName ?? "", row.position?.rawValue ?? "", row.source.rawValue, row.node ?? "", row.service ?? "",
                row.file, row.member.map(String.init) ?? "", row.serialHex ?? "", row.sha256Fingerprint ?? "",
                row.reason ?? "", row.problems.joined(separator: " | "),
            ]
            output.write(fields.map(Self.quote).joined(separator: ",") + "\r\n")
        }
    }

    public mutating func finish(to output: inout some TextOutputStream) {}

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
