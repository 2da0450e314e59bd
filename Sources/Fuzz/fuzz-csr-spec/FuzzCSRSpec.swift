import FuzzSupport
import PKI

/// Fuzzes Step 1's parser, `CSRSpec.parse(line:)` (what `cmscerts pki csr ...` and the
/// wizard's Step 1 read): the bytes, decoded as UTF-8 with invalid sequences replaced,
/// are one line after `pki csr`. Besides not crashing, a line that parses must come
/// back the same from the command the planner writes for it (`mmpCommand`): what a
/// node is sent is what the user wrote.
@main
enum FuzzCSRSpec {
    static func main() {
        FuzzDriver.run("fuzz-csr-spec", fuzzCSRSpec)
    }
}

/// One input. Traps (a crash to the fuzzer) when a parsed line does not round-trip.
@_cdecl("cmscerts_fuzz_csr_spec")
func fuzzCSRSpec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let spec = try? CSRSpec.parse(line: line) else { return 0 }
    // `pki csr <basename> ...`: drop the verb and parse what the planner would send.
    let command = spec.mmpCommand()
    let arguments = String(command.dropFirst("pki csr ".count))
    let again: CSRSpec
    do {
        again = try CSRSpec.parse(line: arguments)
    } catch {
        fatalError("the planner's command for a valid line does not parse: \(command) (\(error))")
    }
    guard again.basename == spec.basename, again.subject == spec.subject, again.subjectAltNames == spec.subjectAltNames else {
        fatalError("the planner's command reads back differently: \(command)")
    }
    return 0
}
