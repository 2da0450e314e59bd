import Dispatch
import Foundation
import PKI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cmscerts expiry`'s output in any format, as bytes, with the file scan rendered in the
/// reading threads: each thread turns the files it read into the bytes (or table lines)
/// of its rows, and the bytes are written in walking order. The output is the one the
/// `RowRenderer`s give for the same rows, byte for byte (they share every per-row
/// function). JSON, CSV and Prometheus keep nothing per certificate: Prometheus writes
/// its later metric families to unlinked temporary files and copies them at the end.
public final class ExpiryWriter {
    public let format: ExpiryFormat
    /// Where the bytes go, 64 KB at a time.
    private let sink: (UnsafeRawBufferPointer) -> Void
    private var buffer: [UInt8] = []
    private var table: TableRenderer
    private var seenSeries: Set<String> = []
    /// Rows of files named on the command line, rendered together when the run of them ends.
    private var namedRows: [CertificateRow] = []
    private var families: [TemporaryFile] = []
    private var prometheusErrors = 0
    private var firstJSON = true
    /// How many bytes of each later Prometheus family stay in memory before they go to a
    /// temporary file.
    var familyMemoryLimit = TemporaryFile.memoryLimit
    /// The rows' count and their worst state.
    public private(set) var count = 0
    public private(set) var state = CheckState.ok

    public init(format: ExpiryFormat, color: Bool = false, now: Date = Date(), width: Int? = nil,
                sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.format = format
        self.sink = sink
        table = TableRenderer(color: color, now: now, width: width)
        buffer.reserveCapacity(1 << 17)
    }

    /// The opening bytes of the format.
    public func begin() throws {
        switch format {
        case .json: write("[")
        case .csv: write(CSVRenderer.header.joined(separator: ",") + "\r\n")
        case .prometheus:
            families = (0..<3).map { _ in TemporaryFile(memoryLimit: familyMemoryLimit) }
            write(PrometheusRenderer.notAfterHead)
        case .table: break
        }
    }

    /// Rows read some other way (nodes, endpoints), rendered here, in order.
    public func add(_ rows: [CertificateRow]) {
        guard !rows.isEmpty else { return }
        if format == .table || format == .prometheus {
            count += rows.count
            state = state.worse(rows.checkState)
        }
        switch format {
        case .table:
            for line in TableRenderer.lines(rows) { table.keep(line) }
        case .prometheus:
            for row in rows {
                switch PrometheusRenderer.entry(row) {
                case .error(let labels)?:
                    prometheusErrors += 1
                    families[2].append("x509_cert_error{\(labels)} 1\n")
                case let .series(labels, notBefore, notAfter, expired)?:
                    // A series seen twice (the same certificate read twice) is written once.
                    guard seenSeries.insert(labels).inserted else { continue }
                    write("x509_cert_not_after{\(labels)} \(notAfter)\n")
                    families[0].append("x509_cert_not_before{\(labels)} \(notBefore)\n")
                    families[1].append("x509_cert_expired{\(labels)} \(expired ? 1 : 0)\n")
                case nil:
                    continue
                }
            }
        case .json, .csv:
            var piece = Piece()
            Self.render(rows, format: format, into: &piece)
            take(piece)
        }
    }

    /// The closing bytes; everything is written when it returns.
    public func finish() throws {
        switch format {
        case .json: write(firstJSON ? "]\n" : "\n]\n")
        case .csv: break
        case .table:
            var bytes: [UInt8] = []
            table.finish(to: &bytes)
            write(bytes: bytes)
        case .prometheus:
            write(PrometheusRenderer.notBeforeHead)
            try copy(families[0])
            write(PrometheusRenderer.expiredHead)
            try copy(families[1])
            if prometheusErrors > 0 {
                write(PrometheusRenderer.errorHead)
                try copy(families[2])
            }
            write(PrometheusRenderer.readErrors(prometheusErrors))
        }
        flush()
    }

    // MARK: - The file scan

    /// Reads `paths` (files and folders, recursively, as `FileSource.scan` walks them) on
    /// every core and writes their rows in walking order. `read` is called with the count
    /// of files read, after each batch.
    @discardableResult
    public func scanFiles(_ paths: [String], policy: ExpiryPolicy, now: Date = Date(), passphrase: String? = nil,
                          parser: CertificateFileReader.Parser = .lean, batchSize: Int = 2048,
                          read: (Int) -> Void = { _ in }) throws -> FileScanStats {
        // A path named twice may be read twice: its rows go through `add`, which keeps
        // Prometheus from writing a series twice and the table numbering as before.
        let named = Set(paths)
        // The walk and the writing are one thread's work, done beside the reading of the
        // batch in hand: while the other threads read batch n, it writes batch n-1 and
        // walks to batch n+1.
        let serial = Serial(walker: PathWalker(paths: paths, extensions: FileSource.folderExtensions), batchSize: batchSize)
        serial.walk()
        let chunk = 16
        let readers = ReaderPool()
        let format = self.format
        nonisolated(unsafe) let writer = self
        var previous: [Piece] = []
        while !serial.next.isEmpty {
            let items = serial.next
            let chunks = (items.count + chunk - 1) / chunk
            let pieces = UnsafeMutableBufferPointer<Piece>.allocate(capacity: chunks)
            pieces.initialize(repeating: Piece())
            defer { pieces.deinitialize(); pieces.deallocate() }
            nonisolated(unsafe) let out = pieces
            let written = previous
            DispatchQueue.concurrentPerform(iterations: chunks + 1) { iteration in
                if iteration == 0 {
                    for piece in written { serial.stats.add(piece); writer.takeAll(piece) }
                    serial.walk()
                    return
                }
                let c = iteration - 1
                let reader = readers.take()
                defer { readers.give(reader) }
                var piece = Piece()
                // Room for the chunk's rows at once, rather than buffers doubled a row at a time.
                piece.current.reserve(rows: chunk, format: format)
                for index in (c * chunk)..<min(items.count, (c + 1) * chunk) {
                    let rows: [CertificateRow]
                    var path = ""
                    switch items[index] {
                    case .file(let p):
                        path = p
                        rows = FileSource.rows(forFile: p, policy: policy, now: now, passphrase: passphrase, parser: parser)
                    case .regularFile(let p, let folder, let name):
                        path = p
                        rows = FileSource.rows(forRegularFile: p, directory: folder.fd, name: name, buffer: reader,
                                               policy: policy, now: now, passphrase: passphrase, parser: parser)
                    case .problem(let p, let message):
                        rows = [CertificateRow(unreadable: p, reason: "\(p): \(message)", source: .file)]
                    }
                    piece.files += 1
                    if rows.isEmpty { piece.withoutCertificates += 1 }
                    for row in rows {
                        if row.status == .unreadable { piece.unreadable += 1 } else { piece.certificates += 1 }
                    }
                    if named.contains(path) {
                        piece.flush()
                        piece.parts.append(.rows(rows))
                    } else {
                        Self.render(rows, format: format, into: &piece)
                    }
                }
                piece.flush()
                out[c] = piece
            }
            previous = Array(pieces)
            read(items.count)
        }
        for piece in previous { serial.stats.add(piece); takeAll(piece) }
        add(namedRows)
        namedRows = []
        return serial.stats
    }

    /// The walk, one batch ahead, and the counts: touched by one thread at a time.
    private final class Serial: @unchecked Sendable {
        var walker: PathWalker
        let batchSize: Int
        var next: [PathWalker.Item] = []
        var stats = FileScanStats()

        init(walker: PathWalker, batchSize: Int) {
            self.walker = walker
            self.batchSize = batchSize
        }

        /// The next batch: up to `batchSize` items, or fewer when `PathWalker.folderLimit`
        /// folders have been opened for it (each stays open while its items live).
        func walk() {
            next = walker.batch(of: batchSize)
        }
    }

    /// What one reading thread made of its files: runs of rendered rows, and the rows of
    /// files named on the command line (rendered here, in their place).
    struct Piece {
        enum Part {
            case rendered(Rendered)
            case rows([CertificateRow])
        }
        struct Rendered {
            var bytes: [UInt8] = []
            var lines: [TableRenderer.Line] = []
            var notBefore: [UInt8] = []
            var expired: [UInt8] = []
            var errors: [UInt8] = []
            var errorCount = 0
            var count = 0
            var state = CheckState.ok

            /// About what `rows` rows of one certificate each take in `format`.
            mutating func reserve(rows: Int, format: ExpiryFormat) {
                switch format {
                case .json: bytes.reserveCapacity(rows * 768)
                case .csv: bytes.reserveCapacity(rows * 512)
                case .prometheus:
                    bytes.reserveCapacity(rows * 448)
                    notBefore.reserveCapacity(rows * 448)
                    expired.reserveCapacity(rows * 448)
                case .table: lines.reserveCapacity(rows)
                }
            }
        }
        var parts: [Part] = []
        var current = Rendered()
        var scratch: [UInt8] = []
        var files = 0, withoutCertificates = 0, certificates = 0, unreadable = 0

        /// Closes the current run of rendered rows.
        mutating func flush() {
            if current.count > 0 { parts.append(.rendered(current)) }
            current = Rendered()
        }
    }

    /// Renders rows into a piece, in any thread.
    static func render(_ rows: [CertificateRow], format: ExpiryFormat, into piece: inout Piece) {
        piece.current.count += rows.count
        piece.current.state = piece.current.state.worse(rows.checkState)
        switch format {
        case .json:
            for row in rows {
                piece.current.bytes.append(contentsOf: ",\n".utf8)
                JSONRenderer.append(row, to: &piece.current.bytes, scratch: &piece.scratch)
            }
        case .csv:
            for row in rows { CSVRenderer.append(row, to: &piece.current.bytes) }
        case .table:
            piece.current.lines.append(contentsOf: TableRenderer.lines(rows))
        case .prometheus:
            // The same certificate twice in one file is one series (files apart have paths apart).
            var seen: Set<[UInt8]> = []
            for row in rows {
                piece.scratch.removeAll(keepingCapacity: true)
                switch PrometheusRenderer.appendEntry(row, to: &piece.scratch) {
                case .error?:
                    piece.current.errorCount += 1
                    piece.current.errors.append(contentsOf: "x509_cert_error{".utf8)
                    piece.current.errors.append(contentsOf: piece.scratch)
                    piece.current.errors.append(contentsOf: "} 1\n".utf8)
                case let .series(notBefore, notAfter, expired)?:
                    let labels = piece.scratch
                    guard rows.count == 1 || seen.insert(labels).inserted else { continue }
                    func line(_ out: inout [UInt8], _ metric: String, _ value: Int64) {
                        Text.append(metric, to: &out)
                        out.append(contentsOf: labels)
                        out.append(contentsOf: "} ".utf8)
                        Text.append(Int(value), to: &out)
                        out.append(UInt8(ascii: "\n"))
                    }
                    line(&piece.current.bytes, "x509_cert_not_after{", notAfter)
                    line(&piece.current.notBefore, "x509_cert_not_before{", notBefore)
                    line(&piece.current.expired, "x509_cert_expired{", expired ? 1 : 0)
                case nil:
                    continue
                }
            }
        }
    }

    private func takeAll(_ piece: Piece) {
        for part in piece.parts {
            switch part {
            case .rendered(let rendered):
                add(namedRows)
                namedRows = []
                take(rendered)
            case .rows(let rows):
                namedRows += rows
            }
        }
    }

    private func take(_ piece: Piece) {
        var copy = piece
        copy.flush()
        for part in copy.parts {
            if case .rendered(let rendered) = part { take(rendered) }
        }
    }

    private func take(_ rendered: Piece.Rendered) {
        count += rendered.count
        state = state.worse(rendered.state)
        switch format {
        case .json:
            guard !rendered.bytes.isEmpty else { return }
            // The first object follows "[" with a line break alone.
            rendered.bytes.withUnsafeBufferPointer { all in
                write(bytes: UnsafeBufferPointer(rebasing: all[(firstJSON ? 1 : 0)...]))
            }
            firstJSON = false
        case .csv:
            write(bytes: rendered.bytes)
        case .table:
            for line in rendered.lines { table.keep(line) }
        case .prometheus:
            write(bytes: rendered.bytes)
            families[0].append(rendered.notBefore)
            families[1].append(rendered.expired)
            families[2].append(rendered.errors)
            prometheusErrors += rendered.errorCount
        }
    }

    // MARK: - Bytes out

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { write(bytes: $0) }
    }

    private func write(bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { sink($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A later family's bytes, through the 64 KB buffer (pieces kept in memory are small).
    private func copy(_ file: TemporaryFile) throws {
        try file.replay { write(bytes: $0) }
    }
}

extension FileScanStats {
    mutating func add(_ piece: ExpiryWriter.Piece) {
        files += piece.files
        withoutCertificates += piece.withoutCertificates
        certificates += piece.certificates
        unreadable += piece.unreadable
    }
}

/// The read buffers of the reading threads, one per thread at a time.
final class ReaderPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [ReadBuffer] = []

    func take() -> ReadBuffer {
        lock.lock(); defer { lock.unlock() }
        return free.popLast() ?? ReadBuffer()
    }

    func give(_ buffer: ReadBuffer) {
        lock.lock(); defer { lock.unlock() }
        free.append(buffer)
    }
}

/// The bytes of a metric family written after the first, in order: the reading threads'
/// buffers are kept as they are (no copy) up to `memoryLimit` bytes; past it everything
/// goes to an unlinked temporary file (made then) in 64 KB writes, so that memory stays
/// flat however many certificates there are. Read back once.
final class TemporaryFile {
    /// 8 MB: some 20,000 certificates' lines of one family are never copied or written
    /// twice. (Copying each piece into one growing buffer was slower than the page
    /// cache, measured at 10,000 certificates; keeping the pieces themselves is not.)
    static let memoryLimit = 8 << 20
    private var fd: Int32 = -1
    /// The pieces kept while under the limit.
    private var held: [[UInt8]] = []
    private var heldBytes = 0
    /// Bytes waiting for a 64 KB write, once past the limit.
    private var pending: [UInt8] = []
    /// The first failure: `replay` throws it.
    private var failure: InventoryError?
    private let memoryLimit: Int

    init(memoryLimit: Int = TemporaryFile.memoryLimit) {
        self.memoryLimit = memoryLimit
    }

    deinit { if fd >= 0 { close(fd) } }

    func append(_ text: String) { append(Array(text.utf8)) }

    func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if fd < 0 && failure == nil && heldBytes + bytes.count <= memoryLimit {
            held.append(bytes)
            heldBytes += bytes.count
            return
        }
        do {
            if fd < 0 {
                try open()
                for piece in held { try write(piece) }
                held = []
                heldBytes = 0
            }
            pending.append(contentsOf: bytes)
            if pending.count >= 1 << 16 {
                try write(pending)
                pending.removeAll(keepingCapacity: true)
            }
        } catch {
            failure = failure ?? error as? InventoryError
        }
    }

    private func open() throws {
        var template = Array((NSTemporaryDirectory() + "/cmscerts-expiry-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw InventoryError("cannot make a temporary file in \(NSTemporaryDirectory()) (\(String(cString: strerror(errno)))): set TMPDIR to a writable folder")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    private func write(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw InventoryError("cannot write a temporary file (\(String(cString: strerror(errno)))): free some space in \(NSTemporaryDirectory())") }
            done += n
        }
    }

    /// Everything written, handed to `out` in pieces.
    func replay(_ out: (UnsafeRawBufferPointer) -> Void) throws {
        if let failure { throw failure }
        if fd < 0 {
            for piece in held { piece.withUnsafeBytes { out($0) } }
            return
        }
        try write(pending)
        pending.removeAll()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw InventoryError("cannot read back a temporary file") }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw InventoryError("cannot read back a temporary file (\(String(cString: strerror(errno))))") }
            if n == 0 { break }
            chunk.withUnsafeBytes { out(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}
