import PKI

/// One certificate to obtain: its CSR, where its key is made, and every service on every
/// node that will use it, under which file names.
struct CertificateUnit {
    /// The basename of the key, CSR and certificate where they are made and in the workspace.
    var basename: String
    /// What the CSR asks for.
    var spec: CSRSpec
    /// The node where `pki csr` runs (keys made on the node) or that holds the CSR to reuse.
    var maker: DeploymentNode
    /// The workspace folder (`cms1/`, or empty for a certificate shared by all nodes).
    var directory: String
    /// A renewal with the same names reuses the CSR (and so the key) already on the maker.
    var reuseCSR: Bool
    /// Who uses it.
    var uses: [CertificateUse]

    var csrPath: String { directory + basename + ".csr" }
    var keyPath: String { directory + basename + ".key" }
    var certificatePath: String { directory + basename + ".crt" }
    var fullChainPath: String { directory + basename + "-fullchain.crt" }
    var slug: String { (directory + basename).replacingOccurrences(of: "/", with: ".") }
    var needsFullChain: Bool { uses.contains { $0.service.takesFullChain } }
}

/// One service on one node using a certificate, and the file names it uses on that node.
struct CertificateUse {
    var node: DeploymentNode
    var service: Service
    var key: String
    /// The certificate file; for webbridge3 and the scheduler the full chain.
    var certificate: String
    var bundle: String
}
