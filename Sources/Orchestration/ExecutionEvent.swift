import Foundation

/// Where one node stands in a run: for a per-node progress display.
public struct StepProgress: Sendable, Equatable {
    /// The step's id in the plan (`cms1:webadmin.certs`).
    public var stepID: String
    /// The node, or `local` for a step on this machine.
    public var node: String
    /// The step's exact command text.
    public var command: String
    /// Steps of this node finished (done or skipped) so far, this one included when it has ended.
    public var nodeDone: Int
    /// Steps of this node in the plan.
    public var nodeTotal: Int

    public init(stepID: String, node: String, command: String, nodeDone: Int, nodeTotal: Int) {
        self.stepID = stepID
        self.node = node
        self.command = command
        self.nodeDone = nodeDone
        self.nodeTotal = nodeTotal
    }
}

/// Why a run stopped on a step: which node, which step, the command and what it printed.
public struct StepFailure: Sendable, Equatable, CustomStringConvertible {
    public var stepID: String
    public var node: String
    public var command: String
    /// What the command printed (or the transport's error).
    public var output: String
    /// One line: what was wrong (a FAILURE line, the expected text missing, the node unreachable).
    public var reason: String

    public init(stepID: String, node: String, command: String, output: String, reason: String) {
        self.stepID = stepID
        self.node = node
        self.command = command
        self.output = output
        self.reason = reason
    }

    public var description: String {
        var lines = ["step \(stepID) failed on \(node): \(reason)", "  command: \(command)"]
        if !output.isEmpty {
            lines.append("  output:")
            lines += output.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
            if lines.last == "    " { lines.removeLast() }
        }
        return lines.joined(separator: "\n")
    }
}

/// How a run ended.
public enum RunOutcome: Sendable, Equatable {
    /// Every step of the plan is done (`ran` in this run, `skipped` done by an earlier one).
    case done(ran: Int, skipped: Int)
    /// A step failed; nothing new was started after it. More than one when steps running
    /// beside it failed too.
    case failed([StepFailure])
    /// Every step that could run has run; the rest wait for files a person must place in
    /// the workspace (`files`, workspace paths), then `--resume`.
    case waiting(files: [String], steps: [String])

    /// The command line's exit code: 0 done, 1 failed or waiting.
    public var exitCode: Int32 {
        if case .done = self { return 0 }
        return 1
    }
}

/// What the executor reports while it runs, in order: the CLI shows it as a progress
/// display per node; the wizard turns each into a message.
public enum ExecutionEvent: Sendable, Equatable {
    /// The run begins: `toRun` steps to run, `skipped` done by the run being resumed.
    case runStarted(runID: String, planDigest: String, toRun: Int, skipped: Int)
    /// A step was started.
    case stepStarted(StepProgress)
    /// A step ended well; `output` is what it printed.
    case stepFinished(StepProgress, output: String, seconds: Double)
    /// A step failed: the run starts nothing new.
    case stepFailed(StepProgress, StepFailure)
    /// A step waits for files a person must place in the workspace.
    case stepWaiting(StepProgress, files: [String])
    /// The run ended.
    case runFinished(RunOutcome)
}
