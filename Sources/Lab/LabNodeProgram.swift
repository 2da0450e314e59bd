#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PKI

/// The `cms-lab-node` program: one simulated MMP on stdin/stdout.
///
///     cms-lab-node --lab DIR --node NAME              the interactive shell (prompt `cms1> `)
///     cms-lab-node --lab DIR --node NAME -c "pki list" one command
///
/// Behind sshd as the forced command it runs `SSH_ORIGINAL_COMMAND`; when that names the
/// sftp subsystem it becomes `sftp-server -d <node folder>`, so SFTP serves the node's folder.
public enum LabNodeProgram {
    /// Where OpenSSH's sftp-server is; `CMS_LAB_SFTP_SERVER` overrides it.
    public static let defaultSFTPServer = "/usr/lib/openssh/sftp-server"

    public static let usage = """
        usage: cms-lab-node --lab DIR --node NAME [-c COMMAND]
          --lab DIR    the lab folder (cmscerts lab init); default $CMS_LAB_DIR
          --node NAME  the node (cms1, ...); default $CMS_LAB_NODE
          -c COMMAND   run one MMP command and exit; without it: SSH_ORIGINAL_COMMAND when set, else a shell
        """

    /// The program's arguments, parsed.
    public struct Options: Equatable, Sendable {
        public var lab: String?
        public var node: String?
        public var command: String?
        public var help = false

        public init(lab: String? = nil, node: String? = nil, command: String? = nil, help: Bool = false) {
            self.lab = lab
            self.node = node
            self.command = command
            self.help = help
        }
    }

    /// Parses `--lab DIR --node NAME -c COMMAND` (also `--lab=DIR`, `--node=NAME`).
    public static func parse(_ arguments: [String], environment: [String: String]) throws -> Options {
        var options = Options(lab: environment["CMS_LAB_DIR"], node: environment["CMS_LAB_NODE"])
        var index = 0
        func value(_ name: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw LabError("\(name) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--lab": options.lab = try value(argument)
            case "--node": options.node = try value(argument)
            case "-c", "--command": options.command = try value(argument)
            case "-h", "--help": options.help = true
            default:
                if argument.hasPrefix("--lab=") { options.lab = String(argument.dropFirst(6)) }
                else if argument.hasPrefix("--node=") { options.node = String(argument.dropFirst(7)) }
                else { throw LabError("unknown argument \(argument)") }
            }
            index += 1
        }
        return options
    }

    /// True when an SSH command asks for the sftp subsystem.
    public static func isSFTP(_ command: String) -> Bool {
        command.contains("sftp-server") || command.trimmingCharacters(in: .whitespaces) == "internal-sftp"
    }

    /// Runs the program; returns the exit status (0 also when the MMP printed FAILURE,
    /// as the MMP does; 2 for a bad invocation or lab).
    public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        let options: Options
        do {
            options = try parse(arguments, environment: environment)
        } catch {
            errorOut("cms-lab-node: \(error)\n\(usage)")
            return 2
        }
        if options.help { out(usage + "\n"); return 0 }
        guard let labPath = options.lab, let node = options.node else {
            errorOut("cms-lab-node: --lab and --node are required\n\(usage)")
            return 2
        }
        let lab: Lab
        do {
            lab = try Lab(directory: labPath)
            guard try lab.topology().nodes.contains(where: { $0.name == node }) else {
                throw LabError("no node \(node) in the lab \(labPath)")
            }
        } catch {
            errorOut("cms-lab-node: \(error)")
            return 2
        }
        if let command = options.command { return runOne(command, lab: lab, node: node) }
        if let command = environment["SSH_ORIGINAL_COMMAND"], !command.isEmpty {
            if isSFTP(command) {
                return execSFTP(folder: lab.nodeDirectory(node), server: environment["CMS_LAB_SFTP_SERVER"] ?? defaultSFTPServer)
            }
            return runOne(command, lab: lab, node: node)
        }
        return shell(lab: lab, node: node)
    }

    static func runOne(_ command: String, lab: Lab, node: String) -> Int32 {
        do {
            let reply = try lab.run(command, on: node, confirm: { question in
                out(question)
                return readLine(strippingNewline: true)
            })
            out(NodeInterpreter.asksConfirmation((try? CSRSpec.tokenize(command)) ?? []) ? stripQuestion(reply.text) : reply.text)
            return 0
        } catch {
            errorOut("cms-lab-node: \(error)")
            return 2
        }
    }

    /// The interactive shell: the prompt, one command a line, until `exit` or end of input.
    static func shell(lab: Lab, node: String) -> Int32 {
        while true {
            out(MMPText.prompt(node))
            guard let line = readLine(strippingNewline: true) else { out("\n"); return 0 }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if ["exit", "quit", "logout"].contains(trimmed) { return 0 }
            if trimmed.isEmpty { continue }
            do {
                let reply = try lab.run(trimmed, on: node, confirm: { question in
                    out(question)
                    return readLine(strippingNewline: true)
                })
                out(NodeInterpreter.asksConfirmation((try? CSRSpec.tokenize(trimmed)) ?? []) ? stripQuestion(reply.text) : reply.text)
            } catch {
                errorOut("cms-lab-node: \(error)")
                return 2
            }
        }
    }

    /// The question was already printed (and the answer echoed by the terminal).
    static func stripQuestion(_ text: String) -> String {
        guard text.hasPrefix(MMPText.removeQuestion) else { return text }
        let rest = text.dropFirst(MMPText.removeQuestion.count)
        guard let newline = rest.firstIndex(of: "\n") else { return "" }
        return String(rest[rest.index(after: newline)...])
    }

    /// Becomes `sftp-server -d <folder>`: SFTP then reads and writes the node's folder.
    static func execSFTP(folder: String, server: String) -> Int32 {
        let arguments = [server, "-d", folder]
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        execv(server, cArguments)
        errorOut("cms-lab-node: cannot run \(server) for sftp: \(String(cString: strerror(errno))) (install openssh-sftp-server)")
        return 127
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func errorOut(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
