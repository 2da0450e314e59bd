import Deployment
import Foundation
import PKI
import TerminalUI

/// A deployment file written through the review screen: where, and the text, so that the
/// wizard works on it once it is written.
public struct SavedDeployment: Sendable, Equatable {
    /// The file.
    public var path: String
    /// What was written.
    public var text: String
    /// The value it holds (`DeploymentFile.text` read it back equal).
    public var deployment: Deployment
}

extension WizardApp {
    /// Home → the deployment screen, on the form left there or on the estate's file.
    func openDeploymentForm(_ s: inout WizardState) -> [Command<WizardMessage>] {
        if s.deploymentForm == nil { s.deploymentForm = Self.form(for: s.context) }
        s.screen = .deployment
        return []
    }

    /// The form over what the wizard works on now.
    static func form(for context: WizardContext) -> DeploymentForm {
        switch context.source {
        case .lab(let directory, _, _):
            return DeploymentForm(deployment: context.apply?.deployment, path: directory + "/deployment.yaml", isLab: true)
        case .deployment(let path, _):
            return DeploymentForm(deployment: context.apply?.deployment, path: path)
        case .brokenDeployment(let path, let problem):
            return DeploymentForm(deployment: nil, path: path, loadProblem: problem)
        }
    }

    /// The review of writing `deployment` to `path` (over `base`, the value there now):
    /// checked by reading it back, what changes listed line by line, the old file kept.
    static func prepareDeploymentSave(_ deployment: Deployment, base: Deployment?, path: String, isLab: Bool, existed: Bool,
                                      origin: Screen) -> Command<WizardMessage> {
        .perform {
            do {
                let text = try DeploymentFile.text(for: deployment, header: isLab
                    ? "The deployment file of the built-in lab, written by the cmscerts wizard.\n`lab:` sends every command to the simulated nodes instead of SSH."
                    : "A CMS deployment, written by the cmscerts wizard.\n`cmscerts plan` shows what a procedure does; `cmscerts apply` runs it.")
                var notes: [String] = []
                // What the review shows of the file: the lines that change, or all of a new one.
                let keepIndent: (String) -> String = { line in
                    // No-break spaces keep the YAML's indentation through the review's wrapping.
                    let body = line.dropFirst(2)
                    let indent = body.prefix { $0 == " " }.count
                    return line.prefix(2) + String(repeating: "\u{00A0}", count: indent) + body.dropFirst(indent)
                }
                let lines: [String]
                let heading: String
                if let base {
                    lines = DeploymentFile.changes(from: base, to: deployment)
                    heading = "What changes (- now, + after):"
                } else {
                    lines = DeploymentFile.yaml(for: deployment).split(separator: "\n").map { "  " + $0 }
                    heading = "What the new file holds:"
                }
                if lines.isEmpty {
                    notes.append("Nothing changes in the values: the file is written again as it reads now.")
                } else {
                    let limit = 40
                    notes.append(heading + "\n" + lines.prefix(limit).map(keepIndent).joined(separator: "\n")
                                 + (lines.count > limit ? "\n… and \(lines.count - limit) more lines" : ""))
                }
                if existed { notes.append("The file there now is kept as \((path as NSString).lastPathComponent).previous; comments written in it by hand are not carried over.") }
                notes.append("Step 5 plans from this file once it is written.")
                let folder = (path as NSString).deletingLastPathComponent
                let operation = try Workspace(directory: folder).prepareTextFile(
                    text, to: (path as NSString).lastPathComponent,
                    what: "deployment file, \(deployment.nodes.count) node\(deployment.nodes.count == 1 ? "" : "s")",
                    command: "(none: this writes the file; nothing runs on the nodes)", notes: notes, replace: true)
                return .deploymentPrepared(origin: origin, .success(operation), SavedDeployment(path: path, text: text, deployment: deployment))
            } catch {
                return .deploymentPrepared(origin: origin, .failure(WizardFailure(error)), nil)
            }
        }
    }

    /// A file opened with F3: the wizard works on it from now on (a file that cannot be
    /// used is shown with its problems, and the form starts anew over it).
    func deploymentOpened(_ path: String, _ result: Result<String, WizardFailure>, _ s: inout WizardState) {
        guard var form = s.deploymentForm, form.openPrompt != nil else { return }
        switch result {
        case .failure(let failure):
            form.submitError = failure.message
            s.deploymentForm = form
        case .success(let text):
            s.context = WizardContext.deployment(path: path, text: text, currentDirectory: s.context.currentDirectory, connections: s.context.connections)
            s.workspaceChanged()
            s.deploymentForm = Self.form(for: s.context)
        }
    }

    /// The review wrote a deployment file: the wizard works on it from now on.
    func deploymentSaved(_ saved: SavedDeployment, _ s: inout WizardState) {
        if case .lab = s.context.source, var target = s.context.apply, saved.path == target.deploymentPath {
            target.deployment = saved.deployment
            s.context.apply = target
        } else {
            s.context = WizardContext.deployment(path: saved.path, text: saved.text, currentDirectory: s.context.currentDirectory, connections: s.context.connections)
        }
        s.workspaceChanged()
        s.deploymentForm = Self.form(for: s.context)
    }
}

extension DeploymentForm {
    /// Scrolls so that the focused row (and the section title above it) is in view.
    mutating func keepFocusVisible(height: Int) {
        guard let row = rows.firstIndex(of: .field(focusedField)) else { return }
        if row - 1 < scroll { scroll = max(0, row - 1) }
        if row >= scroll + height { scroll = row - height + 1 }
    }
}

extension WizardState {
    /// What was read for the old estate no longer holds: the plans of Steps 2, 3 and 5 are
    /// made again from the new one (a run left waiting stays resumable from the journal).
    mutating func workspaceChanged() {
        planView = nil
        if let a = apply, !a.canResume { apply = nil }
        // Step 4's sources are the estate's nodes: start again from the files here.
        var fresh = VerifyState()
        fresh.generation = verify.generation + 1
        verify = fresh
    }
}
