import Foundation
import PKI

/// The output formats of `cmscerts expiry`.
public enum ExpiryFormat: String, CaseIterable, Sendable, Codable {
    /// A table for people, sorted by days left, coloured on a terminal.
    case table
    /// A JSON array of row objects, streamed in walking order.
    case json
    /// RFC 4180 CSV with a header line, streamed in walking order.
    case csv
    /// The Prometheus text format with x509-certificate-exporter's metric and label names,
    /// for node_exporter's textfile collector.
    case prometheus

    /// A renderer for this format. `color` and `width` are for the table only (ANSI
    /// colours, the terminal's columns).
    public func makeRenderer(color: Bool = false, now: Date = Date(), width: Int? = nil) -> any RowRenderer {
        switch self {
        case .table: return TableRenderer(color: color, now: now, width: width)
        case .json: return JSONRenderer()
        case .csv: return CSVRenderer()
        case .prometheus: return PrometheusRenderer()
        }
    }
}

/// Turns rows into text a batch at a time, so that formats that can stream do: `begin`,
/// then `add` for each batch, then `finish`, each writing to `output` (a buffered
/// standard output, or a String).
public protocol RowRenderer {
    mutating func begin(to output: inout some TextOutputStream)
    mutating func add(_ rows: [CertificateRow], to output: inout some TextOutputStream)
    mutating func finish(to output: inout some TextOutputStream)
}

extension RowRenderer {
    /// The whole text of some batches of rows at once (tests, small lists).
    public mutating func render(_ batches: [[CertificateRow]]) -> String {
        var text = ""
        begin(to: &text)
        for batch in batches { add(batch, to: &text) }
        finish(to: &text)
        return text
    }
}

/// Fast, allocation-light text helpers shared by the renderers.
enum Text {
    /// "2027-11-29T10:04:05Z".
    static func iso(_ date: Date) -> String {
        let (y, m, d, hh, mm, ss) = civil(date)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2))Z"
    }

    /// "2027-11-29".
    static func day(_ date: Date) -> String {
        let (y, m, d, _, _, _) = civil(date)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Year, month, day, hour, minute, second in UTC (Howard Hinnant's civil_from_days).
    static func civil(_ date: Date) -> (Int, Int, Int, Int, Int, Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d, rest / 3600, rest % 3600 / 60, rest % 60)
    }

    /// A JSON string literal.
    static func json(_ text: String) -> String {
        // Almost every value needs no escape: copy it whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + pad16(Int(scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func json(_ text: String?) -> String { text.map { json($0) } ?? "null" }

    static func pad16(_ value: Int) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Upper-case hex to decimal digits (x509-certificate-exporter's serial_number is decimal).
    static func decimal(fromHex hex: String) -> String {
        var out: [UInt8] = []
        appendDecimal(fromHex: hex, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `decimal(fromHex:)`'s digits appended to `out`. A serial is at most 20 bytes (RFC
    /// 5280), so it is worked on the stack: eight hex digits to a 32-bit limb, nine
    /// decimal digits per division by 10^9; longer ones (OpenSSL reads any length) go
    /// through an array.
    static func appendDecimal(fromHex hex: String, to out: inout [UInt8]) {
        var hex = hex
        hex.withUTF8 { appendDecimal(fromHex: $0, to: &out) }
    }

    static func appendDecimal(fromHex hex: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let limbCapacity = hex.count / 8 + 1
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: limbCapacity) { value in
            // Little-endian base 2^32, read from the last hex digit back.
            var limbs = 0
            var limb: UInt32 = 0
            var shift: UInt32 = 0
            for character in hex.reversed() {
                let nibble: UInt32
                switch character {
                case 48...57: nibble = UInt32(character - 48)
                case 65...70: nibble = UInt32(character - 55)
                case 97...102: nibble = UInt32(character - 87)
                default: continue
                }
                limb |= nibble << shift
                shift += 4
                if shift == 32 {
                    value[limbs] = limb
                    limbs += 1
                    limb = 0
                    shift = 0
                }
            }
            if shift > 0 { value[limbs] = limb; limbs += 1 }
            while limbs > 0 && value[limbs - 1] == 0 { limbs -= 1 }
            guard limbs > 0 else { return out.append(UInt8(ascii: "0")) }
            // At most 10 decimal digits per 32-bit limb, least significant first.
            // Written from the end of the buffer back, so the digits come out in order.
            let capacity = limbs * 10 + 9
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { digits in
                var first = capacity
                while limbs > 0 {
                    var remainder: UInt64 = 0
                    for i in stride(from: limbs - 1, through: 0, by: -1) {
                        let current = remainder << 32 | UInt64(value[i])
                        value[i] = UInt32(truncatingIfNeeded: current / 1_000_000_000)
                        remainder = current % 1_000_000_000
                    }
                    while limbs > 0 && value[limbs - 1] == 0 { limbs -= 1 }
                    // Nine digits, but no leading zeros in the most significant group.
                    var written = 0
                    repeat {
                        first -= 1
                        digits[first] = UInt8(truncatingIfNeeded: remainder % 10) + 48
                        remainder /= 10
                        written += 1
                    } while remainder > 0 || (limbs > 0 && written < 9)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first...]))
            }
        }
    }
}
