import Foundation

/// Certificate files a stranger could hand us, made by `openssl` for the hostile-input
/// tests of every module: fields that carry terminal escapes, a name with RFC 4514
/// specials, validity dates that are not times, a certificate with a damaged key beside it.
public enum HostileFiles {
    /// The CN of `escape.pem`: "a", then ESC [2J (clear the screen), then "b".
    public static let escapeCN = "a\u{1B}[2Jb"
    /// Its SAN: a BEL inside a DNS name.
    public static let escapeSAN = "x\u{07}y.example.com"

    /// Writes into `dir`:
    /// - `escape.pem`: subject `CN=a<ESC>[2Jb, O=Org Zero, LLC, OU=+sales;<eu>`, SAN with a BEL;
    /// - `badtime.der` / `badtime.pem`: a self-signed certificate whose notAfter is not a
    ///   valid UTCTime (OpenSSL: "Bad time value"), as the badasn1time corpus file;
    /// - `bogus-key.pem`: a good certificate followed by a PRIVATE KEY block that is no key;
    /// - `bad-csr.pem`: the same certificate followed by a damaged CSR block.
    public static func make(in dir: String) {
        let subject = "/CN=\(escapeCN)/O=Org Zero, LLC/OU=\\+sales;<eu>"  // openssl -subj: \+ is a plain +
        TestSupport.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "escape.key", "-out", "escape.pem",
                             "-days", "400", "-subj", subject, "-addext", "subjectAltName=DNS:\(escapeSAN)"], in: dir)
        TestSupport.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "good.key", "-out", "good.pem",
                             "-days", "400", "-subj", "/CN=good.example.com"], in: dir)
        TestSupport.openssl(["x509", "-in", "good.pem", "-outform", "DER", "-out", "good.der"], in: dir)
        var der = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: dir + "/good.der"))) ?? Data())
        // The validity is two UTCTimes (tag 0x17, length 13): spoil notAfter's month.
        if let first = utcTime(in: der, from: 0), let second = utcTime(in: der, from: first + 2) {
            der[second + 4] = UInt8(ascii: "X")
        }
        TestSupport.write(Data(der), to: dir + "/badtime.der")
        TestSupport.openssl(["x509", "-inform", "DER", "-in", "badtime.der", "-out", "badtime.pem"], in: dir)
        let good = TestSupport.read(dir + "/good.pem")
        TestSupport.write(good + "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n", to: dir + "/bogus-key.pem")
        TestSupport.write(good + "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgQ1NS\n-----END CERTIFICATE REQUEST-----\n", to: dir + "/bad-csr.pem")
    }

    static func utcTime(in bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count - 1 else { return nil }
        for i in start..<(bytes.count - 1) where bytes[i] == 0x17 && bytes[i + 1] == 0x0D { return i }
        return nil
    }

    /// The bytes of `text` a terminal would act on: controls other than newline and tab,
    /// DEL and the C1 range. Empty for terminal-safe output.
    public static func controlBytes(in text: String) -> [UInt32] {
        text.unicodeScalars.map(\.value).filter { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09) || (0x7F...0x9F).contains($0) }
    }
}
