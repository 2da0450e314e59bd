import Deployment
import FuzzSupport

/// Fuzzes the deployment file's loader, `DeploymentFile.load(yaml:)`, fed the bytes as
/// `cmscerts plan`, `apply` and `expiry` feed a file's (UTF-8, invalid sequences
/// replaced). A file that loads is then written back as the wizard saves it (which
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
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let deployment: Deployment
    do {
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
