import Foundation
import Testing
@testable import Lab

/// The MMP names files as they are in its folder: the lab's answers never show where it
/// keeps a node's folder on this machine (a rehearsal must read like the real thing).
@Suite("The lab's answers name no host path")
struct HostPathTests {
    @Test func errorsNameTheFileOnlyAsTheMMPWould() throws {
        let lab = try TestLab(label: "paths")
        try Data("junk\n".utf8).write(to: URL(fileURLWithPath: lab.lab.nodeDirectory("cms1") + "/junk.crt"))
        let outputs = [
            try lab.run("cms1", "pki inspect junk.crt"),
            try lab.run("cms1", "pki match junk.crt junk.crt"),
            try lab.run("cms1", "pki verify junk.crt junk.crt"),
            try lab.run("cms1", "callbridge certs junk.crt junk.crt"),
        ]
        #expect(outputs[0] == "FAILURE: junk.crt is not a certificate, CSR, key, PKCS#7 or PKCS#12 file: it has no PEM block (-----BEGIN ...) and is not valid DER; check that it is the right file and that it was copied in binary mode\n")
        for output in outputs {
            #expect(!output.contains(lab.directory), "\(output)")
            #expect(!output.contains(lab.lab.nodeDirectory("cms1")), "\(output)")
        }
    }
}
