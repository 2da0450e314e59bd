import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a harness hands the driver: libFuzzer's `LLVMFuzzerTestOneInput` shape (the bytes
/// of one input; return 0). A C function pointer, so a harness passes its `@_cdecl` entry
/// or a closure that captures nothing.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// Runs a fuzz harness. In a build made with `-sanitize=fuzzer`, libFuzzer is linked in
/// and `LLVMFuzzerRunDriver` takes over the command line (`-max_total_time=30 CORPUS`).
/// In a plain `swift build` there is no libFuzzer: the harness then replays each file
/// named on the command line (and every file under each folder) through the target
/// once, so the same executable is a regression runner for a corpus in `swift test` and
/// CI. The lookup is at run time (dlsym), so the harness links in both builds.
///
/// SwiftPM names an executable's entry `<Target>_main` and owns `main`, so libFuzzer's
/// own `main` is never the one that runs: the harness's `main` calls `run` instead.
public enum FuzzDriver {
    /// `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`.
    typealias RunDriver = @convention(c) (
        UnsafeMutablePointer<Int32>,
        UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        FuzzTarget
    ) -> Int32

    /// libFuzzer's entry when this executable was built with it, else nil.
    static var runDriver: RunDriver? {
        // RTLD_DEFAULT is ((void *)0) on glibc and (void *)-2 on Darwin.
        #if canImport(Darwin)
        let handle = UnsafeMutableRawPointer(bitPattern: -2)
        #else
        let handle: UnsafeMutableRawPointer? = nil
        #endif
        guard let symbol = dlsym(handle, "LLVMFuzzerRunDriver") else { return nil }
        return unsafeBitCast(symbol, to: RunDriver.self)
    }

    /// Fuzzes `target` under libFuzzer when it is linked in, else replays the inputs named
    /// on the command line. Never returns: exits with libFuzzer's status, or in replay mode
    /// 0 when every input ran (a crash ends the process on its own), 2 for a bad argument.
    public static func run(_ name: String, _ target: FuzzTarget) -> Never {
        if let driver = runDriver {
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(driver(&argc, &argv, target))
        }
        exit(replay(name, arguments: Array(CommandLine.arguments.dropFirst()), target))
    }

    /// Replay mode: each file argument, and every regular file under each folder argument
    /// (sorted, so that runs compare), through `target` once. Arguments beginning with `-`
    /// are libFuzzer's options and are ignored, so one command line serves both builds.
    /// Returns the exit status.
    public static func replay(_ name: String, arguments: [String], _ target: FuzzTarget) -> Int32 {
        let paths = arguments.filter { !$0.hasPrefix("-") }
        if paths.isEmpty {
            FileHandle.standardError.write(Data("""
                usage: \(name) [libFuzzer options] [CORPUS_DIR|FILE]...
                This build has no libFuzzer: each FILE, and every file under each CORPUS_DIR, is run once.
                Build with `-sanitize=fuzzer` to fuzz (Fuzz/run.sh).

                """.utf8))
            return 2
        }
        var files: [String] = []
        for path in paths {
            guard let found = inputFiles(path) else {
                FileHandle.standardError.write(Data("\(name): \(path): no such file or folder\n".utf8))
                return 2
            }
            files += found
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("\(name): \(file) cannot be read\n".utf8))
                return 2
            }
            FileHandle.standardError.write(Data("Running: \(file)\n".utf8))
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { target($0.baseAddress, $0.count) }
        }
        FileHandle.standardError.write(Data("\(name): replayed \(files.count) inputs, no crash (no libFuzzer in this build)\n".utf8))
        return 0
    }

    /// The regular files of `path` (itself, or under it, sorted); nil when it does not exist.
    static func inputFiles(_ path: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return [path] }
        let base = URL(fileURLWithPath: path)
        let all = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
        return all.sorted().map { base.appendingPathComponent($0).path }.filter { file in
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &folder) && !folder.boolValue
        }
    }
}
