import Foundation
import Orchestration

/// What the executable gives the wizard to reach beyond its own process: the transports
/// to a deployment's nodes (SSH, or the lab's when the deployment names one) and, when the
/// nodes are the built-in lab's, the lab's controls. The wizard never makes a transport or
/// opens the lab itself: `cmscerts` wires them in, as DESIGN.md says.
public struct WizardConnections: Sendable {
    /// The transports to every node of `target`, by node name; the caller closes each
    /// (`Transport.close`) when its run or read is over.
    public var connect: @Sendable (ApplyTarget) throws -> [String: any Transport]
    /// The lab's controls when `target`'s nodes are the lab's; nil for real servers.
    public var lab: @Sendable (ApplyTarget) -> LabControls?

    /// Connections made of these two.
    public init(connect: @escaping @Sendable (ApplyTarget) throws -> [String: any Transport],
                lab: @escaping @Sendable (ApplyTarget) -> LabControls? = { _ in nil }) {
        self.connect = connect
        self.lab = lab
    }

    /// No way to reach any node: every read or run says so (a wizard started without its
    /// executable's wiring, as some tests are).
    public static let none = WizardConnections(connect: { target in
        throw WizardFailure("the wizard was started without a way to reach the nodes of \(target.deploymentPath)")
    })
}

/// What the wizard may do to the built-in lab, beyond its nodes' MMP: play the CA that
/// signs what a run waits for, read and move the lab's clock. Only the lab has these.
public struct LabControls: Sendable {
    /// The lab's folder.
    public var folder: String
    /// The lab's time (the real time moved by the lab's clock).
    public var now: @Sendable () -> Date
    /// `cmscerts lab sign` on exactly `files` (workspace paths: certificates from their
    /// CSRs, the CA bundle), in `workspace`, by the lab's clock; the paths written.
    public var sign: @Sendable (_ files: [String], _ workspace: String) throws -> [String]
    /// `cmscerts lab clock WORD` (`+30d`, `+3y`, `now`); what the clock says after, in words.
    public var moveClock: @Sendable (_ change: String) throws -> String

    /// The controls.
    public init(folder: String, now: @escaping @Sendable () -> Date,
                sign: @escaping @Sendable ([String], String) throws -> [String],
                moveClock: @escaping @Sendable (String) throws -> String) {
        self.folder = folder
        self.now = now
        self.sign = sign
        self.moveClock = moveClock
    }
}
