import Foundation
import Testing
@testable import Lab

/// The lab refuses what the MMP refuses for every command the planner writes: a service
/// the node's release lacks, an unknown interface or bad port, a file that is missing, of
/// the wrong kind or not its key's certificate; in MMP words, naming no host path.
@Suite("The lab refuses what the release refuses")
struct ReleaseRefusalTests {
    /// Two self-signed pairs on cms1: a.key/a.crt and b.key/b.crt.
    func pairs(_ lab: TestLab) throws {
        try lab.ok("cms1", "pki selfsigned a CN:cms1.lab.example.com")
        try lab.ok("cms1", "pki selfsigned b CN:cms1.lab.example.com")
    }

    @Test func aServiceOutsideTheReleaseIsUnknown() throws {
        let v29 = try TestLab(fullNodes: .v2_9, label: "r29")
        #expect(try v29.run("cms1", "scheduler c2w certs a.key a.crt") == "Unknown command: scheduler c2w certs a.key a.crt\n")
        #expect(try v29.run("cms1", "recorder sip certs a.key a.crt").hasPrefix("Usage: recorder [enable|disable|restart|certs <key-file> <crt-file>|trust"))
        let v3 = try TestLab(fullNodes: .v3, label: "r3")
        for command in ["webbridge certs a.key a.crt", "xmpp cluster trust a.crt", "loadbalancer certs edge a.key a.crt b.crt", "trunk certs edge a.key a.crt b.crt"] {
            #expect(try v3.run("cms1", command) == "Unknown command: \(command)\n", "3.0 removed it (TAC 217062)")
        }
        #expect(try v3.run("cms1", "recorder certs a.key a.crt").hasPrefix("Usage: recorder [enable|disable|restart|sip certs"))
        #expect(try v3.run("cms1", "streamer trust a.crt").hasPrefix("Usage: streamer"))
        #expect(try v3.run("cms1", "uploader certs a.key a.crt").hasPrefix("Usage: uploader"), "the uploader has no certs command (TAC 211261)")
    }

    @Test func listenersTakeInterfacesAToDAndPorts1To65535() throws {
        let lab = try TestLab(fullNodes: .v3, label: "listen")
        #expect(try lab.run("cms1", "webadmin listen e 445") == "FAILURE: unknown interface e: use a, b, c or d\n")
        #expect(try lab.run("cms1", "webadmin listen a 70000") == "FAILURE: invalid port 70000: use 1 to 65535\n")
        #expect(try lab.run("cms1", "webbridge3 https listen a443") == "FAILURE: invalid listener a443: use <interface>:<port>, e.g. a:443\n")
        #expect(try lab.run("cms1", "webbridge3 c2w listen a:0") == "FAILURE: invalid port 0: use 1 to 65535\n")
        #expect(try lab.run("cms1", "turn listen a z") == "FAILURE: unknown interface z: use a, b, c or d\n")
        #expect(try lab.run("cms1", "turn tls -1") == "FAILURE: invalid port -1: use 1 to 65535\n")
        #expect(try lab.service("cms1", .turn).listen == nil, "nothing refused was kept")
        try lab.ok("cms1", "turn listen a b")
        try lab.ok("cms1", "turn tls 447")
        try lab.ok("cms1", "webbridge3 c2w listen a:4443")
        #expect(try lab.service("cms1", .turn).listen == ["listen": "a b", "tls": "447"])
        #expect(try lab.run("cms1", "webbridge3").contains("C2W listening"))
    }

    @Test func trustAndCertsCommandsRefuseWrongFiles() throws {
        let lab = try TestLab(fullNodes: .v3, label: "kinds")
        try pairs(lab)
        #expect(try lab.run("cms1", "scheduler c2w certs a.key b.crt") == "FAILURE: Key and certificate pair do not match\n")
        #expect(try lab.run("cms1", "scheduler c2w certs a.crt a.crt") == "FAILURE: a.crt is not a private key file\n")
        #expect(try lab.run("cms1", "recorder sip certs a.key b.crt a.crt") == "FAILURE: Key and certificate pair do not match\n")
        #expect(try lab.run("cms1", "streamer sip certs a.key a.crt a.key") == "FAILURE: a.key holds no certificate\n")
        #expect(try lab.run("cms1", "uploader cms trust a.key") == "FAILURE: a.key holds no certificate\n")
        #expect(try lab.run("cms1", "uploader rev trust rev.crt") == "FAILURE: file rev.crt not found\n")
        #expect(try lab.run("cms1", "scheduler c2w trust ../a.crt") == "FAILURE: ../a.crt is not a file name in the MMP root folder\n")
        #expect(try lab.run("cms1", "tls sip trust b.key") == "FAILURE: b.key holds no certificate\n")
        #expect(try lab.run("cms1", "uploader enable").hasPrefix("FAILURE: uploader needs its trust lists"))
        let v29 = try TestLab(fullNodes: .v2_9, label: "kinds29")
        try pairs(v29)
        #expect(try v29.run("cms1", "recorder certs b.key a.crt") == "FAILURE: Key and certificate pair do not match\n")
        #expect(try v29.run("cms1", "streamer trust a.key") == "FAILURE: a.key holds no certificate\n")
        #expect(try v29.run("cms1", "xmpp cluster trust b.key") == "FAILURE: b.key holds no certificate\n")
        #expect(try v29.run("cms1", "loadbalancer certs edge a.key b.crt a.crt") == "FAILURE: Key and certificate pair do not match\n")
        #expect(try v29.run("cms1", "trunk certs core b.key b.crt b.key") == "FAILURE: b.key holds no certificate\n")
        #expect(try v29.run("cms1", "loadbalancer enable core").hasPrefix("FAILURE: no loadbalancer with tag core"))
        // What was refused was not taken.
        #expect(try lab.service("cms1", .scheduler).files.isEmpty && lab.service("cms1", .uploader).files.isEmpty)
        #expect(try v29.service("cms1", .xmpp).files.isEmpty)
    }

    @Test func refusalsNameNoHostPath() throws {
        let lab = try TestLab(fullNodes: .v3, label: "paths")
        try Data("junk\n".utf8).write(to: URL(fileURLWithPath: lab.path("cms1", "junk.crt")))
        for command in ["scheduler c2w certs junk.crt junk.crt", "recorder sip certs junk.crt junk.crt", "uploader cms trust junk.crt",
                        "tls sip trust junk.crt", "webbridge3 c2w trust junk.crt"] {
            let output = try lab.run("cms1", command)
            #expect(output.hasPrefix("FAILURE: junk.crt"), "\(command): \(output)")
            #expect(!output.contains(lab.directory), "\(output)")
        }
    }
}
