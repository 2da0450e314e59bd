import Foundation
@testable import PKI
import TestSupport
import Testing

/// `HTTPGet`, the plain http:// client that fetches a CA's certificate from the URL a
/// certificate names: against a local server that answers as real web servers do (and
/// as broken or hostile ones do), and against one that never answers.
@Suite("HTTPGet: fetching a CA certificate over http://")
struct HTTPGetTests {
    let accept = "application/pkix-cert, */*"

    func answer(_ text: String, body: [UInt8] = []) -> Data { Data(text.utf8) + Data(body) }

    @Test func aContentLengthBodyIsReadWhole() throws {
        let body = (0..<5000).map { UInt8($0 % 251) }
        let server = try HTTPFileServer(files: ["ca.der": Data(body)])
        let response = try HTTPGet.get(server.url("ca.der"), accept: accept)
        #expect(response.status == 200)
        #expect(response.body == body)
        // What was asked: one GET for the path, the Host with its port, the Accept given.
        let head = try #require(server.heads.first)
        #expect(head.hasPrefix("GET /ca.der HTTP/1.1\r\n"), "\(head)")
        #expect(head.contains("\r\nHost: 127.0.0.1:\(server.port)\r\n") && head.contains("\r\nAccept: \(accept)\r\n"), "\(head)")
    }

    @Test func aChunkedBodyIsJoined() throws {
        let server = try HTTPFileServer(files: [:])
        server.setRaw("c", answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"))
        let response = try HTTPGet.get(server.url("c"), accept: accept)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
    }

    @Test func withoutALengthTheBodyEndsWithTheConnection() throws {
        let server = try HTTPFileServer(files: [:])
        server.setRaw("x", answer("HTTP/1.0 200 OK\nContent-Type: application/pkix-cert\n\nDERBYTES"))
        #expect(try HTTPGet.get(server.url("x"), accept: accept).body == Array("DERBYTES".utf8))
    }

    @Test func redirectsAreFollowedToHTTPOnly() throws {
        let server = try HTTPFileServer(files: ["final.der": Data([1, 2, 3])])
        server.setRaw("old", answer("HTTP/1.1 301 Moved Permanently\r\nLocation: /middle\r\nContent-Length: 0\r\n\r\n"))
        server.setRaw("middle", answer("HTTP/1.1 302 Found\r\nLocation: \(server.url("final.der"))\r\nContent-Length: 0\r\n\r\n"))
        let response = try HTTPGet.get(server.url("old"), accept: accept)
        #expect(response.body == [1, 2, 3] && response.url == server.url("final.der"))
        #expect(server.requests == ["old", "middle", "final.der"])

        server.setRaw("tls", answer("HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1/x\r\nContent-Length: 0\r\n\r\n"))
        #expect(throws: HTTPGetError("only http:// URLs are fetched (RFC 5280)")) { try HTTPGet.get(server.url("tls"), accept: accept) }

        server.setRaw("loop", answer("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n"))
        #expect(throws: HTTPGetError("redirected more than 5 times")) { try HTTPGet.get(server.url("loop"), accept: accept) }
    }

    @Test func aStatusIsReturnedForTheCallerToJudge() throws {
        let server = try HTTPFileServer(files: [:])
        #expect(try HTTPGet.get(server.url("missing"), accept: accept).status == 404)
    }

    @Test func tooLargeIsRefusedByItsLengthAndByWhatArrives() throws {
        let server = try HTTPFileServer(files: ["big": Data(count: 3000)])
        #expect(throws: HTTPGetError("answered 3000 bytes: far too large for a CA certificate")) {
            try HTTPGet.get(server.url("big"), accept: accept, maximumSize: 2000)
        }
        server.setRaw("endless", answer("HTTP/1.0 200 OK\r\n\r\n", body: [UInt8](repeating: 65, count: 200_000)))
        #expect(throws: HTTPGetError("answered more than 2000 bytes: far too large for a CA certificate")) {
            try HTTPGet.get(server.url("endless"), accept: accept, maximumSize: 2000)
        }
    }

    @Test func brokenAnswersSayWhatIsWrong() throws {
        let server = try HTTPFileServer(files: [:])
        server.setRaw("short", answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"))
        #expect(throws: HTTPGetError("closed the connection before the whole answer was sent")) { try HTTPGet.get(server.url("short"), accept: accept) }
        server.setRaw("ssh", answer("SSH-2.0-OpenSSH_9.2\r\n\r\n"))
        #expect(throws: HTTPGetError("answered something that is not HTTP")) { try HTTPGet.get(server.url("ssh"), accept: accept) }
        server.setRaw("gzip", answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx"))
        #expect(throws: HTTPGetError("answered with transfer coding 'gzip', which cmscerts does not read")) { try HTTPGet.get(server.url("gzip"), accept: accept) }
        server.setRaw("nothing", Data())
        #expect(throws: HTTPGetError("closed the connection without answering")) { try HTTPGet.get(server.url("nothing"), accept: accept) }
    }

    @Test func aSilentServerMeetsTheDeadline() throws {
        let silent = try SilentListener()
        let start = ContinuousClock.now
        #expect(throws: HTTPGetError("did not answer in 1 seconds")) {
            try HTTPGet.get("http://127.0.0.1:\(silent.port)/ca.der", accept: accept, timeout: .seconds(1))
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func hostileURLsNeverReachTheRequestLine() throws {
        for url in ["https://ca.example.com/ca.der", "ftp://ca.example.com/ca.der", "ldap://ca.example.com/cn=ca",
                    "http:///nohost", "http://user:pw@ca.example.com/ca.der"] {
            #expect(throws: HTTPGetError.self, "\(url)") { try HTTPGet.Target(url) }
        }
        // Spaces and line breaks (which URL would percent-encode) never reach the request.
        #expect(throws: HTTPGetError("the URL holds spaces or control characters: it cannot be asked for as it is")) {
            try HTTPGet.Target("http://ca.example.com/a b\r\nX-Evil: 1")
        }
        // Percent escapes are sent as written.
        let target = try HTTPGet.Target("http://ca.example.com:8080/certs/ca%20one.der?x=1#frag")
        #expect(target.host == "ca.example.com" && target.port == 8080)
        #expect(target.resource == "/certs/ca%20one.der?x=1" && target.hostHeader == "ca.example.com:8080")
        #expect(try HTTPGet.Target("http://[::1]/ca").hostHeader == "[::1]")
        #expect(try HTTPGet.Target("http://ca.example.com").resource == "/")
    }
}
