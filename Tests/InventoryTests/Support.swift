import Foundation
import TestSupport
import PKI
import Testing

/// A private temporary folder, removed by `remove()`.
struct TempFolder {
    let path: String

    init() throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/cmscerts-inventory-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw InventoryTestError("mkdtemp failed")
        }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: target))
        return target
    }

    func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: file(name))) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct InventoryTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a program and returns its output; throws with the output when it fails.
@discardableResult
func runTool(_ arguments: [String], in directory: String) throws -> String {
    let r = TestSupport.run(arguments[0], Array(arguments.dropFirst()), in: directory)
    guard r.status == 0 else {
        throw InventoryTestError("\(arguments.joined(separator: " ")) failed: \(r.output)")
    }
    return r.output
}

/// A root, an intermediate and a leaf made with the openssl command (the project's
/// independent oracle): root.crt/.key, inter.crt/.key, leaf.crt/.key in `folder`.
struct TestChain {
    let folder: TempFolder

    init(in folder: TempFolder, leafDays: Int = 365, leafCN: String = "cms1.example.com") throws {
        self.folder = folder
        let dir = folder.path
        try folder.write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n")
        try folder.write("leaf.ext", "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:\(leafCN),DNS:join.example.com,IP:10.0.0.1\nauthorityKeyIdentifier=keyid:always\n")
        try runTool(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "root.key", "-out", "root.crt", "-days", "3650", "-subj", "/C=FR/O=Example/CN=Test Root CA",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: dir)
        try runTool(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "inter.key", "-out", "inter.csr", "-subj", "/C=FR/O=Example/CN=Test Issuing CA"], in: dir)
        try runTool(["openssl", "x509", "-req", "-in", "inter.csr", "-CA", "root.crt", "-CAkey", "root.key",
                     "-days", "1825", "-extfile", "ca.ext", "-out", "inter.crt"], in: dir)
        try runTool(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=\(leafCN)"], in: dir)
        try runTool(["openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "inter.crt", "-CAkey", "inter.key",
                     "-days", String(leafDays), "-extfile", "leaf.ext", "-out", "leaf.crt"], in: dir)
    }

    func pem(_ name: String) throws -> String { String(decoding: try folder.read(name), as: UTF8.self) }

    func certificate(_ name: String) throws -> Certificate { try Certificate(pem: try folder.read(name)) }
}
