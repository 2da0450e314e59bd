import Foundation
import Lab
import PKI
import TerminalUI
import TestSupport
import Testing
@testable import Wizard
@testable import cmscerts

/// The repository's theme files.
let repositoryThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

/// A wizard over a fresh lab in a temporary folder, headless at 80x24.
final class WizardFixture {
    let folder: String
    let context: WizardContext
    let runtime: HeadlessRuntime<WizardApp>

    /// `noColor` starts as NO_COLOR would; `context` replaces the lab (a deployment file).
    init(noColor: Bool = false, context given: ((String) throws -> WizardContext)? = nil, size: Size = .standard) throws {
        folder = TestSupport.temporaryDirectory("wiz")
        context = try given?(folder) ?? WizardContext.lab(directory: folder + "/lab")
        let catalog = ThemeCatalog(folders: [repositoryThemes])
        let theme = noColor ? Theme.builtInMonochrome.withoutColor : Theme.builtInDefault
        let state = WizardState(context: context, theme: theme, themeCatalog: catalog, themes: catalog.available(), noColor: noColor)
        runtime = HeadlessRuntime(WizardApp(), state: state, size: size)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    var state: WizardState { runtime.state }
    var lines: [String] { runtime.lines }
    var screenText: String { lines.joined(separator: "\n") }
    var workspace: String { context.workspaceDirectory }

    /// Variable text of the screen (the temporary folder, the digests of the review's writes:
    /// a new key's bytes are random) replaced by a fixed token of the same length, so that
    /// snapshots are stable and the layout unchanged.
    var placeholders: [String: String] {
        let token = "/TMP" + String(repeating: "_", count: max(0, folder.count - 4))
        var placeholders = [folder: token]
        for write in state.review?.operation.writes ?? [] where !write.digest.isEmpty {
            placeholders["SHA-256 " + write.digest.prefix(ReviewState.digestShown)] = "SHA-256 " + String(repeating: "#", count: ReviewState.digestShown)
        }
        return placeholders
    }

    /// The digest the review on `screen` shows under the row of the file `name`.
    static func shownDigest(of name: String, on screen: [String]) -> String? {
        guard let row = screen.firstIndex(where: { $0.hasPrefix("   " + name + " ") }), row + 1 < screen.count else { return nil }
        let next = screen[row + 1].trimmingCharacters(in: .whitespaces)
        guard next.hasPrefix("SHA-256 "), next.hasSuffix("…") else { return nil }
        return String(next.dropFirst("SHA-256 ".count).dropLast())
    }

    /// Checks that the review on `screen` showed, for each file of `paths` now written, the
    /// start of the SHA-256 that openssl computes of its bytes.
    static func expectShownDigests(_ screen: [String], match paths: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for path in paths {
            let dgst = TestSupport.openssl(["dgst", "-sha256", "-r", path])
            let onDisk = String(dgst.stdout.prefix { $0 != " " })
            let shown = shownDigest(of: (path as NSString).lastPathComponent, on: screen)
            #expect(dgst.status == 0 && onDisk.count == 64, "\(dgst.output)", sourceLocation: sourceLocation)
            #expect(shown?.count == ReviewState.digestShown && onDisk.hasPrefix(shown ?? "-"),
                    "\(path): the review showed \(shown ?? "no digest"), openssl says \(onDisk)", sourceLocation: sourceLocation)
        }
    }

    func snapshot(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        Snapshot.check(lines, name, replacing: placeholders, sourceLocation: sourceLocation)
    }

    @discardableResult
    func press(_ keys: Key...) -> [String] { runtime.press(keys).trimmedLines }

    @discardableResult
    func type(_ text: String) -> [String] { runtime.type(text).trimmedLines }

    /// From the home screen, moves to `entry` with ↓ (disabled entries are skipped) and
    /// opens it with Enter.
    func open(_ entry: HomeScreen.Entry, sourceLocation: SourceLocation = #_sourceLocation) {
        runtime.press(.home)
        for _ in 0..<HomeScreen.Entry.allCases.count where HomeScreen.Entry.allCases[state.home.menu.selected] != entry { runtime.press(.down) }
        #expect(HomeScreen.Entry.allCases[state.home.menu.selected] == entry, sourceLocation: sourceLocation)
        runtime.press(.enter)
    }

    /// Waits for every command to finish (bounded by the runtime's timeout).
    func settle() async {
        let done = await runtime.settle()
        #expect(done, "the wizard's commands finished")
    }

    /// Fills Step 1 from the home screen: basename, CN, O, C and SANs.
    func fillStep1(basename: String = "webadmin", cn: String = "cms1.lab.example.com", o: String = "Example Inc.",
                   c: String = "GB", sans: String = "join.lab.example.com") {
        runtime.press(.enter)
        runtime.type(basename)
        runtime.press(.tab)
        runtime.type(cn)
        runtime.press(.tab, .tab)
        runtime.type(o)
        runtime.press(.tab, .tab, .tab)
        runtime.type(c)
        runtime.press(.tab)
        runtime.type(sans)
    }

    /// A three-level chain made by `openssl` itself in `dir`: root, intermediate, leaf.
    func opensslChain(in dir: String, leafCN: String = "cms1.lab.example.com") {
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func ssl(_ args: [String]) {
            let r = TestSupport.openssl(args, in: dir)
            #expect(r.status == 0, "openssl \(args.joined(separator: " ")): \(r.stderr)")
        }
        ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.crt", "-days", "3650",
             "-subj", "/O=Test/CN=Test Root CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        ssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr", "-subj", "/O=Test/CN=Test Issuing CA"])
        TestSupport.write("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n", to: dir + "/ca.ext")
        ssl(["x509", "-req", "-in", "inter.csr", "-CA", "root.crt", "-CAkey", "root.key", "-CAcreateserial", "-out", "inter.crt", "-days", "1825", "-extfile", "ca.ext"])
        ssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=\(leafCN)"])
        TestSupport.write("basicConstraints=CA:FALSE\nsubjectAltName=DNS:\(leafCN)\nextendedKeyUsage=serverAuth,clientAuth\n", to: dir + "/leaf.ext")
        ssl(["x509", "-req", "-in", "leaf.csr", "-CA", "inter.crt", "-CAkey", "inter.key", "-CAcreateserial", "-out", "leaf.crt", "-days", "365", "-extfile", "leaf.ext"])
        for junk in ["root.key", "inter.key", "inter.csr", "leaf.csr", "ca.ext", "leaf.ext", "root.srl", "inter.srl"] {
            try? FileManager.default.removeItem(atPath: dir + "/" + junk)
        }
    }
}

extension WizardFixture {
    /// A deployment file of two 3.8 nodes (cms1 primary with webadmin and callbridge, cms2
    /// with callbridge), certificates cut by `strategy`.
    static func twoNodes(strategy: String = "perService") -> String {
        """
        version: 1
        cms_version: "3.8"
        domain: example.com
        strategy: \(strategy)
        nodes:
          - name: cms1
            fqdn: cms1.example.com
            address: 10.0.0.11
            services: [webadmin, callbridge]
            database: primary
          - name: cms2
            fqdn: cms2.example.com
            address: 10.0.0.12
            services: [callbridge]
        """
    }

    /// On Step 5's review: y runs the plan; it waits for the CA, an outside CA signs what
    /// it waits for; r resumes the same run to the end. Returns the files it waited for,
    /// or nil (recorded) when the run did not go that way.
    func runSigningWhatItWaitsFor(sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String]? {
        press(.char("y"))
        _ = await runtime.waitUntil { !($0.apply?.isRunning ?? true) }
        guard case .waiting(let files, _)? = state.apply?.phase, let target = state.context.apply else {
            Issue.record("the run waits for the CA: \(String(describing: state.apply?.phase))\n\(screenText)", sourceLocation: sourceLocation)
            return nil
        }
        try OutsideCA().place(files, in: target.workspace)
        press(.char("r"))
        _ = await runtime.waitUntil { !($0.apply?.isRunning ?? true) }
        guard case .done? = state.apply?.phase else {
            Issue.record("the run finishes: \(String(describing: state.apply?.phase))\n\(screenText)", sourceLocation: sourceLocation)
            return nil
        }
        await settle()
        return files
    }

    /// Every service of every node of the lab is enabled and running.
    func expectEveryServiceRunning(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let lab = try Lab(directory: folder + "/lab")
        for node in try lab.status().nodes {
            for service in node.services {
                #expect(service.enabled && service.running, "\(node.node.name) \(service.service): \(service.state)", sourceLocation: sourceLocation)
            }
        }
    }
}
