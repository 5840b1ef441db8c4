import Foundation
import TriageCore
import TriagePhysics

/// Checks a manifest as read against the interchange contract (§3), reporting every problem
/// where it is. Entries with errors are quarantined with their reasons; the rest is accepted.
public struct ManifestValidator: Sendable {
    public var hsTable: HSTable?

    public init(hsTable: HSTable? = nil) { self.hsTable = hsTable }

    public func validate(_ raw: RawManifest, diagnostics: any DiagnosticCollector) -> Manifest {
        // Header: reported, but a bad header does not throw away good containers.
        if let port = raw.portOfLoading, let problem = UNLocode.problem(port.value) {
            diagnostics.error("port of loading \(problem)", at: port.location)
        } else if raw.portOfLoading == nil {
            diagnostics.warning("no port of loading", at: SourceLocation(file: raw.file))
        }
        if let port = raw.portOfDischarge, let problem = UNLocode.problem(port.value) {
            diagnostics.error("port of discharge \(problem)", at: port.location)
        }
        var accepted: [DeclaredContainer] = []
        var quarantined: [QuarantinedEntry] = []
        for entry in raw.containers {
            let local = DiagnosticBag()
            for problem in entry.problems { local.emit(problem) }
            let container = check(entry, manifest: raw, diagnostics: local)
            for diagnostic in local.diagnostics { diagnostics.emit(diagnostic) }
            if let container, !local.hasErrors {
                accepted.append(container)
            } else {
                quarantined.append(QuarantinedEntry(containerID: entry.containerID?.value, location: entry.location,
                                                    reasons: local.errors))
            }
        }
        return Manifest(file: raw.file, format: raw.format, manifestID: raw.manifestID?.value, liaisonOffice: raw.liaisonOffice,
                        vesselName: raw.vesselName, voyage: raw.voyage,
                        portOfLoading: raw.portOfLoading.flatMap { UNLocode.problem($0.value) == nil ? $0.value : nil },
                        portOfDischarge: raw.portOfDischarge.flatMap { UNLocode.problem($0.value) == nil ? $0.value : nil },
                        departure: raw.departure, eta: raw.eta, containers: accepted, quarantined: quarantined)
    }

    func check(_ entry: RawContainer, manifest: RawManifest, diagnostics: DiagnosticBag) -> DeclaredContainer? {
        var number: ContainerNumber?
        if let id = entry.containerID {
            do { number = try ContainerNumber(id.value) } catch { diagnostics.error(error.description, at: id.location) }
        } else {
            diagnostics.error(entry.missingIDReason ?? "no container number; expected an ISO 6346 number like MSKU1234565", at: entry.location)
        }
        var type: ContainerType?
        // The code as declared when it is read as its family's (a 42R0 stays a 42R0 on the card).
        var declaredCode: String?
        if let code = entry.isoType {
            switch ContainerType.reading(of: code.value) {
            case .known(let known):
                type = known
            case .readAs(let family, let note):
                type = family
                declaredCode = ContainerType.normalized(code.value)
                diagnostics.emit(Diagnostic(.note, note, at: code.location))
            case .refused(let reason):
                diagnostics.error(reason, at: code.location)
            }
        } else if entry.isoTypeOptional && entry.containerID != nil {
            diagnostics.emit(Diagnostic(.note, "no ISO size/type code in this format; the geometry will be taken from the scan", at: entry.location))
        } else if !entry.isoTypeOptional {
            diagnostics.error("no iso_type; expected an ISO 6346 size/type code like 45R1", at: entry.location)
        }
        var tare: Double?
        if let t = entry.tareKg {
            if t.value <= 0 {
                diagnostics.error("tare \(t.value) kg must be positive", at: t.location)
            } else if t.value > 12000 {
                diagnostics.error("tare \(t.value) kg is not plausible for a container (they weigh 2,000 to 6,000 kg)", at: t.location)
            } else {
                tare = t.value
                if let type, abs(t.value - type.tareKg) > type.tareKg * 0.35 {
                    diagnostics.warning("tare \(t.value) kg is far from the \(Int(type.tareKg)) kg usual for \(type.code)", at: t.location)
                }
            }
        }
        let empty = entry.empty?.value ?? false
        if empty && !entry.goods.isEmpty {
            diagnostics.error("declared empty but lists \(entry.goods.count) goods line(s); an empty container has no goods",
                              at: entry.empty?.location ?? entry.location)
        }
        if !empty && entry.goods.isEmpty {
            diagnostics.error("no goods declared and not marked empty; expected goods lines or \"empty\": true",
                              at: entry.location)
        }
        var goods: [GoodsLine] = []
        for line in entry.goods {
            var ok = true
            var hs = ""
            if let code = line.hsCode {
                hs = code.value
                if let problem = hsTable?.problem(code.value) ?? HSTable.structuralProblem(code.value) {
                    diagnostics.error(problem, at: code.location)
                    ok = false
                }
            } else {
                if !line.reported.contains("hs_code") {
                    diagnostics.error("no HS code; expected a 6-digit HS 2022 subheading", at: line.location)
                }
                ok = false
            }
            var gross = 0.0
            if let g = line.grossKg {
                if g.value <= 0 {
                    diagnostics.error("gross mass \(g.value) kg must be positive", at: g.location)
                    ok = false
                } else if g.value > 60000 {
                    diagnostics.error("gross mass \(g.value) kg is more than any container can carry", at: g.location)
                    ok = false
                } else {
                    gross = g.value
                }
            } else {
                if !line.reported.contains("gross_kg") { diagnostics.error("no gross mass; expected kilograms", at: line.location) }
                ok = false
            }
            var packages: Int?
            if let p = line.packages {
                if p.value < 0 || p.value != p.value.rounded() {
                    diagnostics.error("packages \(p.value) must be a whole number, zero or more", at: p.location)
                    ok = false
                } else {
                    packages = Int(p.value)
                }
            }
            if ok {
                goods.append(GoodsLine(hsCode: hs, description: line.description, packages: packages,
                                       packageKind: line.packageKind, grossKg: gross))
            }
        }
        let total = goods.reduce(0) { $0 + $1.grossKg }
        if let type, total > type.maxPayloadKg {
            diagnostics.error(String(format: "goods weigh %.0f kg, over the %.0f kg payload of a %@", total, type.maxPayloadKg, type.code),
                              at: entry.location)
        }
        guard let number else { return nil }
        return DeclaredContainer(containerID: number.value, isoType: declaredCode ?? type?.code, seals: entry.seals, tareKg: tare,
                                 empty: empty, goods: goods, shipper: entry.shipper, consignee: entry.consignee,
                                 manifestID: manifest.manifestID?.value,
                                 portOfLoading: manifest.portOfLoading?.value, location: entry.location)
    }
}
