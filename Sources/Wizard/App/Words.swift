/// "1 node", "3 nodes".
func countedNodes(_ n: Int) -> String { n == 1 ? "1 node" : "\(n) nodes" }

/// The last component of a path.
func lastPathComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
