import Foundation
import TriageCore

/// Reads the interchange CSV manifest (spec §4): one row per goods line, rows with the same
/// container_id form one container. An optional `empty` column (true/false) marks empty
/// containers; a row with no hs_code, packages or gross_kg is also read as an empty container.
public enum CSVManifestReader {
    public static let columns = ["manifest_id", "port_of_loading", "port_of_discharge", "container_id", "iso_type",
                                 "tare_kg", "hs_code", "description", "packages", "package_kind", "gross_kg"]

    public static func read(_ data: Data, file: String, diagnostics: any DiagnosticCollector) throws -> RawManifest {
        guard let table = CSVTable(data, file: file, required: columns, diagnostics: diagnostics) else {
            throw ScanTriageError(.invalidInput, "not a manifest CSV (see the errors above)", at: SourceLocation(file: file))
        }
        var manifest = RawManifest(file: file, format: .csv)
        var order: [String] = []
        var entries: [String: RawContainer] = [:]
        for row in table.rows {
            func text(_ column: String) -> String? {
                let value = table.value(row, column)?.trimmingCharacters(in: .whitespaces) ?? ""
                return value.isEmpty ? nil : value
            }
            func located(_ column: String) -> Located<String>? {
                text(column).map { Located($0, at: table.location(row, column)) }
            }
            // Manifest-wide fields must agree across rows.
            for (column, keyPath) in [("manifest_id", \RawManifest.manifestID), ("port_of_loading", \RawManifest.portOfLoading),
                                      ("port_of_discharge", \RawManifest.portOfDischarge)] {
                guard let value = located(column) else { continue }
                if let existing = manifest[keyPath: keyPath] {
                    if existing.value != value.value {
                        diagnostics.error("\(column) \"\(value.value)\" differs from \"\(existing.value)\" on line \(existing.location.line ?? 0); one manifest per file",
                                          at: value.location)
                    }
                } else {
                    manifest[keyPath: keyPath] = value
                }
            }
            let rawID = text("container_id") ?? ""
            let key = rawID.isEmpty ? "#line\(row.line)" : ContainerNumber.normalise(rawID)
            // Taken out of the table while it grows, so that its goods are not copied at every
            // row (a container of 8,000 goods lines took seconds; it grew as the square).
            var entry = entries.removeValue(forKey: key) ?? {
                var fresh = RawContainer(location: SourceLocation(file: file, line: row.line, column: 1))
                fresh.containerID = located("container_id")
                fresh.isoType = located("iso_type")
                order.append(key)
                return fresh
            }()
            if let type = located("iso_type"), let existing = entry.isoType, existing.value != type.value {
                entry.problems.append(.error("iso_type \"\(type.value)\" differs from \"\(existing.value)\" on line \(existing.location.line ?? 0) for the same container",
                                             at: type.location))
            }
            if let tare = located("tare_kg") {
                if let value = Double(tare.value) {
                    if let existing = entry.tareKg, existing.value != value {
                        entry.problems.append(.error("tare_kg \(value) differs from \(existing.value) on line \(existing.location.line ?? 0) for the same container",
                                                     at: tare.location))
                    }
                    entry.tareKg = Located(value, at: tare.location)
                } else {
                    entry.problems.append(.error("tare_kg \"\(tare.value)\" is not a number", at: tare.location))
                }
            }
            if let flag = located("empty") {
                switch flag.value.lowercased() {
                case "true", "yes", "1": entry.empty = Located(true, at: flag.location)
                case "false", "no", "0": entry.empty = Located(false, at: flag.location)
                default: entry.problems.append(.error("empty \"\(flag.value)\" is not true or false", at: flag.location))
                }
            }
            let goodsColumns = ["hs_code", "description", "packages", "package_kind", "gross_kg"]
            if goodsColumns.allSatisfy({ text($0) == nil }) {
                if entry.empty == nil { entry.empty = Located(true, at: SourceLocation(file: file, line: row.line, column: 1)) }
            } else {
                var line = RawGoods(location: SourceLocation(file: file, line: row.line, column: 1))
                line.hsCode = located("hs_code")
                line.description = text("description")
                line.packageKind = text("package_kind")
                for (column, set) in [("packages", { (l: inout RawGoods, v: Located<Double>) in l.packages = v }),
                                      ("gross_kg", { (l: inout RawGoods, v: Located<Double>) in l.grossKg = v })] {
                    guard let value = located(column) else { continue }
                    if let number = Double(value.value), number.isFinite {
                        set(&line, Located(number, at: value.location))
                    } else {
                        entry.problems.append(.error("\(column) \"\(value.value)\" is not a number", at: value.location))
                        line.reported.insert(column)
                    }
                }
                entry.goods.append(line)
            }
            entries[key] = entry
        }
        manifest.containers = order.map { entries[$0]! }
        return manifest
    }
}
