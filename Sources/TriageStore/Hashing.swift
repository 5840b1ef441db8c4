import Crypto
import Foundation

/// SHA-256 (swift-crypto) as lower-case hex: content keys of the store and SHA256SUMS checks.
public enum Hashing {
    public static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
