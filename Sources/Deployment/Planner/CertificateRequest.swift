import PKI

/// One service certificate a fresh deployment asks for, as the planner will ask for it:
/// where its key is made, who uses it, its basename and the CSR's CN and SANs. The
/// wizard's Step 2 shows and edits these; the plan makes exactly these CSRs.
public struct CertificateRequest: Hashable, Sendable {
    /// The node where `pki csr` makes the key; nil when cmscerts makes it here (`keys: local`).
    public var madeOn: String?
    /// The node the certificate belongs to: its node (perService), or the first node with
    /// services (one shared certificate).
    public var makerNode: String
    /// The services on `makerNode` that use it.
    public var services: [Service]
    /// Every node that uses it, in file order.
    public var usedOn: [String]
    /// The basename of its key, CSR and certificate.
    public var basename: String
    /// The CN and SANs exactly as the CSR will carry them (Step 1's parser applied: the CN
    /// is in the SANs whenever there are SANs).
    public var spec: CSRSpec
    /// True when an override (`nodes[].certificates`, top-level `sans`) changed its
    /// basename, CN or SANs from what the strategy computes.
    public var overridden: Bool

    public init(madeOn: String?, makerNode: String, services: [Service], usedOn: [String], basename: String,
                spec: CSRSpec, overridden: Bool) {
        self.madeOn = madeOn
        self.makerNode = makerNode
        self.services = services
        self.usedOn = usedOn
        self.basename = basename
        self.spec = spec
        self.overridden = overridden
    }
}

extension Planner {
    /// The service certificates of the fresh flow, in plan order: the same units the plan
    /// is made of. Throws `PlanError` (`.badInput`) when the deployment breaks a rule or a
    /// CSR would break Step 1.
    public static func certificateRequests(_ d: Deployment) throws -> [CertificateRequest] {
        let issues = d.validate()
        if !issues.isEmpty { throw PlanError(.badInput, issues.map(\.description)) }
        let units = try freshUnits(d)
        // The same deployment without overrides gives the strategy's own names.
        var plain = d
        plain.sans = nil
        for i in plain.nodes.indices { plain.nodes[i].certificates = [:] }
        let computed = try freshUnits(plain)
        return units.enumerated().map { index, unit in
            let maker = unit.maker.name
            let usedOn = unit.uses.map(\.node.name).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            let base = index < computed.count ? computed[index] : nil
            let overridden = base.map {
                $0.basename != unit.basename || $0.spec.subject.commonName != unit.spec.subject.commonName
                    || $0.spec.subjectAltNames != unit.spec.subjectAltNames
            } ?? true
            return CertificateRequest(madeOn: d.keys == .local ? nil : maker, makerNode: maker,
                                      services: unit.uses.filter { $0.node.name == maker }.map(\.service),
                                      usedOn: usedOn, basename: unit.basename, spec: unit.spec, overridden: overridden)
        }
    }

    /// The fresh flow's certificate units, or the Step 1 problems of their CSRs.
    static func freshUnits(_ d: Deployment) throws(PlanError) -> [CertificateUnit] {
        var context = PlanContext(deployment: d, flow: .fresh, current: .empty)
        let units = context.freshUnits()
        if !context.problems.isEmpty { throw PlanError(.badInput, context.problems) }
        return units
    }
}
