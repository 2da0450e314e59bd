import Foundation
import TestSupport
import Testing

/// `bundle build --fetch`: a missing intermediate is fetched from the URL the certificate
/// names (AIA caIssuers), shown before anything is written; without --fetch the URL is
/// named. A local HTTP server on 127.0.0.1 plays the CA's web site.
@Suite("Fetching a missing issuer from the certificate's AIA URL")
struct FetchIssuerTests {
    let dir = TestSupport.temporaryDirectory("fetch")

    /// root.crt, inter.crt (inter.der, inter.p7c) and leaf.crt, whose AIA caIssuers is `path` on `server`.
    func makeChain(_ server: HTTPFileServer, path: String) {
        func openssl(_ args: [String]) { TestSupport.openssl(args, in: dir) }
        TestSupport.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n", to: dir + "/ca.ext")
        TestSupport.write("basicConstraints=CA:FALSE\nsubjectAltName=DNS:web.example.com\nextendedKeyUsage=serverAuth,clientAuth\nauthorityInfoAccess=caIssuers;URI:\(server.url(path))\n", to: dir + "/leaf.ext")
        openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.crt", "-days", "30",
                 "-subj", "/CN=Fetch Root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr", "-subj", "/CN=Fetch Issuing"])
        openssl(["x509", "-req", "-in", "inter.csr", "-CA", "root.crt", "-CAkey", "root.key", "-out", "inter.crt", "-days", "30", "-extfile", "ca.ext"])
        openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=web.example.com"])
        openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "inter.crt", "-CAkey", "inter.key", "-out", "leaf.crt", "-days", "30", "-extfile", "leaf.ext"])
        openssl(["x509", "-in", "inter.crt", "-outform", "DER", "-out", "inter.der"])
        openssl(["crl2pkcs7", "-nocrl", "-certfile", "inter.crt", "-outform", "DER", "-out", "inter.p7c"])
    }

    func data(_ name: String) -> Data { (try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))) ?? Data() }

    func cmscerts(_ args: [String]) -> ProcessResult { TestSupport.runProduct("cmscerts", args, in: dir) }

    @Test func withoutFetchTheURLIsNamedAndNothingIsAsked() throws {
        let server = try HTTPFileServer(files: [:])
        makeChain(server, path: "inter.der")
        let result = cmscerts(["bundle", "build", "leaf.crt", "root.crt", "--out", "full.pem", "--yes"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("The certificate says where to get it: \(server.url("inter.der")) (--fetch gets it"), "\(result.output)")
        #expect(server.requests.isEmpty, "nothing is fetched unless asked")
        #expect(!FileManager.default.fileExists(atPath: dir + "/full.pem"))
    }

    @Test(arguments: [("inter.der", "DER"), ("inter.p7c", "PKCS7")])
    func fetchFillsTheChainAndShowsWhatItGot(_ served: (String, String)) throws {
        let server = try HTTPFileServer(files: [:])
        makeChain(server, path: served.0)
        server.set(served.0, data(served.0))
        let result = cmscerts(["bundle", "build", "leaf.crt", "root.crt", "--out", "full.pem", "--yes", "--fetch"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Fetched CN=Fetch Issuing from \(server.url(served.0)) (\(data(served.0).count) bytes, \(served.1))"), "\(result.stdout)")
        // What was fetched is shown before the file is written, and placed in the chain.
        let fetched = try #require(result.stdout.range(of: "Fetched CN=Fetch Issuing"))
        let written = try #require(result.stdout.range(of: "Wrote "))
        #expect(fetched.lowerBound < written.lowerBound)
        #expect(result.stdout.contains("2. intermediate CN=Fetch Issuing") && result.stdout.contains("(\(server.url(served.0)))"), "\(result.stdout)")
        #expect(server.requests == [served.0])
        // The judge: the bundle is the whole chain, in order.
        let verify = TestSupport.openssl(["verify", "-CAfile", "root.crt", "-untrusted", "full.pem", "leaf.crt"], in: dir)
        #expect(verify.status == 0, "\(verify.output)")
        let subjects = TestSupport.openssl(["crl2pkcs7", "-nocrl", "-certfile", "full.pem"], in: dir)
        let printed = TestSupport.openssl(["pkcs7", "-print_certs", "-noout"], in: dir, input: Data(subjects.stdout.utf8)).stdout
        let order = printed.split(separator: "\n").filter { $0.hasPrefix("subject=") }
        #expect(order == ["subject=CN = web.example.com", "subject=CN = Fetch Issuing", "subject=CN = Fetch Root"], "\(printed)")
    }

    @Test func aFetchThatFailsSaysWhyAndWritesNothing() throws {
        let server = try HTTPFileServer(files: [:])
        makeChain(server, path: "missing.der")
        let missing = cmscerts(["bundle", "build", "leaf.crt", "root.crt", "--out", "full.pem", "--yes", "--fetch"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(server.url("missing.der")) answered HTTP 404"), "\(missing.output)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/full.pem"))
    }
}
