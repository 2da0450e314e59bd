import Foundation

extension DeploymentFile {
    /// The largest deployment file cmscerts reads: 1 MiB (1,048,576 bytes).
    ///
    /// A real file is far smaller: 100 nodes (block style, ssh set) and 10,000 SANs of 30
    /// characters written one a line come to about 420 KB, so 1 MiB leaves room for more
    /// than twice that (50,000 short SANs in one flow-style list fit too). What it bounds is
    /// the YAML parser, whose node tree costs many times the file's size (a 50 MB `sans:`
    /// list took 872 MB and was killed after a minute): at the limit a whole plan peaks under
    /// 60 MB and takes 1.5 s (Benchmarks/plan.sh, 50,000 SANs). Every reader goes through
    /// `read(_:)` or `load(yaml:)`, so the limit holds for the command line, the wizard and
    /// the lab alike.
    public static let maximumSize = 1 << 20

    /// Reads and checks the deployment file at `path`: the one way a deployment file is
    /// read (the command line's `--deployment` and positional files, the wizard, the lab).
    /// Refused before YAML parsing when it is too large or not UTF-8.
    public static func load(contentsOf path: String) throws(DeploymentFileError) -> Deployment {
        try load(yaml: read(path))
    }

    /// The text of the deployment file at `path`, refused when it cannot be read, is larger
    /// than `maximumSize` (found from its size, or by reading one byte past the limit from
    /// a pipe: never more) or is not UTF-8 (named by line and column).
    public static func read(_ path: String) throws(DeploymentFileError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fileProblem("the deployment file \(path) does not exist: check the path (`cmscerts init` writes an example)")
        }
        if isDirectory.boolValue { throw fileProblem("the deployment file \(path) is a folder: give the file's path, e.g. \(path)/deployment.yaml") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw fileProblem("the deployment file \(path) cannot be read: check its permissions")
        }
        defer { try? handle.close() }
        // A regular file says its size: a file too large is refused unread.
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           attributes[.type] as? FileAttributeType == .typeRegular,
           let size = (attributes[.size] as? NSNumber)?.intValue, size > maximumSize {
            throw tooLarge(size)
        }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumSize + 1) ?? Data()
        } catch {
            throw fileProblem("the deployment file \(path) cannot be read: \(error.localizedDescription)")
        }
        // A pipe, or a file that grew since: what was read shows it.
        if data.count > maximumSize { throw tooLarge(nil) }
        return try text(from: data)
    }

    /// The text of a deployment file's bytes: refused when larger than `maximumSize`, or
    /// when not UTF-8, with the line and column (and byte offset) of the first invalid byte.
    public static func text(from data: Data) throws(DeploymentFileError) -> String {
        if data.count > maximumSize { throw tooLarge(data.count) }
        if let bad = firstInvalidUTF8(in: data) {
            throw DeploymentFileError(issues: [DeploymentIssue(path: "", line: bad.line, message: """
                the file is not UTF-8 text: the byte 0x\(String(format: "%02X", bad.byte)) at column \(bad.column) \
                (byte offset \(bad.offset) of the file) cannot be read as UTF-8. Save the file as UTF-8 \
                (e.g. `iconv -f LATIN1 -t UTF-8`), or retype the character there
                """)])
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Where the first byte that is not UTF-8 is: its 1-based line and column (in
    /// characters, as an editor counts them), its 0-based offset in the file, its value.
    /// Nil when all of `data` is UTF-8.
    static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int, offset: Int, byte: UInt8)? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> (line: Int, column: Int, offset: Int, byte: UInt8)? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0, line = 1, column = 1
            let count = bytes.count
            while i < count {
                let b = bytes[i]
                if b < 0x80 {
                    if b == 0x0A { line += 1; column = 1 } else { column += 1 }
                    i += 1
                    continue
                }
                // The length of the sequence and the range its second byte must be in
                // (which excludes overlong forms, surrogates and values past U+10FFFF).
                let length: Int, low: UInt8, high: UInt8
                switch b {
                case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
                case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
                case 0xED: (length, low, high) = (3, 0x80, 0x9F)
                case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
                case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
                case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
                default: return (line, column, i, b)
                }
                for k in 1..<length {
                    let index = i + k
                    guard index < count else { return (line, column, i, b) }
                    let next = bytes[index]
                    let ok = k == 1 ? (low...high).contains(next) : (0x80...0xBF).contains(next)
                    // The sequence starting here is broken: the character it began is the one to fix.
                    if !ok { return (line, column, i, b) }
                }
                i += length
                column += 1
            }
            return nil
        }
    }

    static func fileProblem(_ message: String) -> DeploymentFileError {
        DeploymentFileError(issues: [DeploymentIssue(path: "", message: message)])
    }

    /// The file is `size` bytes (nil: more than the limit, from a pipe).
    static func tooLarge(_ size: Int?) -> DeploymentFileError {
        let what = size.map { "is \(bytes($0)): a deployment file may hold \(bytes(maximumSize)) at most" }
            ?? "holds more than \(bytes(maximumSize)), the most a deployment file may hold"
        return fileProblem("""
            the deployment file \(what), so it was not parsed. \
            Check that this is your deployment file (not a log, a bundle or a key); a real one is far smaller \
            (100 nodes and 10,000 SANs come to about 420 KB): remove what is repeated or does not belong
            """)
    }

    /// `1,048,576 bytes (1.0 MiB)`.
    static func bytes(_ count: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = ","
        formatter.usesGroupingSeparator = true
        let exact = formatter.string(from: NSNumber(value: count)) ?? String(count)
        return "\(exact) bytes (\(String(format: "%.1f", Double(count) / 1_048_576)) MiB)"
    }
}
