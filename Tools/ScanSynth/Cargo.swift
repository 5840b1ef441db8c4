import TriagePhysics

/// How goods are packed, which decides what they look like in a side view.
public enum Packing: String, Sendable, CaseIterable, Codable {
    /// Cartons stacked on pallets, two pallets across the width (fruit, fish).
    case palletisedCartons
    /// Bags lying flat in layers, floor-loaded (coffee, sugar).
    case bags
    /// Light boxes of mixed sizes (plastics, furniture).
    case lightBoxes
    /// Bundles of sawn timber with stickers between layers.
    case timberBundles
    /// A heap of scrap steel.
    case scrap
    /// 200-litre steel drums of liquid, standing, four across.
    case drums
}

/// A kind of cargo: what the declaration says and how it is packed and weighs.
public struct CargoKind: Sendable, Hashable, Codable {
    public var name: String
    public var hsCode: String
    public var description: String
    public var packing: Packing
    public var material: Material
    /// Net mass range in kg for a 20 ft and a 40 ft box.
    public var mass20: ClosedRange<Double>
    public var mass40: ClosedRange<Double>
    /// Kilograms per package, for the declared package count.
    public var packageKg: Double
    public var packageKind: String
    public var needsReefer: Bool

    public static let catalog: [CargoKind] = [
        CargoKind(name: "bananas", hsCode: "080390", description: "Fresh bananas", packing: .palletisedCartons,
                  material: .bananaLike, mass20: 9000...11000, mass40: 19000...22000, packageKg: 19.5, packageKind: "CT", needsReefer: true),
        CargoKind(name: "frozen-fish", hsCode: "030389", description: "Frozen fish", packing: .palletisedCartons,
                  material: .water, mass20: 14000...18000, mass40: 24000...27500, packageKg: 20, packageKind: "CT", needsReefer: true),
        CargoKind(name: "shrimp", hsCode: "030617", description: "Frozen shrimps", packing: .palletisedCartons,
                  material: .water, mass20: 12000...16000, mass40: 22000...26000, packageKg: 12, packageKind: "CT", needsReefer: true),
        CargoKind(name: "oranges", hsCode: "080510", description: "Fresh oranges", packing: .palletisedCartons,
                  material: .bananaLike, mass20: 10000...13000, mass40: 20000...24000, packageKg: 15, packageKind: "CT", needsReefer: true),
        CargoKind(name: "mangoes", hsCode: "080450", description: "Fresh mangoes", packing: .palletisedCartons,
                  material: .bananaLike, mass20: 8000...11000, mass40: 17000...21000, packageKg: 4.5, packageKind: "CT", needsReefer: true),
        CargoKind(name: "coffee", hsCode: "090111", description: "Green coffee beans in jute bags", packing: .bags,
                  material: .cellulose, mass20: 18000...21600, mass40: 21000...26000, packageKg: 60, packageKind: "BG", needsReefer: false),
        CargoKind(name: "sugar", hsCode: "170114", description: "Raw cane sugar in bags", packing: .bags,
                  material: .cellulose, mass20: 21000...25000, mass40: 25000...26500, packageKg: 50, packageKind: "BG", needsReefer: false),
        CargoKind(name: "plastics", hsCode: "392690", description: "Plastic articles", packing: .lightBoxes,
                  material: .polyethylene, mass20: 2500...6000, mass40: 5000...11000, packageKg: 25, packageKind: "CT", needsReefer: false),
        CargoKind(name: "furniture", hsCode: "940360", description: "Wooden furniture", packing: .lightBoxes,
                  material: .cellulose, mass20: 3000...7000, mass40: 6000...12000, packageKg: 40, packageKind: "PK", needsReefer: false),
        CargoKind(name: "timber", hsCode: "440711", description: "Sawn pine timber", packing: .timberBundles,
                  material: .cellulose, mass20: 15000...20000, mass40: 20000...25000, packageKg: 1500, packageKind: "BE", needsReefer: false),
        CargoKind(name: "scrap", hsCode: "720449", description: "Ferrous scrap", packing: .scrap,
                  material: .iron, mass20: 18000...24000, mass40: 22000...26000, packageKg: 0, packageKind: "VR", needsReefer: false),
        CargoKind(name: "drums", hsCode: "290511", description: "Methanol in steel drums", packing: .drums,
                  material: .water, mass20: 12000...17000, mass40: 20000...25000, packageKg: 170, packageKind: "DR", needsReefer: false),
    ]

    /// Goods unlike the catalogue's, never drawn by default and never calibrated on: new HS
    /// headings, packed as catalogue goods are but of other materials and weights, for
    /// measuring how the comparator generalises to goods it has not seen.
    public static let unseen: [CargoKind] = [
        CargoKind(name: "papayas", hsCode: "080720", description: "Fresh papayas", packing: .palletisedCartons,
                  material: .bananaLike, mass20: 10000...12500, mass40: 19000...23000, packageKg: 10, packageKind: "CT", needsReefer: true),
        CargoKind(name: "tiles", hsCode: "690721", description: "Ceramic floor tiles", packing: .palletisedCartons,
                  material: .sand, mass20: 20000...24000, mass40: 24000...26500, packageKg: 30, packageKind: "CT", needsReefer: false),
        CargoKind(name: "rice", hsCode: "100630", description: "Milled rice in bags", packing: .bags,
                  material: .cellulose, mass20: 20000...24000, mass40: 24000...26500, packageKg: 50, packageKind: "BG", needsReefer: false),
        CargoKind(name: "paper", hsCode: "480256", description: "Copy paper in reams", packing: .lightBoxes,
                  material: .cellulose, mass20: 12000...18000, mass40: 18000...24000, packageKg: 25, packageKind: "CT", needsReefer: false),
        CargoKind(name: "engine-parts", hsCode: "840999", description: "Engine parts", packing: .lightBoxes,
                  material: .iron, mass20: 6000...12000, mass40: 10000...18000, packageKg: 60, packageKind: "PK", needsReefer: false),
        CargoKind(name: "aluminium-scrap", hsCode: "760200", description: "Aluminium waste and scrap", packing: .scrap,
                  material: .aluminium, mass20: 10000...16000, mass40: 14000...20000, packageKg: 0, packageKind: "VR", needsReefer: false),
    ]

    public static func named(_ name: String) -> CargoKind? { (catalog + unseen).first { $0.name == name } }
}

/// What a synthetic container hides, if anything.
public enum AnomalyKind: String, Sendable, CaseIterable, Codable {
    case none
    /// Bags of bricks just behind the doors (rip-on/rip-off).
    case doorZone = "door_zone"
    /// Bags on top of the load, under the roof.
    case topOfLoad = "top_of_load"
    /// Cartons inside the load partly replaced by bricks.
    case concealedInLoad = "concealed_in_load"
    /// Bricks inside the reefer machinery recess.
    case reeferMachinery = "reefer_machinery"
    /// Cargo much heavier than declared.
    case massUnderdeclared = "mass_underdeclared"
    /// Declared empty, but there is cargo.
    case declaredEmptyLoaded = "declared_empty_loaded"

    public var isAnomaly: Bool { self != .none }
}
