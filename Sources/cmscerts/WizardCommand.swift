import Foundation
import Orchestration
import Lab
import NcursesBackend
import TerminalUI
import Wizard

/// `cmscerts` with no subcommand: the full-screen wizard, on ./deployment.yaml when there
/// is one, otherwise on the built-in lab (made in the user's data folder on first run).
enum WizardLauncher {
    /// Folders searched for `NAME.yaml` themes, first match wins: $CMSCERTS_THEMES,
    /// ./themes, the user's data folder, and the `themes` folder of the source tree or
    /// installation the executable sits in (up to four folders above it).
    static func themeFolders(environment: [String: String]) -> [String] {
        var folders: [String] = []
        if let custom = environment["CMSCERTS_THEMES"], !custom.isEmpty { folders.append(custom) }
        folders.append(FileManager.default.currentDirectoryPath + "/themes")
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        folders.append(dataHome + "/cmscerts/themes")
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            for candidate in [folder.appendingPathComponent("themes").path, folder.appendingPathComponent("share/cmscerts/themes").path]
            where FileManager.default.fileExists(atPath: candidate + "/default.yaml") {
                folders.append(candidate)
            }
            folder.deleteLastPathComponent()
        }
        return folders
    }

    static func run(themeName: String?) throws {
        // Before anything is made (the lab): a script that runs cmscerts bare gets usage, not a lab.
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CLIFailure(code: 2, message: "ERROR: the wizard needs an interactive terminal; in scripts use the subcommands (cmscerts --help)")
        }
        let environment = ProcessInfo.processInfo.environment
        let current = FileManager.default.currentDirectoryPath
        let deploymentPath = current + "/deployment.yaml"
        let context: WizardContext
        if FileManager.default.fileExists(atPath: deploymentPath) {
            context = WizardContext.deployment(path: deploymentPath, currentDirectory: current, connections: .wired)
        } else {
            do {
                context = try WizardContext.lab(directory: Lab.defaultDirectory(environment: environment), currentDirectory: current)
            } catch {
                throw CLIFailure(code: 2, message: "ERROR: cannot open the built-in lab: \(error)")
            }
        }
        let catalog = ThemeCatalog(folders: themeFolders(environment: environment))
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        var theme: Theme
        do {
            theme = try catalog.select(named: themeName, environment: environment)
        } catch {
            throw CLIFailure(code: 2, message: "ERROR: \(error)")
        }
        if noColor { theme = theme.withoutColor }
        let state = WizardState(context: context, theme: theme, themeCatalog: catalog, themes: catalog.available(), noColor: noColor)
        do {
            _ = try NcursesBackend.run(WizardApp(), state: state, options: RunOptions(beforeSignalExit: { _ in stopRuns() },
                                                                                        onFrame: frameRecorder(environment)))
        } catch let error as TerminalError {
            stopRuns()
            throw CLIFailure(code: 2, message: "ERROR: \(error.description)")
        }
        stopRuns()
    }

    /// With CMSCERTS_FRAME_FILE set (tests), every frame's text is written there as it is
    /// drawn, so that a test can compare the terminal's screen with what was drawn.
    static func frameRecorder(_ environment: [String: String]) -> (@Sendable (Buffer) -> Void)? {
        guard let path = environment["CMSCERTS_FRAME_FILE"], !path.isEmpty else { return nil }
        return { buffer in
            try? Data(buffer.lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    /// Left mid-run (Ctrl-C, a signal, an error): the run starts nothing new, its running
    /// steps end and are journaled, then the process ends; Step 5 or `--resume` goes on.
    static func stopRuns() {
        let runs = RunStop.running
        guard !runs.isEmpty else { return }
        FileHandle.standardError.write(Data("cmscerts: stopping run \(runs.joined(separator: ", ")) at the next step boundary...\n".utf8))
        RunStop.requestAll()
        let stopped = RunStop.waitForRuns(timeout: 330)
        FileHandle.standardError.write(Data((stopped
            ? "cmscerts: stopped; the journal says where. Open Step 5 again (r resumes) or run cmscerts apply <deployment.yaml> --resume \(runs[0]).\n"
            : "cmscerts: a step is still running after 330 s; leaving it: the journal says where, resume to go on.\n").utf8))
    }
}
