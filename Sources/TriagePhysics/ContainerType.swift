import Foundation

/// Geometry and weights of the ISO 6346 size/type codes ScanTriage knows, from typical builder
/// specifications (steel dry boxes, aluminium-lined reefers). Millimetres and kilograms.
public struct ContainerType: Hashable, Sendable, Codable {
    public let code: String
    public let description: String
    /// External length, height and width.
    public let length: Double
    public let height: Double
    public let width: Double
    /// Internal (cargo space) length, height and width.
    public let innerLength: Double
    public let innerHeight: Double
    public let innerWidth: Double
    public let tareKg: Double
    public let maxGrossKg: Double
    /// Integral refrigeration unit at the front end (opposite the doors).
    public let isReefer: Bool
    /// Depth of the machinery recess at the front end (reefers only).
    public let machineryDepth: Double

    public var maxPayloadKg: Double { maxGrossKg - tareKg }
    public var innerVolumeM3: Double { innerLength * innerHeight * innerWidth / 1e9 }

    public static let known: [String: ContainerType] = {
        let list = [
            ContainerType(code: "22G0", description: "20 ft general purpose", length: 6058, height: 2591, width: 2438,
                          innerLength: 5898, innerHeight: 2393, innerWidth: 2352, tareKg: 2200, maxGrossKg: 30480, isReefer: false, machineryDepth: 0),
            ContainerType(code: "22G1", description: "20 ft general purpose, vented", length: 6058, height: 2591, width: 2438,
                          innerLength: 5898, innerHeight: 2393, innerWidth: 2352, tareKg: 2230, maxGrossKg: 30480, isReefer: false, machineryDepth: 0),
            ContainerType(code: "25G1", description: "20 ft high cube", length: 6058, height: 2896, width: 2438,
                          innerLength: 5898, innerHeight: 2698, innerWidth: 2352, tareKg: 2350, maxGrossKg: 30480, isReefer: false, machineryDepth: 0),
            ContainerType(code: "42G0", description: "40 ft general purpose", length: 12192, height: 2591, width: 2438,
                          innerLength: 12032, innerHeight: 2393, innerWidth: 2352, tareKg: 3700, maxGrossKg: 30480, isReefer: false, machineryDepth: 0),
            ContainerType(code: "42G1", description: "40 ft general purpose, vented", length: 12192, height: 2591, width: 2438,
                          innerLength: 12032, innerHeight: 2393, innerWidth: 2352, tareKg: 3750, maxGrossKg: 30480, isReefer: false, machineryDepth: 0),
            ContainerType(code: "45G0", description: "40 ft high cube", length: 12192, height: 2896, width: 2438,
                          innerLength: 12032, innerHeight: 2698, innerWidth: 2352, tareKg: 3900, maxGrossKg: 30480, isReefer: false, machineryDepth: 0),
            ContainerType(code: "45G1", description: "40 ft high cube, vented", length: 12192, height: 2896, width: 2438,
                          innerLength: 12032, innerHeight: 2698, innerWidth: 2352, tareKg: 3940, maxGrossKg: 30480, isReefer: false, machineryDepth: 0),
            ContainerType(code: "22R1", description: "20 ft integral reefer", length: 6058, height: 2591, width: 2438,
                          innerLength: 5444, innerHeight: 2268, innerWidth: 2286, tareKg: 3050, maxGrossKg: 30480, isReefer: true, machineryDepth: 440),
            ContainerType(code: "42R1", description: "40 ft integral reefer", length: 12192, height: 2591, width: 2438,
                          innerLength: 11561, innerHeight: 2233, innerWidth: 2286, tareKg: 4500, maxGrossKg: 34000, isReefer: true, machineryDepth: 440),
            ContainerType(code: "45R1", description: "40 ft high cube integral reefer", length: 12192, height: 2896, width: 2438,
                          innerLength: 11583, innerHeight: 2550, innerWidth: 2294, tareKg: 4800, maxGrossKg: 34000, isReefer: true, machineryDepth: 440),
            // 45 ft (13,716 mm): the 40 ft's cross-section, 1,524 mm longer.
            ContainerType(code: "L2G1", description: "45 ft general purpose, vented", length: 13716, height: 2591, width: 2438,
                          innerLength: 13556, innerHeight: 2393, innerWidth: 2352, tareKg: 4600, maxGrossKg: 32500, isReefer: false, machineryDepth: 0),
            ContainerType(code: "L5G1", description: "45 ft high cube, vented", length: 13716, height: 2896, width: 2438,
                          innerLength: 13556, innerHeight: 2698, innerWidth: 2352, tareKg: 4800, maxGrossKg: 32500, isReefer: false, machineryDepth: 0),
            ContainerType(code: "L5R1", description: "45 ft high cube integral reefer", length: 13716, height: 2896, width: 2438,
                          innerLength: 13107, innerHeight: 2550, innerWidth: 2294, tareKg: 5400, maxGrossKg: 34000, isReefer: true, machineryDepth: 440),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.code, $0) })
    }()

    /// A declared size/type code as the table spells codes: upper case, no surrounding blanks.
    public static func normalized(_ declared: String) -> String {
        declared.trimmingCharacters(in: .whitespaces).uppercased()
    }

    /// The lengths of containers at sea: ISO 668's 10, 20, 30 and 40 ft and the 45 ft (48 and
    /// 53 ft boxes run on North American roads and rails only).
    public static let isoLengths: [Double] = [2991, 6058, 9125, 12192, 13716]

    /// Whether `millimetres` is within 4 % of a container length.
    public static func isContainerLength(_ millimetres: Double) -> Bool {
        isoLengths.contains { abs(millimetres / $0 - 1) <= 0.04 }
    }

    /// The geometry a declared size/type code is read with, `nil` when it has none (see
    /// `reading(of:)` for why).
    public static func named(_ code: String) -> ContainerType? { reading(of: code).type }

    /// How a declared ISO 6346 (1995) size/type code is read.
    public enum Reading: Sendable, Equatable {
        /// A code in the table.
        case known(ContainerType)
        /// A variant of a code in the table that shares its shell (a ventilated or dry-bulk box
        /// is a dry box to the beam; a reefer that also heats, or carries its own generator, is
        /// an integral reefer), read with that code's geometry; the note says so.
        case readAs(ContainerType, note: String)
        /// Not a closed box or integral reefer whose geometry is known, or not a code at all.
        case refused(reason: String)

        public var type: ContainerType? {
            switch self {
            case .known(let type), .readAs(let type, _): type
            case .refused: nil
            }
        }
    }

    /// Reads a size/type code: the first character the length (2: 20 ft, 4: 40 ft, L: 45 ft),
    /// the second the height and width (2, C, L: 8 ft 6 in; 5, E, N: 9 ft 6 in; C to N
    /// pallet-wide, which a side view cannot tell), then the type: G0-G3 general purpose,
    /// V0/V2/V4 ventilated and B0/B1 closed dry bulk are read as that size's dry box (G1),
    /// R0-R3 as its integral reefer (R1). Open tops, flat racks, tanks, insulated and porthole
    /// containers, named-cargo and pressurised bulk containers are refused with what they are:
    /// none has a dry box's or an integral reefer's walls, roof and floor.
    public static func reading(of declared: String) -> Reading {
        let code = normalized(declared)
        if let type = known[code] { return .known(type) }
        let chars = Array(code)
        let expected = "expected an ISO 6346 size/type code: length, height, type letter and digit, like 22G1 or 45R1"
        guard chars.count == 4, chars.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return .refused(reason: "\"\(declared)\" is not a size/type code; \(expected)")
        }
        if chars.allSatisfy(\.isNumber) {
            return .refused(reason: "\"\(declared)\" is a size/type code of the form used before ISO 6346's 1995 revision; \(expected)")
        }
        let lengths: [Character: String] = ["2": "20 ft", "4": "40 ft", "L": "45 ft"]
        let heights: [Character: (size: Character, words: String)] = [
            "2": ("2", "8 ft 6 in"), "C": ("2", "8 ft 6 in, pallet-wide"), "L": ("2", "8 ft 6 in, over 2.5 m wide"),
            "5": ("5", "9 ft 6 in"), "E": ("5", "9 ft 6 in, pallet-wide"), "N": ("5", "9 ft 6 in, over 2.5 m wide"),
        ]
        guard let length = lengths[chars[0]] else {
            return .refused(reason: "\(code): length code \"\(chars[0])\" is not 20 ft (2), 40 ft (4) or 45 ft (L), the lengths whose geometry is known")
        }
        guard let height = heights[chars[1]] else {
            return .refused(reason: "\(code): height code \"\(chars[1])\" is not 8 ft 6 in (2, C, L) or 9 ft 6 in (5, E, N), the heights whose geometry is known")
        }
        let group = chars[2], detail = chars[3]
        let family: (reefer: Bool, words: String)
        switch (group, detail) {
        case ("G", "0"..."3"): family = (false, "general purpose")
        case ("V", "0"), ("V", "2"), ("V", "4"): family = (false, "ventilated")
        case ("B", "0"), ("B", "1"): family = (false, "closed dry bulk")
        case ("R", "0"..."3"): family = (true, detail == "0" ? "integral reefer" : detail == "1" ? "integral reefer, heated"
                                         : "integral reefer with its own generator")
        default:
            let what: String
            switch group {
            case "U": what = "an open-top container"
            case "P": what = "a flat rack or platform"
            case "T", "N": what = "a tank container"
            case "H": what = "an insulated or porthole container (its cooling, if any, is not built in)"
            case "S": what = "a named-cargo container (livestock, cars)"
            case "B": what = "a pressurised dry-bulk container"
            case "G", "V", "R": what = "a \(group) type with a detail digit ISO 6346 does not define"
            default: what = "not an ISO 6346 type (G, V, B, R, H, U, P, T, S)"
            }
            return .refused(reason: "\(code) is \(what); scans are read against the geometry of closed boxes (G0-G3, V0/V2/V4, B0/B1) and integral reefers (R0-R3)")
        }
        let readAs = String(chars[0]) + String(height.size) + (family.reefer ? "R1" : "G1")
        guard let type = known[readAs] else {
            return .refused(reason: "\(code): no \(length), \(height.words) \(family.reefer ? "integral reefer" : "box") geometry is known")
        }
        return .readAs(type, note: "\(code) (\(length), \(height.words), \(family.words)) is read with the geometry of \(readAs) (\(type.description))")
    }
}
