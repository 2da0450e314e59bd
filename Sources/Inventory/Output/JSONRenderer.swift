import Foundation

/// A JSON array, one object per row, streamed: nothing is held between batches.
public struct JSONRenderer: RowRenderer {
    private var first = true

    public init() {}

    public mutating func begin(to output: inout some TextOutputStream) { output.write("[") }

    public mutating func add(_ rows: [CertificateRow], to output: inout some TextOutputStream) {
        for row in rows {
            output.write(first ? "\n" : ",\n")
            first = false
            output.write(Self.object(row))
        }
    }

    public mutating func finish(to output: inout some TextOutputStream) { output.write(first ? "]\n" : "\n]\n") }

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
