import Foundation
import Testing
import TestSupport
@testable import Deployment

/// How a deployment file is read before it is parsed: at most `maximumSize` bytes, UTF-8
/// only (the first bad byte named by line and column), through one reader that every
/// command uses.
@Suite("Reading a deployment file")
struct DeploymentFileReadingTests {
    func write(_ data: Data, name: String = "deployment.yaml") -> String {
        let path = TestSupport.temporaryDirectory("reading") + "/" + name
        TestSupport.write(data, to: path)
        return path
    }

    /// A valid file (`Fixtures.three3x`) padded with a comment to exactly `size` bytes.
    func padded(to size: Int) -> Data {
        var text = Fixtures.three3x + "\n# "
        text += String(repeating: "x", count: size - text.utf8.count - 1) + "\n"
        return Data(text.utf8)
    }

    /// The deployment-file error `body` throws, or nil (any other error is a failure).
    func problem(_ body: () throws -> Void) -> DeploymentFileError? {
        do {
            try body()
            return nil
        } catch let error as DeploymentFileError {
            return error
        } catch {
            Issue.record("expected a DeploymentFileError, got \(error)")
            return nil
        }
    }

    @Test("a file one byte over the limit is refused unparsed, with its size, the limit and what to do")
    func oversized() throws {
        let path = write(padded(to: DeploymentFile.maximumSize + 1))
        let error = try #require(problem { _ = try DeploymentFile.read(path) })
        let text = "\(error)"
        #expect(text.contains("is 1,048,577 bytes (1.0 MiB)"), "\(text)")
        #expect(text.contains("may hold 1,048,576 bytes (1.0 MiB) at most"), "\(text)")
        #expect(text.contains("not parsed") && text.contains("Check that this is your deployment file"), "\(text)")
        // The same through load(contentsOf:) and through text already read.
        #expect(problem { _ = try DeploymentFile.load(contentsOf: path) } == error)
        let big = String(decoding: padded(to: DeploymentFile.maximumSize + 1), as: UTF8.self)
        #expect(problem { _ = try DeploymentFile.load(yaml: big) } == error)
    }

    @Test("a file of exactly the limit is read")
    func atTheLimit() throws {
        let path = write(padded(to: DeploymentFile.maximumSize))
        let d = try DeploymentFile.load(contentsOf: path)
        #expect(d.nodes.count == 3)
    }

    @Test("a large file is refused without being read whole, from a pipe too")
    func fromAPipe() throws {
        let folder = TestSupport.temporaryDirectory("fifo")
        let fifo = folder + "/deployment.yaml"
        #expect(mkfifo(fifo, 0o600) == 0)
        // A writer that would go on far past the limit: the reader stops one byte after it.
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            let chunk = Data(repeating: UInt8(ascii: "#"), count: 1 << 16)
            for _ in 0..<64 { if (try? handle.write(contentsOf: chunk)) == nil { break } }
            try? handle.close()
        }
        signal(SIGPIPE, SIG_IGN)
        writer.start()
        let error = try #require(problem { _ = try DeploymentFile.read(fifo) })
        #expect("\(error)".contains("holds more than 1,048,576 bytes (1.0 MiB)"), "\(error)")
    }

    @Test("invalid UTF-8 is refused with the line, column and byte offset of the first bad byte")
    func invalidUTF8() throws {
        // Line 3, after "domain: ex" (10 characters): a Latin-1 é.
        var bytes = Array("version: 1\ncms_version: \"3.8\"\ndomain: ex".utf8)
        let offset = bytes.count
        bytes += [0xE9] + Array("mple.com\nnodes: []\n".utf8)
        let path = write(Data(bytes))
        let error = try #require(problem { _ = try DeploymentFile.read(path) })
        #expect(error.issues.count == 1)
        #expect(error.issues.first?.line == 3)
        let message = error.issues.first?.message ?? ""
        #expect(message.contains("byte 0xE9 at column 11"), "\(message)")
        #expect(message.contains("byte offset \(offset)"), "\(message)")
        #expect("\(error)".contains("line 3: the file is not UTF-8 text"), "\(error)")
    }

    @Test("the column counts characters, not bytes, and each kind of bad sequence is found", arguments: [
        // (bytes after "a: é€", what is wrong)
        ([0xC0, 0x80] as [UInt8], "overlong"),
        ([0xED, 0xA0, 0x80], "surrogate"),
        ([0xF4, 0x90, 0x80, 0x80], "past U+10FFFF"),
        ([0xE2, 0x82], "truncated at the end"),
        ([0x80], "lone continuation byte"),
        ([0xFF], "never UTF-8"),
    ])
    func badSequences(tail: [UInt8], _: String) {
        let head = Array("ok: 1\na: é€".utf8)
        let found = DeploymentFile.firstInvalidUTF8(in: Data(head + tail))
        #expect(found?.line == 2)
        #expect(found?.column == 6, "a, :, space, é, € are five characters")
        #expect(found?.offset == head.count)
        #expect(found?.byte == tail[0])
    }

    @Test("the validator agrees with the standard library on random bytes")
    func agreesWithTheStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0...12, using: &generator)
            // Mostly bytes around the UTF-8 boundaries, where the rules are.
            let pool: [UInt8] = [0x0A, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF]
            let bytes = (0..<length).map { _ in pool.randomElement(using: &generator)! }
            let valid = Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
            let found = DeploymentFile.firstInvalidUTF8(in: Data(bytes))
            #expect((found == nil) == valid, "\(bytes.map { String($0, radix: 16) })")
            if let found {
                let prefix = Array(bytes[..<found.offset])
                #expect(Array(String(decoding: prefix, as: UTF8.self).utf8) == prefix, "all before the bad byte is UTF-8")
            }
        }
    }

    @Test("a missing file and a folder say so")
    func missingAndFolder() throws {
        let folder = TestSupport.temporaryDirectory("reading")
        #expect("\(problem { _ = try DeploymentFile.read(folder + "/none.yaml") }!)".contains("does not exist"))
        #expect("\(problem { _ = try DeploymentFile.read(folder) }!)".contains("is a folder"))
    }

    @Test("plan, apply and expiry all refuse an oversized or non-UTF-8 file through the one reader")
    func everyCommand() throws {
        let binary = CLITests.binary.path
        let big = write(padded(to: DeploymentFile.maximumSize + 1))
        let latin = write(Data(Array("version: 1\n# caf".utf8) + [0xE9] + Array("\n".utf8)))
        for (arguments, code) in [(["plan", big, "--offline"], Int32(2)), (["apply", big, "--dry-run"], 2),
                                  (["expiry", "--deployment", big], 3)] {
            let r = TestSupport.run(binary, arguments)
            #expect(r.status == code, "\(arguments): \(r.output)")
            #expect(r.stderr.contains("may hold 1,048,576 bytes (1.0 MiB) at most"), "\(arguments): \(r.stderr)")
        }
        let r = TestSupport.run(binary, ["plan", latin, "--offline"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("line 2: the file is not UTF-8 text: the byte 0xE9 at column 6"), "\(r.stderr)")
    }
}
