import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TriageCore

/// A small XML tree with the line and column of every element, so that problems in a customs
/// declaration can be reported where they are. Namespace prefixes are dropped from names.
public final class XMLNode: @unchecked Sendable {
    public let name: String
    public var text = ""
    public var children: [XMLNode] = []
    public let line: Int
    public let column: Int
    public let path: String

    init(name: String, line: Int, column: Int, path: String) {
        self.name = name
        self.line = line
        self.column = column
        self.path = path
    }

    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    public func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
    public func at(_ names: String...) -> XMLNode? {
        var node: XMLNode? = self
        for name in names { node = node?.child(name) }
        return node
    }
    public var value: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The first element named `name` at any depth (this one included).
    public func find(_ name: String) -> XMLNode? {
        if self.name == name { return self }
        for child in children { if let found = child.find(name) { return found } }
        return nil
    }

    public func location(file: String) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column, path: path)
    }

    /// Parses `data`; external entities are never resolved. A document meant to be UTF-8 (no
    /// byte-order mark, no other encoding declared) is checked first: libxml2 hands a corrupt
    /// byte in an element name on to Foundation's parser, which traps on it (the process
    /// crashed: the whole nightly run, or the intake service for everyone).
    public static func parse(_ data: Data, file: String) throws -> XMLNode {
        if meantAsUTF8(data), let problem = UTF8Text.problem(in: data, file: file, format: "XML") {
            throw ScanTriageError(.invalidInput, problem.message, at: problem.location)
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let builder = Builder()
        parser.delegate = builder
        let finished = parser.parse()
        if let first = builder.firstError {
            throw ScanTriageError(.invalidInput, "malformed XML: \(first.reason)",
                                  at: SourceLocation(file: file, line: first.line, column: first.column))
        }
        guard finished, parser.parserError == nil, let root = builder.root else {
            let code = (parser.parserError as NSError?)?.code ?? 4
            throw ScanTriageError(.invalidInput, "malformed XML: \(Self.reason(code))",
                                  at: SourceLocation(file: file, line: parser.lineNumber, column: parser.columnNumber))
        }
        return root
    }

    /// True unless the document starts with a UTF-16 or UTF-32 byte-order mark or its XML
    /// declaration names an encoding other than UTF-8 (which libxml2 converts from).
    static func meantAsUTF8(_ data: Data) -> Bool {
        let head = [UInt8](data.prefix(4))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
        if head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0, 0, 0xFE, 0xFF]) { return false }
        let prolog = String(decoding: data.prefix(200), as: Unicode.ASCII.self).lowercased()
        guard prolog.hasPrefix("<?xml"), let end = prolog.range(of: "?>"), let key = prolog.range(of: "encoding", range: prolog.startIndex..<end.lowerBound)
        else { return true }
        let declared = prolog[key.upperBound..<end.lowerBound].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
        return declared.hasPrefix("utf-8") || declared.hasPrefix("utf8")
    }

    /// libxml2's error numbers for the faults seen in practice.
    static func reason(_ code: Int) -> String {
        switch code {
        case 4: "the document is empty"
        case 5: "the document ends before its elements are closed"
        case 9: "a character that XML does not allow"
        case 23, 38, 39, 40, 41: "an attribute is malformed"
        case 26: "an entity is used that is not declared"
        case 64: "there is text after the root element's end"
        case 73: "an end tag is malformed (expected >)"
        case 76: "an end tag does not match its start tag"
        case 85: "the document ends inside an element"
        default: "libxml2 error \(code)"
        }
    }

    /// Deeper nesting is refused: declarations are about ten levels deep, and each level costs
    /// its path's length in every node below it and a frame in the searches (100,000 levels
    /// crashed the process).
    static let maximumDepth = 64

    final class Builder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []
        /// Beside each open element: how many children of each name it has so far (the next
        /// one's index in its path), so that placing a child does not count its siblings again
        /// (a message with 100,000 goods items took minutes).
        var childrenNamed: [[String: Int]] = []
        var firstError: (reason: String, line: Int, column: Int)?

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if firstError == nil {
                firstError = (XMLNode.reason((parseError as NSError).code), parser.lineNumber, parser.columnNumber)
            }
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            guard stack.count < XMLNode.maximumDepth else {
                if firstError == nil {
                    firstError = ("elements are nested more than \(XMLNode.maximumDepth) deep", parser.lineNumber, parser.columnNumber)
                }
                parser.abortParsing()
                return
            }
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            let parentPath = stack.last?.path ?? ""
            var index = 1
            if !childrenNamed.isEmpty {
                index = childrenNamed[childrenNamed.count - 1][local, default: 0] + 1
                childrenNamed[childrenNamed.count - 1][local] = index
            }
            let node = XMLNode(name: local, line: parser.lineNumber, column: parser.columnNumber,
                               path: "\(parentPath)/\(local)" + (index > 1 ? "[\(index)]" : ""))
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
            childrenNamed.append([:])
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            _ = stack.popLast()
            _ = childrenNamed.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

/// Reads EU/UK entry summary declarations: ICS CC315A/CC313A (also inside a SOAP envelope)
/// and ICS2 IE3F26. Goods items are grouped into containers by their container numbers.
public enum ENSManifestReader {
    public static func read(_ data: Data, file: String, diagnostics: any DiagnosticCollector) throws -> RawManifest {
        let root = try XMLNode.parse(data, file: file)
        if let message = root.find("CC315A") ?? root.find("CC313A") {
            return readCC315A(message, file: file)
        }
        if let message = root.find("IE3F26") {
            return readIE3F26(message, file: file, diagnostics: diagnostics)
        }
        throw ScanTriageError(.invalidInput,
                              "XML root <\(root.name)> is not an entry summary declaration; expected CC315A, CC313A or IE3F26",
                              at: root.location(file: file))
    }

    static func locatedText(_ node: XMLNode?, file: String) -> Located<String>? {
        guard let node, !node.value.isEmpty else { return nil }
        return Located(node.value, at: node.location(file: file))
    }

    static func number(_ node: XMLNode?, file: String, field: String, problems: inout [Diagnostic]) -> Located<Double>? {
        guard let node, !node.value.isEmpty else { return nil }
        guard let value = Double(node.value), value.isFinite else {
            problems.append(.error("\(field) \"\(node.value)\" is not a number", at: node.location(file: file)))
            return nil
        }
        return Located(value, at: node.location(file: file))
    }

    /// HS code from a commodity code: the first six digits of a 6 to 10-digit CN/TARIC code.
    static func hsCode(_ node: XMLNode?, file: String, problems: inout [Diagnostic]) -> Located<String>? {
        guard let node, !node.value.isEmpty else { return nil }
        let digits = node.value.filter { !$0.isWhitespace && $0 != "." }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count >= 6, digits.count <= 10 else {
            problems.append(.error("commodity code \"\(node.value)\" is not an HS code; expected at least the 6 digits of a subheading",
                                   at: node.location(file: file)))
            return nil
        }
        return Located(String(digits.prefix(6)), at: node.location(file: file))
    }

    /// Appends a goods line to the container it names, creating entries in order of appearance.
    static func assign(_ line: RawGoods, container: Located<String>?, itemLocation: SourceLocation, problems: [Diagnostic],
                       reasonIfNone: String, into entries: inout [RawContainer], index: inout [String: Int]) {
        guard let container else {
            var orphan = RawContainer(location: itemLocation)
            orphan.goods = [line]
            orphan.isoTypeOptional = true
            orphan.problems = problems
            orphan.missingIDReason = reasonIfNone
            entries.append(orphan)
            return
        }
        let key = ContainerNumber.normalise(container.value)
        if let position = index[key] {
            entries[position].goods.append(line)
            entries[position].problems += problems
        } else {
            var entry = RawContainer(location: container.location)
            entry.containerID = container
            entry.isoTypeOptional = true
            entry.goods = [line]
            entry.problems = problems
            index[key] = entries.count
            entries.append(entry)
        }
    }

    /// Where one message type keeps a goods item's fields.
    struct GoodsFields {
        var hsCode: [String]
        var description: [String]
        var grossMass: [String]
        var grossLabel: String
        var packaging: String
        var packageKind: String
        var packageCount: String
        var countLabel: String

        static let cc315a = GoodsFields(hsCode: ["COMCODGODITM", "ComNomCMD1"], description: ["GooDesGDS23"], grossMass: ["GroMasGDS46"],
                                        grossLabel: "GroMasGDS46 (gross mass)", packaging: "PACGS2", packageKind: "KinOfPacGS23",
                                        packageCount: "NumOfPacGS24", countLabel: "NumOfPacGS24 (number of packages)")
        static let ie3f26 = GoodsFields(hsCode: ["commodity", "commodityCode", "harmonizedSystemSubHeadingCode"],
                                        description: ["commodity", "descriptionOfGoods"], grossMass: ["weight", "grossMass"],
                                        grossLabel: "grossMass", packaging: "packaging", packageKind: "typeOfPackages",
                                        packageCount: "numberOfPackages", countLabel: "numberOfPackages")
    }

    /// One goods item's line, with what was wrong in it.
    static func goodsLine(_ item: XMLNode, _ fields: GoodsFields, file: String, problems: inout [Diagnostic]) -> RawGoods {
        func at(_ path: [String]) -> XMLNode? { path.reduce(Optional(item)) { $0?.child($1) } }
        var line = RawGoods(location: item.location(file: file))
        line.hsCode = hsCode(at(fields.hsCode), file: file, problems: &problems)
        if line.hsCode == nil && !problems.isEmpty { line.reported.insert("hs_code") }
        line.description = at(fields.description)?.value
        line.grossKg = number(at(fields.grossMass), file: file, field: fields.grossLabel, problems: &problems)
        if line.grossKg == nil && at(fields.grossMass) != nil { line.reported.insert("gross_kg") }
        var packages = 0.0
        var anyPackages = false
        for pack in item.all(fields.packaging) {
            line.packageKind = line.packageKind ?? pack.child(fields.packageKind)?.value
            if let count = number(pack.child(fields.packageCount), file: file, field: fields.countLabel, problems: &problems) {
                packages += count.value
                anyPackages = true
            }
        }
        if anyPackages { line.packages = Located(packages, at: item.child(fields.packaging)?.location(file: file) ?? line.location) }
        return line
    }

    static func readCC315A(_ message: XMLNode, file: String) -> RawManifest {
        var manifest = RawManifest(file: file, format: .ensCC315A)
        let header = message.child("HEAHEA")
        manifest.manifestID = locatedText(header?.child("RefNumHEA4"), file: file) ?? locatedText(message.child("MesIdeMES19"), file: file)
        manifest.portOfLoading = locatedText(header?.child("PlaLoaGOOITE334"), file: file)
        manifest.portOfDischarge = locatedText(header?.child("PlaUnlGOOITE334"), file: file)
        manifest.liaisonOffice = message.child("MesSenMES3")?.value
        manifest.vesselName = header?.child("IdeOfMeaOfTraCroHEA85")?.value
        var entries: [RawContainer] = []
        var index: [String: Int] = [:]
        var headerProblems: [Diagnostic] = []
        for field in ["TotNumOfIteHEA305", "TotNumOfPacHEA306", "TotGroMasHEA307"] {
            _ = number(header?.child(field), file: file, field: field, problems: &headerProblems)
        }
        for item in message.all("GOOITEGDS") {
            var problems: [Diagnostic] = []
            let location = item.location(file: file)
            let line = goodsLine(item, .cc315a, file: file, problems: &problems)
            let containers = item.all("CONNR2").compactMap { locatedText($0.child("ConNumNR21"), file: file) }
            if containers.count > 1 {
                problems.append(.warning("goods item names \(containers.count) containers; its goods are counted against the first",
                                         at: location))
            }
            let itemNumber = item.child("IteNumGDS7")?.value ?? "?"
            assign(line, container: containers.first, itemLocation: location, problems: problems,
                   reasonIfNone: "goods item \(itemNumber) names no container (CONNR2/ConNumNR21); it cannot be matched to a scan",
                   into: &entries, index: &index)
        }
        if !headerProblems.isEmpty {
            for position in entries.indices { entries[position].problems += headerProblems }
        }
        manifest.containers = entries
        return manifest
    }

    static func readIE3F26(_ message: XMLNode, file: String, diagnostics: any DiagnosticCollector) -> RawManifest {
        var manifest = RawManifest(file: file, format: .ensIE3F26)
        manifest.manifestID = locatedText(message.child("LRN"), file: file)
        manifest.liaisonOffice = message.at("declarant", "identificationNumber")?.value
        var entries: [RawContainer] = []
        var index: [String: Int] = [:]
        for master in message.all("consignmentMasterLevel") {
            manifest.portOfLoading = manifest.portOfLoading ?? locatedText(master.at("placeOfLoading", "UNLOCODE"), file: file)
            manifest.portOfDischarge = manifest.portOfDischarge ?? locatedText(master.at("placeOfUnloading", "UNLOCODE"), file: file)
            let masterEquipment = master.all("transportEquipment").compactMap { locatedText($0.child("containerIdentificationNumber"), file: file) }
            for house in master.all("consignmentHouseLevel") {
                manifest.portOfLoading = manifest.portOfLoading ?? locatedText(house.at("placeOfAcceptance", "UNLOCODE"), file: file)
                let houseEquipment = house.all("transportEquipment").compactMap { locatedText($0.child("containerIdentificationNumber"), file: file) }
                let notContainerised = house.child("containerIndicator")?.value == "0"
                for item in house.all("goodsItem") {
                    var problems: [Diagnostic] = []
                    let location = item.location(file: file)
                    let line = goodsLine(item, .ie3f26, file: file, problems: &problems)
                    let itemEquipment = item.all("transportEquipment").compactMap { locatedText($0.child("containerIdentificationNumber"), file: file) }
                    let container = itemEquipment.first ?? houseEquipment.first ?? masterEquipment.first
                    let number = item.child("goodsItemNumber")?.value ?? "?"
                    let reason = notContainerised
                        ? "goods item \(number) is in a consignment declared not containerised (containerIndicator 0); it cannot be matched to a scan"
                        : "goods item \(number) names no container (transportEquipment/containerIdentificationNumber); it cannot be matched to a scan"
                    assign(line, container: container, itemLocation: location, problems: problems, reasonIfNone: reason,
                           into: &entries, index: &index)
                }
            }
        }
        manifest.containers = entries
        return manifest
    }
}
