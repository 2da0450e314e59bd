import Deployment
import Foundation
import PKI

/// Step 5 while the run waits for the CA: the files it waits for are watched in the
/// workspace (the run resumes by itself once they are all there), and in the lab the lab's
/// CA can sign exactly them, as `cmscerts lab sign` would.
extension ApplyState {
    /// Seconds between two looks at the workspace while the run waits.
    static let pollInterval = 2.0

    /// Starts watching the files waited for (a watch already going stops).
    mutating func watchForFiles() -> [ScreenEffect<Message>] {
        pollGeneration += 1
        return later()
    }

    /// The next look, after `pollInterval`.
    func later() -> [ScreenEffect<Message>] {
        [.command(.after(Self.pollInterval, .poll(generation: pollGeneration)))]
    }

    /// One look at the workspace, off the input loop: are all the files there? The watch
    /// lasts while the waiting screen is shown; opening Step 5 again starts it again.
    func poll(_ generation: Int, _ app: WizardState) -> [ScreenEffect<Message>] {
        guard generation == pollGeneration, app.screen == .apply, case .waiting(let files, _) = phase,
              let target = app.context.apply else { return [] }
        let store = FileStore(directory: target.workspace)
        return [.command(.perform { .polled(generation: generation, allThere: files.allSatisfy { store.exists($0) }) })]
    }

    /// s: the lab's CA signs the files the run waits for, off the input loop.
    func signWithLab(_ app: WizardState) -> [ScreenEffect<Message>] {
        guard case .waiting(let files, _) = phase, let lab = app.context.labControls, let target = app.context.apply else { return [] }
        return [.command(.perform {
            do {
                // Said relative to the workspace: cms1/webadmin.crt and cms2/webadmin.crt are two files.
                let folder = target.workspace.hasSuffix("/") ? target.workspace : target.workspace + "/"
                return .labSigned(.success(try lab.sign(files, target.workspace).map { $0.hasPrefix(folder) ? String($0.dropFirst(folder.count)) : $0 }))
            } catch {
                return .labSigned(.failure((error as? WizardFailure) ?? WizardFailure(error)))
            }
        })]
    }

    /// What the lab's CA did, said on the waiting screen and in the run's log.
    mutating func labSigned(_ result: Result<[String], WizardFailure>) {
        switch result {
        case .success(let written):
            labNote = "The lab's CA signed \(written.count) file\(written.count == 1 ? "" : "s") (by the lab's clock): \(written.joined(separator: ", "))."
            log.append("lab CA wrote " + written.joined(separator: ", "))
        case .failure(let failure):
            labNote = "The lab's CA could not sign: " + failure.message
        }
    }

    /// What the CA must do for `file`, from the plan's step that waits for it: a certificate
    /// signed from its CSR with the profile CMS needs (TLS Web Server and Client
    /// authentication, as the list's heading says), or the CA's own chain.
    func caRequest(for file: String) -> String {
        guard case .success(let plan) = plan,
              let step = plan.steps.first(where: { step in
                  if case .awaitFiles(let files, _, _)? = step.local { return files.contains(file) }
                  return false
              }) else { return "" }
        if let csr = step.reads.first(where: { $0.node == nil && $0.name.hasSuffix(".csr") }) {
            return "\(csr.name) signed, server+client auth"
        }
        return "your CA's chain: intermediates, then root"
    }
}
