import Foundation

/// A parsed JSON document, kept as values so that validation can report every problem with its
/// JSON path instead of stopping at the first type mismatch as `Decodable` does.
public enum JSONValue: Hashable, Sendable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Double.self) { self = .number(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    /// Parses `data`, turning a syntax error into a located ``ScanTriageError``.
    public static func parse(_ data: Data, file: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let detail = (context.underlyingError.map { String(describing: $0) }) ?? context.debugDescription
            let (line, column) = Self.lineAndColumn(in: detail)
            if String(data: data, encoding: .utf8) == nil {
                throw ScanTriageError(.invalidInput, "not valid UTF-8 text; JSON must be UTF-8",
                                      at: SourceLocation(file: file))
            }
            throw ScanTriageError(.invalidInput, "malformed JSON: \(Self.clean(detail))",
                                  at: SourceLocation(file: file, line: line, column: column))
        } catch {
            throw ScanTriageError(.invalidInput, "malformed JSON: \(error)", at: SourceLocation(file: file))
        }
    }

    /// A short name of the value's type, for messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Foundation's parser says "around line 3, column 7"; pull those out.
    static func lineAndColumn(in text: String) -> (Int?, Int?) {
        guard let range = text.range(of: #"line (\d+), column (\d+)"#, options: .regularExpression) else {
            return (nil, nil)
        }
        let numbers = text[range].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : (nil, nil)
    }

    static func clean(_ detail: String) -> String {
        // Keep the human part of Foundation's description.
        if let start = detail.range(of: "NSDebugDescription=") {
            return String(detail[start.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "})"))
        }
        return detail
    }
}

/// Reads fields of a JSON object, reporting every missing or mistyped field with its JSON path.
public struct JSONObjectReader: Sendable {
    public let fields: [String: JSONValue]
    public let path: String
    public let file: String
    public let diagnostics: any DiagnosticCollector

    public init(_ value: JSONValue, path: String = "$", file: String, diagnostics: any DiagnosticCollector) {
        if case .object(let fields) = value {
            self.fields = fields
        } else {
            self.fields = [:]
            diagnostics.error("expected an object, found \(value.typeName)",
                              at: SourceLocation(file: file, path: path))
        }
        self.path = path
        self.file = file
        self.diagnostics = diagnostics
    }

    public func location(_ key: String) -> SourceLocation {
        SourceLocation(file: file, path: "\(path).\(key)")
    }

    private func field(_ key: String, required: Bool, expected: String) -> JSONValue? {
        guard let value = fields[key], value != .null else {
            if required { diagnostics.error("missing; expected \(expected)", at: location(key)) }
            return nil
        }
        return value
    }

    private func mistyped(_ key: String, _ value: JSONValue, expected: String) {
        var found = value.typeName
        if case .string(let text) = value { found += " \"\(text.prefix(40))\"" }
        if case .number(let number) = value { found += " \(number)" }
        diagnostics.error("expected \(expected), found \(found)", at: location(key))
    }

    public func string(_ key: String, required: Bool = true, expected: String = "a string") -> String? {
        guard let value = field(key, required: required, expected: expected) else { return nil }
        guard case .string(let text) = value else { mistyped(key, value, expected: expected); return nil }
        if text.isEmpty {
            diagnostics.error("is empty; expected \(expected)", at: location(key))
            return nil
        }
        return text
    }

    public func number(_ key: String, required: Bool = true, in range: ClosedRange<Double>? = nil,
                       expected: String = "a number") -> Double? {
        guard let value = field(key, required: required, expected: expected) else { return nil }
        guard case .number(let number) = value, number.isFinite else { mistyped(key, value, expected: expected); return nil }
        if let range, !range.contains(number) {
            diagnostics.error("\(number) is out of range; expected \(expected) from \(range.lowerBound) to \(range.upperBound)",
                              at: location(key))
            return nil
        }
        return number
    }

    public func bool(_ key: String, required: Bool = true) -> Bool? {
        guard let value = field(key, required: required, expected: "true or false") else { return nil }
        guard case .bool(let flag) = value else { mistyped(key, value, expected: "true or false"); return nil }
        return flag
    }

    public func object(_ key: String, required: Bool = true) -> JSONObjectReader? {
        guard let value = field(key, required: required, expected: "an object") else { return nil }
        guard case .object = value else { mistyped(key, value, expected: "an object"); return nil }
        return JSONObjectReader(value, path: "\(path).\(key)", file: file, diagnostics: diagnostics)
    }

    public func array(_ key: String, required: Bool = true) -> [JSONValue]? {
        guard let value = field(key, required: required, expected: "an array") else { return nil }
        guard case .array(let items) = value else { mistyped(key, value, expected: "an array"); return nil }
        return items
    }

    /// One of a fixed set of strings.
    public func choice(_ key: String, of choices: [String], required: Bool = true) -> String? {
        let expected = choices.map { "\"\($0)\"" }.joined(separator: " or ")
        guard let text = string(key, required: required, expected: expected) else { return nil }
        guard choices.contains(text) else {
            diagnostics.error("\"\(text)\" is not allowed; expected \(expected)", at: location(key))
            return nil
        }
        return text
    }
}
