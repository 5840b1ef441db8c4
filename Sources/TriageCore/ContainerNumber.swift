/// An ISO 6346 container identification number: owner code (3 letters), equipment category
/// (U freight container, J detachable equipment, Z trailer or chassis), 6-digit serial number and
/// a check digit.
public struct ContainerNumber: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The normalised 11-character form, like `MSKU1234565`.
    public let value: String

    public var ownerCode: String { String(value.prefix(3)) }
    public var category: Character { value[value.index(value.startIndex, offsetBy: 3)] }
    public var serial: String { String(value.dropFirst(4).prefix(6)) }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }

    /// Upper case, with spaces, hyphens and slashes removed: `msku 123456-5` → `MSKU1234565`.
    public static func normalise(_ text: String) -> String {
        String(text.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "/" && $0 != "." })
    }

    /// Validates `text`; throws with a reason that says what was expected.
    public init(_ text: String) throws(InvalidContainerNumber) {
        let normalised = Self.normalise(text)
        let chars = Array(normalised.unicodeScalars)
        guard chars.count == 11 else {
            throw InvalidContainerNumber(text: text, reason: "has \(chars.count) characters; expected 11 (4 letters, 6 digits, check digit)")
        }
        guard chars[0..<4].allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw InvalidContainerNumber(text: text, reason: "owner code and category must be 4 letters A-Z")
        }
        guard ["U", "J", "Z"].contains(chars[3]) else {
            throw InvalidContainerNumber(text: text, reason: "equipment category is '\(chars[3])'; expected U, J or Z")
        }
        guard chars[4..<11].allSatisfy({ ("0"..."9").contains($0) }) else {
            throw InvalidContainerNumber(text: text, reason: "serial number and check digit must be 7 digits")
        }
        let expected = Self.checkDigit(String(String.UnicodeScalarView(chars[0..<10])))!
        let given = Int(chars[10].value) - 48
        guard expected == given else {
            throw InvalidContainerNumber(text: text, reason: "check digit is \(given); expected \(expected)")
        }
        value = normalised
    }

    /// The check digit of the first 10 characters (owner, category, serial), a remainder of 10
    /// written as 0; nil when the characters are not letters then digits.
    public static func checkDigit(_ first10: String) -> Int? {
        let chars = Array(first10.unicodeScalars)
        guard chars.count == 10 else { return nil }
        var sum = 0
        for (index, char) in chars.enumerated() {
            let value: Int
            if index < 4 {
                guard ("A"..."Z").contains(char) else { return nil }
                value = letterValue(char)
            } else {
                guard ("0"..."9").contains(char) else { return nil }
                value = Int(char.value) - 48
            }
            sum += value << index
        }
        return sum % 11 % 10
    }

    /// Letters count 10 upward, skipping multiples of 11 (A=10, B=12 … K=21, L=23 … V=34, W=35 …).
    static func letterValue(_ char: Unicode.Scalar) -> Int {
        var value = 10
        var letter: UInt32 = 65
        while letter < char.value {
            value += 1
            if value % 11 == 0 { value += 1 }
            letter += 1
        }
        return value
    }

    /// Makes a valid number from an owner code (3 letters), category and serial.
    public static func make(owner: String, category: Character = "U", serial: Int) -> ContainerNumber {
        let head = owner.uppercased() + String(category) + String(format6(serial))
        let digit = checkDigit(head)!
        return try! ContainerNumber(head + String(digit))
    }

    private static func format6(_ serial: Int) -> String {
        let text = String(serial % 1_000_000)
        return String(repeating: "0", count: 6 - text.count) + text
    }
}

public struct InvalidContainerNumber: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "\"\(text)\" is not an ISO 6346 container number: \(reason)" }
}
