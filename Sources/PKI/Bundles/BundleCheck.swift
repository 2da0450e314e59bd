import Foundation
import TerminalText

/// One rule a bundle file breaks.
public struct BundleIssue: Codable, Sendable, Equatable {
    /// A stable name for the rule: `order`, `crlf`, `blank-line`, `text-outside-blocks`,
    /// `no-final-newline`, `extra-final-newlines`, `private-key`, `expired`,
    /// `missing-issuer`, `duplicate`, `stranger`, `bom`, `trailing-space`, `damaged`, `not-a-certificate`, `extension`.
    public var rule: String
    /// The 1-based line the problem is on, when it is on one.
    public var line: Int?
    public var message: String
}

/// The verdict of `bundle check` on a file.
public struct BundleCheckReport: Codable, Sendable {
    public var path: String
    /// The certificates in the file's order: subject, line, position found.
    public struct Member: Codable, Sendable {
        public var line: Int
        public var subject: String
        public var issuer: String
        public var notAfter: String
    }
    public var members: [Member]
    public var issues: [BundleIssue]
    /// The order the members should be in, when the file's order is wrong (subjects).
    public var suggestedOrder: [String]?
    public var passed: Bool { issues.isEmpty }

    public var text: String {
        var out: [String] = []
        for (i, m) in members.enumerated() {
            out.append("[\(i + 1)] line \(m.line): \(m.subject) (issuer: \(m.issuer); not after \(m.notAfter))")
        }
        for issue in issues {
            out.append((issue.line.map { "line \($0): " } ?? "") + issue.message)
        }
        if let suggestedOrder {
            out.append("the right order, top to bottom:")
            for (i, s) in suggestedOrder.enumerated() { out.append("  \(i + 1). \(s)") }
        }
        out.append(passed ? "OK: \(path) follows every bundle rule" : "FAILED: \(path) breaks \(issues.count) rule\(issues.count == 1 ? "" : "s")")
        // Names, paths and stray lines come from the file: each line keeps to its line.
        return out.map { TerminalText.visible($0) }.joined(separator: "\n") + "\n"
    }
}

/// Checks an existing bundle file against every rule CMS has for bundles.
public enum BundleChecker {
    public static func check(path: String, at now: Date = Date()) throws -> BundleCheckReport {
        let data = try Loader.readFile(path)
        return check(data: data, name: path, at: now)
    }

    public static func check(data: Data, name: String, at now: Date = Date()) -> BundleCheckReport {
        var issues: [BundleIssue] = []
        func add(_ rule: String, _ line: Int?, _ message: String) { issues.append(BundleIssue(rule: rule, line: line, message: message)) }

        guard PEMText.looksLikePEM(data) else {
            add("not-pem", nil, "\(name) is not a PEM file (no -----BEGIN line): CMS bundles are PEM; convert it with cmscerts bundle build")
            return BundleCheckReport(path: name, members: [], issues: issues, suggestedOrder: nil)
        }
        let text = PEMText(data)
        if text.hasBOM { add("bom", 1, "the file starts with a byte-order mark (BOM): save it without one") }
        if !text.crlfLines.isEmpty {
            add("crlf", text.crlfLines.first, "Windows line ends (CR LF) on \(ranges(text.crlfLines)): CMS wants LF only")
        }
        var insideBlock = Set<Int>()
        for block in text.blocks { for n in block.beginLine...(block.endLine ?? text.lines.count) { insideBlock.insert(n) } }
        // Trailing blank lines are counted apart, as extra final newlines.
        var lastContent = text.lines.count
        while lastContent > 0 && text.lines[lastContent - 1].trimmingCharacters(in: .whitespaces).isEmpty { lastContent -= 1 }
        for (index, line) in text.lines.enumerated() {
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if number <= lastContent && trimmed.isEmpty {
                add("blank-line", number, "a blank line: remove it (no blank lines between or inside blocks)")
            } else if !trimmed.isEmpty && line != trimmed {
                add("trailing-space", number, "spaces or tabs around the text: remove them")
            }
        }
        for number in text.strayLines {
            let shown = String(text.lines[number - 1].prefix(40))
            add("text-outside-blocks", number, "text outside the PEM blocks ('\(shown)'): remove it; a bundle holds only the blocks")
        }
        let raw = text.hasBOM ? data.dropFirst(3) : data[...]
        if let last = raw.last, last != UInt8(ascii: "\n") {
            add("no-final-newline", text.lines.count, "the last line has no line break: end the file with exactly one")
        } else if text.lines.count > lastContent {
            add("extra-final-newlines", lastContent + 1, "\(text.lines.count - lastContent) blank line(s) at the end: end the file with exactly one line break")
        }

        var members: [SourcedCertificate] = []
        var lines: [Data: Int] = [:]
        for block in text.blocks {
            guard block.endLine != nil else {
                add("damaged", block.beginLine, "the \(block.label) block has no END line: the file is truncated")
                continue
            }
            if block.isPrivateKey {
                add("private-key", block.beginLine, "a private key is inside the bundle: remove it at once (a key never goes into a bundle) and keep it apart, 0600")
                continue
            }
            guard block.isCertificate else {
                add("not-a-certificate", block.beginLine, "a '\(block.label)' block: a bundle holds certificates only; remove it")
                continue
            }
            guard let der = block.derBytes, let certificate = try? Certificate(der: der) else {
                add("damaged", block.beginLine, "this certificate does not decode (damaged or truncated base64): copy it again")
                continue
            }
            if let first = lines[certificate.der] {
                add("duplicate", block.beginLine, "\(certificate.displayName) is a copy of the certificate at line \(first): remove one")
                continue
            }
            lines[certificate.der] = block.beginLine
            members.append(SourcedCertificate(certificate: certificate, location: "line \(block.beginLine)"))
            if !certificate.timesAreReadable {
                add("unreadable-time", block.beginLine, "\(certificate.displayName): its validity dates cannot be read (not valid ASN.1 times); get it issued again")
            } else if certificate.isExpired(at: now) {
                add("expired", block.beginLine, "\(certificate.displayName) expired on \(PKIFormat.date(certificate.notAfter)): renew it")
            }
        }

        var suggested: [String]? = nil
        if !members.isEmpty {
            // The file's order must be a chain: each certificate issued by the next one.
            var orderBroken = false
            for i in 0..<(members.count - 1) {
                let below = members[i].certificate, above = members[i + 1].certificate
                if !(below.isIssued(by: above) && below.isSigned(by: above)) {
                    orderBroken = true
                    add("order", lines[above.der], "\(above.displayName) does not follow \(below.displayName): the certificate after each one must be its issuer (\(below.issuer.description))")
                }
            }
            let mode: BundlePlan.Mode = members.contains { !$0.certificate.isCA && !$0.certificate.isSelfSigned } ? .fullChain : .caBundle
            if let plan = try? BundleBuilder.build(members, mode: mode, at: now) {
                if orderBroken || plan.members.count != members.count {
                    suggested = plan.members.map { "\($0.certificate.displayName) (\($0.location))" }
                }
                if let missing = plan.missingIssuer, let top = plan.members.last {
                    add("missing-issuer", lines[top.certificate.der], "the chain stops at \(top.certificate.displayName): its issuer '\(missing)' is not in the file; add it (and its issuers) up to the root, at the bottom")
                }
                for stranger in plan.strangers {
                    add("stranger", Int(stranger.location.dropFirst(5)), stranger.reason.replacingOccurrences(of: ": left out", with: ": remove it"))
                }
            } else if mode == .fullChain {
                add("order", nil, "more than one entity certificate: a full chain has one entity on top")
            }
        }
        if !(name.hasSuffix(".pem") || name.hasSuffix(".cer") || name.hasSuffix(".crt")) {
            add("extension", nil, "the file name should end .pem, .cer or .crt for CMS")
        }
        issues.sort { ($0.line ?? 0, $0.rule) < ($1.line ?? 0, $1.rule) }
        let report = members.map {
            BundleCheckReport.Member(line: lines[$0.certificate.der] ?? 0, subject: $0.certificate.subject.description,
                                     issuer: $0.certificate.issuer.description, notAfter: $0.certificate.notAfterText)
        }
        return BundleCheckReport(path: name, members: report, issues: issues, suggestedOrder: suggested)
    }

    /// "lines 1-3, 7" from [1, 2, 3, 7].
    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < numbers.count {
            var j = i
            while j + 1 < numbers.count && numbers[j + 1] == numbers[j] + 1 { j += 1 }
            parts.append(i == j ? "\(numbers[i])" : "\(numbers[i])-\(numbers[j])")
            i = j + 1
        }
        return (numbers.count == 1 ? "line " : "lines ") + parts.joined(separator: ", ")
    }
}
