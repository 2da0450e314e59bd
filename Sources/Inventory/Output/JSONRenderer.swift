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
        var out: [UInt8] = []
        var scratch: [UInt8] = []
        append(row, to: &out, scratch: &scratch)
        return String(decoding: out, as: UTF8.self)
    }

    /// One row's object appended to `out` (`scratch` is reused between rows).
    static func append(_ row: CertificateRow, to out: inout [UInt8], scratch: inout [UInt8]) {
        func key(_ text: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }
        func number(_ value: Int?) {
            if let value { Text.append(value, to: &out) } else { key("null") }
        }
        func date(_ value: Date?) {
            guard let value else { return key("null") }
            out.append(UInt8(ascii: "\""))
            Text.appendISO(value, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        func list(_ values: [String]) {
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Text.appendJSON(value, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        key("{\"source\":\"")
        Text.append(row.source.rawValue, to: &out)
        key("\",\"node\":")
        Text.appendJSON(row.node, to: &out)
        key(",\"service\":")
        Text.appendJSON(row.service, to: &out)
        key(",\"file\":")
        Text.appendJSON(row.file, to: &out)
        key(",\"member\":")
        number(row.member)
        key(",\"commonName\":")
        Text.appendJSON(row.commonName, to: &out)
        key(",\"subject\":")
        Text.appendJSON(row.subject, to: &out, scratch: &scratch)
        key(",\"subjectAltNames\":")
        list(row.subjectAltNames)
        key(",\"issuer\":")
        Text.appendJSON(row.issuer, to: &out, scratch: &scratch)
        key(",\"issuerCommonName\":")
        Text.appendJSON(row.issuer?.commonName, to: &out)
        key(",\"serial\":")
        Text.appendJSON(row.serialHex, to: &out)
        key(",\"sha256\":")
        Text.appendJSON(row.sha256Fingerprint, to: &out)
        key(",\"notBefore\":")
        date(row.notBefore)
        key(",\"notAfter\":")
        date(row.notAfter)
        key(",\"daysLeft\":")
        number(row.daysLeft)
        key(",\"position\":")
        Text.appendJSON(row.position?.rawValue, to: &out)
        key(",\"status\":")
        Text.appendJSON(row.status.rawValue, to: &out)
        key(",\"reason\":")
        Text.appendJSON(row.reason, to: &out)
        key(",\"problems\":")
        list(row.problems)
        key("}")
    }
}
