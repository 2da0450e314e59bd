import Foundation

/// Finds the PEM blocks of a text and everything around them, line by line, so that a
/// loader can decode each block and a bundle check can name the line of every problem.
public struct PEMText: Sendable {
    /// One `-----BEGIN X-----` ... `-----END X-----` block.
    public struct Block: Sendable {
        /// What the BEGIN line names: `CERTIFICATE`, `PRIVATE KEY`, `CERTIFICATE REQUEST`, ...
        public var label: String
        /// 1-based line numbers of the BEGIN and END lines (END is nil when missing).
        public var beginLine: Int
        public var endLine: Int?
        /// The lines between BEGIN and END, line ends removed (headers included).
        public var bodyLines: [String]

        /// The block re-assembled as canonical PEM text, LF line ends.
        public var canonicalText: String {
            "-----BEGIN \(label)-----\n" + bodyLines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
                + "\n-----END \(label)-----\n"
        }

        /// The DER bytes of the block, or nil when the base64 does not decode (headers such
        /// as `Proc-Type:` make it nil too: those blocks go to OpenSSL's PEM reader whole).
        public var derBytes: Data? {
            let base64 = bodyLines.map { $0.trimmingCharacters(in: .whitespaces) }.joined()
            if base64.isEmpty || base64.contains(":") { return nil }
            return Data(base64Encoded: base64)
        }

        public var isPrivateKey: Bool { label.hasSuffix("PRIVATE KEY") }
        public var isCertificate: Bool { label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE" }
    }

    /// The text's lines as they stand (without their line ends).
    public let lines: [String]
    public let blocks: [Block]
    /// 1-based numbers of the non-blank lines that are outside every block.
    public let strayLines: [Int]
    public let hasBOM: Bool
    /// 1-based numbers of lines that end in CR LF.
    public let crlfLines: [Int]

    public init(_ data: Data) {
        var bytes = data
        hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hasBOM { bytes = bytes.dropFirst(3) }
        // Split on LF bytes: in Swift "\r\n" is one Character, so String.split would miss it.
        var lines: [String] = []
        var crlf: [Int] = []
        for (index, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            var line = raw[...]
            if line.last == 0x0D { line = line.dropLast(); crlf.append(index + 1) }
            lines.append(String(decoding: line, as: UTF8.self))
        }
        // A final newline leaves one empty element after it: that is not a line.
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        crlfLines = crlf

        var blocks: [Block] = []
        var stray: [Int] = []
        var open: Block? = nil
        for (index, line) in lines.enumerated() {
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let label = Self.label(of: trimmed, marker: "BEGIN") {
                if var unfinished = open { unfinished.endLine = nil; blocks.append(unfinished) }
                open = Block(label: label, beginLine: number, endLine: nil, bodyLines: [])
            } else if let label = Self.label(of: trimmed, marker: "END"), var block = open {
                if label == block.label { block.endLine = number }
                blocks.append(block)
                open = nil
            } else if open != nil {
                open!.bodyLines.append(line)
            } else if !trimmed.isEmpty {
                stray.append(number)
            }
        }
        if let unfinished = open { blocks.append(unfinished) }
        self.blocks = blocks
        strayLines = stray
    }

    /// Does the data look like PEM at all (a BEGIN line somewhere near the top)?
    public static func looksLikePEM(_ data: Data) -> Bool {
        data.prefix(1 << 20).range(of: Data("-----BEGIN ".utf8)) != nil
    }

    static func label(of line: String, marker: String) -> String? {
        let prefix = "-----\(marker) ", suffix = "-----"
        guard line.hasPrefix(prefix), line.hasSuffix(suffix), line.count > prefix.count + suffix.count else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
