import Foundation
import Deployment
import PKI
import TerminalUI

/// Step 2's editor for one certificate of the plan: its basename, CN and SANs, and where
/// keys are made. The edit is a change to the deployment file (a service's `certificates:`
/// entry, or for one shared certificate `certificate_name`, `cluster_fqdn` and `sans`), so
/// it is checked by the file's rules and the planner, previewed as the `pki csr` line the
/// plan will type, and written through the review like any deployment change.
public struct CertificateEditor: Sendable {
    /// The rows: three text fields, then the choice of where keys are made.
    public static let labels = ["Basename", "CN", "SANs", "Keys made"]
    /// The row of the keys choice.
    public static let keysRow = 3

    /// The deployment as it is now (the file's value).
    public var base: Deployment
    /// The certificate edited, as the plan asks for it now.
    public var request: PlannedCertificate
    /// The text fields: basename, CN, SANs (comma separated).
    public var fields: [TextFieldState]
    /// Where keys are made (for every certificate of the deployment).
    public var keys: KeyLocation
    /// The focused row.
    public var focus = 0
    /// Every problem shown, touched or not (after a refused save).
    public var showAllErrors = false
    /// Why the last save could not go on.
    public var submitError: String?
    /// The certificate as the strategy gives it, without any edit of its names: what a
    /// value typed the same as is not written, and what F5 goes back to.
    public let strategyDefault: PlannedCertificate?

    /// An editor over `request` of `base`.
    public init(base: Deployment, request: PlannedCertificate) {
        self.base = base
        self.request = request
        fields = Self.fields(for: request)
        keys = base.keys
        var plain = base
        let owner = Self.owner(of: request, in: base)
        if let (i, service) = owner {
            plain.nodes[i].certificates[service] = nil
        } else {
            plain.sans = nil
            plain.clusterFQDN = nil
        }
        strategyDefault = (try? Planner.certificateRequests(plain))?.first { owner == nil || Self.isSame($0, as: request) }
    }

    /// The text fields showing `request`: its basename, CN and SANs.
    static func fields(for request: PlannedCertificate) -> [TextFieldState] {
        [TextFieldState(request.basename), TextFieldState(request.spec.subject.commonName),
         TextFieldState(request.spec.subjectAltNames.map(\.value).joined(separator: ","))]
    }

    /// True when `a` is the certificate of the same node and services as `b`.
    static func isSame(_ a: PlannedCertificate, as b: PlannedCertificate) -> Bool {
        a.makerNode == b.makerNode && a.services == b.services
    }

    /// True when the certificate is the one shared by every node (SAN or wildcard strategy).
    public var isShared: Bool { base.strategy != .perService }

    /// The wildcard's CN is `*.<domain>`: it is set by the domain, not here.
    public func isLocked(_ row: Int) -> Bool { row == 1 && base.strategy == .wildcard }

    /// True once anything differs from the file.
    public var isDirty: Bool { edited != base }

    /// The SANs typed, split at commas (a space inside one is a mistake the rules report).
    var typedSANs: [String] {
        fields[2].text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The node index and service whose `certificates:` entry this is (perService).
    var owner: (index: Int, service: Service)? { Self.owner(of: request, in: base) }

    static func owner(of request: PlannedCertificate, in base: Deployment) -> (index: Int, service: Service)? {
        guard base.strategy == .perService, let i = base.nodes.firstIndex(where: { $0.name == request.makerNode }),
              let service = request.services.first else { return nil }
        return (i, service)
    }

    /// F5: the fields back to what the strategy gives.
    mutating func resetToStrategy() {
        guard let computed = strategyDefault else { return }
        fields = Self.fields(for: computed)
        for i in fields.indices { fields[i].touched = true }
        submitError = nil
    }

    /// The deployment with the edit: a value typed the same as the strategy computes it
    /// is left out of the file, so that the file says only what was changed by hand.
    public var edited: Deployment {
        var d = base
        d.keys = keys
        let basename = fields[0].text.trimmingCharacters(in: .whitespaces)
        let cn = fields[1].text.trimmingCharacters(in: .whitespaces)
        let sans = typedSANs
        let computed = strategyDefault
        let computedSANs = computed?.spec.subjectAltNames.map(\.value)
        if let (i, service) = owner {
            let was = base.nodes[i].certificates[service]
            var o = CertificateOverride()
            o.basename = Self.kept(basename, was: was?.basename, strategy: computed?.basename)
            o.commonName = Self.kept(cn, was: was?.commonName, strategy: computed?.spec.subject.commonName)
            o.sans = Self.kept(sans, was: was?.sans, strategy: computedSANs)
            d.nodes[i].certificates[service] = o.isEmpty ? nil : o
        } else if isShared {
            d.certificateName = basename
            if base.strategy == .sanCertificate {
                d.clusterFQDN = Self.kept(cn, was: base.clusterFQDN, strategy: computed?.spec.subject.commonName)
            }
            d.sans = Self.kept(sans, was: base.sans, strategy: computedSANs)
        }
        return d
    }

    /// What the file says for a value typed: what it said (`was`) when typed the same, nothing
    /// when typed as the strategy gives it, else the value.
    static func kept<T: Equatable>(_ typed: T, was: T?, strategy: T?) -> T? {
        if typed == (was ?? strategy) { return was }
        return typed == strategy ? nil : typed
    }

    /// The problem of each row by the file's rules and the planner, those no row holds,
    /// and the certificate as the plan will ask for it with the edit (when it can be planned).
    public var problems: (rows: [Int: String], general: [String], preview: PlannedCertificate?) {
        var rows: [Int: String] = [:], general: [String] = []
        if fields[0].text.trimmingCharacters(in: .whitespaces).isEmpty { rows[0] = "a basename is required: letters, digits, '-' and '_' (it names <basename>.key)" }
        if fields[1].text.trimmingCharacters(in: .whitespaces).isEmpty { rows[1] = "the CN is required: the FQDN clients reach this service by" }
        let d = edited
        for issue in d.validate() {
            let row: Int?
            let p = issue.path
            if let (i, service) = owner, p.hasPrefix("nodes[\(i)].certificates.\(service.rawValue)") {
                let rest = p.dropFirst("nodes[\(i)].certificates.\(service.rawValue)".count)
                row = rest.hasPrefix(".basename") ? 0 : rest.hasPrefix(".cn") ? 1 : rest.hasPrefix(".sans") ? 2 : nil
            } else if isShared {
                row = p == "certificate_name" ? 0 : p == "cluster_fqdn" ? 1 : p.hasPrefix("sans") ? 2 : nil
            } else {
                row = nil
            }
            if let row { if rows[row] == nil { rows[row] = issue.message } } else { general.append((p.isEmpty ? "" : p + ": ") + issue.message) }
        }
        var preview: PlannedCertificate?
        if rows.isEmpty && general.isEmpty {
            do {
                preview = try Planner.certificateRequests(d).first { owner == nil || Self.isSame($0, as: request) }
            } catch { general.append("\(error)") }
        }
        return (rows, general, preview)
    }

    /// The `pki csr` line the plan will type with the edit, and where.
    public var previewLine: String? { problems.preview.map(Self.line) }

    /// `On cms1: pki csr ...`, or `Here: pki csr ...` for a key made here.
    static func line(_ p: PlannedCertificate) -> String {
        let line = p.spec.mmpCommand()
        return p.madeOn.map { "On \($0): " + line } ?? "Here: " + line
    }

    mutating func next() { focus = (focus + 1) % Self.labels.count }
    mutating func previous() { focus = (focus + Self.labels.count - 1) % Self.labels.count }
}
