import Foundation
import TriageCore

/// Reads the parts of a UN/EDIFACT CUSCAR (customs cargo report) that ScanTriage uses:
/// BGM (document number), TDT (voyage), LOC+9/LOC+11 (ports of loading and discharge), and per
/// consignment (CNI) the goods items (GID packages, FTX+AAA description, MEA+WT/AAE gross mass,
/// PIA or CST harmonized-system code, SGP container) and equipment (EQD+CN number and size/type,
/// MEA+AAE+T tare, SEL seals). Segments are located by line, column and segment number.
public enum CUSCARManifestReader {
    struct Segment {
        var tag: String
        var elements: [[String]]
        var line: Int
        var column: Int
        var number: Int

        func element(_ index: Int, _ component: Int = 0) -> String? {
            guard index < elements.count, component < elements[index].count else { return nil }
            let value = elements[index][component]
            return value.isEmpty ? nil : value
        }
    }

    static func segments(_ text: String) -> [Segment] {
        var componentSeparator: Character = ":", elementSeparator: Character = "+"
        var release: Character = "?", terminator: Character = "'"
        var body = Substring(text)
        if text.hasPrefix("UNA"), text.count >= 9 {
            let chars = Array(text.prefix(9))
            componentSeparator = chars[3]
            elementSeparator = chars[4]
            release = chars[6]
            terminator = chars[8]
            body = text.dropFirst(9)
        }
        var result: [Segment] = []
        var elements: [[String]] = [[""]]
        var line = 1, column = text.hasPrefix("UNA") ? 10 : 1
        var startLine = line, startColumn = column
        var escaped = false
        var started = false
        for char in body {
            defer {
                if char == "\n" { line += 1; column = 1 } else { column += 1 }
            }
            if !started {
                if char.isWhitespace { continue }
                started = true
                startLine = line
                startColumn = column
            }
            if escaped {
                elements[elements.count - 1][elements[elements.count - 1].count - 1].append(char)
                escaped = false
            } else if char == release {
                escaped = true
            } else if char == terminator {
                let tag = elements[0][0].trimmingCharacters(in: .whitespacesAndNewlines)
                result.append(Segment(tag: tag, elements: elements, line: startLine, column: startColumn, number: result.count + 1))
                elements = [[""]]
                started = false
            } else if char == elementSeparator {
                elements.append([""])
            } else if char == componentSeparator {
                elements[elements.count - 1].append("")
            } else if char != "\n" && char != "\r" {
                elements[elements.count - 1][elements[elements.count - 1].count - 1].append(char)
            }
        }
        return result
    }

    public static func read(_ data: Data, file: String, diagnostics: any DiagnosticCollector) throws -> RawManifest {
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw ScanTriageError(.invalidInput, "unreadable text", at: SourceLocation(file: file))
        }
        let all = segments(text)
        guard all.contains(where: { $0.tag == "UNH" }) else {
            throw ScanTriageError(.invalidInput, "not a UN/EDIFACT message: no UNH segment", at: SourceLocation(file: file, line: 1, column: 1))
        }
        if let unh = all.first(where: { $0.tag == "UNH" }), let type = unh.element(2), type != "CUSCAR" {
            diagnostics.warning("message type is \(type), not CUSCAR; reading what fits",
                                at: SourceLocation(file: file, line: unh.line, column: unh.column, path: "segment \(unh.number) UNH"))
        }
        func location(_ segment: Segment) -> SourceLocation {
            SourceLocation(file: file, line: segment.line, column: segment.column, path: "segment \(segment.number) \(segment.tag)")
        }
        var manifest = RawManifest(file: file, format: .cuscar)
        var entries: [RawContainer] = []
        var index: [String: Int] = [:]
        // Per consignment.
        var goods: [(RawGoods, String?, [Diagnostic])] = []
        var equipment: [String] = []
        var currentGoods: Int?
        var currentEquipment: String?

        func closeConsignment() {
            for (line, container, problems) in goods {
                let target = container ?? (equipment.count == 1 ? equipment[0] : nil)
                if let target, let position = index[ContainerNumber.normalise(target)] {
                    entries[position].goods.append(line)
                    entries[position].problems += problems
                } else {
                    var orphan = RawContainer(location: line.location)
                    orphan.goods = [line]
                    orphan.problems = problems
                    orphan.missingIDReason = (
                        target == nil ? "goods item is placed in no container (no SGP, and the consignment has \(equipment.count) EQD)"
                                      : "goods item is placed (SGP) in \(target!), which no EQD of this consignment declares")
                    entries.append(orphan)
                }
            }
            goods = []
            equipment = []
            currentGoods = nil
            currentEquipment = nil
        }

        for segment in all {
            switch segment.tag {
            case "BGM":
                if let number = segment.element(2) { manifest.manifestID = Located(number, at: location(segment)) }
            case "TDT":
                manifest.voyage = segment.element(2)
                manifest.vesselName = segment.element(8, 3) ?? segment.element(8, 0)
            case "LOC":
                if segment.element(1) == "9", let port = segment.element(2) { manifest.portOfLoading = Located(port, at: location(segment)) }
                if segment.element(1) == "11", let port = segment.element(2) { manifest.portOfDischarge = Located(port, at: location(segment)) }
            case "CNI":
                closeConsignment()
            case "GID":
                var line = RawGoods(location: location(segment))
                var problems: [Diagnostic] = []
                if let count = segment.element(2, 0) {
                    if let value = Double(count) { line.packages = Located(value, at: location(segment)) } else {
                        problems.append(.error("number of packages \"\(count)\" is not a number", at: location(segment)))
                    }
                }
                line.packageKind = segment.element(2, 1)
                goods.append((line, nil, problems))
                currentGoods = goods.count - 1
                currentEquipment = nil
            case "FTX" where segment.element(1) == "AAA":
                if let item = currentGoods {
                    let text = (3..<max(3, segment.elements.count)).flatMap { segment.elements[$0] }.joined(separator: " ")
                    goods[item].0.description = text.trimmingCharacters(in: .whitespaces)
                }
            case "PIA", "CST":
                // PIA+5+080390:HS  /  CST++080390:HS
                if let item = currentGoods {
                    for element in segment.elements.dropFirst() where element.count >= 2 && ["HS", "HSC", "TSN"].contains(element[1]) {
                        let digits = element[0].filter(\.isNumber)
                        if digits.count >= 6 {
                            goods[item].0.hsCode = Located(String(digits.prefix(6)), at: location(segment))
                        } else {
                            goods[item].2.append(.error("commodity code \"\(element[0])\" has fewer than 6 digits", at: location(segment)))
                            goods[item].0.reported.insert("hs_code")
                        }
                    }
                }
            case "MEA":
                let qualifier = segment.element(1), what = segment.element(2)
                guard let raw = segment.element(3, 1) else { break }
                guard var value = Double(raw) else {
                    let problem = Diagnostic.error("measurement \"\(raw)\" is not a number", at: location(segment))
                    if let item = currentGoods { goods[item].2.append(problem) } else { diagnostics.emit(problem) }
                    break
                }
                if segment.element(3, 0) == "TNE" { value *= 1000 }
                if let container = currentEquipment, what == "T", let position = index[ContainerNumber.normalise(container)] {
                    entries[position].tareKg = Located(value, at: location(segment))
                } else if let item = currentGoods, (qualifier == "WT" || qualifier == "AAE"), what == "G" || what == "AAB" {
                    goods[item].0.grossKg = Located(value, at: location(segment))
                }
            case "SGP":
                if let item = currentGoods, let container = segment.element(1) { goods[item].1 = container }
            case "EQD" where segment.element(1) == "CN":
                guard let number = segment.element(2) else {
                    diagnostics.error("EQD+CN without an equipment number", at: location(segment))
                    break
                }
                let key = ContainerNumber.normalise(number)
                if index[key] == nil {
                    var entry = RawContainer(location: location(segment))
                    entry.containerID = Located(number, at: location(segment))
                    if let type = segment.element(3) { entry.isoType = Located(type, at: location(segment)) } else { entry.isoTypeOptional = true }
                    if segment.element(6) == "4" { entry.empty = Located(true, at: location(segment)) }
                    index[key] = entries.count
                    entries.append(entry)
                }
                equipment.append(number)
                currentEquipment = number
                currentGoods = nil
            case "SEL":
                if let container = currentEquipment, let seal = segment.element(1), let position = index[ContainerNumber.normalise(container)] {
                    entries[position].seals.append(seal)
                }
            case "UNT":
                closeConsignment()
            default:
                break
            }
        }
        closeConsignment()
        manifest.containers = entries
        return manifest
    }
}
