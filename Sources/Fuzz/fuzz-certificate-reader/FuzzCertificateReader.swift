import Foundation
import FuzzSupport
import Inventory
import PKI

/// Fuzzes the readers of a certificate file's bytes, PEM, DER, PKCS#7 and PKCS#12, along
/// the paths the commands take once a file is read:
/// - `pki inspect`: `Loader.load(data:)`, then `Inspection` of every certificate and CSR;
/// - `bundle check`: `BundleChecker.check(data:)`, and `bundle build`: `BundleBuilder`
///   over the certificates loaded;
/// - `expiry`: `CertificateFileReader.read(data:)` with the lean DER walker (the default)
///   and with OpenSSL's decoder (`--parser openssl`), each certificate a row rendered in
///   every output format.
/// A PKCS#12 or an encrypted key is tried with no passphrase (and the empty one), then,
/// when the answer asks for one, with the passphrase of the seed corpus's
/// `passphrase.p12`, `secret`.
///
/// Most mutated inputs are refused, and refusing binary input is slow (OpenSSL 3's
/// key decoders, some milliseconds): no refusal is computed twice. The reader falls back
/// to `Loader.load` for whatever its fast path does not take, so when the reader refuses
/// a file, Loader has refused it already, with the same words.
@main
enum FuzzCertificateReader {
    static func main() {
        FuzzDriver.run("fuzz-certificate-reader", fuzzCertificateReader)
    }
}

/// A fixed clock, so that a crash replays the same whatever the date.
let now = Date(timeIntervalSince1970: 1_800_000_000)

/// `expiry`'s default thresholds.
let policy = try! ExpiryPolicy()

/// One input.
@_cdecl("cmscerts_fuzz_certificate_reader")
func fuzzCertificateReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    var refusal: (any Error)?
    for parser in CertificateFileReader.Parser.allCases {
        let contents: CertificateFileContents
        do {
            contents = try CertificateFileReader.read(data: bytes, name: "fuzz.pem", parser: parser)
        } catch {
            // Both parsers end in the same Loader call: one refusal says it for both.
            refusal = error
            break
        }
        let rows = contents.certificates.enumerated().map { member, summary in
            CertificateRow(summary: summary, source: .file, file: "fuzz.pem", member: member, policy: policy, now: now)
        }
        for format in ExpiryFormat.allCases {
            var renderer = format.makeRenderer(color: true, now: now, width: 80)
            _ = renderer.render([rows])
        }
    }
    var file: LoadedFile?
    if refusal == nil {
        do {
            file = try Loader.load(data: bytes, name: "fuzz.pem", passphrase: nil)
        } catch {
            refusal = error
        }
    }
    // Only a file that asks for a passphrase is read again with one.
    if let refusal = refusal as? PKIError, refusal.message.contains("passphrase") {
        file = try? Loader.load(data: bytes, name: "fuzz.pem", passphrase: "secret")
    }
    if let file {
        for item in file.items {
            if let certificate = item.certificate { _ = Inspection(certificate, now: now).text }
            if let request = item.request { _ = Inspection(request).text }
        }
        let pile = file.certificates.map { SourcedCertificate(certificate: $0, location: "fuzz.pem") }
        for mode in [BundlePlan.Mode.fullChain, .caBundle] {
            if let plan = try? BundleBuilder.build(pile, mode: mode, at: now) { _ = plan.pemText }
        }
    }
    _ = BundleChecker.check(data: bytes, name: "fuzz.pem", at: now).text
    return 0
}
