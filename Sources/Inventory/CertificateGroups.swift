import Foundation

/// The rows of a scan as a person reads an estate: one entry per certificate in use
/// (a service's certificate on a node, a live endpoint's), the rest of its chain folded
/// under it, copies of one certificate (the same SHA-256: the workspace's copy and the
/// node's) merged into one entry that lists every place, and the files no service uses
/// in an `unused` group that never counts as critical. Pure: the dashboard and its
/// tests build it from rows; `cmscerts expiry` lists the same rows flat.
public struct CertificateGroups: Sendable, Hashable {
    /// Where one copy of a certificate is.
    public struct Place: Sendable, Hashable {
        public var source: RowSource
        public var node: String?
        public var service: String?
        public var file: String
        /// Its place in that file (or chain), 1-based.
        public var member: Int?

        /// `node:file`, the path, or the endpoint, with the services that use it.
        public var text: String {
            let at = node.map { "\($0):\(file)" } ?? file
            return at + (member.map { $0 > 1 ? " #\($0)" : "" } ?? "") + (service.map { " (\($0))" } ?? "")
        }
    }

    /// One certificate: the row of its first place, every place it is in, and the rest
    /// of its chain (its file's other members, and the bundles its services use).
    public struct Entry: Sendable, Hashable, Identifiable {
        public var row: CertificateRow
        public var places: [Place]
        public var chain: [CertificateRow]
        /// True in the unused group: no service uses any of its places.
        public var unused: Bool

        /// The fingerprint (an endpoint's: with the endpoint), or the place of an unreadable file.
        public var id: String {
            guard let fp = row.sha256Fingerprint else { return "\(row.source.rawValue):\(row.location)" }
            return row.source == .endpoint ? "\(row.location)@\(fp)" : fp
        }

        /// The worst status of the certificate and its chain, a problem (chain out of
        /// order, not the configured certificate) making it at least a warning.
        public var state: CheckState {
            ([row] + chain).checkState
        }

        /// True when any place, the CN, the subject, the SANs or the status holds `needle` (lowercased).
        public func matches(_ needle: String) -> Bool {
            guard !needle.isEmpty else { return true }
            let texts = places.map(\.text) + [row.commonName ?? "", row.subject?.description ?? "", row.reason ?? "", row.status.rawValue]
                + row.subjectAltNames
            return texts.contains { $0.lowercased().contains(needle) }
        }
    }

    /// How the entries are ordered; `next` cycles through them (the dashboard's `s`).
    public enum Order: String, Sendable, CaseIterable {
        case worst, daysLeft = "days left", node, file, name

        public var next: Order {
            let all = Order.allCases
            return all[(all.firstIndex(of: self)! + 1) % all.count]
        }
    }

    /// Counts of a view, for the header: entries in use by state, and the unused ones.
    public struct Counts: Sendable, Hashable {
        public var ok, warning, critical, unknown, unused: Int
        public var inUse: Int { ok + warning + critical + unknown }

        public init(ok: Int = 0, warning: Int = 0, critical: Int = 0, unknown: Int = 0, unused: Int = 0) {
            (self.ok, self.warning, self.critical, self.unknown, self.unused) = (ok, warning, critical, unknown, unused)
        }
    }

    /// The certificates in use.
    public var entries: [Entry]
    /// The files no service uses (never counted critical).
    public var unused: [Entry]

    /// Groups `rows`. `serviceFiles` says, per node, which file each service uses as its
    /// certificate and which as its bundle; a node's files no service uses, and the
    /// workspace's files that are no copy of a certificate in use, are unused. With no
    /// node read at all (`knowsUse` false: a folder, no deployment) nothing can be
    /// called unused, and every file's certificate is an entry.
    public init(rows: [CertificateRow], serviceFiles: [String: [ServiceFile]] = [:], knowsUse: Bool? = nil) {
        let knows = knowsUse ?? !serviceFiles.isEmpty
        // Each file's rows, in member order, by (source, node, file).
        struct FileKey: Hashable { var source: RowSource; var node: String?; var file: String }
        var files: [FileKey: [CertificateRow]] = [:]
        var order: [FileKey] = []
        for row in rows {
            let key = FileKey(source: row.source, node: row.node, file: row.file)
            if files[key] == nil { order.append(key) }
            files[key, default: []].append(row)
        }
        // A file's own certificate: its entity, else its first member.
        func head(_ members: [CertificateRow]) -> (CertificateRow, [CertificateRow]) {
            let i = members.firstIndex { $0.position == .entity } ?? 0
            var rest = members
            let first = rest.remove(at: i)
            return (first, rest)
        }
        func place(_ r: CertificateRow) -> Place { Place(source: r.source, node: r.node, service: r.service, file: r.file, member: r.member) }

        var built: [Entry] = []
        var byID: [String: Int] = [:]
        var chainMembers: [String: (entry: Int, member: Int)] = [:]
        var placed: Set<FileKey> = []
        // An endpoint's entry is its own (what that server presents, and what is wrong with
        // how): never merged with another's, nor a file's.
        func add(_ entry: Entry, merging: Bool = true) {
            if merging, let i = byID[entry.id] {
                built[i].places += entry.places
                built[i].unused = built[i].unused && entry.unused
                if built[i].chain.isEmpty { built[i].chain = entry.chain }
                return
            }
            if merging { byID[entry.id] = built.count }
            for (m, member) in entry.chain.enumerated() where merging {
                if let fp = member.sha256Fingerprint, chainMembers[fp] == nil { chainMembers[fp] = (built.count, m) }
            }
            built.append(entry)
        }
        // 1. In use: each node service's certificate file, with its bundles' members as its chain;
        //    each endpoint's presented chain.
        let bundleFiles = Set(serviceFiles.flatMap { node, uses in uses.filter { !$0.isServiceCertificate }.map { FileKey(source: .node, node: node, file: $0.file) } })
        for key in order {
            let members = files[key]!
            switch key.source {
            case .endpoint:
                let (first, rest) = head(members)
                add(Entry(row: first, places: [place(first)], chain: rest, unused: false), merging: false)
                placed.insert(key)
            case .node:
                let uses = serviceFiles[key.node ?? ""]?.filter { $0.file == key.file } ?? []
                guard uses.contains(where: \.isServiceCertificate) || (!knows && !bundleFiles.contains(key)) else { continue }
                let (first, rest) = head(members)
                let services = Set(uses.filter(\.isServiceCertificate).map(\.service))
                let bundles = serviceFiles[key.node ?? ""]?.filter { !$0.isServiceCertificate && services.contains($0.service) }.map(\.file) ?? []
                var chain = rest
                for bundle in Set(bundles).sorted() {
                    for member in files[FileKey(source: .node, node: key.node, file: bundle)] ?? []
                    where !chain.contains(where: { $0.sha256Fingerprint != nil && $0.sha256Fingerprint == member.sha256Fingerprint }) {
                        chain.append(member)
                    }
                }
                add(Entry(row: first, places: [place(first)], chain: chain, unused: false))
                placed.insert(key)
            case .file:
                continue
            }
        }
        // 2. Every other file: a copy of a certificate in use (or of a member of its chain)
        //    joins that entry's places; the rest is an entry of its own, unused when the
        //    nodes say what is in use.
        for key in order where !placed.contains(key) {
            let members = files[key]!
            if bundleFiles.contains(key) { continue }  // folded under the certificates whose services use it
            let (first, rest) = head(members)
            if let fp = first.sha256Fingerprint, let i = byID[fp] {
                built[i].places.append(place(first))
                continue
            }
            if let fp = first.sha256Fingerprint, let at = chainMembers[fp], !built[at.entry].unused {
                built[at.entry].places.append(place(first))
                continue
            }
            add(Entry(row: first, places: [place(first)], chain: rest, unused: knows))
        }
        entries = built.filter { !$0.unused }
        unused = built.filter(\.unused)
    }

    /// The same groups, only the entries `filter` matches (any case), in `order`.
    public func view(filter: String, order: Order) -> CertificateGroups {
        let needle = filter.lowercased()
        return view(order: order) { $0.matches(needle) }
    }

    /// The same groups, only the entries `keep` keeps, in `order`.
    public func view(order: Order, where keep: (Entry) -> Bool) -> CertificateGroups {
        var out = self
        out.entries = Self.sorted(entries.filter(keep), order)
        out.unused = Self.sorted(unused.filter(keep), order)
        return out
    }

    /// What the header counts: entries in use by state, unused entries apart.
    public var counts: Counts {
        var c = Counts()
        for e in entries {
            switch e.state {
            case .ok: c.ok += 1
            case .warning: c.warning += 1
            case .critical: c.critical += 1
            case .unknown: c.unknown += 1
            }
        }
        c.unused = unused.count
        return c
    }

    /// Every row grouped (entries, places aside): the rows `cmscerts expiry` lists once each
    /// per place, here once per certificate.
    public var fingerprints: Set<String> {
        Set((entries + unused).flatMap { [$0.row] + $0.chain }.compactMap(\.sha256Fingerprint))
    }

    static func sorted(_ entries: [Entry], _ order: Order) -> [Entry] {
        func days(_ e: Entry) -> Int { e.row.daysLeft ?? Int.min }
        func location(_ e: Entry) -> String { e.places.first?.text ?? "" }
        return entries.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            let key: (String, String)
            switch order {
            case .worst:
                if x.state.severity != y.state.severity { return x.state.severity > y.state.severity }
                if days(x) != days(y) { return days(x) < days(y) }
                key = (location(x), location(y))
            case .daysLeft:
                if days(x) != days(y) { return days(x) < days(y) }
                key = (location(x), location(y))
            case .node: key = (x.row.node ?? "", y.row.node ?? "")
            case .file: key = (x.row.file, y.row.file)
            case .name: key = ((x.row.commonName ?? "").lowercased(), (y.row.commonName ?? "").lowercased())
            }
            return key.0 != key.1 ? key.0 < key.1 : a.offset < b.offset
        }.map(\.element)
    }
}
