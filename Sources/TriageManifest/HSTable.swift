import Foundation
import TriageCore

/// The Harmonized System subheadings (6 digits) a code may be, loaded from a table such as the
/// HS 2022 CSV of the datahub "harmonized-system" dataset (`hscode` and `level` columns).
public struct HSTable: Sendable {
    public let subheadings: [String: String]
    public let headings: [String: String]

    public init(subheadings: [String: String], headings: [String: String] = [:]) {
        self.subheadings = subheadings
        self.headings = headings
    }

    public static func load(_ path: String, diagnostics: any DiagnosticCollector) throws -> HSTable {
        let data = try BoundedFile.read(path, maxBytes: 64 << 20)
        guard let table = CSVTable(data, file: path, required: ["hscode", "level"], diagnostics: diagnostics) else {
            throw ScanTriageError(.invalidInput, "HS table unusable: expected columns hscode, level (and description)",
                                  at: SourceLocation(file: path))
        }
        var subheadings: [String: String] = [:]
        var headings: [String: String] = [:]
        for row in table.rows {
            let code = table.value(row, "hscode") ?? ""
            let description = table.value(row, "description") ?? ""
            switch table.value(row, "level") {
            case "6": subheadings[code] = description
            case "4": headings[code] = description
            default: break
            }
        }
        guard !subheadings.isEmpty else {
            throw ScanTriageError(.invalidInput, "HS table has no level-6 subheadings", at: SourceLocation(file: path))
        }
        return HSTable(subheadings: subheadings, headings: headings)
    }

    /// Shape only: six digits, a chapter from 01 to 97 other than the reserved 77.
    public static func structuralProblem(_ code: String) -> String? {
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return "\"\(code)\" is not an HS subheading; expected 6 digits, like 080390"
        }
        let chapter = Int(code.prefix(2))!
        guard (1...97).contains(chapter), chapter != 77 else {
            return "\"\(code)\" has chapter \(code.prefix(2)); HS chapters run 01 to 97 (77 is reserved)"
        }
        return nil
    }

    public func problem(_ code: String) -> String? {
        if let structural = Self.structuralProblem(code) { return structural }
        if subheadings[code] == nil {
            if headings[String(code.prefix(4))] != nil {
                return "\"\(code)\" is not an HS 2022 subheading (heading \(code.prefix(4)) exists; check the last two digits)"
            }
            return "\"\(code)\" is not an HS 2022 subheading"
        }
        return nil
    }
}
