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
        } catch {
            if let problem = UTF8Text.problem(in: data, file: file, format: "JSON") {
                throw ScanTriageError(.invalidInput, problem.message, at: problem.location)
            }
            // JSONDecoder says only "not valid JSON"; JSONSerialization says where.
            var detail = "not valid JSON"
            var line: Int?
            var column: Int?
            do {
                _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            } catch let serializationError as NSError {
                if let text = serializationError.userInfo[NSDebugDescriptionErrorKey] as? String {
                    detail = text
                    if let offset = Self.characterOffset(in: text) {
                        (line, column) = Self.lineAndColumn(of: offset, in: data)
                    } else if text.lowercased().contains("end of file") {
                        (line, column) = Self.lineAndColumn(of: data.count, in: data)
                        detail = "the file ends inside the JSON (truncated?)"
                    }
                }
            }
            throw ScanTriageError(.invalidInput, "malformed JSON: \(detail)",
                                  at: SourceLocation(file: file, line: line, column: column))
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

    /// Foundation's JSONSerialization says "around character 37".
    static func characterOffset(in text: String) -> Int? {
        guard let range = text.range(of: #"character (\d+)"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst("character ".count))
    }

    /// 1-based line and column of a byte offset.
    public static func lineAndColumn(of offset: Int, in data: Data) -> (Int, Int) {
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
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
