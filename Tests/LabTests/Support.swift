import Foundation
import TestSupport
import Lab
import Orchestration
import Testing

/// A fresh folder under the system's temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init(_ label: String = "lab") throws {
        path = NSTemporaryDirectory() + "cmscerts-labtests-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// What a process printed and how it ended.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to its end, feeding `input` on stdin.
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], input: String? = nil,
                environment: [String: String]? = nil, directory: String? = nil) throws -> ProcessResult {
    let r = TestSupport.run(executable, arguments, in: directory, input: input.map { Data($0.utf8) },
                            environment: environment, replacingEnvironment: environment != nil)
    return ProcessResult(status: r.status, stdout: r.stdout, stderr: r.stderr)
}

/// The `openssl` command: the independent judge of what the lab wrote.
@discardableResult
func openssl(_ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
    try runProcess("/usr/bin/openssl", arguments, directory: directory)
}

/// Where the package's built products are (the test bundle sits beside them).
func productsFolder() -> String {
    var candidates: [String] = []
    let argument0 = CommandLine.arguments.first ?? ""
    var url = URL(fileURLWithPath: argument0).deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(url.path)
        url.deleteLastPathComponent()
    }
    candidates.append(Bundle.main.bundlePath)
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(packageRoot.appendingPathComponent(".build/debug").path)
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/cms-lab-node") } ?? candidates.last!
}

/// The built `cms-lab-node` program.
func labNodeBinary() -> String { productsFolder() + "/cms-lab-node" }

/// The built `cmscerts` program.
func cmscertsBinary() -> String { productsFolder() + "/cmscerts" }

/// A lab of `nodes` nodes in a temporary folder, with helpers that run MMP commands
/// and assert on their output.
final class TestLab: @unchecked Sendable {
    let folder: TemporaryFolder
    let lab: Lab

    init(nodes: Int = 3, version: LabVersion = .v3, label: String = "lab") throws {
        folder = try TemporaryFolder(label)
        lab = try Lab.create(at: folder.path + "/lab", nodes: nodes, version: version)
    }

    /// A lab whose nodes have every service of the release, as a lab made from a
    /// deployment file has (`LabTopology.make(for:)`).
    init(fullNodes version: LabVersion, label: String) throws {
        folder = try TemporaryFolder(label)
        var topology = try LabTopology.make(nodes: 1, version: version)
        topology.nodes[0].services = version.available
        lab = try Lab.create(at: folder.path + "/lab", topology: topology)
    }

    deinit { folder.remove() }

    var directory: String { lab.directory }

    func path(_ node: String, _ file: String) -> String { lab.nodeDirectory(node) + "/" + file }

    /// Runs a command on a node and returns its text.
    @discardableResult
    func run(_ node: String, _ command: String, answer: String? = nil) throws -> String {
        try lab.run(command, on: node, answer: answer).text
    }

    /// Runs a command that must print no FAILURE line and no unknown-command answer.
    @discardableResult
    func ok(_ node: String, _ command: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let reply = try lab.run(command, on: node, answer: nil)
        #expect(!reply.hasFailure, "\(node)> \(command)\n\(reply.text)", sourceLocation: sourceLocation)
        #expect(!reply.text.hasPrefix("Unknown command") && !reply.text.hasPrefix("Usage:"), "\(node)> \(command)\n\(reply.text)", sourceLocation: sourceLocation)
        return reply.text
    }

    /// Copies a file from one node's folder to others, as an admin does with SFTP
    /// (through LabTransport's get and put).
    func copy(_ file: String, from source: String, to targets: [String]) async throws {
        let scratch = try TemporaryFolder("copy")
        defer { scratch.remove() }
        try await LabTransport(lab: lab, node: source).get(remoteName: file, localPath: scratch.path + "/" + file, timeout: .seconds(5))
        for target in targets {
            try await LabTransport(lab: lab, node: target).put(localPath: scratch.path + "/" + file, remoteName: file, timeout: .seconds(5))
        }
    }

    func service(_ node: String, _ service: LabService) throws -> LabServiceState {
        try lab.state().nodes[node]!.services[service]!
    }

    func database(_ node: String) throws -> LabDatabaseState {
        try lab.state().nodes[node]!.database
    }
}

/// A CA outside CMS made with the openssl command (root and intermediate), as the
/// article's other way: sign the CSRs the nodes made, build bundles and full chains.
struct OpenSSLCA {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder("ca")
        let dir = folder.path
        try Self.check(openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.crt",
                                "-days", "3650", "-subj", "/CN=Lab Root CA",
                                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: dir))
        try Self.check(openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr",
                                "-subj", "/CN=Lab Issuing CA"], in: dir))
        try "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n".write(toFile: dir + "/ca.ext", atomically: true, encoding: .utf8)
        try Self.check(openssl(["x509", "-req", "-in", "inter.csr", "-CA", "root.crt", "-CAkey", "root.key", "-CAcreateserial",
                                "-days", "1825", "-out", "inter.crt", "-extfile", "ca.ext"], in: dir))
        try "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            .write(toFile: dir + "/leaf.ext", atomically: true, encoding: .utf8)
    }

    static func check(_ result: ProcessResult) throws {
        guard result.status == 0 else { throw LabError("openssl failed: \(result.stderr)") }
    }

    var root: String { folder.path + "/root.crt" }
    var intermediate: String { folder.path + "/inter.crt" }

    /// Signs a CSR (SANs copied) with the intermediate; returns the certificate's PEM.
    func sign(csrPEM: Data, days: Int = 365) throws -> String {
        let name = UUID().uuidString
        let dir = folder.path
        try csrPEM.write(to: URL(fileURLWithPath: "\(dir)/\(name).csr"))
        try Self.check(openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "inter.crt", "-CAkey", "inter.key", "-CAcreateserial",
                                "-days", "\(days)", "-copy_extensions", "copy", "-extfile", "leaf.ext", "-out", "\(name).crt"], in: dir))
        return try String(contentsOfFile: "\(dir)/\(name).crt", encoding: .utf8)
    }

    /// The CA bundle in CMS order: intermediate then root, one line break at the end.
    func bundlePEM() throws -> String {
        try String(contentsOfFile: intermediate, encoding: .utf8) + String(contentsOfFile: root, encoding: .utf8)
    }
}

/// Writes text into a node's folder as an SFTP upload would (through LabTransport).
func upload(_ text: String, as name: String, to node: String, of lab: TestLab) async throws {
    let scratch = try TemporaryFolder("upload")
    defer { scratch.remove() }
    try text.write(toFile: scratch.path + "/" + name, atomically: true, encoding: .utf8)
    try await LabTransport(lab: lab.lab, node: node).put(localPath: scratch.path + "/" + name, remoteName: name, timeout: .seconds(5))
}
