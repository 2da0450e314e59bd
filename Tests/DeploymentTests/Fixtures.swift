@testable import Deployment

/// Deployment files the tests plan for.
enum Fixtures {
    /// One combined CMS 2.9 server: every 2.x service, its own database.
    static let combined29 = """
    version: 1
    cms_version: "2.9"
    domain: example.com
    join_url: join.example.com
    xmpp_domain: example.com
    subject: {o: "Example Inc.", c: GB}
    nodes:
      - name: cms
        fqdn: cms.example.com
        address: 10.0.0.5
        services: [webadmin, callbridge, webbridge, xmpp, turn]
        database: primary
    """

    /// Three CMS 3.x nodes, all database nodes.
    static let three3x = """
    version: 1
    cms_version: "3.8"
    domain: example.com
    join_url: join.example.com
    nodes:
      - name: cms1
        fqdn: cms1.example.com
        address: 10.0.0.11
        services: [webadmin, callbridge, webbridge3]
        database: primary
      - name: cms2
        fqdn: cms2.example.com
        address: 10.0.0.12
        ssh: {host: jump-cms2, user: ops, port: 2222}
        services: [callbridge, webbridge3]
        database: joined
      - name: cms3
        fqdn: cms3.example.com
        address: 10.0.0.13
        services: [callbridge, turn]
        database: joined
    """

    /// Five CMS 2.9 nodes: three database nodes, two connected.
    static let five29 = """
    version: 1
    cms_version: "2.9"
    domain: example.com
    join_url: join.example.com
    xmpp_domain: example.com
    nodes:
      - {name: core1, fqdn: core1.example.com, address: 10.1.0.1, services: [webadmin, callbridge, xmpp], database: primary}
      - {name: core2, fqdn: core2.example.com, address: 10.1.0.2, services: [callbridge, xmpp], database: joined}
      - {name: core3, fqdn: core3.example.com, address: 10.1.0.3, services: [callbridge], database: joined}
      - {name: edge1, fqdn: edge1.example.com, address: 10.1.0.4, services: [webbridge, turn, loadbalancer], database: connected}
      - {name: edge2, fqdn: edge2.example.com, address: 10.1.0.5, services: [webbridge, turn], database: connected}
    """

    /// The 2.9 estate of issue 15: five nodes, both web bridges, a clustered XMPP server,
    /// a trunk to a load balancer, recorder, streamer and uploader on one node, CUCM, listeners.
    static let estate29 = """
    version: 1
    cms_version: "2.9"
    domain: example.com
    join_url: join.example.com
    xmpp_domain: example.com
    cucm_host: cucm-admin.example.com
    sip_trust_bundle: cucm-ca.crt
    rev_bundle: rev-ca.crt
    nodes:
      - {name: core1, fqdn: core1.example.com, address: 10.1.0.1, services: [webadmin, callbridge, xmpp, trunk], database: primary, listen: {webadmin: "a:445", callbridge: a, xmpp: a}}
      - {name: core2, fqdn: core2.example.com, address: 10.1.0.2, services: [callbridge, xmpp], database: joined}
      - {name: core3, fqdn: core3.example.com, address: 10.1.0.3, services: [callbridge, recorder, streamer, uploader], database: joined}
      - {name: edge1, fqdn: edge1.example.com, address: 10.1.0.4, services: [webbridge, turn, loadbalancer], database: connected, listen: {webbridge: "a:443", turn: a b, turn_tls: 447}}
      - {name: edge2, fqdn: edge2.example.com, address: 10.1.0.5, services: [webbridge3, turn], database: connected, listen: {webbridge3: "a:443", c2w: "a:4443"}}
    """

    /// Three CMS 3.x nodes with one wildcard certificate for everything.
    static let wildcard3x = """
    version: 1
    cms_version: "3.2"
    domain: example.com
    join_url: meet.example.org
    strategy: wildcard
    nodes:
      - {name: a, fqdn: a.example.com, address: 10.2.0.1, services: [webadmin, callbridge, webbridge3], database: primary}
      - {name: b, fqdn: b.example.com, address: 10.2.0.2, services: [callbridge, webbridge3], database: joined}
      - {name: c, fqdn: c.example.com, address: 10.2.0.3, services: [callbridge], database: joined}
    """

    /// One CMS 3.x node, keys made by cmscerts, one SAN certificate.
    static let singleLocalSAN = """
    version: 1
    cms_version: "3.1"
    domain: example.com
    join_url: join.example.com
    strategy: sanCertificate
    cluster_fqdn: cms.example.com
    keys: local
    key_type: p256
    ca_validity_days: 825
    nodes:
      - {name: solo, fqdn: solo.example.com, address: 10.3.0.1, services: [webadmin, callbridge, webbridge3], database: primary}
    """

    /// `three3x` with Step 2 edited: a basename, a CN and SAN lists changed per service,
    /// and the endpoints to probe.
    static let overrides3x = three3x
        .replacingOccurrences(of: "    database: primary\n", with: """
                database: primary
                certificates:
                  callbridge:
                    basename: cms1-cb
                    sans: [cms1.example.com, cms2.example.com]
                  webadmin: {cn: admin.example.com}

            """)
        .replacingOccurrences(of: "    services: [callbridge, webbridge3]\n    database: joined\n", with: """
                services: [callbridge, webbridge3]
                database: joined
                certificates:
                  webbridge3: {sans: [cms2.example.com, join.example.com, meet.example.com]}

            """)
        + """

            certificates:
              turn: {basename: turn-edge, cn: turn.example.com, sans: []}
        endpoints:
          - {node: cms1, service: webadmin, port: 445}
          - {node: cms2, service: webbridge3, port: 443, host: 10.0.0.12, sni: join.example.com}
        """

    /// `singleLocalSAN` with the shared certificate's SANs given.
    static let sanOverride = singleLocalSAN.replacingOccurrences(
        of: "cluster_fqdn: cms.example.com\n",
        with: "cluster_fqdn: cms.example.com\nsans: [solo.example.com, join.example.com, video.example.com]\n")

    static func load(_ yaml: String) throws -> Deployment { try DeploymentFile.load(yaml: yaml) }

    /// Every problem the file reader reports for `yaml`; empty when it loads.
    static func issues(_ yaml: String) -> [DeploymentIssue] {
        do {
            _ = try DeploymentFile.load(yaml: yaml)
            return []
        } catch {
            return error.issues
        }
    }

    /// What the nodes of `three3x` hold after a fresh deployment made with the default names.
    static func state3x(_ d: Deployment, withCSRs: Bool) -> CurrentState {
        var nodes: [String: NodeState] = [:]
        for node in d.nodes {
            var files = ["ca-bundle.crt", "dbca.crt", "dbserver.key", "dbserver.crt", "dbclient.key", "dbclient.crt"]
            var services: [ServiceFiles] = []
            for s in node.services {
                let b = s.rawValue
                files += [b + ".key", s == .webbridge3 ? b + "-fullchain.crt" : b + ".crt"]
                if withCSRs { files.append(b + ".csr") }
                services.append(ServiceFiles(service: b, key: b + ".key",
                                             certificate: s == .webbridge3 ? b + "-fullchain.crt" : b + ".crt",
                                             bundle: "ca-bundle.crt"))
            }
            services.append(ServiceFiles(service: "database", key: "dbserver.key", certificate: "dbserver.crt",
                                         bundle: "dbca.crt", other: ["dbclient.key", "dbclient.crt"]))
            nodes[node.name] = NodeState(files: files, services: services)
        }
        return CurrentState(nodes: nodes)
    }
}
