import PKI
import TerminalUI

/// Step 1's form: the fields of `pki csr`, each checked by the engine's own Step 1 rules
/// as it is typed, and the key type.
public struct CSRBuilder: Sendable {
    /// The fields, top to bottom, as the form labels them.
    public static let labels = ["Basename", "CN", "OU", "O", "ST", "L", "C", "SANs"]
    /// Where each field goes in `pki csr` (`nil` for the basename, which has no prefix).
    static let prefixes: [String?] = [nil, "CN", "OU", "O", "ST", "L", "C", "subjectAltName"]
    /// The focus index of the key type row (after the text fields).
    public static let keyTypeRow = labels.count

    /// The text fields.
    public var form: FormState
    /// The focused row: a text field, or `keyTypeRow`.
    public var focus: Int = 0
    /// The key to generate.
    public var keyType: KeyType = .default
    /// Why the last attempt to review was refused by the engine (a key that exists).
    public var submitError: String?

    /// An empty form; `cnPlaceholder` is the FQDN shown dimmed in the empty CN field.
    public init(cnPlaceholder: String) {
        let placeholders = ["e.g. webadmin", "e.g. " + cnPlaceholder, "", "", "", "", "e.g. GB", "e.g. " + cnPlaceholder + ",join.example.com"]
        form = FormState(fields: Self.labels.indices.map { i in
            FormField(Self.labels[i], placeholder: placeholders[i], maxLength: 300, validate: { CSRBuilder.problem(field: i, value: $0) })
        })
    }

    /// The value of field `i`.
    public func value(_ i: Int) -> String { form.fields[i].text }

    /// Sets the value of field `i` as if typed.
    public mutating func set(_ i: Int, _ text: String) {
        form.fields[i].text = text
        form.fields[i].input.touched = true
        submitError = nil
    }

    /// True when anything was typed.
    public var isDirty: Bool { form.fields.contains { !$0.text.isEmpty } }

    /// Each field's problem, by index, under the Step 1 rules.
    public var errors: [Int: String] { form.errors }

    /// What is wrong with `value` in field `i`, in the engine's words, or nil. Each field is
    /// checked on its own, with the other fields set to good values, so that the reason
    /// shown beside a field is always about that field.
    public static func problem(field i: Int, value: String) -> String? {
        let goodCN = "cms1.example.com"
        do {
            switch i {
            case 0:
                try CSRSpec.checkBasename(value)
            case 1:
                _ = try CSRSpec.parse(arguments: value.isEmpty ? ["x"] : ["x", "CN:" + value])
            default:
                guard !value.isEmpty, let prefix = prefixes[i] else { return nil }
                _ = try CSRSpec.parse(arguments: ["x", "CN:" + goodCN, prefix + ":" + value])
            }
            return nil
        } catch let error as PKIError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// The arguments after `pki csr`, as a shell hands them over: the basename, then each
    /// field typed (empty optional fields left out).
    public var arguments: [String] {
        var out = [value(0)]
        for i in 1..<Self.labels.count where !value(i).isEmpty {
            out.append(Self.prefixes[i]! + ":" + value(i))
        }
        return out
    }

    /// The request the form describes, or the first rule it breaks.
    public var spec: Result<CSRSpec, WizardFailure> {
        do {
            return .success(try CSRSpec.parse(arguments: arguments))
        } catch {
            return .failure(WizardFailure(error))
        }
    }

    /// The `pki csr` line as typed so far, for the preview while the form is incomplete.
    public var draftCommand: String {
        var parts = ["pki", "csr", value(0).isEmpty ? "<basename>" : value(0)]
        if value(1).isEmpty { parts.append("CN:<fqdn>") }
        for i in 1..<Self.labels.count where !value(i).isEmpty {
            let v = value(i)
            parts.append(Self.prefixes[i]! + ":" + (v.contains(" ") ? "\"\(v)\"" : v))
        }
        return parts.joined(separator: " ")
    }

    /// Moves the focus one row down (wrapping).
    mutating func next() { focus = (focus + 1) % (Self.labels.count + 1) }
    /// Moves the focus one row up (wrapping).
    mutating func previous() { focus = (focus + Self.labels.count) % (Self.labels.count + 1) }

    /// Steps through the key types.
    mutating func cycleKeyType(by step: Int) {
        let all = KeyType.allCases
        let i = all.firstIndex(of: keyType) ?? 0
        keyType = all[(i + step + all.count) % all.count]
    }

    /// After a refused review: every error shown, the focus on the first bad field.
    mutating func showErrors() {
        form.showAllErrors = true
        if let first = errors.keys.min() { focus = first }
    }
}
