import Foundation
import TestSupport
import Testing

/// Bad inputs through the binary: each gets a clear error and exit 1 or 2, never a crash.
@Suite("Bad inputs on the command line")
struct BadInputTests {
    /// One case: the files to lay down, the command, the exit code and a word the message must hold.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var setup: @Sendable (String) -> Void = { _ in }
        var args: [String]
        var code: Int32
        var says: String
        var description: String { name }
    }

    @Sendable static func base(_ dir: String) {
        _ = TestSupport.runProduct("cmscerts", ["pki", "selfsigned", "ca", "CN:example.com"], in: dir)
        _ = TestSupport.runProduct("cmscerts", ["pki", "csr", "web", "CN:web.example.com"], in: dir)
        _ = TestSupport.runProduct("cmscerts", ["pki", "csr", "other", "CN:other.example.com"], in: dir)
        _ = TestSupport.runProduct("cmscerts", ["pki", "sign", "web", "ca"], in: dir)
    }

    static let cases: [Case] = [
        Case(name: "empty file", setup: { TestSupport.write("", to: $0 + "/empty.crt") }, args: ["pki", "inspect", "empty.crt"], code: 2, says: "is empty"),
        Case(name: "missing file", args: ["pki", "inspect", "nope.crt"], code: 2, says: "no such file"),
        Case(name: "a directory", setup: { try? FileManager.default.createDirectory(atPath: $0 + "/d.crt", withIntermediateDirectories: true) }, args: ["pki", "inspect", "d.crt"], code: 2, says: "is a directory"),
        Case(name: "truncated base64", setup: { dir in base(dir); let t = TestSupport.read(dir + "/web.crt"); TestSupport.write(String(t.prefix(300)) + "\n-----END CERTIFICATE-----\n", to: dir + "/t.crt") }, args: ["pki", "inspect", "t.crt"], code: 2, says: "copy the file again"),
        Case(name: "no END line", setup: { dir in base(dir); let t = TestSupport.read(dir + "/web.crt"); TestSupport.write(String(t.prefix(300)), to: dir + "/t.crt") }, args: ["pki", "inspect", "t.crt"], code: 2, says: "no END line"),
        Case(name: "broken DER", setup: { TestSupport.write(Data([0x30, 0x82, 0x05, 0x00, 0x30, 0x82, 0x01]), to: $0 + "/b.der") }, args: ["pki", "inspect", "b.der"], code: 2, says: "not a certificate, CSR, key"),
        Case(name: "random bytes, 5 MB", setup: { dir in
            var g = SystemRandomNumberGenerator()
            let bytes = (0..<(5 << 20) / 8).flatMap { _ -> [UInt8] in withUnsafeBytes(of: g.next() as UInt64) { Array($0) } }
            TestSupport.write(Data(bytes), to: dir + "/random.bin") }, args: ["pki", "inspect", "random.bin"], code: 2, says: "not a certificate"),
        Case(name: "text file", setup: { TestSupport.write("hello\n", to: $0 + "/hello.crt") }, args: ["pki", "inspect", "hello.crt"], code: 2, says: "no PEM block"),
        Case(name: "key given to inspect", setup: base, args: ["pki", "inspect", "web.key"], code: 2, says: "only a private key"),
        Case(name: "wrong passphrase", setup: { dir in TestSupport.openssl(["genpkey", "-algorithm", "RSA", "-out", "enc.key", "-aes-256-cbc", "-pass", "pass:right"], in: dir); TestSupport.write("wrong\n", to: dir + "/pass.txt"); base(dir) }, args: ["pki", "match", "enc.key", "web.crt", "--passphrase-file", "pass.txt"], code: 2, says: "wrong passphrase"),
        Case(name: "encrypted key, no passphrase", setup: { dir in TestSupport.openssl(["genpkey", "-algorithm", "RSA", "-out", "enc.key", "-aes-256-cbc", "-pass", "pass:right"], in: dir); base(dir) }, args: ["pki", "match", "enc.key", "web.crt"], code: 2, says: "give its passphrase"),
        Case(name: "key that does not match", setup: base, args: ["pki", "match", "other.key", "web.crt"], code: 1, says: "does not belong"),
        Case(name: "certificate as key", setup: base, args: ["pki", "match", "web.crt", "web.crt"], code: 2, says: "holds no private key"),
        Case(name: "expired certificate", setup: { dir in base(dir)
            TestSupport.openssl(["req", "-new", "-key", "other.key", "-subj", "/CN=old.example.com", "-out", "old.csr"], in: dir)
            TestSupport.openssl(["x509", "-req", "-in", "old.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-out", "old.crt", "-days", "-1"], in: dir) },
             args: ["pki", "verify", "old.crt", "ca.crt"], code: 1, says: "expired on"),
        Case(name: "unknown issuer", setup: { dir in base(dir); TestSupport.runProduct("cmscerts", ["pki", "selfsigned", "ca2", "CN:other-ca.example.com"], in: dir) }, args: ["pki", "verify", "web.crt", "ca2.crt"], code: 1, says: "unknown issuer"),
        Case(name: "bundle in the wrong order", setup: { dir in base(dir); TestSupport.write(TestSupport.read(dir + "/ca.crt") + TestSupport.read(dir + "/web.crt"), to: dir + "/b.pem") }, args: ["bundle", "check", "b.pem"], code: 1, says: "does not follow"),
        Case(name: "bundle with CRLF", setup: { dir in base(dir); TestSupport.write((TestSupport.read(dir + "/web.crt") + TestSupport.read(dir + "/ca.crt")).replacingOccurrences(of: "\n", with: "\r\n"), to: dir + "/b.pem") }, args: ["bundle", "check", "b.pem"], code: 1, says: "CR LF"),
        Case(name: "bundle with blank lines", setup: { dir in base(dir); TestSupport.write(TestSupport.read(dir + "/web.crt") + "\n" + TestSupport.read(dir + "/ca.crt"), to: dir + "/b.pem") }, args: ["bundle", "check", "b.pem"], code: 1, says: "blank line"),
        Case(name: "bundle with a private key", setup: { dir in base(dir); TestSupport.write(TestSupport.read(dir + "/web.crt") + TestSupport.read(dir + "/web.key") + TestSupport.read(dir + "/ca.crt"), to: dir + "/b.pem") }, args: ["bundle", "check", "b.pem"], code: 1, says: "private key is inside"),
        Case(name: "bundle check of a random file", setup: { TestSupport.write(Data((0..<4096).map { UInt8($0 % 251) }), to: $0 + "/r.pem") }, args: ["bundle", "check", "r.pem"], code: 1, says: "not a PEM file"),
        Case(name: "csr over an existing key", setup: base, args: ["pki", "csr", "web", "CN:web.example.com"], code: 2, says: "never overwrites a private key"),
        Case(name: "selfsigned over an existing key", setup: base, args: ["pki", "selfsigned", "web", "CN:web.example.com"], code: 2, says: "never overwrites"),
        Case(name: "csr with a bad country", args: ["pki", "csr", "x", "CN:x.example.com", "C:UK"], code: 2, says: "did you mean GB"),
        Case(name: "csr with a DNS: prefix", args: ["pki", "csr", "x", "CN:x.example.com", "subjectAltName:DNS:x.example.com"], code: 2, says: "prefix"),
        Case(name: "csr without CN", args: ["pki", "csr", "x", "O:Example"], code: 2, says: "CN is required"),
        Case(name: "csr with a bad key type", args: ["pki", "csr", "x", "CN:x.example.com", "--key", "rsa1024"], code: 2, says: "unknown key type"),
        Case(name: "sign without the CSR", setup: base, args: ["pki", "sign", "missing", "ca"], code: 2, says: "no such file"),
        Case(name: "sign with a non-CA", setup: { dir in base(dir); TestSupport.runProduct("cmscerts", ["pki", "csr", "third", "CN:third.example.com"], in: dir) }, args: ["pki", "sign", "third", "web"], code: 2, says: "is not a CA"),
        Case(name: "sign with days out of range", setup: base, args: ["pki", "sign", "web", "ca", "--days", "0"], code: 2, says: "out of range"),
        Case(name: "unknown subcommand", args: ["pki", "frobnicate"], code: 2, says: "Unexpected argument"),
        Case(name: "bundle build of nothing", args: ["bundle", "build", "--out", "x.pem"], code: 2, says: "give the certificate files"),
    ]

    @Test(arguments: cases)
    func badInputGetsAClearErrorAndNoCrash(_ c: Case) {
        let dir = TestSupport.temporaryDirectory("bad")
        c.setup(dir)
        let result = TestSupport.runProduct("cmscerts", c.args, in: dir)
        #expect(!result.crashed, "\(c.name) crashed")
        #expect(result.status == c.code, "\(c.name): exit \(result.status): \(result.output)")
        #expect(result.output.contains(c.says), "\(c.name): \(result.output)")
    }

    @Test func unreadableFile() {
        // root reads every file whatever its mode: the check is meaningful for other users only.
        guard getuid() != 0 else { return }
        let dir = TestSupport.temporaryDirectory("bad")
        TestSupport.write("x", to: dir + "/locked.crt")
        chmod(dir + "/locked.crt", 0)
        let result = TestSupport.runProduct("cmscerts", ["pki", "inspect", "locked.crt"], in: dir)
        #expect(result.status == 2 && result.output.contains("permission denied"))
    }
}
