import Foundation
import Testing
import TestSupport
import TriageCore
import TriageManifest
import TriagePhysics

/// ISO 6346 size/type codes: a variant of a known box or reefer (a ventilated 22V0, a 42R0 that
/// does not heat, a pallet-wide 4EG1) is read with its family's geometry, and the rest are
/// refused with what they are. Checked against the ISO 6346 code tables in the test data.
@Suite struct SizeTypeCodeTests {
    struct Tables {
        let types: [String: String]
        let lengths: [String: String]
        let heights: [String: [String: String]]
    }

    static func tables() throws -> Tables {
        func json(_ name: String) throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: try TestData.path("iso6346/\(name)")))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name) is not a JSON object")
        }
        let size = try json("iso6346_size.json")
        return Tables(types: try #require(try json("iso6346_type.json") as? [String: String]),
                      lengths: try #require(size["length"] as? [String: String]),
                      heights: try #require(size["heightWidth"] as? [String: [String: String]]))
    }

    static func millimetres(_ text: String) -> Double? {
        Double(text.replacingOccurrences(of: " mm", with: ""))
    }

    /// Every type code of the ISO table, on every length and height of its size table: read
    /// exactly when it is a closed box or an integral reefer of a length and height whose
    /// geometry is known, and then with the length, height and reefer the tables give it.
    @Test func everyCodeOfTheISOTablesIsReadOrRefusedForWhatItIs() throws {
        let tables = try Self.tables()
        #expect(tables.types.count == 47 && tables.lengths.count >= 17, "the ISO 6346 tables changed: \(tables.types.count) types")
        let boxes: Set<String> = ["G0", "G1", "G2", "G3", "V0", "V2", "V4", "B0", "B1"]
        let reefers: Set<String> = ["R0", "R1", "R2", "R3"]
        var read = 0, refused = 0
        for (lengthCode, lengthText) in tables.lengths {
            for (heightCode, heightWidth) in tables.heights {
                for typeCode in tables.types.keys {
                    let code = lengthCode + heightCode + typeCode
                    let reading = ContainerType.reading(of: code)
                    let lengthKnown = ["2", "4", "L"].contains(lengthCode)
                    let heightKnown = ["2", "5", "C", "E", "L", "N"].contains(heightCode)
                    let family = boxes.contains(typeCode) || reefers.contains(typeCode)
                    // A 20 ft or 45 ft 8 ft 6 in reefer, or a 20 ft high-cube one, has no geometry here.
                    let reeferKnown = !reefers.contains(typeCode) || ["42", "45", "22", "L5"].contains(lengthCode + (["2", "C", "L"].contains(heightCode) ? "2" : "5"))
                    switch reading {
                    case .known(let type), .readAs(let type, _):
                        read += 1
                        #expect(lengthKnown && heightKnown && family && reeferKnown, "\(code) read as \(type.code)")
                        let length = try #require(Self.millimetres(lengthText))
                        // The size table gives 6068 mm for 20 ft; ISO 668's 1C is 6058.
                        #expect(abs(type.length - length) <= 10, "\(code): \(type.length) mm long, the table says \(lengthText)")
                        if let height = heightWidth["height"].flatMap(Self.millimetres) {
                            #expect(abs(type.height - height) <= 1, "\(code): \(type.height) mm high, the table says \(height)")
                        }
                        #expect(type.isReefer == reefers.contains(typeCode), "\(code) read as \(type.code)")
                        if case .readAs(_, let note) = reading {
                            #expect(note.hasPrefix(code) && note.contains(type.code), "\(note)")
                        }
                    case .refused(let reason):
                        refused += 1
                        #expect(!(lengthKnown && heightKnown && family && reeferKnown), "\(code) refused: \(reason)")
                        #expect(reason.contains(code), "the reason names the code: \(reason)")
                    }
                }
            }
        }
        #expect(read == 3 * 6 * 9 + 4 * 4 * 3, "\(read) read, \(refused) refused")
    }

    @Test(arguments: [
        ("22V0", "22G1", "ventilated"), ("42G2", "42G1", "general purpose"), ("45B0", "45G1", "dry bulk"),
        ("42R0", "42R1", "integral reefer"), ("45R3", "45R1", "its own generator"), ("4EG1", "45G1", "pallet-wide"),
        ("l5g1", "L5G1", ""), ("22G1", "22G1", ""), (" 45R1 ", "45R1", ""),
    ])
    func variantsAreReadAsTheirFamily(case: (String, String, String)) throws {
        let (code, geometry, words) = `case`
        let type = try #require(ContainerType.named(code), "\(code) was refused: \(ContainerType.reading(of: code))")
        #expect(type.code == geometry)
        if case .readAs(_, let note) = ContainerType.reading(of: code) {
            #expect(!words.isEmpty && note.contains(words), "\(note)")
        } else {
            #expect(words.isEmpty, "\(code) was expected as a variant")
        }
    }

    @Test(arguments: [
        ("22U1", "open-top"), ("42P3", "flat rack"), ("22T6", "tank"), ("45H5", "insulated"), ("22S1", "named-cargo"),
        ("22B4", "pressurised"), ("22G7", "does not define"), ("22V1", "does not define"), ("22X1", "not an ISO 6346 type"), ("4510", "1995"),
        ("45R", "not a size/type code"), ("25R1", "no 20 ft, 9 ft 6 in integral reefer"), ("32G1", "length code"),
        ("40G1", "height code"), ("45-1", "not a size/type code"),
    ])
    func otherCodesAreRefusedWithWhatTheyAre(case: (String, String)) {
        let (code, words) = `case`
        guard case .refused(let reason) = ContainerType.reading(of: code) else {
            Issue.record("\(code) was read as \(String(describing: ContainerType.named(code)?.code))")
            return
        }
        #expect(reason.contains(words), "\(code): \(reason)")
    }

    /// Through a manifest: the variant is accepted with a note at its iso_type field, its goods
    /// and weights kept; an open top is quarantined with the reason there.
    @Test func aManifestsVariantCodesAreNotedAndItsOthersRefusedWhereTheyAre() throws {
        let text = goodJSON
            .replacingOccurrences(of: #""iso_type": "45R1""#, with: #""iso_type": "45R0""#)
            .replacingOccurrences(of: #""iso_type": "22G1""#, with: #""iso_type": "22U1""#)
        let (manifest, bag) = try readManifest(text, file: "m.json")
        #expect(manifest.containers.map(\.containerID) == ["MSKU1234565"])
        #expect(manifest.containers.first?.isoType == "45R0" && manifest.containers.first?.declaredGoodsKg == 20500)
        let notes = bag.diagnostics.filter { $0.severity == .note }
        #expect(notes.map { $0.location?.path ?? "" } == ["$.containers[0].iso_type"], "\(notes)")
        #expect(notes.first?.message.contains("read with the geometry of 45R1") == true, "\(notes)")
        #expect(bag.errors.map { $0.location?.path ?? "" } == ["$.containers[1].iso_type"], "\(bag.errors)")
        #expect(manifest.quarantined.first?.reasons.first?.message.contains("open-top") == true, "\(manifest.quarantined)")
    }
}
