import PKI

extension PlanContext {
    /// Steps 2, 4 and 5 for service certificates: make each CSR, have it signed, build full
    /// chains, send the files, verify them on the node, then apply them service by service.
    mutating func planServiceCertificates(units: [CertificateUnit]) {
        guard !units.isEmpty else { return }
        var bundleReady: String?
        if flow != .renew || units.contains(where: \.needsFullChain) {
            bundleReady = awaitBundle()
        }
        for unit in units { obtain(unit, bundleReady: bundleReady) }

        // Every use of every unit, by node name, in unit order: one pass, not one per node.
        var usesByNode: [String: [(CertificateUnit, CertificateUse)]] = [:]
        for unit in units {
            for use in unit.uses { usesByNode[use.node.name, default: []].append((unit, use)) }
        }

        // Uploads, node by node, each file once.
        var uploaded: Set<FileRef> = []
        for node in deployment.nodes {
            let uses = usesByNode[node.name] ?? []
            if uses.isEmpty { continue }
            if flow != .renew {
                for bundle in Set(uses.map(\.1.bundle)).sorted() {
                    if flow == .fresh && bundleInUse(bundle, on: node) {
                        builder.note("\(node.name) holds \(bundle) already and its services use it: it is not sent again (pki verify checks each new certificate against it there); to change a bundle in use, renew.")
                        continue
                    }
                    upload(.workspace(deployment.caBundle), to: node, as: bundle,
                           why: bundle == deployment.caBundle
                               ? "the CA bundle (intermediates and root) the services present and trust"
                               : "the CA bundle under a new name: the live services keep the old one until the swap",
                           uploaded: &uploaded)
                }
            }
            for (unit, use) in uses {
                let keysTravel = deployment.keys == .local || (node != unit.maker && !unit.reuseCSR)
                if keysTravel {
                    upload(.workspace(unit.keyPath), to: node, as: use.key,
                           why: deployment.keys == .local ? "the key cmscerts made for \(unit.basename)" : "the key of the shared certificate \(unit.basename), made on \(unit.maker.name)",
                           uploaded: &uploaded)
                }
                let source = use.service.takesFullChain ? unit.fullChainPath : unit.certificatePath
                upload(.workspace(source), to: node, as: use.certificate,
                       why: flow == .renew ? "the new certificate under the SAME name as the old one, so nothing is reconfigured" : "the signed certificate for \(use.service.rawValue)",
                       uploaded: &uploaded)
            }
        }

        let trusts = planTrustLists(units: units, uploaded: &uploaded)

        // Step 4, then Step 5, node by node.
        var bothWebServices: [String] = []
        for node in deployment.nodes {
            let uses = (usesByNode[node.name] ?? []).map(\.1)
            if uses.isEmpty { continue }
            var checks: [String: [String]] = [:]
            for use in uses where checks[use.certificate] == nil {
                checks[use.certificate] = verify(use)
            }
            if node.runs(.webadmin) && (node.runs(.webbridge) || node.runs(.webbridge3)) { bothWebServices.append(node.name) }
            for service in node.services.sorted() {
                for use in uses where use.service == service {
                    apply(use, after: checks[use.certificate] ?? [], trust: trusts[node.name] ?? NodeTrust())
                }
            }
        }
        if !bothWebServices.isEmpty {
            let who = bothWebServices.count == 1 ? "\(bothWebServices[0]) runs" : bothWebServices.dropLast().joined(separator: ", ") + " and \(bothWebServices.last!) run"
            builder.note("\(who) web admin and the web bridge: on one interface they need different ports (web bridge 443, web admin usually 445).")
        }
    }

    /// The person's task of placing the CA chain in the workspace; returns its step id.
    @discardableResult
    mutating func awaitBundle() -> String {
        let b = deployment.caBundle
        return awaitFile(b, command: "Place your CA's chain in the workspace as \(b): the intermediates, then the root, PEM, no entity certificate, no blank lines, one line break at the end",
                         why: "the services' bundle and the tail of every full chain come from the CA that signs the certificates, which is yours, outside cmscerts")
    }

    /// What the unit's certificate is for: a C2W one (serverAuth and clientAuth) when the
    /// web bridge 3 or the scheduler presents it on C2W, or the call bridge connects with it
    /// to a web bridge 3; else a TLS server's.
    func lintRole(_ unit: CertificateUnit) -> LintRole {
        unit.uses.contains { $0.service == .webbridge3 || $0.service == .scheduler || ($0.service == .callbridge && anyWebBridge3) } ? .c2w : .server
    }

    /// ` --key <type>` for `cmscerts pki csr|selfsigned`, nothing for the default RSA 2048.
    static func keyOption(_ type: KeyType) -> String {
        type == .default ? "" : " --key \(type.rawValue)"
    }

    /// Step 2 for one certificate: the key and CSR (on the node or here), the signed
    /// certificate from the user's CA, the full chain, the key sent where it is shared.
    mutating func obtain(_ unit: CertificateUnit, bundleReady: String?) {
        let maker = unit.maker.name
        let keyHere = deployment.keys == .local
        if keyHere {
            // The command line of `cmscerts pki csr`: the unit's folder and the key type.
            let folder = unit.directory.hasSuffix("/") ? String(unit.directory.dropLast()) : unit.directory
            let suffix = (folder.isEmpty ? "" : " --dir \(folder)") + Self.keyOption(deployment.keyType)
            builder.add(Step(
                id: Self.id(nil, "csr.\(unit.slug)"), node: nil, articleStep: 2, kind: .localPKI,
                command: "cmscerts " + unit.spec.mmpCommand() + suffix,
                writes: [.workspace(unit.keyPath), .workspace(unit.csrPath)],
                why: "keys are made here (keys: local): a \(deployment.keyType.rawValue) key and its CSR, sent to the nodes with the certificate",
                local: .makeKeyAndCSR(spec: unit.spec, keyType: deployment.keyType, key: unit.keyPath, csr: unit.csrPath),
                payload: .csr(unit.spec)))
        } else {
            if !unit.reuseCSR {
                builder.add(Step(
                    id: Self.id(maker, "csr.\(unit.basename)"), node: maker, articleStep: 2, kind: .mmp,
                    command: unit.spec.mmpCommand(),
                    writes: [FileRef(node: maker, unit.basename + ".key"), FileRef(node: maker, unit.basename + ".csr")],
                    success: MMP.csrCreated,
                    why: flow == .renewNewNames
                        ? "a new key under a NEW basename: the live key is left alone until the swap"
                        : "the key is made on the node and never leaves it; the CSR goes to your CA",
                    payload: .csr(unit.spec)))
            }
            builder.add(Step(
                id: Self.id(maker, "get.\(unit.basename).csr"), node: maker, articleStep: 2, kind: .download,
                command: MMP.get(unit.basename + ".csr", unit.csrPath),
                reads: [FileRef(node: maker, unit.basename + ".csr")], writes: [.workspace(unit.csrPath)],
                why: unit.reuseCSR
                    ? "the CSR already on the node, for the key in use: the new certificate matches the live key"
                    : "the CSR goes to your CA for signing"))
        }
        for note in unit.spec.notes { builder.note("\(unit.basename): \(note)") }

        var setAside: [String] = []
        if flow == .renew {
            setAside.append(builder.add(Step(
                id: Self.id(nil, "setaside.\(unit.slug)"), node: nil, articleStep: 2, kind: .localPKI,
                command: "[ ! -e \(unit.certificatePath) ] || mv --backup=numbered \(unit.certificatePath) \(unit.certificatePath).previous",
                writes: [.workspace(unit.certificatePath + ".previous")],
                why: "the expired certificate of the last round is still in the workspace under the same name: set it aside so that the plan waits for the renewed one",
                local: .setAside(file: unit.certificatePath))))
        }
        builder.add(Step(
            id: Self.id(nil, "signed.\(unit.slug)"), node: nil, articleStep: 2, kind: .check,
            command: "Have \(unit.csrPath) signed by your CA (SHA-256, TLS Web Server and Client authentication: serverAuth and clientAuth) and save the certificate, PEM, as \(unit.certificatePath)",
            reads: [.workspace(unit.csrPath)], writes: [.workspace(unit.certificatePath)], dependsOn: setAside,
            why: "cmscerts does not sign service certificates: your CA does; the plan waits here until the file is in the workspace",
            // The answer is checked against its CSR and, when the services get the CA's
            // bundle, against that chain, before anything is sent.
            // It is linted too, and must name what the deployment needs in its SANs: a
            // renewal that reuses the node's CSR may ask for less than the file wants now.
            local: .awaitFiles(files: [unit.certificatePath], chain: bundleReady == nil ? nil : deployment.caBundle,
                               lint: AnswerLint(role: lintRole(unit), names: unit.spec.subjectAltNames.map(\.value)))))

        if unit.needsFullChain {
            builder.add(Step(
                id: Self.id(nil, "fullchain.\(unit.slug)"), node: nil, articleStep: 5, kind: .localPKI,
                command: "cmscerts bundle build \(unit.certificatePath) \(deployment.caBundle) --out \(unit.fullChainPath) --yes",
                reads: [.workspace(unit.certificatePath), .workspace(deployment.caBundle)],
                writes: [.workspace(unit.fullChainPath)],
                dependsOn: bundleReady.map { [$0] } ?? [],
                why: "webbridge3 and the scheduler take a full chain: the certificate on top, the intermediates, the root last, one line break at the end",
                local: .fullChain(certificate: unit.certificatePath, bundle: deployment.caBundle, output: unit.fullChainPath)))
        }

        if !keyHere && !unit.reuseCSR && unit.uses.contains(where: { $0.node != unit.maker }) {
            builder.add(Step(
                id: Self.id(maker, "get.\(unit.basename).key"), node: maker, articleStep: 2, kind: .download,
                command: MMP.get(unit.basename + ".key", unit.keyPath),
                reads: [FileRef(node: maker, unit.basename + ".key")], writes: [.workspace(unit.keyPath)],
                why: "one certificate serves every node, so its key, made on \(maker), must be copied to the others (keep the workspace private)"))
        }
    }

    mutating func upload(_ source: FileRef, to node: DeploymentNode, as remote: String, why: String, uploaded: inout Set<FileRef>) {
        let target = FileRef(node: node.name, remote)
        guard uploaded.insert(target).inserted, !builder.contains(Self.id(node.name, "put.\(remote)")) else { return }
        builder.add(Step(
            id: Self.id(node.name, "put.\(remote)"), node: node.name, articleStep: 5, kind: .upload,
            command: MMP.put(source.name, remote), reads: [source], writes: [target], why: why))
    }

    /// Step 4 on the node: the certificate belongs to the key, and chains to the CA.
    mutating func verify(_ use: CertificateUse) -> [String] {
        let n = use.node.name
        var ids: [String] = []
        ids.append(builder.add(Step(
            id: Self.id(n, "match.\(use.certificate)"), node: n, articleStep: 4, kind: .check,
            command: MMP.match(key: use.key, certificate: use.certificate),
            reads: [FileRef(node: n, use.key), FileRef(node: n, use.certificate)], success: MMP.matchOK,
            why: "the certificate must belong to the key before a service is given them")))
        ids.append(builder.add(Step(
            id: Self.id(n, "verify.\(use.certificate)"), node: n, articleStep: 4, kind: .check,
            command: MMP.verify(certificate: use.certificate, bundle: use.bundle),
            reads: [FileRef(node: n, use.certificate), FileRef(node: n, use.bundle)], success: MMP.verifyOK,
            why: "the certificate must chain to the CA in the bundle the service will present")))
        return ids
    }

    /// One MMP command of Step 5 for a service on a node (`cms1:callbridge.certs`): every
    /// service step of the plan is made here.
    @discardableResult
    mutating func serviceStep(_ node: String, _ service: Service, _ slug: String, _ command: String, reads: [FileRef] = [],
                              after: [String], why: String, payload: StepPayload? = nil) -> String {
        // Without files by role, the files it reads on its node are the service's other files.
        let read = reads.filter { $0.node == node }.map(\.name)
        let payload = payload ?? (read.isEmpty ? nil : .serviceFiles(ServiceFiles(service: service.rawValue, other: read)))
        return builder.add(Step(id: Self.id(node, "\(service.rawValue).\(slug)"), node: node, articleStep: 5, kind: .mmp,
                                command: command, reads: reads, dependsOn: after, why: why, payload: payload))
    }

    /// Step 5 for one service on one node: its certificates, the trust lists it is given
    /// and, on a first-time enablement, its listeners, with the service off.
    mutating func apply(_ use: CertificateUse, after checks: [String], trust: NodeTrust) {
        let n = use.node.name
        let s = use.service
        let tag = use.node.loadBalancerTag
        let files = [FileRef(node: n, use.key), FileRef(node: n, use.certificate), FileRef(node: n, use.bundle)]
        // Every step of the service names its files by role, as data: those of the use it reads.
        let named: Set = [use.key, use.certificate, use.bundle]
        @discardableResult
        func step(_ slug: String, _ command: String, reads: [FileRef] = [], after: [String], why: String) -> String {
            // The use's own files by role; what else it reads (a trust list's file) as other.
            let mine = reads.filter { $0.node == n }.map(\.name)
            let read = Set(mine).intersection(named)
            let payload = mine.isEmpty ? nil : StepPayload.serviceFiles(ServiceFiles(
                service: s.rawValue, key: read.contains(use.key) ? use.key : nil,
                certificate: read.contains(use.certificate) ? use.certificate : nil, bundle: read.contains(use.bundle) ? use.bundle : nil,
                other: mine.filter { !named.contains($0) }))
            return serviceStep(n, s, slug, command, reads: reads, after: after, why: why, payload: payload)
        }

        if flow == .renew {
            if s == .callbridge {
                step("restart", MMP.callbridgeRestart, after: checks, why: "the call bridge reads its renewed certificate (same file names) when it restarts")
            } else {
                let off = step("disable", MMP.disable(s, tag: tag), after: checks, why: "restart \(s.rawValue) so that it reads its renewed certificate (same file names)")
                step("enable", MMP.enable(s, tag: tag), after: [off], why: "\(s.rawValue) back on, with the renewed certificate")
            }
            return
        }

        let swap = flow == .renewNewNames ? " (the swap to the new names)" : ""
        // A trust list step reads its file on the node and waits for the step before it.
        func trustStep(_ slug: String, _ command: String, file: String, after: String, why: String) -> String {
            step(slug, command, reads: [FileRef(node: n, file)], after: [after], why: why)
        }
        // A first-time enablement sets the service's listeners before it starts.
        func listeners(after last: String) -> String {
            guard flow == .fresh else { return last }
            var last = last
            for entry in use.node.listen.entries where entry.service == s {
                last = step("listen-\(entry.key)", MMP.listen(entry), after: [last],
                            why: "a first-time enablement: \(s.rawValue) listens where the deployment file says (listen.\(entry.key))")
            }
            return last
        }
        switch s {
        case .callbridge:
            var last = step("certs", MMP.certs(s, tag: tag, key: use.key, certificate: use.certificate, bundle: use.bundle),
                            reads: files, after: checks, why: "the call bridge's key, certificate and bundle\(swap)")
            if anyWebBridge3 {
                last = trustStep("trust-c2w", MMP.callbridgeTrustC2W(use.bundle), file: use.bundle, after: last,
                                 why: "the call bridge trusts the web bridge's C2W certificate through this bundle (TAC 221729)")
            }
            if let sip = trust.sip {
                last = trustStep("tls-sip-trust", MMP.tlsSIPTrust(sip), file: sip, after: last,
                                 why: "SIP TLS: the call bridge trusts the far end's certificate (CUCM, Expressway) through this chain")
            }
            step("restart", MMP.callbridgeRestart, after: [listeners(after: last)], why: "the call bridge takes new certificates when it restarts")
        case .webbridge3:
            let off = step("disable", MMP.disable(s, tag: tag), after: checks, why: "certificates are changed with the service off")
            let https = step("https-certs", MMP.webbridge3HTTPS(key: use.key, fullChain: use.certificate),
                             reads: [FileRef(node: n, use.key), FileRef(node: n, use.certificate)], after: [off],
                             why: "the web bridge's HTTPS key and full chain (Web Bridge 3 takes the whole chain)\(swap)")
            let c2w = step("c2w-certs", MMP.webbridge3C2W(key: use.key, fullChain: use.certificate),
                           reads: [FileRef(node: n, use.key), FileRef(node: n, use.certificate)], after: [https],
                           why: "the C2W (call bridge to web bridge) key and full chain\(swap)")
            let c2wTrust = trust.c2w ?? use.bundle
            let trusted = trustStep("c2w-trust", MMP.webbridge3C2WTrust(c2wTrust), file: c2wTrust, after: c2w,
                                    why: trust.c2w == nil ? "the web bridge trusts the call bridges whose certificates this bundle signs"
                                                          : "the web bridge trusts the call bridges' CA and the schedulers' certificates (TAC 217367)")
            step("enable", MMP.enable(s, tag: tag), after: [listeners(after: trusted)], why: "the web bridge back on with its new certificates")
        case .scheduler:
            let off = step("disable", MMP.disable(s, tag: tag), after: checks, why: "certificates are changed with the service off")
            let c2w = step("c2w-certs", MMP.schedulerC2W(key: use.key, fullChain: use.certificate),
                           reads: [FileRef(node: n, use.key), FileRef(node: n, use.certificate)], after: [off],
                           why: "the scheduler's C2W key and full chain, which it presents to the web bridges (TAC 217367)\(swap)")
            let trusted = trustStep("c2w-trust", MMP.schedulerC2WTrust(use.bundle), file: use.bundle, after: c2w,
                                    why: "the scheduler trusts the web bridges whose C2W certificates this bundle signs")
            step("enable", MMP.enable(s, tag: tag), after: [trusted], why: "the scheduler back on with its new certificates")
        case .recorder, .streamer:
            let off = step("disable", MMP.disable(s, tag: tag), after: checks, why: "certificates are changed with the service off")
            var last: String
            if threeX {
                last = step("sip-certs", MMP.sipCerts(s, key: use.key, certificate: use.certificate, bundle: use.bundle), reads: files,
                            after: [off], why: "CMS 3.x: the \(s.rawValue) is a SIP endpoint: its key, certificate and bundle (TAC 225405)\(swap)")
            } else {
                last = step("certs", MMP.certs(s, tag: tag, key: use.key, certificate: use.certificate, bundle: nil),
                            reads: [FileRef(node: n, use.key), FileRef(node: n, use.certificate)], after: [off],
                            why: "the \(s.rawValue)'s key and certificate (CMS 2.x: no bundle here, TAC 202722)\(swap)")
                if s == .recorder {
                    last = trustStep("trust", MMP.trust(s, use.bundle), file: use.bundle, after: last,
                                     why: "the recorder trusts the call bridges whose certificates this bundle signs")
                } else if let list = trust.callBridges {
                    last = trustStep("trust", MMP.trust(s, list), file: list, after: last,
                                     why: "the streamer takes calls only from the call bridges whose certificates this list holds (the certificates, not a CA)")
                }
            }
            step("enable", MMP.enable(s, tag: tag), after: [last], why: "\(s.rawValue) back on with its new certificate")
        default:
            let off = step("disable", MMP.disable(s, tag: tag), after: checks, why: "certificates are changed with the service off")
            // The load balancer and the trunk trust each other's certificates (the CA bundle
            // when the estate has no other side).
            let other = s == .loadbalancer ? trust.trunks : s == .trunk ? trust.loadBalancers : nil
            var last = step("certs", MMP.certs(s, tag: tag, key: use.key, certificate: use.certificate, bundle: other ?? use.bundle),
                            reads: [FileRef(node: n, use.key), FileRef(node: n, use.certificate), FileRef(node: n, other ?? use.bundle)],
                            after: [off], why: other == nil ? "\(s.rawValue)'s key, certificate and bundle\(swap)"
                                                            : "\(s.rawValue)'s key and certificate, and the other side's certificates it trusts\(swap)")
            if s == .webbridge, let list = trust.callBridges {
                last = trustStep("trust", MMP.trust(s, list), file: list, after: last,
                                 why: "the web bridge accepts the call bridges whose certificates this list holds")
            }
            if s == .xmpp, let list = trust.xmppCluster {
                last = trustStep("cluster-trust", MMP.xmppClusterTrust(list), file: list, after: last,
                                 why: "a clustered XMPP server trusts the other XMPP servers through their certificates (TAC 213479)")
            }
            step("enable", MMP.enable(s, tag: tag), after: [listeners(after: last)], why: "\(s.rawValue) back on with its new certificate")
        }
    }
}
