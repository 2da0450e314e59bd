import Dispatch
import Foundation
import PKI

/// Counts of a file scan, for the summary line.
public struct FileScanStats: Sendable, Hashable {
    public var files = 0
    public var certificates = 0
    public var unreadable = 0
    /// Files that held only keys or CSRs: understood, but nothing to list.
    public var withoutCertificates = 0
}

/// The certificates of files and folders on this machine: every input format the PKI
/// engine reads, every member of a bundle (intermediates and roots expire too). Files
/// are read in parallel over all cores, a batch at a time, so that memory stays flat
/// however large the tree: only the rows of the batch in hand are held.
public enum FileSource {
    /// The extensions read inside a folder (a file named on its own is always read).
    /// Keys and CSRs are left alone: they do not expire.
    public static let folderExtensions: Set<String> = ["crt", "cer", "pem", "der", "cert", "p7b", "p7c", "p12", "pfx"]

    /// Scans `paths` (files and folders, recursively) and hands the rows to `emit` in
    /// batches, in walking order. An unreadable file is a row, never a stop.
    @discardableResult
    public static func scan(_ paths: [String], policy: ExpiryPolicy, now: Date = Date(), passphrase: String? = nil,
                            extensions: Set<String> = folderExtensions, batchSize: Int = 2048,
                            parser: CertificateFileReader.Parser = .lean,
                            emit: ([CertificateRow]) throws -> Void) rethrows -> FileScanStats {
        var walker = PathWalker(paths: paths, extensions: extensions)
        var stats = FileScanStats()
        while true {
            let batch = walker.batch(of: batchSize)
            if batch.isEmpty { break }
            let results = readAll(batch, policy: policy, now: now, passphrase: passphrase, parser: parser)
            var rows: [CertificateRow] = []
            rows.reserveCapacity(results.count)
            for result in results {
                stats.files += 1
                if result.rows.isEmpty { stats.withoutCertificates += 1 }
                for row in result.rows where row.status == .unreadable { stats.unreadable += 1 }
                stats.certificates += result.rows.count { $0.status != .unreadable }
                rows.append(contentsOf: result.rows)
            }
            try emit(rows)
        }
        return stats
    }

    /// The rows of one file: one per certificate, or one saying why it cannot be read.
    public static func rows(forFile path: String, policy: ExpiryPolicy, now: Date = Date(), passphrase: String? = nil,
                            source: RowSource = .file, node: String? = nil,
                            service: String? = nil, displayName: String? = nil,
                            parser: CertificateFileReader.Parser = .lean) -> [CertificateRow] {
        rows(of: path, policy: policy, now: now, source: source, node: node, service: service, displayName: displayName) {
            try CertificateFileReader.read(path: path, passphrase: passphrase, parser: parser)
        }
    }

    /// The rows of a file a folder listing says is regular, read into `buffer` (open,
    /// read, close): as `rows(forFile:)` gives them.
    /// With `directory` (an open folder's descriptor) and `name`, it is opened by name there.
    public static func rows(forRegularFile path: String, directory: Int32 = AT_FDCWD, name: String? = nil, buffer: ReadBuffer,
                            policy: ExpiryPolicy, now: Date = Date(),
                            passphrase: String? = nil, parser: CertificateFileReader.Parser = .lean) -> [CertificateRow] {
        rows(of: path, policy: policy, now: now, source: .file, node: nil, service: nil, displayName: nil) {
            try CertificateFileReader.read(regularFile: path, directory: directory, name: name, buffer: buffer,
                                           passphrase: passphrase, parser: parser)
        }
    }

    private static func rows(of path: String, policy: ExpiryPolicy, now: Date, source: RowSource, node: String?,
                             service: String?, displayName: String?,
                             reading: () throws -> CertificateFileContents) -> [CertificateRow] {
        let shown = displayName ?? path
        do {
            let contents = try reading()
            return contents.certificates.enumerated().map { index, summary in
                CertificateRow(summary: summary, source: source, file: shown, member: index + 1, node: node,
                               service: service, policy: policy, now: now)
            }
        } catch {
            let message = (error as? PKIError)?.message ?? "\(error)"
            return [CertificateRow(unreadable: shown, reason: message.replacingOccurrences(of: path, with: shown),
                                   source: source, node: node, service: service)]
        }
    }

    private struct Result { var rows: [CertificateRow] }

    private static func readAll(_ items: [PathWalker.Item], policy: ExpiryPolicy, now: Date, passphrase: String?,
                                parser: CertificateFileReader.Parser) -> [Result] {
        let count = items.count
        let results = UnsafeMutableBufferPointer<Result>.allocate(capacity: count)
        results.initialize(repeating: Result(rows: []))
        defer { results.deinitialize(); results.deallocate() }
        let chunk = 8
        let chunks = (count + chunk - 1) / chunk
        let base = results.baseAddress!
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for index in (c * chunk)..<min(count, (c + 1) * chunk) {
                switch items[index] {
                case .file(let path), .regularFile(let path, _, _):
                    base[index] = Result(rows: rows(forFile: path, policy: policy, now: now, passphrase: passphrase, parser: parser))
                case .problem(let path, let message):
                    base[index] = Result(rows: [CertificateRow(unreadable: path, reason: "\(path): \(message)", source: .file)])
                }
            }
        }
        return Array(results)
    }
}
