import Foundation

/// One record of a CSV file, with where it came from.
public struct CSVRecord: Sendable, Equatable {
    public var fields: [String]
    /// 1-based line on which the record starts.
    public var line: Int
    /// 1-based column (in characters) at which each field starts.
    public var columns: [Int]
}

/// RFC 4180 CSV: comma-separated, fields optionally in double quotes, quotes doubled inside,
/// quoted fields may hold commas and line breaks; CRLF or LF line ends. Every deviation is a
/// located diagnostic; the parser recovers at the next line so that one bad row does not hide
/// the others.
public enum CSVReader {
    public static func parse(_ data: Data, file: String, diagnostics: any DiagnosticCollector) -> [CSVRecord] {
        guard var text = String(data: data, encoding: .utf8) else {
            let problem = UTF8Text.problem(in: data, file: file, format: "CSV")
            diagnostics.error(problem?.message ?? "not valid UTF-8; CSV must be UTF-8", at: problem?.location ?? SourceLocation(file: file))
            return []
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var records: [CSVRecord] = []
        var fields: [String] = []
        var columns: [Int] = []
        var field = ""
        var line = 1, column = 1
        var recordLine = 1
        var fieldColumn = 1
        var inQuotes = false
        var quotedField = false
        var afterQuote = false
        var skipToLineEnd = false
        let scalars = Array(text.unicodeScalars)
        var index = 0

        func endField() {
            fields.append(field)
            columns.append(fieldColumn)
            field = ""
            quotedField = false
            afterQuote = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
                records.append(CSVRecord(fields: fields, line: recordLine, columns: columns))
            }
            fields = []
            columns = []
        }

        while index < scalars.count {
            let char = scalars[index]
            if skipToLineEnd {
                if char == "\n" {
                    skipToLineEnd = false
                    fields = []
                    columns = []
                    field = ""
                    quotedField = false
                    afterQuote = false
                    line += 1
                    column = 1
                    recordLine = line
                    fieldColumn = 1
                }
                index += 1
                continue
            }
            if inQuotes {
                if char == "\"" {
                    if index + 1 < scalars.count && scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 2
                        column += 2
                        continue
                    }
                    inQuotes = false
                    afterQuote = true
                } else {
                    field.unicodeScalars.append(char)
                    if char == "\n" {
                        line += 1
                        column = 0
                    }
                }
                index += 1
                column += 1
                continue
            }
            switch char {
            case ",":
                endField()
                fieldColumn = column + 1
            case "\r" where index + 1 < scalars.count && scalars[index + 1] == "\n":
                break
            case "\n":
                endRecord()
                line += 1
                column = 0
                recordLine = line
                fieldColumn = 1
            case "\"":
                if field.isEmpty && !afterQuote && !quotedField {
                    inQuotes = true
                    quotedField = true
                } else {
                    diagnostics.error("stray quote inside an unquoted field; a field with quotes must be wholly quoted, quotes doubled (\"\")",
                                      at: SourceLocation(file: file, line: line, column: column))
                    skipToLineEnd = true
                }
            default:
                if afterQuote {
                    diagnostics.error("text after a closing quote; expected a comma or the end of the line",
                                      at: SourceLocation(file: file, line: line, column: column))
                    skipToLineEnd = true
                } else {
                    field.unicodeScalars.append(char)
                }
            }
            index += 1
            column += 1
        }
        if inQuotes {
            diagnostics.error("quoted field opened here is never closed", at: SourceLocation(file: file, line: recordLine, column: fieldColumn))
        } else if !skipToLineEnd && (!field.isEmpty || !fields.isEmpty || quotedField) {
            endRecord()
        }
        return records
    }
}

/// A CSV file with a header row, read by column name.
public struct CSVTable: Sendable {
    public let file: String
    public let header: [String]
    public let rows: [CSVRecord]

    /// Parses `data`, requiring `required` columns in the header; rows with the wrong number
    /// of fields are reported and left out.
    public init?(_ data: Data, file: String, required: [String], diagnostics: any DiagnosticCollector) {
        let records = CSVReader.parse(data, file: file, diagnostics: diagnostics)
        guard let first = records.first else {
            diagnostics.error("empty file; expected a header row: \(required.joined(separator: ","))", at: SourceLocation(file: file, line: 1))
            return nil
        }
        let header = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = required.filter { !header.contains($0) }
        if !missing.isEmpty {
            diagnostics.error("header lacks \(missing.joined(separator: ", ")); expected columns \(required.joined(separator: ","))",
                              at: SourceLocation(file: file, line: first.line, column: 1))
            return nil
        }
        var rows: [CSVRecord] = []
        for record in records.dropFirst() {
            if record.fields.count != header.count {
                diagnostics.error("row has \(record.fields.count) fields; the header has \(header.count)",
                                  at: SourceLocation(file: file, line: record.line, column: 1))
                continue
            }
            rows.append(record)
        }
        self.file = file
        self.header = header
        self.rows = rows
    }

    public func index(of column: String) -> Int? { header.firstIndex(of: column) }

    public func value(_ row: CSVRecord, _ column: String) -> String? {
        guard let index = index(of: column) else { return nil }
        return row.fields[index]
    }

    public func location(_ row: CSVRecord, _ column: String) -> SourceLocation {
        let index = index(of: column)
        return SourceLocation(file: file, line: row.line, column: index.map { row.columns[$0] })
    }
}
