import Foundation
import PKI

/// What cmscerts will do, step by step: the one value that the wizard's review screen,
/// `cmscerts plan`, the runbook export and the executor all read. Nothing is written or
/// run that is not a step here.
///
/// `steps` is in an order that respects every dependency (no step before one it waits
/// for); `digest` is the SHA-256 of the canonical JSON of everything else, so that a
/// reviewed plan can be told from a changed one.
public struct Plan: Codable, Hashable, Sendable {
    /// The flow the plan was made for.
    public var flow: Flow
    /// The CMS release the commands are written for.
    public var cmsVersion: CMSVersion
    /// The nodes the steps run on, with how to reach them.
    public var nodes: [PlanNode]
    /// Things the person running the plan must know (assumptions, CN added to SANs...).
    public var notes: [String]
    /// The steps, in an order that respects every dependency.
    public var steps: [Step]
    /// What the nodes were read to hold already, as the deployment file wants it, and so is
    /// not planned ("already so"), one line each; nil when nothing was.
    public var alreadySo: [String]?
    /// True when the plan was made without reading the nodes (`plan --offline`, or a state
    /// that names no node): what they hold is not known, so `apply` never runs such a plan.
    public var offline: Bool?
    /// SHA-256 (hex) of the canonical JSON encoding of the plan without this field.
    public var digest: String

    public init(flow: Flow, cmsVersion: CMSVersion, nodes: [PlanNode], notes: [String], steps: [Step],
                alreadySo: [String]? = nil, offline: Bool? = nil) {
        self.flow = flow
        self.cmsVersion = cmsVersion
        self.nodes = nodes
        self.notes = notes
        self.steps = steps
        self.alreadySo = alreadySo
        self.offline = offline
        self.digest = ""
        self.digest = computeDigest()
    }

    /// The digest of this plan's content, computed afresh (compare with `digest` to see
    /// whether the plan was changed after it was made).
    public func computeDigest() -> String {
        var copy = self
        copy.digest = ""
        // A step's payload is the data its command is made from (the CSR of a `pki csr`, the
        // files of a `certs`): what runs is in the command already, and plans made before
        // payloads existed keep their digest, so their journals still resume.
        for i in copy.steps.indices { copy.steps[i].payload = nil }
        return SHA256.hex(of: Array(copy.canonicalJSON().utf8))
    }

    /// The plan as JSON with sorted keys and no extra spaces: the same plan always gives
    /// the same bytes.
    public func canonicalJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// The step with that id.
    public func step(_ id: String) -> Step? { steps.first { $0.id == id } }

    /// True when the nodes, as read, are already as the deployment file wants them: there
    /// is nothing to run.
    public var isNoOp: Bool { steps.isEmpty && offline != true }
}

/// A node as a plan needs it: its name, FQDN and how to reach its MMP.
public struct PlanNode: Codable, Hashable, Sendable {
    public var name: String
    public var fqdn: String
    public var address: String
    public var ssh: SSHTarget

    public init(name: String, fqdn: String, address: String, ssh: SSHTarget) {
        self.name = name
        self.fqdn = fqdn
        self.address = address
        self.ssh = ssh
    }
}

/// The procedures cmscerts plans (the article's Steps 2, 3 and 5, and its troubleshooting).
public enum Flow: String, Codable, Hashable, Sendable, CaseIterable {
    /// A new deployment: CSRs per the strategy, the database cluster and its built-in CA,
    /// every certificate applied.
    case fresh
    /// Expired certificates (not the database's): new certificates uploaded under the SAME
    /// file names, the services restarted; nothing reconfigured.
    case renew
    /// Proactive renewal while production is live: new keys under NEW basenames, then each
    /// service swapped to them.
    case renewNewNames = "renew-new-names"
    /// Expired database certificates: status to find the primary, remove on replicas then
    /// the primary, then Step 3 again.
    case renewDatabase = "renew-database"
}

/// One thing to do: on a node's MMP, over SFTP, or here on this machine.
public struct Step: Codable, Hashable, Sendable {
    /// Unique in the plan and the same for the same input: `cms1:webadmin.certs`.
    public var id: String
    /// The node the step runs on; nil for a step on this machine (the workspace).
    public var node: String?
    /// The article's step this belongs to: 2 CSRs, 3 database and built-in CA,
    /// 4 verification, 5 applying certificates.
    public var articleStep: Int
    /// What sort of step it is.
    public var kind: StepKind
    /// The exact text: an MMP command as typed in PuTTY, an SFTP `put`/`get`, a cmscerts
    /// command, or (for a person's task) what to do.
    public var command: String
    /// Files the step reads.
    public var reads: [FileRef]
    /// Files the step writes.
    public var writes: [FileRef]
    /// What the output must contain for the step to have worked; nil when the command's
    /// output says nothing to check (its exit is enough).
    public var success: SuccessCriterion?
    /// The answer the command's confirmation prompt needs (`database cluster remove` asks
    /// and proceeds only on an upper-case `Y`).
    public var confirmation: String?
    /// The ids of the steps that must be done before this one.
    public var dependsOn: [String]
    /// One line saying why.
    public var why: String
    /// For steps done on this machine: the operation, in a form a program can run.
    public var local: LocalOperation?
    /// What the step works on, as data, made where the command is made, so that no reader
    /// parses the command text back; nil for a step that names nothing worth it (and in
    /// plans journaled before payloads existed).
    public var payload: StepPayload?

    public init(id: String, node: String?, articleStep: Int, kind: StepKind, command: String,
                reads: [FileRef] = [], writes: [FileRef] = [], success: SuccessCriterion? = nil,
                confirmation: String? = nil, dependsOn: [String] = [], why: String, local: LocalOperation? = nil,
                payload: StepPayload? = nil) {
        self.id = id
        self.node = node
        self.articleStep = articleStep
        self.kind = kind
        self.command = command
        self.reads = reads
        self.writes = writes
        self.success = success
        self.confirmation = confirmation
        self.dependsOn = dependsOn
        self.why = why
        self.local = local
        self.payload = payload
    }
}

/// What a step works on, as data.
public enum StepPayload: Codable, Hashable, Sendable {
    /// A key and its CSR made (`pki csr`, `pki selfsigned`, or here): the CSR's fields.
    case csr(CSRSpec)
    /// A service given files on its node (`<service> certs ...`, a trust bundle, the
    /// database cluster's certificates): the service and each file by its role, as
    /// `CurrentState` reads a service's files (the database's client pair in `other`).
    case serviceFiles(ServiceFiles)

    /// The CSR's fields, for a step that makes one.
    public var spec: CSRSpec? {
        if case .csr(let spec) = self { return spec }
        return nil
    }

    /// The service's files, for a step that gives a service files.
    public var files: ServiceFiles? {
        if case .serviceFiles(let files) = self { return files }
        return nil
    }
}


/// The sorts of step.
public enum StepKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// A PKI operation on this machine (a key and CSR, a full chain, the built-in CA).
    case localPKI
    /// A file sent from the workspace to a node's MMP (SFTP `put`): `reads` holds the one
    /// workspace file, `writes` the one file on the node.
    case upload
    /// A file fetched from a node's MMP into the workspace (SFTP `get`): `reads` holds the
    /// one file on the node, `writes` the one workspace file.
    case download
    /// An MMP command that changes the node.
    case mmp
    /// Something looked at, not changed: an MMP command whose output is checked, or, on
    /// this machine, files a person must place in the workspace (met when every file in
    /// `writes` is there).
    case check
}

/// A file: on a node (its name in the MMP's folder) or in the workspace on this machine
/// (a path relative to it).
public struct FileRef: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The node; nil for the workspace.
    public var node: String?
    /// The file name on the node, or the path in the workspace.
    public var name: String

    public init(node: String?, _ name: String) {
        self.node = node
        self.name = name
    }

    /// A file in the workspace.
    public static func workspace(_ path: String) -> FileRef { FileRef(node: nil, path) }

    /// `cms1:webadmin.crt`, or `./cms1/webadmin.csr` for the workspace.
    public var description: String { node.map { "\($0):\(name)" } ?? "./" + name }

    public static func < (a: FileRef, b: FileRef) -> Bool { (a.node ?? "", a.name) < (b.node ?? "", b.name) }
}

/// What the output of a step must show: some line of it contains every string of one of
/// the alternatives (`(me)` and `Connected Primary` on one line; older releases say
/// `Master`, so that is a second alternative).
public struct SuccessCriterion: Codable, Hashable, Sendable, CustomStringConvertible {
    public var alternatives: [[String]]

    public init(alternatives: [[String]]) { self.alternatives = alternatives }

    /// Output containing the text, anywhere on a line.
    public static func contains(_ text: String) -> SuccessCriterion { SuccessCriterion(alternatives: [[text]]) }

    /// Is the criterion met by this output?
    public func isMet(by output: String) -> Bool {
        let lines = output.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        return alternatives.contains { parts in lines.contains { line in parts.allSatisfy { line.contains($0) } } }
    }

    /// `a line with "(me)" and "Connected Primary" (or "(me)" and "Connected Master")`.
    public var description: String {
        func one(_ parts: [String]) -> String { parts.map { "\"\($0)\"" }.joined(separator: " and ") }
        guard let first = alternatives.first else { return "anything" }
        let head = first.count == 1 ? "output containing \(one(first))" : "a line with \(one(first))"
        let rest = alternatives.dropFirst().map(one)
        return rest.isEmpty ? head : head + " (or " + rest.joined(separator: ", or ") + ")"
    }
}

/// How the CA's answer to a CSR is linted when it arrives: what it is for (a C2W
/// certificate needs clientAuth too) and the names the deployment needs in its SANs (node
/// FQDNs, join URL, XMPP domain, cluster FQDN).
public struct AnswerLint: Codable, Hashable, Sendable {
    public var role: LintRole
    public var names: [String]

    public init(role: LintRole, names: [String]) {
        self.role = role
        self.names = names
    }
}

/// A step done on this machine, as data a program can carry out.
public enum LocalOperation: Codable, Hashable, Sendable {
    /// A new private key and a CSR from Step 1's syntax.
    case makeKeyAndCSR(spec: CSRSpec, keyType: KeyType, key: String, csr: String)
    /// The built-in CA: a self-signed certificate and its key.
    case makeSelfSignedCA(spec: CSRSpec, keyType: KeyType, days: Int, key: String, certificate: String)
    /// A certificate signed by the built-in CA from a CSR.
    case sign(csr: String, caKey: String, caCertificate: String, days: Int, certificate: String)
    /// A full chain (entity, intermediates, root) from a certificate and the CA bundle.
    case fullChain(certificate: String, bundle: String, output: String)
    /// Files a person must place in the workspace (a certificate signed by their CA). With
    /// `chain`, the certificate must also chain to the CA bundle of that workspace path;
    /// with `lint`, it is linted (Lint.certificate) for its role and must carry the names
    /// the deployment needs in its SANs.
    case awaitFiles(files: [String], chain: String? = nil, lint: AnswerLint? = nil)
    /// A renewal's first move: the certificate of the last round, still in the workspace,
    /// is set aside (renamed `<file>.previous`, numbered if taken), so that the plan waits
    /// for the new one instead of taking the old one for it. Nothing when the file is absent.
    case setAside(file: String)
    /// A trust list: every certificate of each file, in order, each once, as PEM with one
    /// line break at the end (the call bridges' certificates for `webbridge trust`, the CA
    /// bundle and the schedulers' certificates for `webbridge3 c2w trust`).
    case trustList(files: [String], output: String)
}
