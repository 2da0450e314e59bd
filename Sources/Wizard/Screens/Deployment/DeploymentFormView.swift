import Deployment
import TerminalUI

/// The deployment screen: the form's rows with each problem beside its field, and under
/// them the focused field's problem (or what it means) in full.
enum DeploymentFormView {
    static let labelWidth = 18

    /// The screen's parts: what the file is, the form's rows, the focused field's text.
    /// The view draws into them and the keys page by the form's height.
    static func layout(_ area: Rect) -> (head: Rect, form: Rect, foot: Rect) {
        let parts = Layout.vertical([.length(2), .fill(1), .length(4)]).split(area)
        return (parts[0], parts[1], parts[2])
    }

    static func render(_ s: WizardState, area: Rect, buffer b: inout Buffer) {
        let theme = s.theme
        guard let form = s.deploymentForm else { return }
        let parts = layout(area)
        // What this file is.
        var head = TextLines(width: area.width, theme: theme)
        let what = form.isLab ? "The built-in lab's deployment file" : (form.base == nil ? "A new deployment file" : "Deployment file")
        head.add("\(what): \(form.path)", .title)
        if form.isLab {
            head.add("The lab fixes its release and nodes; the rest is yours to set.", .muted)
        } else if let problem = form.loadProblem {
            head.add("The file there cannot be read (\(problem.split(separator: "\n").dropFirst().first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? problem)): saving replaces it, keeping it as .previous.", .warning)
        } else {
            head.add("Each problem shows at its field; F10 reviews the file before it is written.", .muted)
        }
        head.render(area: parts.head, buffer: &b)

        let checked = form.checked
        let rows = form.rows
        let focused = form.focusedField
        let height = parts.form.height
        // The rule update keeps, applied again at this size (the terminal may have changed).
        var shown = form
        shown.keepFocusVisible(height: height)
        let scroll = min(shown.scroll, max(0, rows.count - height))
        let area = parts.form
        let inputWidth = min(28, max(10, area.width - labelWidth - 20))
        for (offset, row) in rows.dropFirst(scroll).prefix(height).enumerated() {
            let y = area.y + offset
            switch row {
            case .header(let title):
                b.write(title.truncated(toWidth: area.width), x: area.x, y: y, style: theme[.header], clip: area)
            case .field(let f):
                let isFocused = f == focused
                let locked = form.isLocked(f)
                let label = "  " + DeploymentForm.label(f)
                b.write(label.truncated(toWidth: labelWidth - 1), x: area.x, y: y, style: isFocused ? theme[.focused] : theme[.normal], clip: area)
                let x = area.x + labelWidth
                let rest = Rect(x: x, y: y, width: max(0, area.right - x), height: 1).intersection(area)
                var errorX = x + inputWidth + 1
                if f == .addNode {
                    b.write("(Enter)", x: x, y: y, style: isFocused ? theme[.selected] : theme[.muted], clip: area)
                    errorX = x + 8
                } else if case .node(let i, .services) = f {
                    errorX = renderServices(form, node: i, focused: isFocused, locked: locked, area: rest, theme: theme, buffer: &b) + 1
                } else if let choice = form.choiceText(f) {
                    let shown = locked ? choice : "◀ " + choice + " ▶"
                    let style = locked ? theme[.muted] : (isFocused ? theme[.inputFocused] : theme[.input])
                    b.write(shown.truncated(toWidth: rest.width), x: x, y: y, style: style, clip: rest)
                    errorX = x + CharacterWidth.of(shown) + 1
                } else if let state = form.textState(f) {
                    let input = Rect(x: x, y: y, width: inputWidth, height: 1).intersection(area)
                    if locked {
                        let shown = state.text.isEmpty ? form.placeholder(f) : state.text
                        b.write(shown.truncated(toWidth: input.width), x: x, y: y, style: theme[.muted], clip: input)
                    } else {
                        TextField(state: state, focused: isFocused, placeholder: form.placeholder(f)).render(area: input, buffer: &b, theme: theme)
                    }
                }
                if let error = checked.errors[f], form.showAllErrors || isTouched(form, f) {
                    let cell = Rect(x: errorX, y: y, width: max(0, area.right - errorX), height: 1).intersection(area)
                    b.write(("✗ " + error).truncated(toWidth: cell.width), x: cell.x, y: y, style: theme[.error], clip: cell)
                }
            }
        }

        var foot = TextLines(width: area.width, theme: theme)
        if let prompt = form.openPrompt {
            foot.add("Open which deployment file? Type its path, then Enter.", .focused)
            let input = Rect(x: parts.foot.x, y: parts.foot.y + 1, width: parts.foot.width, height: 1)
            foot.render(area: parts.foot, buffer: &b)
            TextField(state: prompt, focused: true, placeholder: "e.g. /home/admin/cms/deployment.yaml").render(area: input, buffer: &b, theme: theme)
            if let error = form.submitError {
                var e = TextLines(width: area.width, theme: theme)
                e.add("✗ " + error, .error)
                e.render(area: Rect(x: parts.foot.x, y: parts.foot.y + 2, width: parts.foot.width, height: 2), buffer: &b)
            }
            return
        }
        if form.isLocked(focused) {
            foot.add("Fixed by the lab: `cmscerts lab init` makes a lab of another size or release.", .muted)
        } else if let error = checked.errors[focused], form.showAllErrors || isTouched(form, focused) {
            foot.add(DeploymentForm.label(focused) + ": " + error, .error)
        } else if form.submitError == nil {
            foot.add(hint(focused), .muted)
        }
        if let error = form.submitError { foot.add("✗ " + error, .error) }
        if !checked.general.isEmpty, form.showAllErrors || form.isDirty {
            for g in checked.general { foot.add("✗ " + g, .error) }
        }
        foot.render(area: parts.foot, buffer: &b)
    }

    /// Draws the services a node can tick; returns the column after them.
    static func renderServices(_ form: DeploymentForm, node i: Int, focused: Bool, locked: Bool, area: Rect, theme: Theme, buffer b: inout Buffer) -> Int {
        var x = area.x
        for (k, service) in form.offeredServices.enumerated() {
            let on = form.nodes[i].services.contains(service)
            let text = (on ? "✓" : "·") + service.rawValue
            var style = on ? theme[.ok] : theme[.muted]
            if focused && k == form.serviceCursor && !locked { style = theme[.selected] }
            b.write(text, x: x, y: area.y, style: style, clip: area)
            x += CharacterWidth.of(text) + 1
        }
        return x
    }

    /// A field's problem shows once it was changed (or after a refused save).
    static func isTouched(_ form: DeploymentForm, _ f: DeploymentForm.Field) -> Bool {
        if let state = form.textState(f) { return state.touched }
        return form.isDirty
    }

    /// What a field is for, shown while it is focused and has no problem.
    static func hint(_ f: DeploymentForm.Field) -> String {
        switch f {
        case .cmsVersion: return "The release of every node: 3.x has webbridge3 and full-chain bundles, 2.x webbridge and XMPP."
        case .domain: return "The estate's DNS domain: the built-in CA is `pki selfsigned dbca CN:<domain>`."
        case .joinURL: return "The web bridge join URL's host name only: added to the web bridge certificate's SANs."
        case .xmppDomain: return "CMS 2.x XMPP domain: added to the XMPP certificate's SANs."
        case .strategy: return "Per service: a certificate for each service on each node. SAN or wildcard: one for everything."
        case .keys: return "On the node: `pki csr` makes the key on the MMP and it never leaves. Here: made by cmscerts, then uploaded."
        case .keyType: return "Keys made here only: pki csr on the MMP always makes RSA 2048."
        case .clusterFQDN: return "The CN of the one SAN certificate; every node's FQDN and the join URL go in its SANs."
        case .certificateName: return "The basename of the one shared certificate: <name>.key, <name>.csr, <name>.crt."
        case .caBundle: return "The file in the workspace with your CA's chain (intermediates then root): every node's bundle."
        case .caValidityDays: return "Validity of the built-in CA and the database certificates it signs when made here."
        case .ou, .o, .st, .l, .c: return "Written into every service CSR, as Step 1's optional fields."
        case .addNode: return "Adds a node to fill in. F8 on a node's row removes that node."
        case .node(_, let n):
            switch n {
            case .name: return "A short name, unique in the file: it names the node in plans, journals and the dashboard."
            case .fqdn: return "The server's FQDN: the CN of its certificates."
            case .address: return "The address the database cluster uses: `database cluster join <address>`."
            case .sshHost: return "Where ssh reaches the MMP: a host or an alias of your ~/.ssh/config."
            case .sshUser: return "The MMP admin account; empty: ~/.ssh/config's User for the host, else your login name."
            case .sshPort: return "The MMP's SSH port; empty: ~/.ssh/config's Port for the host, else 22."
            case .services: return "← → move, Space ticks: the services this node runs, each one gets its certificate."
            case .database: return "primary initializes the cluster (once); joined holds a copy; connected uses it; 1 or 3 database nodes (TAC 210530)."
            case .loadBalancerTag: return "The tag of `loadbalancer certs <tag> ...` when the node runs the load balancer."
            }
        }
    }
}
