import ArgumentParser
import Foundation

/// `cmscerts`: the command line of the engine. Each subcommand parses its arguments and
/// calls the libraries; the work is never done here. With no subcommand it opens the wizard.
@main
struct CMSCerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cmscerts",
        abstract: "Certificates for Cisco Meeting Server: CSRs, the built-in CA, bundles, plans and the lab.",
        discussion: "With no subcommand, on a terminal, cmscerts opens the full-screen wizard: on ./deployment.yaml when there is one, otherwise on the built-in lab.",
        subcommands: [
            PKICommand.self,
            BundleCommand.self,
            InitCommand.self,
            PlanCommand.self,
            LabCommand.self,
            ExpiryCommand.self,
            ApplyCommand.self,
        ]
    )

    @Option(help: "The wizard's colour theme: default, high-contrast, monochrome or nord (or any themes/NAME.yaml). NO_COLOR set shows it without colour.")
    var theme: String?

    /// No subcommand: the full-screen wizard.
    func run() throws {
        try WizardLauncher.run(themeName: theme)
    }

    /// Exit codes: 0 ok, 1 a check failed, 2 bad input or usage (never ArgumentParser's 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            Self.exitWithCode(for: error)
        }
    }

    static func exitWithCode(for error: Error) -> Never {
        if let failure = error as? CLIFailure {
            if !failure.message.isEmpty { Console.err(failure.message) }
            Foundation.exit(failure.code)
        }
        let code = Self.exitCode(for: error)
        if code == .success {
            Self.exit(withError: error)
        }
        Console.err(Self.fullMessage(for: error))
        if error is ValidationError || code == .validationFailure {
            Foundation.exit(2)
        }
        Foundation.exit(code.rawValue == 1 ? 1 : 2)
    }
}

/// A failure the command already worded: its message and exit code.
struct CLIFailure: Error {
    var code: Int32
    var message: String
}
