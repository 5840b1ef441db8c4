import Foundation

/// How densely goods stow, by HS chapter: the physics prior for a load calibration has never
/// seen. Bulk density of the goods as packed (cartons, bags, drums, bundles, with the air
/// between them) in t/m³, from the usual stowage factors of cargo handbooks (m³ per tonne,
/// inverted): fruit in cartons 2.0–2.8 m³/t, bagged coffee 1.5–1.8, bagged sugar 1.2–1.5,
/// furniture 4–8, and so on. The image gives the same quantity where the load stands: its
/// median areal density over the cargo space's inner width (a load one pallet row wide across
/// the container reads light, so only a large departure is said).
public enum StowageDensity {
    public struct Range: Sendable, Equatable {
        /// t/m³, as packed.
        public var low: Double
        public var high: Double
        /// What the chapter holds, in a few words.
        public var goods: String
    }

    /// The range for an HS code's chapter; nil for chapters without a usual stowage (or no
    /// code): nothing is said then.
    public static func range(forHS code: String?) -> Range? {
        guard let code, code.count >= 2, let chapter = Int(code.prefix(2)) else { return nil }
        switch chapter {
        case 2: return Range(low: 0.45, high: 0.65, goods: "meat")
        case 3: return Range(low: 0.45, high: 0.65, goods: "fish and seafood")
        case 4: return Range(low: 0.45, high: 0.75, goods: "dairy produce")
        case 7: return Range(low: 0.30, high: 0.60, goods: "vegetables")
        case 8: return Range(low: 0.35, high: 0.55, goods: "fruit and nuts")
        case 9: return Range(low: 0.50, high: 0.70, goods: "coffee, tea and spices")
        case 10, 11: return Range(low: 0.55, high: 0.80, goods: "cereals and flour")
        case 12: return Range(low: 0.50, high: 0.75, goods: "oil seeds")
        case 15: return Range(low: 0.70, high: 0.90, goods: "oils and fats")
        case 17: return Range(low: 0.65, high: 0.85, goods: "sugar")
        case 18: return Range(low: 0.50, high: 0.75, goods: "cocoa")
        case 20, 21: return Range(low: 0.50, high: 0.80, goods: "preserved food")
        case 22: return Range(low: 0.55, high: 0.85, goods: "beverages")
        case 28, 29, 38: return Range(low: 0.50, high: 0.85, goods: "chemicals")
        case 39: return Range(low: 0.12, high: 0.65, goods: "plastics")
        case 40: return Range(low: 0.35, high: 0.70, goods: "rubber")
        case 44: return Range(low: 0.40, high: 0.75, goods: "wood")
        case 47, 48: return Range(low: 0.40, high: 0.75, goods: "pulp and paper")
        case 50...63: return Range(low: 0.20, high: 0.50, goods: "textiles and clothing")
        case 64: return Range(low: 0.15, high: 0.35, goods: "footwear")
        case 69, 70: return Range(low: 0.40, high: 1.00, goods: "ceramics and glass")
        case 72: return Range(low: 0.50, high: 2.50, goods: "iron and steel")
        case 94: return Range(low: 0.10, high: 0.30, goods: "furniture")
        default: return nil
        }
    }

    /// Said when the load stows denser than 1.5 times the range's top, or lighter than half
    /// its bottom.
    public static func departure(density: Double, from range: Range) -> Bool {
        density > 1.5 * range.high || density < 0.5 * range.low
    }
}
