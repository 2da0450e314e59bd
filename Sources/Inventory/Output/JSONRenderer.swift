import Foundation

/// A JSON array, one object per row, streamed: nothing is held between batches.
public struct JSONRenderer: RowRenderer {
    private var first = true

    public init() {}

    public mutating func begin() -> String { "[" }

    public mutating func add(_ rows: [CertificateRow]) -> String {
        var out = ""
        out.reserveCapacity(rows.count * 700)
        for row in rows {
            out += first ? "\n" : ",\n"
            first = false
            out += Self.object(row)
        }
        return out
    }

    public mutating func finish() -> String { first ? "]\n" : "\n]\n" }

    /// One row as a JSON object on one line.
    public static func object(_ row: CertificateRow) -> String {
        var out = "{\"source\":\"\(row.source.rawValue)\""
        out += ",\"node\":" + Text.json(row.node)
        out += ",\"service\":" + Text.json(row.service)
        out += ",\"file\":" + Text.json(row.file)
        out += ",\"member\":" + (row.member.map(String.init) ?? "null")
        out += ",\"commonName\":" + Text.json(row.commonName)
        out += ",\"subject\":" + Text.json(row.subject?.description)
        out += ",\"subjectAltNames\":[" + row.subjectAltNames.map { Text.json($0) }.joined(separator: ",") + "]"
        out += ",\"issuer\":" + Text.json(row.issuer?.description)
        out += ",\"issuerCommonName\":" + Text.json(row.issuer?.commonName)
        out += ",\"serial\":" + Text.json(row.serialHex)
        out += ",\"sha256\":" + Text.json(row.sha256Fingerprint)
        out += ",\"notBefore\":" + Text.json(row.notBefore.map(Text.iso))
        out += ",\"notAfter\":" + Text.json(row.notAfter.map(Text.iso))
        out += ",\"daysLeft\":" + (row.daysLeft.map(String.init) ?? "null")
        out += ",\"position\":" + Text.json(row.position?.rawValue)
        out += ",\"status\":" + Text.json(row.status.rawValue)
        out += ",\"reason\":" + Text.json(row.reason)
        out += ",\"problems\":[" + row.problems.map { Text.json($0) }.joined(separator: ",") + "]}"
        return out
    }
}

/// RFC 4180 CSV with a header line, streamed.
public struct CSVRenderer: RowRenderer {
    public static let header = ["status", "days_left", "not_after", "not_before", "common_name", "subject_alt_names", "issuer",
                                "position", "source", "node", "service", "file", "member", "serial", "sha256", "reason", "problems"]

    public init() {}

    public mutating func begin() -> String { Self.header.joined(separator: ",") + "\r\n" }

    public mutating func add(_ rows: [CertificateRow]) -> String {
        var out = ""
        for row in rows {
            let fields: [String] = [
                row.status.rawValue, row.daysLeft.map(String.init) ?? "", row.notAfter.map(Text.iso) ?? "",
                row.notBefore.map(Text.iso) ?? "", row.commonName ?? "", row.subjectAltNames.joined(separator: " "),
                row.issuerName ?? "", row.position?.rawValue ?? "", row.source.rawValue, row.node ?? "", row.service ?? "",
                row.file, row.member.map(String.init) ?? "", row.serialHex ?? "", row.sha256Fingerprint ?? "",
                row.reason ?? "", row.problems.joined(separator: " | "),
            ]
            out += fields.map(Self.quote).joined(separator: ",") + "\r\n"
        }
        return out
    }

    public mutating func finish() -> String { "" }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
