import Foundation
import Lab
import PKI
import TestSupport
import Testing

/// The lab playing "your CA" for the wizard's "Sign with the lab CA".
@Suite("The lab's CA")
struct LabCATests {
    /// The lab's CA signs exactly the files a run waits for (not every CSR lying about), by
    /// the clock it is given, and refuses a name it cannot make before writing anything.
    @Test func theLabCASignsExactlyTheFilesNamed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let workspace = folder.path + "/ws"
        let store = FileStore(directory: workspace)
        for name in ["cms1/webadmin", "cms1/callbridge"] {
            let spec = try CSRSpec.parse(line: "\((name as NSString).lastPathComponent) CN:cms1.lab.example.com")
            let key = try PrivateKey.generate()
            try store.write(Data(try Issuance.makeCSR(spec, key: key).pem.utf8), to: name + ".csr", isPrivateKey: false)
        }
        let ca = LabCA(labDirectory: folder.path)
        let later = Date().addingTimeInterval(1096 * 86_400)
        #expect(throws: LabError.self) { try ca.sign(files: ["cms1/other.crt"], workspace: workspace, now: later) }
        #expect(throws: LabError.self) { try ca.sign(files: ["../x.crt"], workspace: workspace, now: later) }
        #expect(!store.exists("ca-bundle.crt"), "nothing written before every file was checked")
        let written = try ca.sign(files: ["ca-bundle.crt", "cms1/webadmin.crt"], workspace: workspace, now: later)
        #expect(written == [store.path("ca-bundle.crt"), store.path("cms1/webadmin.crt")])
        #expect(!store.exists("cms1/callbridge.crt"), "a CSR the run does not wait for is left alone")
        let certificate = try Loader.certificates(path: store.path("cms1/webadmin.crt"))[0]
        #expect(certificate.notBefore <= later && certificate.notAfter > later, "valid at the clock given")
        let judge = TestSupport.openssl(["verify", "-attime", String(Int(later.timeIntervalSince1970) + 60), "-CAfile", store.path("ca-bundle.crt"), store.path("cms1/webadmin.crt")])
        #expect(judge.status == 0, "\(judge.output)")
    }
}
