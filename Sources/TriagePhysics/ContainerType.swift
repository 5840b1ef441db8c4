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
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.code, $0) })
    }()

    public static func named(_ code: String) -> ContainerType? { known[code.uppercased()] }
}
