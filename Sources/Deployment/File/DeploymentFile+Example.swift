extension DeploymentFile {
    /// The commented example `cmscerts init` writes: a three-node CMS 3.x cluster, every
    /// key explained, for the user to edit. It loads and plans as it is.
    public static let example = """
    # cmscerts deployment file: your CMS servers, for `cmscerts plan`.
    # Edit it, then run:  cmscerts plan deployment.yaml --flow fresh
    # Unknown keys are refused (with their line), so a typo never goes unnoticed.

    # The format of this file. Only 1 exists.
    version: 1

    # The CMS release of every node: "2.9" (or a later 2.x) or "3.x" such as "3.8".
    # 2.9 has webbridge and webbridge3 side by side, xmpp and loadbalancer; 3.0 removed
    # webbridge, xmpp and loadbalancer (TAC 217062); the scheduler needs 3.3 or later.
    cms_version: "3.8"

    # Your DNS domain: the built-in CA's CN (pki selfsigned dbca CN:<domain>).
    domain: example.com

    # The host name of the web bridge join URL (no https://): in the web bridge's SANs.
    join_url: join.example.com

    # The XMPP domain (CMS 2.x with xmpp only): in the XMPP certificate's SANs.
    # xmpp_domain: example.com

    # Written into every service CSR (Step 1). All optional; C is a two-letter ISO code.
    subject:
      ou: IT
      o: "Example Inc."
      st: Ile-de-France
      l: Paris
      c: FR

    # How service certificates are cut:
    #   perService      one certificate per service on each node (the article's tables)
    #   sanCertificate  one certificate for all: cluster_fqdn as CN, every node and the join URL as SANs
    #   wildcard        one certificate for all with CN *.<domain>
    strategy: perService
    # cluster_fqdn: cms.example.com     # the CN of the sanCertificate (default: the first node's FQDN)
    # certificate_name: cms             # the basename of the one shared certificate
    # sans: [cms.example.com, cms1.example.com, join.example.com]
    #                                   # sanCertificate/wildcard only: REPLACES the shared
    #                                   # certificate's computed SANs (the CN is still added)

    # Where keys are made:
    #   node   on each server by `pki csr` over the MMP: the key never leaves it (the default)
    #   local  here by cmscerts, then uploaded with the certificate
    keys: node
    # key_type: rsa2048                 # with keys: local: rsa2048, rsa3072, rsa4096, p256, p384
    # ca_validity_days: 3650            # with keys: local: the built-in CA's validity

    # Your CA's chain (intermediates, then the root; no entity certificate), which you place
    # in the workspace: it is sent to every node as the services' bundle.
    ca_bundle: ca-bundle.crt

    # Chains of the far ends, which you place in the workspace, when the estate needs them:
    # cucm_host: cucm-cms.example.com   # CUCM's "override" host name for the web admin: added
    #                                   # to the web admin certificate's SANs (TAC 222766)
    # sip_trust_bundle: cucm-ca.crt     # CUCM's CA chain: the call bridges trust it (tls sip trust);
    #                                   # required with cucm_host
    # rev_bundle: rev-ca.crt            # Vbrick Rev's CA chain, for the uploader (uploader rev trust)

    # The servers. database: primary (exactly one), joined (holds a copy), connected (uses
    # the cluster, no local database) or none. Primary + joined: 1 or 3 nodes (TAC 210530: three join, further nodes connect).
    # services: webadmin, callbridge, webbridge (2.x), webbridge3, xmpp (2.x), turn, loadbalancer (2.x),
    #           recorder, streamer, uploader (trust lists only), scheduler (3.3+)
    nodes:
      - name: cms1
        fqdn: cms1.example.com
        address: 10.0.0.11
        ssh:                            # all optional
          host: cms1.example.com        # default: the fqdn; or an alias of your ~/.ssh/config
          user: admin                   # left out: ~/.ssh/config decides (its User, else your login)
          port: 22                      # left out: ~/.ssh/config decides (its Port, else 22)
        services: [webadmin, callbridge, webbridge3]
        database: primary
        # Where its services listen, set by a first set-up before each starts: webadmin listen
        # a 445, callbridge listen a, webbridge3 https listen a:443, webbridge3 c2w listen a:4443
        # (interfaces a b c d; also webbridge, xmpp, turn: a b, turn_tls: 447):
        # listen: {webadmin: "a:445", callbridge: a, webbridge3: "a:443", c2w: "a:4443"}
        # certificates:                 # perService only: change what Step 2 computes, per service
        #   callbridge:
        #     basename: cms1-cb         # default: the service's name (callbridge.key, .csr, .crt)
        #     cn: cms1.example.com      # default: the node's FQDN
        #     sans: [cms1.example.com, cms2.example.com, cms3.example.com]
        #                               # REPLACES the computed SANs (the CN is still added)
      - name: cms2
        fqdn: cms2.example.com
        address: 10.0.0.12
        services: [webadmin, callbridge, webbridge3]
        database: joined
      - name: cms3
        fqdn: cms3.example.com
        address: 10.0.0.13
        services: [webadmin, callbridge, turn]
        database: joined
        # loadbalancer_tag: edge        # the tag of `loadbalancer certs <tag> ...`, if it runs one

    # The live TLS services `cmscerts expiry --deployment deployment.yaml --endpoints` probes:
    # each presented certificate is compared with the one the service is configured with.
    # xmpp cannot be probed (STARTTLS).
    # endpoints:
    #   - node: cms1
    #     service: webbridge3
    #     port: 443
    #     host: cms1.example.com        # default: the node's fqdn
    #     sni: join.example.com         # default: the host's name (none for an address)
    #   - {node: cms1, service: webadmin, port: 445}

    """
}
