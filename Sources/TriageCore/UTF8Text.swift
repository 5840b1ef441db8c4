import Foundation

/// Where text that must be UTF-8 is not: the first bad byte, located, for every reader (CSV,
/// JSON, XML) to say the same thing the same way.
public enum UTF8Text {
    /// nil when `data` is valid UTF-8; otherwise a message naming the first bad byte, and its
    /// line and column. `format` names what the file should be ("CSV", "JSON", "XML").
    public static func problem(in data: Data, file: String, format: String) -> (message: String, location: SourceLocation)? {
        guard let offset = firstInvalidByte(data) else { return nil }
        let (line, column) = JSONValue.lineAndColumn(of: offset, in: data)
        let byte = String(data[data.startIndex + offset], radix: 16, uppercase: true)
        return ("not valid UTF-8 (byte 0x\(byte) at offset \(offset)); \(format) must be UTF-8",
                SourceLocation(file: file, line: line, column: column))
    }

    /// The offset of the first byte that is not part of a well-formed UTF-8 sequence (Unicode
    /// table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF); nil when all are.
    static func firstInvalidByte(_ data: Data) -> Int? {
        data.withUnsafeBytes { bytes -> Int? in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let length: Int
                switch byte {
                case 0x00...0x7F: length = 1
                case 0xC2...0xDF: length = 2
                case 0xE0...0xEF: length = 3
                case 0xF0...0xF4: length = 4
                default: return index
                }
                if index + length > bytes.count { return index }
                for next in 1..<length where bytes[index + next] & 0xC0 != 0x80 { return index }
                if length > 2 {
                    let second = bytes[index + 1]
                    switch byte {
                    case 0xE0 where second < 0xA0, 0xED where second > 0x9F, 0xF0 where second < 0x90, 0xF4 where second > 0x8F:
                        return index
                    default: break
                    }
                }
                index += length
            }
            return nil
        }
    }
}
