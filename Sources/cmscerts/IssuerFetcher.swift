import Foundation
import PKI

/// Fetches a missing issuer's certificate from the URL the certificate itself names
/// (Authority Information Access, caIssuers: RFC 5280 4.2.2.1). Only `http://`, as RFC
/// 5280 has it (an https URL would need the chain it is fetching); at most 1 MiB, 10
/// seconds; the answer may be DER, PEM or PKCS#7 ("certs-only"), read by the same reader
/// as every certificate file.
enum IssuerFetcher {
    static let maximumSize = 1 << 20
    static let timeout: Duration = .seconds(10)

    struct Fetched {
        var url: String
        var bytes: Int
        var format: FileFormat
        var certificates: [Certificate]
    }

    static func fetch(_ url: String) throws -> Fetched {
        let shown = url
        let response: HTTPGet.Response
        do {
            response = try HTTPGet.get(url, accept: "application/pkix-cert, application/pkcs7-mime, */*",
                                       timeout: timeout, maximumSize: maximumSize)
        } catch let error as HTTPGetError {
            if error.message.hasPrefix("only http://") {
                throw CLIFailure(code: 1, message: "FAILURE: \(shown): only http:// caIssuers URLs are fetched (RFC 5280); get that CA's certificate from your CA and add it to the files")
            }
            throw CLIFailure(code: 1, message: "FAILURE: \(shown) \(error.message)")
        }
        guard response.status == 200 else {
            throw CLIFailure(code: 1, message: "FAILURE: \(shown) answered HTTP \(response.status)")
        }
        guard !response.body.isEmpty else { throw CLIFailure(code: 1, message: "FAILURE: \(shown) answered with nothing") }
        let loaded = try Loader.load(data: Data(response.body), name: url, keys: .skip)
        guard !loaded.certificates.isEmpty else {
            throw CLIFailure(code: 1, message: "FAILURE: \(shown) holds no certificate")
        }
        return Fetched(url: url, bytes: response.body.count, format: loaded.format, certificates: loaded.certificates)
    }
}
