import Foundation

/// Where the third-party test material lives: `../shared/testdata` beside the project root.
public enum TestData {
    /// The project root, found from this file's location (Tests/TestSupport/TestData.swift).
    public static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let root: URL = projectRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/testdata").standardizedFileURL

    /// The folder or file at `relative` under the test data, or a failure that says where it looked.
    public static func path(_ relative: String) throws -> String {
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingTestData(path: url.path)
        }
        return url.path
    }

    /// Files under `relative` whose names satisfy `filter`, sorted, recursively.
    public static func files(_ relative: String, recursive: Bool = true, where filter: (String) -> Bool) throws -> [String] {
        let base = try path(relative)
        var result: [String] = []
        if recursive {
            let enumerator = FileManager.default.enumerator(atPath: base)
            while let item = enumerator?.nextObject() as? String {
                if filter((item as NSString).lastPathComponent) { result.append(base + "/" + item) }
            }
        } else {
            for item in try FileManager.default.contentsOfDirectory(atPath: base) where filter(item) {
                result.append(base + "/" + item)
            }
        }
        return result.sorted()
    }

    public struct MissingTestData: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "test data missing: looked for \(path). The tests need the shared third-party material at ../shared/testdata beside the project."
        }
    }
}

/// A scratch folder removed when the value is released.
public final class TemporaryFolder {
    public let url: URL
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("scantriage-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// CRC-32 as PNG uses it, to build test PNGs whose chunks pass the checksum.
public func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
}

/// A PNG chunk with a correct CRC.
public func pngChunk(_ type: String, _ payload: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    var out = withUnsafeBytes(of: UInt32(payload.count).bigEndian) { Array($0) }
    out += typeBytes + payload
    out += withUnsafeBytes(of: crc32(typeBytes + payload).bigEndian) { Array($0) }
    return out
}

/// The 8-byte PNG signature and a valid IHDR for the given shape.
public func pngHeader(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8) -> [UInt8] {
    var ihdr = withUnsafeBytes(of: width.bigEndian) { Array($0) }
    ihdr += withUnsafeBytes(of: height.bigEndian) { Array($0) }
    ihdr += [bitDepth, colorType, 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + pngChunk("IHDR", ihdr)
}
