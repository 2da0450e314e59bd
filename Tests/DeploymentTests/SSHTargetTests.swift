import Testing
@testable import Deployment

/// What a deployment file may hand to ssh: a plain host and user, nothing ssh could read as
/// an option; and a user or port only when the file gives one.
@Suite("SSH targets in the deployment file")
struct SSHTargetTests: IssueChecking {
    /// One node whose `ssh:` mapping holds `lines` (each a `key: value`), from line 11 on.
    func file(ssh lines: [String]) -> String {
        """
        version: 1
        cms_version: "3.8"
        domain: example.com
        nodes:
          - name: n1
            fqdn: n1.example.com
            address: 10.0.0.1
            services: [webadmin, callbridge]
            database: primary
            ssh:
        \(lines.map { "      " + $0 }.joined(separator: "\n"))

        """
    }

    @Test("a host that ssh would read as an option is refused, with its line and what to write")
    func optionAsHost() {
        let yaml = file(ssh: ["host: -oProxyCommand=sh -c 'touch /tmp/owned'"])
        expectIssue(yaml, path: "nodes[0].ssh.host", line: 11, containing: "begins with '-', which ssh reads as an option")
        expectIssue(yaml, path: "nodes[0].ssh.host", line: 11, containing: "give the node's host name, address or ~/.ssh/config alias")
        #expect(throws: DeploymentFileError.self) { try DeploymentFile.load(yaml: yaml) }
    }

    @Test("hosts that are not plain names or addresses are refused", arguments: [
        ("cms1 -p 2222", "contains a space"),
        ("admin@cms1", "write the login under ssh.user"),
        ("cms1:2222", "a port goes under ssh.port"),
        ("\"[::1]\"", "without brackets"),
        ("\"cms1\\ttab\"", "control character U+0009"),
        ("\"cms1\\e[2J\"", "control character U+001B"),
        ("cms1;reboot", "contains ';'"),
        ("\"cms1$(id)\"", "contains '$'"),
        ("cms1..example.com", "empty label"),
        ("\"%h\"", "contains '%'"),
    ])
    func badHosts(host: String, message: String) {
        expectIssue(file(ssh: ["host: " + host]), path: "nodes[0].ssh.host", line: 11, containing: message)
    }

    @Test("names, addresses and ssh_config aliases are taken as hosts", arguments: [
        "cms1-lab", "cms1.example.com", "CMS1.Example.COM", "cms_1", "10.0.0.11", "\"::1\"", "\"2001:db8::11\"",
    ])
    func goodHosts(host: String) throws {
        let d = try DeploymentFile.load(yaml: file(ssh: ["host: " + host]))
        #expect(!d.nodes[0].ssh.host.isEmpty)
    }

    @Test("a user that is not a plain account name is refused", arguments: [
        ("-oProxyCommand=x", "begins with '-'"),
        ("admin@cms1.example.com", "write the account alone"),
        ("ad min", "contains a space"),
        ("\"ad\\nmin\"", "control character U+000A"),
        ("admin;id", "contains ';'"),
    ])
    func badUsers(user: String, message: String) {
        expectIssue(file(ssh: ["user: " + user]), path: "nodes[0].ssh.user", line: 11, containing: message)
    }

    @Test("user and port are kept only when the file sets them, and written back only then")
    func userAndPortOptional() throws {
        let bare = try DeploymentFile.load(yaml: file(ssh: ["host: cms1-lab"]))
        #expect(bare.nodes[0].ssh == SSHTarget(host: "cms1-lab", user: nil, port: nil))
        #expect(bare.nodes[0].ssh.command == "ssh cms1-lab")
        let written = DeploymentFile.yaml(for: bare)
        #expect(!written.contains("user:") && !written.contains("port:"), "\(written)")
        #expect(try DeploymentFile.load(yaml: written) == bare)

        let set = try DeploymentFile.load(yaml: file(ssh: ["host: cms1-lab", "user: admin", "port: 22"]))
        #expect(set.nodes[0].ssh == SSHTarget(host: "cms1-lab", user: "admin", port: 22))
        #expect(set.nodes[0].ssh.command == "ssh -p 22 admin@cms1-lab")
        #expect(try DeploymentFile.load(yaml: DeploymentFile.yaml(for: set)) == set)
    }

    @Test("a port out of range names the fix")
    func badPort() {
        expectIssue(file(ssh: ["port: 0"]), path: "nodes[0].ssh.port", line: 11, containing: "give 1 to 65535, or leave ssh.port out")
    }

    @Test("a bad FQDN used as the SSH host is reported once, on the FQDN")
    func defaultHostReportedOnce() {
        let yaml = file(ssh: ["user: admin"]).replacingOccurrences(of: "fqdn: n1.example.com", with: "fqdn: -n1.example.com")
        let found = issues(yaml)
        #expect(found.contains { $0.path == "nodes[0].fqdn" })
        #expect(!found.contains { $0.path == "nodes[0].ssh.host" }, "\(found)")
    }

    @Test("the example deployment file still loads, with the user and port it sets")
    func example() throws {
        let d = try DeploymentFile.load(yaml: DeploymentFile.example)
        #expect(d.nodes[0].ssh == SSHTarget(host: "cms1.example.com", user: "admin", port: 22))
        #expect(d.nodes[1].ssh == SSHTarget(host: "cms2.example.com"))
    }
}
