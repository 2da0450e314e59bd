/// SHA-256 for the rest of the engine (the journal's output digests), the same code as
/// the plan's digest: no crypto library needed.
public enum Digest {
    /// The SHA-256 of the bytes as 64 lower-case hex digits.
    public static func sha256Hex(_ bytes: [UInt8]) -> String { SHA256.hex(of: bytes) }

    /// The SHA-256 of the text's UTF-8 bytes.
    public static func sha256Hex(_ text: String) -> String { SHA256.hex(of: Array(text.utf8)) }
}
