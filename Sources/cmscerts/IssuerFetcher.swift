import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PKI

/// Fetches a missing issuer's certificate from the URL the certificate itself names
/// (Authority Information Access, caIssuers: RFC 5280 4.2.2.1). Only `http://`, as RFC
/// 5280 has it (an https URL would need the chain it is fetching); at most 1 MiB, 10
/// seconds; the answer may be DER, PEM or PKCS#7 ("certs-only"), read by the same reader
/// as every certificate file.
enum IssuerFetcher {
    static let maximumSize = 1 << 20
    static let timeout: TimeInterval = 10

    struct Fetched {
        var url: String
        var bytes: Int
        var format: FileFormat
        var certificates: [Certificate]
    }

    static func fetch(_ url: String) throws -> Fetched {
        guard let parsed = URL(string: url), parsed.scheme?.lowercased() == "http", parsed.host != nil else {
            throw CLIFailure(code: 1, message: "FAILURE: \(url): only http:// caIssuers URLs are fetched (RFC 5280); get that CA's certificate from your CA and add it to the files")
        }
        var request = URLRequest(url: parsed, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("application/pkix-cert, application/pkcs7-mime, */*", forHTTPHeaderField: "Accept")
        let box = ResultBox()
        let semaphore = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data: data, response: response, error: error)
            semaphore.signal()
        }
        task.resume()
        if semaphore.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            throw CLIFailure(code: 1, message: "FAILURE: \(url) did not answer in \(Int(timeout)) seconds")
        }
        let (data, response, error) = box.get()
        if let error { throw CLIFailure(code: 1, message: "FAILURE: cannot fetch \(url): \(error.localizedDescription)") }
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            throw CLIFailure(code: 1, message: "FAILURE: \(url) answered HTTP \(http.statusCode)")
        }
        guard let data, !data.isEmpty else { throw CLIFailure(code: 1, message: "FAILURE: \(url) answered with nothing") }
        guard data.count <= maximumSize else {
            throw CLIFailure(code: 1, message: "FAILURE: \(url) answered \(data.count) bytes: far too large for a CA certificate")
        }
        let loaded = try Loader.load(data: data, name: url, keys: .skip)
        guard !loaded.certificates.isEmpty else {
            throw CLIFailure(code: 1, message: "FAILURE: \(url) holds no certificate")
        }
        return Fetched(url: url, bytes: data.count, format: loaded.format, certificates: loaded.certificates)
    }

    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        func set(data: Data?, response: URLResponse?, error: Error?) { lock.lock(); value = (data, response, error); lock.unlock() }
        func get() -> (Data?, URLResponse?, Error?) { lock.lock(); defer { lock.unlock() }; return value }
    }
}
