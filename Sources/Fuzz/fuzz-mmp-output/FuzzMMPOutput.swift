import Deployment
import FuzzSupport
import Inventory
import Orchestration

/// Fuzzes every reader of what a node's MMP prints, for text a node (or whoever sits on
/// the SSH link) could send back: `pki list` (`NodeStateReader.parseList`, which
/// `NodeSource` shares), each service's status and `database cluster status`
/// (`NodeStateReader.parseStatus` for the planner, `NodeSource.parseStatus` for the expiry
/// dashboard) and the executor's gate on a step's output (`OutputGate.judge`).
///
/// The bytes, decoded as UTF-8 with invalid sequences replaced, are one command's output.
/// Besides not crashing, what the readers return must be names a later command can use:
/// one word of printable characters, never empty.
@main
enum FuzzMMPOutput {
    static func main() {
        FuzzDriver.run("fuzz-mmp-output", fuzzMMPOutput)
    }
}

/// The services whose status the planner reads, by the planner's names.
let services = ["webadmin", "callbridge", "webbridge", "webbridge3", "xmpp", "turn", "database"]

/// What the planner's steps wait for (`SuccessCriterion`), the database's two-part one included.
let criteria: [SuccessCriterion?] = [
    nil, .contains("SUCCESS"),
    SuccessCriterion(alternatives: [["(me)", "Connected Primary"], ["(me)", "Connected Master"]]),
]

/// One input. Traps (a crash to the fuzzer) when a reader returns a name with white space
/// or a control character in it, or an empty one: the planner would send it as a file name.
@_cdecl("cmscerts_fuzz_mmp_output")
func fuzzMMPOutput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    func usable(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    for name in NodeStateReader.parseList(text) where !usable(name) {
        fatalError("pki list read a file name that is not one word: \(name.debugDescription)")
    }
    for service in services {
        guard let files = NodeStateReader.parseStatus(service: service, text) else { continue }
        for name in [files.key, files.certificate, files.bundle].compactMap({ $0 }) + files.other where !usable(name) {
            fatalError("\(service) status read a file name that is not one word: \(name.debugDescription)")
        }
    }
    for command in NodeSource.statusCommands {
        for found in NodeSource.parseStatus(command: command, text) where !usable(found.file) {
            fatalError("\(command) read a file name that is not one word: \(found.file.debugDescription)")
        }
    }
    for success in criteria {
        for status: Int32 in [0, 1] {
            _ = OutputGate.judge(CommandOutput(text: text, exitStatus: status), success: success)
        }
    }
    return 0
}
