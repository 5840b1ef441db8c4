import Foundation
import TriageCore

/// Reads the interchange JSON manifest (spec §3).
public enum JSONManifestReader {
    public static func read(_ data: Data, file: String, diagnostics: any DiagnosticCollector) throws -> RawManifest {
        let root = try JSONValue.parse(data, file: file)
        var manifest = RawManifest(file: file, format: .json)
        let header = DiagnosticBag()
        let json = JSONObjectReader(root, file: file, diagnostics: header)
        if let id = json.string("manifest_id") { manifest.manifestID = Located(id, at: json.location("manifest_id")) }
        manifest.liaisonOffice = json.string("liaison_office", required: false)
        if let vessel = json.object("vessel", required: false) {
            manifest.vesselName = vessel.string("name", required: false)
            manifest.vesselIMO = vessel.string("imo", required: false)
            manifest.voyage = vessel.string("voyage", required: false)
        }
        if let port = json.string("port_of_loading") { manifest.portOfLoading = Located(port, at: json.location("port_of_loading")) }
        if let port = json.string("port_of_discharge", required: false) {
            manifest.portOfDischarge = Located(port, at: json.location("port_of_discharge"))
        }
        manifest.departure = json.string("departure", required: false)
        manifest.eta = json.string("eta", required: false)
        let containers = json.array("containers") ?? []
        for diagnostic in header.diagnostics { diagnostics.emit(diagnostic) }
        if case .object = root {} else { throw ScanTriageError(.invalidInput, "a manifest must be a JSON object", at: SourceLocation(file: file, path: "$")) }
        for (index, item) in containers.enumerated() {
            let path = "$.containers[\(index)]"
            let bag = DiagnosticBag()
            let entryReader = JSONObjectReader(item, path: path, file: file, diagnostics: bag)
            var entry = RawContainer(location: SourceLocation(file: file, path: path))
            if let id = entryReader.string("container_id") { entry.containerID = Located(id, at: entryReader.location("container_id")) }
            if let code = entryReader.string("iso_type") { entry.isoType = Located(code, at: entryReader.location("iso_type")) }
            if let tare = entryReader.number("tare_kg", required: false) { entry.tareKg = Located(tare, at: entryReader.location("tare_kg")) }
            if let empty = entryReader.bool("empty", required: false) { entry.empty = Located(empty, at: entryReader.location("empty")) }
            entry.seals = (entryReader.array("seals", required: false) ?? []).compactMap {
                if case .string(let seal) = $0 { return seal }
                return nil
            }
            entry.shipper = entryReader.string("shipper", required: false)
            entry.consignee = entryReader.string("consignee", required: false)
            let emptyDeclared = entry.empty?.value ?? false
            for (goodsIndex, goodsItem) in (entryReader.array("goods", required: !emptyDeclared) ?? []).enumerated() {
                let goodsReader = JSONObjectReader(goodsItem, path: "\(path).goods[\(goodsIndex)]", file: file, diagnostics: bag)
                var line = RawGoods(location: SourceLocation(file: file, path: "\(path).goods[\(goodsIndex)]"))
                if let code = goodsReader.string("hs_code", expected: "a 6-digit HS code as a string") {
                    line.hsCode = Located(code, at: goodsReader.location("hs_code"))
                }
                line.description = goodsReader.string("description", required: false)
                if let packages = goodsReader.number("packages", required: false) {
                    line.packages = Located(packages, at: goodsReader.location("packages"))
                }
                line.packageKind = goodsReader.string("package_kind", required: false)
                if let gross = goodsReader.number("gross_kg") { line.grossKg = Located(gross, at: goodsReader.location("gross_kg")) }
                // The reader has reported every required field it could not give.
                line.reported = ["hs_code", "gross_kg"]
                entry.goods.append(line)
            }
            entry.problems = bag.diagnostics
            manifest.containers.append(entry)
        }
        return manifest
    }
}
