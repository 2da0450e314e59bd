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

    /// An editor over `request` of `base`.
    public init(base: Deployment, request: PlannedCertificate) {
        self.base = base
        self.request = request
        let sans = request.spec.subjectAltNames.map(\.value).joined(separator: ",")
        fields = [TextFieldState(request.basename), TextFieldState(request.spec.subject.commonName), TextFieldState(sans)]
        keys = base.keys
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
    var owner: (index: Int, service: Service)? {
        guard !isShared, let i = base.nodes.firstIndex(where: { $0.name == request.makerNode }),
              let service = request.services.first else { return nil }
        return (i, service)
    }

    /// The deployment with the edit: a value typed the same as the strategy computes it
    /// is left out of the file, so that the file says only what was changed by hand.
    public var edited: Deployment {
        var d = base
        d.keys = keys
        let basename = fields[0].text.trimmingCharacters(in: .whitespaces)
        let cn = fields[1].text.trimmingCharacters(in: .whitespaces)
        let sans = typedSANs
        if let (i, service) = owner {
            var plain = base
            plain.nodes[i].certificates[service] = nil
            let computed = (try? Planner.certificateRequests(plain))?.first { $0.makerNode == request.makerNode && $0.services.first == service }
            let computedSANs = computed?.spec.subjectAltNames.map(\.value)
            var o = CertificateOverride()
            o.basename = basename == computed?.basename ? nil : basename
            o.commonName = cn == computed?.spec.subject.commonName ? nil : cn
            o.sans = sans == computedSANs ? nil : sans
            d.nodes[i].certificates[service] = o.isEmpty ? nil : o
        } else if isShared {
            var plain = base
            plain.sans = nil
            let computed = (try? Planner.certificateRequests(plain))?.first
            d.certificateName = basename
            if base.strategy == .sanCertificate {
                let defaultCN = base.nodes.first?.fqdn
                d.clusterFQDN = cn == defaultCN && base.clusterFQDN == nil ? nil : cn
            }
            d.sans = sans == computed?.spec.subjectAltNames.map(\.value) ? nil : sans
        }
        return d
    }

    /// The problem of each row by the file's rules and the planner, and those no row holds.
    public var problems: (rows: [Int: String], general: [String]) {
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
        if rows.isEmpty && general.isEmpty {
            do { _ = try Planner.certificateRequests(d) } catch { general.append("\(error)") }
        }
        return (rows, general)
    }

    /// The certificate as the plan will ask for it with the edit, when it can be planned.
    public var preview: PlannedCertificate? {
        let d = edited
        guard let all = try? Planner.certificateRequests(d) else { return nil }
        if let (_, service) = owner { return all.first { $0.makerNode == request.makerNode && $0.services.first == service } }
        return all.first
    }

    /// The `pki csr` line the plan will type, and where.
    public var previewLine: String? {
        guard let p = preview else { return nil }
        let line = p.spec.mmpCommand()
        return p.madeOn.map { "On \($0): " + line } ?? "Here: " + line
    }

    mutating func next() { focus = (focus + 1) % Self.labels.count }
    mutating func previous() { focus = (focus + Self.labels.count - 1) % Self.labels.count }
}
