import Crypto
import Foundation

/// SHA-256 (swift-crypto) as lower-case hex: content keys of the store, token hashes and
/// SHA256SUMS checks.
public enum Hashing {
    public static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }

    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// The file's SHA-256, read a megabyte at a time; nil when it cannot be opened or read (a
    /// read that fails part way must not give the hash of what came before).
    public static func sha256(file path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            return nil
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex of the digest's 32 bytes, written straight into the string's storage
    /// (`String(format:)` per byte cost 0.15 ms per scan in the batch profile).
    static func hex(_ digest: SHA256.Digest) -> String {
        let digits: StaticString = "0123456789abcdef"
        return digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                digits.withUTF8Buffer { table in
                    for (index, byte) in bytes.enumerated() {
                        out[2 * index] = table[Int(byte >> 4)]
                        out[2 * index + 1] = table[Int(byte & 0x0F)]
                    }
                }
                return bytes.count * 2
            }
        }
    }
}
