import Foundation

/// A customer's CA for tests, made with the `openssl` command (a root and an issuing CA):
/// it signs the CSRs a run waits on, as a person's CA would, and gives the CA bundle.
public struct OutsideCA: Sendable {
    public let folder: String

    public init() throws {
        folder = TestSupport.temporaryDirectory("ca")
        try Self.check(TestSupport.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.crt",
                                            "-days", "3650", "-subj", "/CN=Outside Root CA",
                                            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: folder))
        try Self.check(TestSupport.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr",
                                            "-subj", "/CN=Outside Issuing CA"], in: folder))
        TestSupport.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n", to: folder + "/ca.ext")
        try Self.check(TestSupport.openssl(["x509", "-req", "-in", "inter.csr", "-CA", "root.crt", "-CAkey", "root.key", "-CAcreateserial",
                                            "-days", "1825", "-out", "inter.crt", "-extfile", "ca.ext"], in: folder))
        TestSupport.write("extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n", to: folder + "/leaf.ext")
    }

    static func check(_ result: ProcessResult) throws {
        guard result.status == 0 else { throw HarnessError("openssl failed: \(result.output)") }
    }

    /// Signs `csr` (SANs copied) into `certificate`, both absolute paths, valid `days` (the
    /// issuing CA is valid 1825).
    public func sign(_ csr: String, into certificate: String, days: Int = 365) throws {
        try Self.check(TestSupport.openssl(["x509", "-req", "-in", csr, "-CA", "inter.crt", "-CAkey", "inter.key", "-CAcreateserial",
                                            "-days", String(days), "-copy_extensions", "copy", "-extfile", "leaf.ext", "-out", certificate], in: folder))
    }

    /// What a person does when the run waits: the CA chain as `ca-bundle.crt`, and each
    /// `<node>/<name>.crt` signed from the `<node>/<name>.csr` beside it, in `workspace`.
    public func place(_ files: [String], in workspace: String, days: Int = 365) throws {
        for file in files {
            if file == "ca-bundle.crt" {
                TestSupport.write(TestSupport.read(folder + "/inter.crt") + TestSupport.read(folder + "/root.crt"), to: workspace + "/" + file)
            } else {
                try sign(workspace + "/" + String(file.dropLast(4)) + ".csr", into: workspace + "/" + file, days: days)
            }
        }
    }
}
