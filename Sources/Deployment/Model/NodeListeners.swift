/// The interfaces and ports a node's services listen on, as the deployment file gives
/// them (`nodes[].listen`): a first-time enablement sets them before a service is enabled
/// (TAC 221729, 213479). Each is optional: what is left out is not planned, and a node
/// whose listeners are set already keeps them.
///
/// The file spells them as the MMP takes them after `listen`: an interface and port as
/// `a:445`, interfaces as `a` or `a b`, TURN's TLS port as a number.
public struct NodeListeners: Codable, Hashable, Sendable {
    /// `webadmin listen a 445`: an interface and a port (`a:445`).
    public var webadmin: String?
    /// `callbridge listen a`: one or more interfaces (`a`, `a b`).
    public var callbridge: String?
    /// `webbridge listen a:443` (CMS 2.x web bridge): an interface and a port.
    public var webbridge: String?
    /// `webbridge3 https listen a:443`: an interface and a port.
    public var webbridge3: String?
    /// `webbridge3 c2w listen a:4443`: an interface and a port.
    public var c2w: String?
    /// `xmpp listen a` (CMS 2.x): one or more interfaces.
    public var xmpp: String?
    /// `turn listen a b`: one or more interfaces.
    public var turn: String?
    /// `turn tls 447`: TURN's TLS port.
    public var turnTLS: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case webadmin, callbridge, webbridge, webbridge3, c2w, xmpp, turn
        case turnTLS = "turn_tls"

        /// The keys as the file spells them.
        static var allKeys: [String] { allCases.map(\.rawValue) }
    }

    public init(webadmin: String? = nil, callbridge: String? = nil, webbridge: String? = nil, webbridge3: String? = nil,
                c2w: String? = nil, xmpp: String? = nil, turn: String? = nil, turnTLS: Int? = nil) {
        self.webadmin = webadmin
        self.callbridge = callbridge
        self.webbridge = webbridge
        self.webbridge3 = webbridge3
        self.c2w = c2w
        self.xmpp = xmpp
        self.turn = turn
        self.turnTLS = turnTLS
    }

    /// True when no listener is given.
    public var isEmpty: Bool { self == NodeListeners() }

    /// How a listener's value is written.
    enum Form { case interfaceAndPort, interfaces, port }

    /// One listener: its file key, the service it belongs to, its form and value.
    struct Entry {
        var key: String
        var service: Service
        var form: Form
        var value: String
    }

    /// The listeners given, in the order a service's steps use them.
    var entries: [Entry] {
        var out: [Entry] = []
        func add(_ key: String, _ service: Service, _ form: Form, _ value: String?) {
            if let value { out.append(Entry(key: key, service: service, form: form, value: value)) }
        }
        add("webadmin", .webadmin, .interfaceAndPort, webadmin)
        add("callbridge", .callbridge, .interfaces, callbridge)
        add("webbridge", .webbridge, .interfaceAndPort, webbridge)
        add("webbridge3", .webbridge3, .interfaceAndPort, webbridge3)
        add("c2w", .webbridge3, .interfaceAndPort, c2w)
        add("xmpp", .xmpp, .interfaces, xmpp)
        add("turn", .turn, .interfaces, turn)
        add("turn_tls", .turn, .port, turnTLS.map(String.init))
        return out
    }

    /// The MMP's interfaces: a to d (unverified: e is not offered for services).
    public static let interfaces: Set<String> = ["a", "b", "c", "d"]

    /// Why a value is not of its form, with the fix; nil when it is.
    static func problem(_ value: String, form: Form) -> String? {
        func badInterface(_ name: String) -> String? {
            interfaces.contains(name) ? nil : "'\(name)' is not an interface: the MMP's interfaces are a, b, c and d"
        }
        func badPort(_ text: String) -> String? {
            guard let port = Int(text), text.allSatisfy(\.isNumber) else { return "'\(text)' is not a port: give a number from 1 to 65535" }
            return (1...65535).contains(port) ? nil : "port \(port) is out of range: give 1 to 65535"
        }
        switch form {
        case .port:
            return badPort(value)
        case .interfaces:
            let names = value.split(separator: " ").map(String.init)
            if names.isEmpty { return "give one or more interfaces, e.g. a or a b" }
            if Set(names).count != names.count { return "'\(value)' names an interface twice: list each once" }
            return names.lazy.compactMap(badInterface).first
        case .interfaceAndPort:
            let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { return "'\(value)' is not interface:port: write it as e.g. a:443" }
            return badInterface(parts[0]) ?? badPort(parts[1])
        }
    }
}
