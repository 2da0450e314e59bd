import PKI

extension PlanContext {
    /// The files `database cluster certs` gives a member: a database node (primary or
    /// joined) the server pair, the client pair and the CA; a connected node the client
    /// pair and the CA. In the order the command takes them.
    static func databaseFiles(for role: DatabaseRole) -> [String] {
        role == .connected ? ["dbclient.key", "dbclient.crt", "dbca.crt"]
                           : ["dbserver.key", "dbserver.crt", "dbclient.key", "dbclient.crt", "dbca.crt"]
    }

    /// The files of a `database cluster certs` (`databaseFiles`' order) by role.
    static func databaseCertsFiles(_ files: [String]) -> ServiceFiles {
        files.count == 5
            ? ServiceFiles(service: "database", key: files[0], certificate: files[1], bundle: files[4], other: [files[2], files[3]])
            : ServiceFiles(service: "database", bundle: files.last, other: Array(files.dropLast()))
    }

    /// Step 3: a snapshot, `database cluster remove` on every member (replicas first, the
    /// primary last), the built-in CA and the database certificates made on the primary
    /// (or here), copied where each role needs them, then certs, localnode, initialize and
    /// status on the primary before the others join or connect.
    mutating func planDatabase() {
        let d = deployment
        guard let primary = d.primary else {
            if flow == .renewDatabase {
                problems.append("renew-database needs the database cluster: no node of the deployment is the database primary")
            } else {
                builder.note("No node has a database role: Step 3 (the database cluster) is left out.")
            }
            return
        }
        let p = primary.name
        let members = d.databaseMembers
        let joined = members.filter { $0.database == .joined }
        let connected = members.filter { $0.database == .connected }
        let keysHere = d.keys == .local

        var before: [String] = []
        if flow == .renewDatabase {
            before.append(builder.add(Step(
                id: Self.id(p, "db.status-before"), node: p, articleStep: 3, kind: .check, command: MMP.status,
                success: MMP.primaryHere,
                why: "the article: note who is primary first; if the output names another node as primary, stop and make that node primary in the deployment file")))
        }

        // Snapshots, then remove: replicas and connected nodes first, the primary last.
        var backups: [String: String] = [:]
        for m in members {
            backups[m.name] = builder.add(Step(
                id: Self.id(m.name, "backup"), node: m.name, articleStep: 3, kind: .mmp,
                command: MMP.backupSnapshot("cmscerts-\(flow.rawValue)"), dependsOn: before,
                why: "a snapshot before any database change, to come back to"))
        }
        var removes: [String] = []
        for m in joined + connected {
            removes.append(builder.add(Step(
                id: Self.id(m.name, "db.remove"), node: m.name, articleStep: 3, kind: .mmp,
                command: MMP.databaseRemove, confirmation: MMP.removeConfirmation, dependsOn: [backups[m.name]!],
                why: "certificates cannot change while the cluster is active; replicas leave first")))
        }
        removes.append(builder.add(Step(
            id: Self.id(p, "db.remove"), node: p, articleStep: 3, kind: .mmp,
            command: MMP.databaseRemove, confirmation: MMP.removeConfirmation, dependsOn: [backups[p]!] + removes,
            why: "the primary leaves the cluster last")))

        // The built-in CA and the database certificates.
        let dbNames = joined.map(\.fqdn)
        guard let caSpec = spec(basename: "dbca", commonName: d.domain, sans: [], withSubject: false),
              let serverSpec = spec(basename: "dbserver", commonName: primary.fqdn, sans: dbNames.isEmpty ? [] : [primary.fqdn] + dbNames, withSubject: false),
              let clientSpec = spec(basename: "dbclient", commonName: "postgres", sans: [], withSubject: false) else { return }
        let all5 = Self.databaseFiles(for: .joined)
        let client3 = Self.databaseFiles(for: .connected)
        func ws(_ f: String) -> String { "db/" + f }

        // Expired database certificates: the files of the last round are still in the
        // workspace under the same names. Set them aside first, so that the new ones are
        // made or fetched (a key in the workspace is never overwritten) and the old CA is
        // not kept.
        var asides: [String] = []
        if flow == .renewDatabase {
            let lastRound = ["dbca.key", "dbca.crt", "dbserver.key", "dbserver.csr", "dbserver.crt", "dbclient.key", "dbclient.csr", "dbclient.crt"]
            for f in lastRound {
                asides.append(builder.add(Step(
                    id: Self.id(nil, "db.setaside-\(f)"), node: nil, articleStep: 3, kind: .localPKI,
                    command: "[ ! -e \(ws(f)) ] || mv --backup=numbered \(ws(f)) \(ws(f)).previous",
                    writes: [.workspace(ws(f) + ".previous")],
                    why: "the last round's \(f) is set aside so that this round's is made or fetched instead",
                    local: .setAside(file: ws(f)))))
            }
        }
        removes += asides

        if keysHere {
            let days = d.caValidityDays
            builder.add(Step(
                id: Self.id(nil, "db.selfsigned-dbca"), node: nil, articleStep: 3, kind: .localPKI,
                command: "cmscerts " + MMP.selfSigned(caSpec) + " --days \(days) --dir db" + Self.keyOption(d.keyType),
                writes: [.workspace(ws("dbca.key")), .workspace(ws("dbca.crt"))], dependsOn: removes,
                why: "the built-in CA that signs the database certificates (keys: local)",
                local: .makeSelfSignedCA(spec: caSpec, keyType: d.keyType, days: days, key: ws("dbca.key"), certificate: ws("dbca.crt")),
                payload: .csr(caSpec)))
            for (spec, why) in [(serverSpec, "the database server certificate: CN the primary, the other database nodes as SANs"),
                                (clientSpec, "the database client certificate: its CN must be postgres")] {
                let b = spec.basename
                builder.add(Step(
                    id: Self.id(nil, "db.csr-\(b)"), node: nil, articleStep: 3, kind: .localPKI,
                    command: "cmscerts " + spec.mmpCommand() + " --dir db" + Self.keyOption(d.keyType), writes: [.workspace(ws(b + ".key")), .workspace(ws(b + ".csr"))],
                    dependsOn: removes, why: why,
                    local: .makeKeyAndCSR(spec: spec, keyType: d.keyType, key: ws(b + ".key"), csr: ws(b + ".csr")),
                    payload: .csr(spec)))
                builder.add(Step(
                    id: Self.id(nil, "db.sign-\(b)"), node: nil, articleStep: 3, kind: .localPKI,
                    command: "cmscerts pki sign \(b) dbca --days \(days) --dir db",
                    reads: [.workspace(ws(b + ".csr")), .workspace(ws("dbca.key")), .workspace(ws("dbca.crt"))],
                    writes: [.workspace(ws(b + ".crt"))], why: "signed by the built-in CA",
                    local: .sign(csr: ws(b + ".csr"), caKey: ws("dbca.key"), caCertificate: ws("dbca.crt"), days: days, certificate: ws(b + ".crt"))))
            }
        } else {
            builder.add(Step(
                id: Self.id(p, "db.selfsigned-dbca"), node: p, articleStep: 3, kind: .mmp,
                command: MMP.selfSigned(caSpec), writes: [FileRef(node: p, "dbca.key"), FileRef(node: p, "dbca.crt")],
                dependsOn: removes, why: "the built-in CA (CMS 2.7+), on the primary, with the domain as CN", payload: .csr(caSpec)))
            builder.add(Step(
                id: Self.id(p, "db.csr-dbserver"), node: p, articleStep: 3, kind: .mmp, command: serverSpec.mmpCommand(),
                writes: [FileRef(node: p, "dbserver.key"), FileRef(node: p, "dbserver.csr")], success: MMP.csrCreated,
                dependsOn: removes, why: "the database server certificate: CN the primary, the other database nodes as SANs", payload: .csr(serverSpec)))
            builder.add(Step(
                id: Self.id(p, "db.csr-dbclient"), node: p, articleStep: 3, kind: .mmp, command: clientSpec.mmpCommand(),
                writes: [FileRef(node: p, "dbclient.key"), FileRef(node: p, "dbclient.csr")], success: MMP.csrCreated,
                dependsOn: removes, why: "the database client certificate: its CN must be postgres", payload: .csr(clientSpec)))
            for b in ["dbserver", "dbclient"] {
                builder.add(Step(
                    id: Self.id(p, "db.sign-\(b)"), node: p, articleStep: 3, kind: .mmp, command: MMP.sign(b, ca: "dbca"),
                    reads: [FileRef(node: p, b + ".csr"), FileRef(node: p, "dbca.key"), FileRef(node: p, "dbca.crt")],
                    writes: [FileRef(node: p, b + ".crt")], why: "signed by the built-in CA on the primary"))
            }
            let needed = joined.isEmpty ? (connected.isEmpty ? [] : client3) : all5
            for f in all5 where needed.contains(f) {
                builder.add(Step(
                    id: Self.id(p, "get.\(f)"), node: p, articleStep: 3, kind: .download, command: MMP.get(f, ws(f)),
                    reads: [FileRef(node: p, f)], writes: [.workspace(ws(f))], dependsOn: asides,
                    why: f.hasSuffix(".key") ? "the other nodes need this key too (keep the workspace private)" : "to copy it to the other nodes"))
            }
        }

        // Copies: dbclient to every node that connects or joins, dbserver to joined nodes,
        // dbca.crt to all; with keys made here, the primary gets its five too.
        for m in (keysHere ? [primary] : []) + joined + connected {
            let files = m.database == .connected ? client3 : all5
            for f in files {
                builder.add(Step(
                    id: Self.id(m.name, "put.\(f)"), node: m.name, articleStep: 3, kind: .upload, command: MMP.put(ws(f), f),
                    reads: [.workspace(ws(f))], writes: [FileRef(node: m.name, f)],
                    why: m.database == .connected ? "a connected node needs the client key and certificate and the CA" : "a database node needs the server and client pairs and the CA"))
            }
        }

        // The primary first: certs, localnode, initialize, status.
        func certs(_ m: DeploymentNode) -> String {
            let files = m.database == .connected ? client3 : all5
            return builder.add(Step(
                id: Self.id(m.name, "db.certs"), node: m.name, articleStep: 3, kind: .mmp, command: MMP.databaseCerts(files),
                reads: files.map { FileRef(node: m.name, $0) }, dependsOn: removes,
                why: m.database == .connected ? "a connected node: the client pair and the CA (3 files)" : "a database node: server pair, client pair and CA (5 files)",
                payload: .serviceFiles(Self.databaseCertsFiles(files))))
        }
        func localnode(_ m: DeploymentNode, after: String) -> String {
            builder.add(Step(id: Self.id(m.name, "db.localnode"), node: m.name, articleStep: 3, kind: .mmp, command: MMP.localnode,
                             dependsOn: [after], why: "the cluster uses interface a"))
        }
        let pLocal = localnode(primary, after: certs(primary))
        let initialize = builder.add(Step(
            id: Self.id(p, "db.initialize"), node: p, articleStep: 3, kind: .mmp, command: MMP.initialize, dependsOn: [pLocal],
            why: "only the primary initializes the cluster"))
        let status = builder.add(Step(
            id: Self.id(p, "db.status"), node: p, articleStep: 3, kind: .check, command: MMP.status, success: MMP.connectedPrimaryHere,
            dependsOn: [initialize], why: "the primary must show (me) : Connected Primary before any node joins or connects"))
        // Each node that joins or connects is then asked itself (TAC 210530: run `database
        // cluster status` on every server): a failure shows that node's own output.
        for m in joined {
            let local = localnode(m, after: certs(m))
            let join = builder.add(Step(
                id: Self.id(m.name, "db.join"), node: m.name, articleStep: 3, kind: .mmp, command: MMP.join(primary.address),
                dependsOn: [local, status], why: "a database node joins the primary's cluster"))
            builder.add(Step(
                id: Self.id(m.name, "db.status"), node: m.name, articleStep: 3, kind: .check, command: MMP.status,
                success: MMP.connectedReplicaHere, dependsOn: [join],
                why: "the node itself must show (me) : Connected Replica: the join took"))
        }
        for m in connected {
            let local = localnode(m, after: certs(m))
            let connect = builder.add(Step(
                id: Self.id(m.name, "db.connect"), node: m.name, articleStep: 3, kind: .mmp, command: MMP.connect(primary.address),
                dependsOn: [local, status], why: "a node with no local database connects to the cluster"))
            builder.add(Step(
                id: Self.id(m.name, "db.status"), node: m.name, articleStep: 3, kind: .check, command: MMP.status,
                success: MMP.reachesPrimary, dependsOn: [connect],
                why: "the node itself must see the cluster's primary as Connected Primary: the connection took"))
        }
    }
}
