import Foundation
import Deployment
import FuzzSupport

/// Fuzzes the deployment file's reader and loader, `DeploymentFile.text(from:)` then
/// `load(yaml:)`, fed raw bytes as `cmscerts plan`, `apply`, `expiry` and the wizard read
/// a file (the size limit, the UTF-8 check naming the first bad byte, then YAML). A file that loads is then written back as the wizard saves it (which
/// checks that it reads back equal) and planned in each flow that needs no node state,
/// as `cmscerts plan` would: a file that loads must never crash the planner.
@main
enum FuzzDeploymentFile {
    static func main() {
        FuzzDriver.run("fuzz-deployment-file", fuzzDeploymentFile)
    }
}

/// One input. Traps (a crash to the fuzzer) when a loaded file does not save and read back.
@_cdecl("cmscerts_fuzz_deployment_file")
func fuzzDeploymentFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let deployment: Deployment
    do {
        // The bytes as `plan`, `apply`, `expiry` and the wizard read a file: the size
        // limit and the UTF-8 check first (whose line and column are fuzzed too), then YAML.
        let text = try DeploymentFile.text(from: bytes)
        if Data(text.utf8) != bytes { fatalError("bytes accepted as UTF-8 did not read back the same") }
        deployment = try DeploymentFile.load(yaml: text)
    } catch {
        _ = error.description
        return 0
    }
    do {
        _ = try DeploymentFile.text(for: deployment, header: "fuzz")
    } catch {
        fatalError("a deployment that loads does not save and read back: \(error)")
    }
    for flow in [Flow.fresh, .renewDatabase] {
        _ = try? Planner.plan(deployment, flow: flow)
    }
    return 0
}
