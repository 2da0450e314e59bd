import COpenSSL
import Foundation

/// What the expiry dashboard needs of one certificate, and nothing more: names,
/// validity, serial, SANs, whether it is a CA, and its fingerprint. Small and plain, so
/// that tens of thousands can be listed without holding the certificates themselves.
///
/// Read straight from the DER by a lean walker (`init?(der:)`) for the common case, or
/// from an OpenSSL-decoded `Certificate` for anything the walker does not take on.
public struct CertificateSummary: Sendable, Hashable, Codable {
    public var subject: DistinguishedName
    public var issuer: DistinguishedName
    /// The serial number in upper-case hex, as `openssl x509 -serial` prints it.
    public var serialHex: String
    public var notBefore: Date
    public var notAfter: Date
    /// False when the certificate's times are not valid ASN.1 times (`Certificate`'s rule):
    /// the dates are then meaningless and the certificate's state is unknown.
    public var timesAreReadable: Bool
    public var subjectAltNames: [SubjectAltName]
    /// basicConstraints CA:TRUE.
    public var isCA: Bool
    /// Issuer and subject are the same name (a root, or a self-signed server certificate).
    public var isSelfIssued: Bool
    /// "AB:CD:...", as `openssl x509 -fingerprint -sha256` prints it.
    public var sha256Fingerprint: String

    /// Where the certificate stands in a chain, from what it is: a CA naming itself as
    /// issuer is a root, any other CA an intermediate, everything else an entity.
    public var position: ChainPosition {
        isCA ? (isSelfIssued ? .root : .intermediate) : .entity
    }

    /// Whole days from `now` until notAfter (negative once expired), as `Certificate.daysLeft`.
    public func daysLeft(at now: Date = Date()) -> Int {
        Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }

    /// The summary of a certificate OpenSSL has decoded.
    public init(_ certificate: Certificate) {
        subject = certificate.subject
        issuer = certificate.issuer
        serialHex = certificate.serialHex
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter
        timesAreReadable = certificate.timesAreReadable
        subjectAltNames = certificate.subjectAltNames
        isCA = certificate.isCA
        isSelfIssued = certificate.subject == certificate.issuer
        sha256Fingerprint = certificate.sha256Fingerprint
    }

    /// Reads a DER certificate with the lean walker; nil when the walker does not take it
    /// on (then `Certificate(der:)` decides, and words any error).
    public init?(der: Data) {
        guard let summary = der.withUnsafeBytes({ raw in
            Self.walk(raw.bindMemory(to: UInt8.self), from: 0, to: raw.count, exact: true)
        }) else { return nil }
        self = summary
    }

    init(subject: DistinguishedName, issuer: DistinguishedName, serialHex: String, notBefore: Date, notAfter: Date,
         subjectAltNames: [SubjectAltName], isCA: Bool, isSelfIssued: Bool, sha256Fingerprint: String) {
        self.subject = subject
        self.issuer = issuer
        self.serialHex = serialHex
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.timesAreReadable = true
        self.subjectAltNames = subjectAltNames
        self.isCA = isCA
        self.isSelfIssued = isSelfIssued
        self.sha256Fingerprint = sha256Fingerprint
    }
}

// MARK: - The lean DER walker

extension CertificateSummary {
    /// Walks Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
    /// and reads only what a summary holds. Any structure it does not expect (a string
    /// type other than UTF8/Printable/IA5, an attribute it has no short name for, a time
    /// with fractions or offsets, a negative serial) gives nil: OpenSSL then decides.
    static func walk(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, exact: Bool) -> CertificateSummary? {
        var outer = DERCursor(bytes, from: start, to: end)
        guard let certificate = outer.next(), certificate.tag == 0x30 else { return nil }
        if exact && !outer.atEnd { return nil }
        var body = outer.inside(certificate)
        guard let tbs = body.next(tag: 0x30), body.next(tag: 0x30) != nil, body.next(tag: 0x03) != nil, body.atEnd else { return nil }
        var fields = body.inside(tbs)
        if let version = fields.next(tag: 0xA0) {
            var inside = fields.inside(version)
            guard let number = inside.next(tag: 0x02), number.contentCount == 1, bytes[number.contentStart] <= 2 else { return nil }
        }
        guard let serial = fields.next(tag: 0x02),
              fields.next(tag: 0x30) != nil,
              let issuerElement = fields.next(tag: 0x30),
              let validity = fields.next(tag: 0x30),
              let subjectElement = fields.next(tag: 0x30),
              fields.next(tag: 0x30) != nil else { return nil }
        _ = fields.next(tag: 0x81)
        _ = fields.next(tag: 0x82)
        var sans: [SubjectAltName] = []
        var isCA = false
        if let extensions = fields.next(tag: 0xA3) {
            guard readExtensions(fields.inside(extensions), sans: &sans, isCA: &isCA) else { return nil }
        }
        guard fields.atEnd else { return nil }

        var times = fields.inside(validity)
        guard let notBeforeElement = times.next(), let notAfterElement = times.next(), times.atEnd,
              let notBefore = readTime(bytes, notBeforeElement), let notAfter = readTime(bytes, notAfterElement),
              let serialHex = readSerial(bytes, serial),
              let issuer = readName(fields.inside(issuerElement)),
              let subject = readName(fields.inside(subjectElement)) else { return nil }

        let fingerprint = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            _ = SHA256(bytes.baseAddress! + certificate.start, certificate.end - certificate.start, digest.baseAddress)
            return hex(UnsafeBufferPointer(digest), separator: true)
        }
        return CertificateSummary(
            subject: subject, issuer: issuer, serialHex: serialHex,
            notBefore: Date(timeIntervalSince1970: TimeInterval(notBefore)),
            notAfter: Date(timeIntervalSince1970: TimeInterval(notAfter)),
            subjectAltNames: sans, isCA: isCA, isSelfIssued: fields.equal(issuerElement, subjectElement),
            sha256Fingerprint: fingerprint)
    }

    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func hex(_ bytes: some Collection<UInt8>, separator: Bool) -> String {
        guard !bytes.isEmpty else { return "" }
        // Written straight into the String's storage: no array between.
        let count = bytes.count * (separator ? 3 : 2) - (separator ? 1 : 0)
        return String(unsafeUninitializedCapacity: count) { out in
            var i = 0
            for byte in bytes {
                if separator && i > 0 { out[i] = UInt8(ascii: ":"); i += 1 }
                out[i] = hexDigits[Int(byte >> 4)]
                out[i + 1] = hexDigits[Int(byte & 0x0F)]
                i += 2
            }
            return i
        }
    }

    /// A non-negative INTEGER as BN_bn2hex prints it: whole bytes, no leading zero byte.
    static func readSerial(_ bytes: UnsafeBufferPointer<UInt8>, _ element: DERElement) -> String? {
        guard element.contentCount > 0, bytes[element.contentStart] < 0x80 else { return nil }
        var start = element.contentStart
        while start < element.end && bytes[start] == 0 { start += 1 }
        if start == element.end { return "0" }
        return hex(UnsafeBufferPointer(rebasing: bytes[start..<element.end]), separator: false)
    }

    /// UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, as seconds since 1970.
    static func readTime(_ bytes: UnsafeBufferPointer<UInt8>, _ element: DERElement) -> Int64? {
        let digitsCount: Int
        switch (element.tag, element.contentCount) {
        case (0x17, 13): digitsCount = 12
        case (0x18, 15): digitsCount = 14
        default: return nil
        }
        guard bytes[element.end - 1] == UInt8(ascii: "Z") else { return nil }
        var i = element.contentStart
        func number(_ width: Int) -> Int? {
            var value = 0
            for _ in 0..<width {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
                i += 1
            }
            return value
        }
        guard var year = number(digitsCount == 12 ? 2 : 4) else { return nil }
        if digitsCount == 12 { year += year >= 50 ? 1900 : 2000 }
        guard let month = number(2), let day = number(2), let hour = number(2), let minute = number(2), let second = number(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Attribute types the walker names, with OpenSSL's short names (emailAddress as E,
    /// as `DistinguishedName` writes it).
    static let attributeNames: [([UInt8], String)] = [
        ([0x55, 0x04, 0x03], "CN"), ([0x55, 0x04, 0x06], "C"), ([0x55, 0x04, 0x07], "L"),
        ([0x55, 0x04, 0x08], "ST"), ([0x55, 0x04, 0x0A], "O"), ([0x55, 0x04, 0x0B], "OU"),
        ([0x55, 0x04, 0x05], "serialNumber"), ([0x55, 0x04, 0x09], "street"), ([0x55, 0x04, 0x04], "SN"),
        ([0x55, 0x04, 0x2A], "GN"), ([0x55, 0x04, 0x0C], "title"), ([0x55, 0x04, 0x11], "postalCode"),
        ([0x55, 0x04, 0x2E], "dnQualifier"),
        ([0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19], "DC"),
        ([0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01], "UID"),
        ([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01], "E"),
    ]

    static func readName(_ cursor: DERCursor) -> DistinguishedName? {
        var sets = cursor
        var attributes: [DistinguishedName.Attribute] = []
        attributes.reserveCapacity(memberCount(cursor, depth: 2))
        while !sets.atEnd {
            guard let set = sets.next(tag: 0x31) else { return nil }
            var members = sets.inside(set)
            while !members.atEnd {
                guard let pair = members.next(tag: 0x30) else { return nil }
                var inside = members.inside(pair)
                guard let oid = inside.next(tag: 0x06), let value = inside.next(), inside.atEnd,
                      let name = attributeNames.first(where: { inside.content(oid, equals: $0.0) })?.1,
                      let text = readString(cursor.bytes, value) else { return nil }
                attributes.append(DistinguishedName.Attribute(name: name, value: text))
            }
        }
        return DistinguishedName(attributes: attributes)
    }

    /// How many elements lie `depth` levels down (1: the cursor's own elements; 2: the
    /// elements inside each of them), so that an array is made once at its size rather
    /// than grown one append at a time. Malformed bytes stop the count: the walk that
    /// follows finds them.
    static func memberCount(_ cursor: DERCursor, depth: Int) -> Int {
        var walker = cursor
        var count = 0
        while let element = walker.next() {
            count += depth == 1 ? 1 : memberCount(walker.inside(element), depth: depth - 1)
        }
        return count
    }

    /// UTF8String, PrintableString and IA5String (ASCII only); anything else is OpenSSL's.
    static func readString(_ bytes: UnsafeBufferPointer<UInt8>, _ element: DERElement) -> String? {
        let content = UnsafeBufferPointer(rebasing: bytes[element.contentStart..<element.end])
        switch element.tag {
        case 0x0C:
            return String(validating: content, as: UTF8.self)
        case 0x13, 0x16:
            guard content.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(decoding: content, as: UTF8.self)
        default:
            return nil
        }
    }

    static let subjectAltNameOID: [UInt8] = [0x55, 0x1D, 0x11]
    static let basicConstraintsOID: [UInt8] = [0x55, 0x1D, 0x13]

    static func readExtensions(_ cursor: DERCursor, sans: inout [SubjectAltName], isCA: inout Bool) -> Bool {
        var wrapper = cursor
        guard let list = wrapper.next(tag: 0x30), wrapper.atEnd else { return false }
        var extensions = wrapper.inside(list)
        while !extensions.atEnd {
            guard let ext = extensions.next(tag: 0x30) else { return false }
            var inside = extensions.inside(ext)
            guard let oid = inside.next(tag: 0x06) else { return false }
            _ = inside.next(tag: 0x01)
            guard let value = inside.next(tag: 0x04), inside.atEnd else { return false }
            if inside.content(oid, equals: subjectAltNameOID) {
                guard let names = readGeneralNames(inside.inside(value)) else { return false }
                sans = names
            } else if inside.content(oid, equals: basicConstraintsOID) {
                var octets = inside.inside(value)
                guard let sequence = octets.next(tag: 0x30), octets.atEnd else { return false }
                var constraints = octets.inside(sequence)
                if let flag = constraints.next(tag: 0x01) {
                    guard flag.contentCount == 1 else { return false }
                    isCA = cursor.bytes[flag.contentStart] != 0
                }
            }
        }
        return true
    }

    /// GeneralNames typed as `ExtensionSummary.decodeNames` types them.
    static func readGeneralNames(_ cursor: DERCursor) -> [SubjectAltName]? {
        var wrapper = cursor
        guard let list = wrapper.next(tag: 0x30), wrapper.atEnd else { return nil }
        var names = wrapper.inside(list)
        var out: [SubjectAltName] = []
        out.reserveCapacity(memberCount(names, depth: 1))
        let bytes = cursor.bytes
        while !names.atEnd {
            guard let name = names.next() else { return nil }
            let content = UnsafeBufferPointer(rebasing: bytes[name.contentStart..<name.end])
            func ascii() -> String? {
                guard content.allSatisfy({ $0 < 0x80 }) else { return nil }
                return String(decoding: content, as: UTF8.self)
            }
            switch name.tag {
            case 0x82: guard let v = ascii() else { return nil }; out.append(.dns(v))
            case 0x81: guard let v = ascii() else { return nil }; out.append(.email(v))
            case 0x86: guard let v = ascii() else { return nil }; out.append(.other("URI:" + v))
            case 0x87: out.append(.ip(ExtensionSummary.formatIP(Array(content))))
            case 0xA4: out.append(.other("DirName"))
            default: out.append(.other("othername"))
            }
        }
        return out
    }
}
