import Foundation
import TriageCore

/// What calibration learned from containers inspected clean: how each scanner weighs, how each
/// detector's statistic is distributed when nothing is there, what reefer machinery and each HS
/// heading look like. Versioned: a profile file names its format version and is refused when it
/// is newer than this build understands.
public struct ComparatorProfiles: Sendable, Codable {
    public static let formatVersion = 1

    public var version: Int
    /// Identifies this calibration (hash of its inputs), stored beside each score.
    public var profileID: String
    public var createdAt: String
    /// The comparator (``Comparator/algorithmVersion``) whose statistics calibration learned
    /// the distributions of (nil: one before compare-53, which did not say).
    public var comparator: String? = nil
    /// Containers inspected clean (and hit) that it learned from.
    public var cleanContainers: Int
    public var hitContainers: Int

    /// Declared mass ÷ image mass, on a log scale, per scanner ("*" for all).
    public var massCalibration: [String: MassCalibration]
    /// Detector statistics of clean containers, per detector kind ("door_zone"), and per kind
    /// and HS heading where calibration saw enough of that heading ("door_zone@0901").
    public var nulls: [String: NullDistribution]
    /// Clean reefer machinery, per coarse cell, per size/type code ("45R1") and per scanner and
    /// type ("SSZ-LINAC-2/45R1").
    public var machinery: [String: MachineryReference]
    /// A batch's own reading of its scanners' refrigeration units against `machinery`, per
    /// scanner: the factor their cells are multiplied by before they are compared
    /// (``Calibrator/batchMachinery(_:for:minimum:)``). Never written by calibration.
    public var machineryScale: [String: Double]? = nil
    /// Cargo density per HS heading (4 digits).
    public var headings: [String: HeadingProfile]
    /// The clean containers themselves: how their loads looked and what each detector measured.
    /// Goods calibration saw too few of (or none: a new commodity) are judged against the clean
    /// containers whose loads look most like theirs, not against all clean containers alike.
    /// Absent in profiles written before compare-18.
    public var references: CleanReferences?
    /// The strength (−log10 of the combined p-value) of every clean calibration container, each
    /// judged with itself left out of the nulls (as a new container would be): a container's
    /// score is the share of these its own strength exceeds. Absent in profiles made before
    /// compare-40 (their score stays 1 − the combined p-value).
    public var cleanStrengths: NullDistribution? = nil

    public struct MassCalibration: Sendable, Codable {
        /// Median of ln(declared / image) and its robust spread.
        public var logRatio: Double
        public var logSpread: Double
        public var count: Int
        /// How ln(declared / image) grows with the load's density (per unit of ln g/cm²), from
        /// `densityReference` (the ln of the load density `logRatio` holds at), when a batch
        /// showed it (``Calibrator/batchMass(_:for:minimum:)``); nil: the same at every density.
        public var densitySlope: Double? = nil
        public var densityReference: Double? = nil
        /// The load densities (g/cm²) the line was fitted over (5th to 95th percentile): it is
        /// not carried beyond them.
        public var densityRange: ClosedRange<Double>? = nil
        /// The share of the removed beam a batch's images showed scattered into the detectors,
        /// when they did (``Calibrator/batchMass(_:for:minimum:)``): the masses this scale
        /// holds for are read with it taken away (``Measurements/imageMassKg(scatter:)``).
        public var scatter: Double? = nil

        /// ln(declared / image) expected of a clean load of this density (g/cm², nil: unknown).
        public func logRatio(forLoadDensity density: Double?) -> Double {
            guard let slope = densitySlope, let reference = densityReference, let density, density > 1 else { return logRatio }
            var x = log(density)
            if let range = densityRange, range.lowerBound > 0 { x = min(max(x, log(range.lowerBound)), log(range.upperBound)) }
            return logRatio + slope * (x - reference)
        }

        /// How the images read against the declarations, in words: "read 17% heavier than
        /// declared, at the median".
        public var imagesAgainstDeclared: String {
            func words(_ r: Double) -> String { String(format: "%.0f%% %@", abs(exp(-r) - 1) * 100, r < 0 ? "heavier" : "lighter") }
            let scattered = scatter.map { String(format: ", once %.2f%% of the beam the load takes out is taken for scatter reaching the detectors", $0 * 100) } ?? ""
            guard densitySlope != nil, let range = densityRange else {
                return "read \(words(logRatio)) than declared, at the median" + scattered
            }
            return String(format: "read %@ than declared on light loads (%.0f g/cm²) and %@ on dense ones (%.0f g/cm²)",
                          words(logRatio(forLoadDensity: range.lowerBound)), range.lowerBound,
                          words(logRatio(forLoadDensity: range.upperBound)), range.upperBound) + scattered
        }
    }

    /// Why a scanner's mass is judged at a batch's own scale: the profile does not know it
    /// (`own` nil), or its images departed from `own`, the profile's scale. Begins what each
    /// card and the batch's warnings say.
    public static func batchScaleReason(scanner: String, own: MassCalibration?) -> String {
        guard let own else { return "scanner \(scanner) is not in the profile" }
        return "scanner \(scanner)'s images departed from the profile's mass scale (which \(own.imagesAgainstDeclared))"
    }

    /// What each reefer's card and the batch's warnings say of a batch's machinery scale.
    public static func machineryScaleReason(scanner: String, factor: Double) -> String {
        String(format: "scanner %@'s refrigeration units read %.0f%% %@ than the profile's reference (at the median of this batch's units): their machinery is compared at this batch's scale",
               scanner, abs(1 / factor - 1) * 100, factor > 1 ? "lighter" : "heavier")
    }

    public struct NullDistribution: Sendable, Codable {
        /// Sorted statistics of clean containers (capped in number).
        public var values: [Double]

        /// `values` sorted ascending.
        public init(values: [Double]) { self.values = values }

        /// P(statistic ≥ s) under "clean": empirical, with an exponential tail fitted to the
        /// upper fifth so that values beyond every clean one still get ordered p-values.
        /// `leavingOut`: `s` is one of the values (a calibration container judged against the
        /// nulls it helped make): one of its copies is left out.
        public func pValue(_ s: Double, leavingOut: Bool = false) -> Double {
            let n = values.count
            if leavingOut, n > 5, case let own = countBelow(s), own < n, values[own] == s {
                var rest = values
                rest.remove(at: own)
                return NullDistribution(values: rest).pValue(s)
            }
            guard n >= 5 else { return 1 }
            let empirical = (Double(n - countBelow(s)) + 1) / (Double(n) + 1)
            let (q80, meanExcess) = upperFifth
            guard s > q80 else { return empirical }
            return min(empirical, max(0.2 * exp(-(s - q80) / meanExcess), 1e-300))
        }

        /// ``pValue(_:)`` without its steps: between two clean values the share at or above is
        /// interpolated, and beyond the largest the upper fifth's exponential tail starts from
        /// where the interpolation ends, so that every difference in `s` keeps its order.
        /// Never rises as `s` does.
        public func continuousPValue(_ s: Double) -> Double {
            let n = values.count
            guard n >= 5 else { return 1 }
            func interpolated(_ x: Double) -> Double {
                let low = countBelow(x)
                guard low > 0 else { return 1 }
                let below = values[low - 1], above = low < n ? values[low] : x
                let fraction = above > below ? (x - below) / (above - below) : 1
                return 1 - (Double(low - 1) + fraction + 1) / (Double(n) + 1)
            }
            let largest = values[n - 1]
            guard s > largest else { return interpolated(s) }
            return max(interpolated(largest) * exp(-(s - largest) / upperFifth.meanExcess), 1e-300)
        }

        /// How many values lie below `s` (the index of the first at or above it).
        func countBelow(_ s: Double) -> Int {
            var low = 0, high = values.count
            while low < high {
                let mid = (low + high) / 2
                if values[mid] < s { low = mid + 1 } else { high = mid }
            }
            return low
        }

        /// Where the upper fifth starts, and its mean excess over that: the tail's scale.
        var upperFifth: (q80: Double, meanExcess: Double) {
            let start = Int(Double(values.count) * 0.8), q80 = values[start]
            let top = values[start...]
            return (q80, max(1e-6, top.reduce(0) { $0 + ($1 - q80) } / Double(top.count)))
        }
    }

    public struct MachineryReference: Sendable, Codable {
        /// Cells across (from the front wall) and down (from the ceiling).
        public var columns: Int
        public var rows: Int
        public var mean: [Double]
        public var spread: [Double]
        public var count: Int
        /// The clean units themselves (at most 200; absent in profiles made before compare-34):
        /// a unit is judged against the units most like it, so that units of another make or
        /// layout among the clean ones are each their own reference.
        public var units: [[Double]]?

        /// The reference for `cells`: the cell-by-cell median of the three clean units nearest to
        /// it (the sum of absolute differences over the cells), or the median of them all when
        /// fewer than five units were kept.
        public func nearest(to cells: [Double], leavingOut: Bool = false) -> [Double] {
            guard let units, units.count >= 5 else { return mean }
            let distances = units.map { unit in zip(unit, cells).reduce(0.0) { $0 + abs($1.0 - $1.1) } }
            let three = distances.indices.sorted { distances[$0] < distances[$1] }.filter { !leavingOut || distances[$0] > 0 }.prefix(3).map { units[$0] }
            return cells.indices.map { index in three.map { $0[index] }.sorted()[1] }
        }
    }

    /// Clean containers as features of their load (``features(of:)``) and their detector
    /// statistics by kind.
    public struct CleanReferences: Sendable, Codable {
        /// Per feature, the unit distances are measured in: its robust spread over the entries
        /// (1.4826 × MAD, or the 10–90 % range ÷ 2.56 when wider: most loads are flat-topped,
        /// so the roughness' MAD is often 0).
        public var scale: [Double]
        public var entries: [Entry]

        public struct Entry: Sendable, Codable {
            public var features: [Double]
            public var statistics: [String: Double]

            public init(features: [Double], statistics: [String: Double]) {
                self.features = features
                self.statistics = statistics
            }
        }

        /// How many look-alikes make a null: enough for its upper fifth to fit a tail.
        public static func neighbourCount(_ available: Int) -> Int { min(available, max(20, min(60, available / 8))) }

        /// What a load looks like, from the image alone: ln of its median density, the share of
        /// the cargo space it fills, its roughness and its texture (``LoadShape``); and how it
        /// was imaged: 1 when the scan is degraded (lossy, 8-bit or low flux), else 0. A lossy
        /// 8-bit scan makes more of what stands out in a load than a 16-bit one of the same load
        /// (block noise, quantised dark goods), so look-alikes are first of all scanned alike:
        /// the flag's scale (``qualityScale``) puts a scan of the other kind further away than
        /// most loads of another look. Until compare-62 the look alone: every
        /// batch of goods calibration saw ranks the same; bundled-style calibration, goods it
        /// never saw (seeds 4711 and 7373), AUC 0.903 -> 0.905 and 0.919 -> 0.920 (R-precision
        /// 0.780 -> 0.800), scanners it never saw (seed 7374) 0.910 -> 0.911.
        public static func features(of m: Measurements) -> [Double]? {
            guard let density = m.loadDensity, density > 1, let shape = m.loadShape else { return nil }
            return [log(density), m.loadFill, shape.roughness, shape.texture, m.degraded.isEmpty ? 0 : 1]
        }

        /// The quality flag's place among the features, and its scale: fixed, not measured (a
        /// 0/1 flag's spread is 0 or, when calibration saw exactly as many of each, 1.5): what
        /// the 10-90 % range gives when calibration saw at least a tenth of each, as the
        /// bundled profile did (183 degraded scans of 360): a scan of the other kind is 2.6
        /// units away.
        static let qualityFeature = 4, qualityScale = 1 / 2.563

        /// The features compared: the profile's own dimensions (a profile made before
        /// compare-62 has no quality flag; its loads are compared by their look alone).
        func compared(_ features: [Double]) -> ArraySlice<Double>? {
            features.count >= scale.count ? features.prefix(scale.count) : nil
        }

        public init(entries: [Entry]) {
            self.entries = entries
            let dimensions = entries.first?.features.count ?? 0
            scale = (0..<dimensions).map { d in
                let values = entries.map { $0.features[d] }.sorted()
                let median = values[values.count / 2]
                let deviations = values.map { abs($0 - median) }.sorted()
                let range = values[values.count * 9 / 10] - values[values.count / 10]
                return d == Self.qualityFeature ? Self.qualityScale : max(1e-3, 1.4826 * deviations[deviations.count / 2], range / 2.563)
            }
        }

        /// Indices of the entries nearest to `features` (Euclidean, each feature in its scale;
        /// ties by index, so the same load always gets the same neighbours).
        public func nearest(to features: [Double]) -> [Int] {
            guard let features = compared(features) else { return [] }
            let distances = entries.map { entry in
                scale.indices.reduce(0.0) { sum, d in
                    let difference = (entry.features[d] - features[d]) / scale[d]
                    return sum + difference * difference
                }
            }
            let order = distances.indices.sorted { distances[$0] != distances[$1] ? distances[$0] < distances[$1] : $0 < $1 }
            return Array(order.prefix(Self.neighbourCount(entries.count)))
        }

        /// Where `features` lie outside the range of every calibration load by more than half
        /// the feature's scale: the feature furthest out, the calibration loads' range of it.
        /// Look-alikes are then only the least unlike of loads unlike this one, and their nulls
        /// do not say what is usual for it (a low heap of loose scrap among calibrated loads
        /// that all fill over 58 % of the cargo space: its peaks stand above its level as no
        /// clean load's do). Half a scale: measured on generated goods left out of
        /// calibration, see ``Scorer/unlikeCalibration``.
        public func outside(_ features: [Double]) -> (dimension: Int, low: Double, high: Double)? {
            guard let features = compared(features), !entries.isEmpty else { return nil }
            var worst: (dimension: Int, low: Double, high: Double)?, furthest = 0.5
            for d in scale.indices {
                var low = Double.infinity, high = -Double.infinity
                for entry in entries { low = min(low, entry.features[d]); high = max(high, entry.features[d]) }
                let by = max(low - features[d], features[d] - high) / scale[d]
                if by > furthest { (worst, furthest) = ((d, low, high), by) }
            }
            return worst
        }

        /// The null of one kind over the given entries, when at least 20 of them measured it.
        public func null(_ kind: String, among indices: [Int]) -> NullDistribution? {
            let values = indices.compactMap { entries[$0].statistics[kind] }
            guard values.count >= 20 else { return nil }
            return NullDistribution(values: values.sorted())
        }
    }

    public struct HeadingProfile: Sendable, Codable {
        public var medianDensity: Double
        public var spread: Double
        public var count: Int
        /// The clean loads' texture (``LoadShape/texture``): median and robust spread (absent in
        /// profiles made before compare-39, and where calibration saw fewer than 8 loads).
        public var medianTexture: Double? = nil
        public var textureSpread: Double? = nil
    }

    /// The physics prior: no calibration. Mass ratio 1 ± 10 %, parametric nulls.
    public static let prior = ComparatorProfiles(
        version: formatVersion, profileID: "physics-prior", createdAt: "", cleanContainers: 0, hitContainers: 0,
        massCalibration: ["*": MassCalibration(logRatio: 0, logSpread: 0.1, count: 0)],
        nulls: [:], machinery: [:], headings: [:])

    /// `Samples/profiles.json`, carried in the binary: learned by `Samples/make-profiles.sh`
    /// from 420 generated containers of the four generated scanners and twelve kinds of goods.
    /// What ranks when no profile is given and the store holds none: on every generated batch
    /// measured it ranks far better than the physics priors (AUC 0.935 against 0.711 on dev
    /// seed 650, 0.970 against 0.733 on a scanner it never saw, 0.845 against 0.653 on the
    /// held-out seed 917), but it knows generated scans, not a port's own: calibrate on
    /// inspected containers.
    public static let bundled: ComparatorProfiles? = try? JSONDecoder().decode(ComparatorProfiles.self, from: Data(bundledJSON.utf8))

    /// Where these profiles come from, when that is not a calibration of the user's own: said
    /// beside the profile's id in the report and on the terminal.
    public var provenance: String? {
        if profileID == Self.prior.profileID {
            return "physics priors, no calibration: rough rankings; calibrate on inspected containers (`scantriage calibrate`)"
        }
        if profileID == Self.bundled?.profileID {
            return "the profile bundled with ScanTriage, learned from \(cleanContainers + hitContainers) generated containers: calibrate on inspected containers (`scantriage calibrate`) for your own scanners and goods"
        }
        return nil
    }

    /// What to say when these profiles were learned from another comparator's statistics: a
    /// comparator that measures differently (or measures kinds the profile never saw, which are
    /// then judged by physics priors) is judged against distributions that are not its own.
    /// Nil for the physics priors and a profile of this comparator.
    public var staleness: String? {
        guard profileID != Self.prior.profileID, comparator != Comparator.algorithmVersion else { return nil }
        let made = comparator.map { "by \($0)" } ?? "by a comparator before compare-53"
        return "profile \(profileID) was calibrated \(made), this build measures with \(Comparator.algorithmVersion): what it measures differently, or did not measure then, is judged against distributions that are not its own (evidence it never saw, by physics priors); calibrate again (`scantriage calibrate`)"
    }

    /// Clean containers of one heading needed before its own null distribution is used.
    public static let headingMinimum = 15

    /// The null distribution for a kind of evidence: the heading's own when calibration saw
    /// enough of it; else that of the clean containers whose loads look most like this one
    /// (`alike` finds them, ``CleanReferences/nearest(to:)``, asked only when needed); else
    /// that of all clean containers.
    public func null(_ kind: String, heading: String?, alike: (() -> [Int]?)? = nil) -> (distribution: NullDistribution, source: NullSource)? {
        if let heading, let own = nulls["\(kind)@\(heading)"], own.values.count >= Self.headingMinimum { return (own, .heading) }
        if let references, let neighbours = alike?(), let near = references.null(kind, among: neighbours) { return (near, .lookAlike) }
        if let all = nulls[kind], all.values.count >= 20 { return (all, .allClean) }
        return nil
    }

    /// Clean containers scanned alike (degraded or not) needed before their own null
    /// distribution of a kind corrects the heading's.
    public static let imagingMinimum = 20

    /// The key of a kind's null over the clean containers scanned alike: degraded (lossy,
    /// 8-bit or low flux) or not.
    public static func imagingKey(_ kind: String, degraded: Bool) -> String {
        "\(kind)~\(degraded ? "degraded" : "clear")"
    }

    /// How much more (above 1) or less often clean containers scanned as this one was show
    /// `s` or more than clean containers of every scan: the ratio of the two p-values, within
    /// 1/4 and 4. Nil when calibration saw too few of either.
    public func imagingFactor(_ kind: String, _ s: Double, degraded: Bool, leavingOut: Bool = false) -> Double? {
        guard let alike = nulls[Self.imagingKey(kind, degraded: degraded)], alike.values.count >= Self.imagingMinimum,
              let all = nulls[kind], all.values.count >= Self.imagingMinimum else { return nil }
        return min(4, max(0.25, alike.pValue(s, leavingOut: leavingOut) / all.pValue(s, leavingOut: leavingOut)))
    }

    /// Which clean containers a null distribution comes from.
    public enum NullSource: Sendable { case heading, lookAlike, allClean }

    public func machineryReference(forScanner id: String, type: String) -> MachineryReference? {
        if let own = machinery["\(id)/\(type)"], own.count >= 5 { return own }
        if let all = machinery[type], all.count >= 3 { return all }
        return nil
    }

    public func mass(forScanner id: String) -> MassCalibration {
        ownMass(forScanner: id) ?? massCalibration["*"] ?? MassCalibration(logRatio: 0, logSpread: 0.1, count: 0)
    }

    /// The scanner's own mass scale, when calibration saw enough of its containers (3).
    public func ownMass(forScanner id: String) -> MassCalibration? {
        massCalibration[id].flatMap { $0.count >= 3 ? $0 : nil }
    }

    public static func load(_ path: String) throws -> ComparatorProfiles {
        let data = try BoundedFile.read(path, maxBytes: 64 << 20)
        let profiles: ComparatorProfiles
        do {
            profiles = try JSONDecoder().decode(ComparatorProfiles.self, from: data)
        } catch {
            throw ScanTriageError(.invalidInput, "not a profile file written by `scantriage calibrate`: \(error)",
                                  at: SourceLocation(file: path))
        }
        guard profiles.version <= formatVersion else {
            throw ScanTriageError(.invalidInput,
                                  "profile format version \(profiles.version) is newer than this build reads (\(formatVersion)); update scantriage",
                                  at: SourceLocation(file: path, path: "$.version"))
        }
        if let references = profiles.references {
            // Distances are taken feature by feature: every entry needs one value per scale, and
            // every scale must be a positive number.
            if let bad = references.scale.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
                throw ScanTriageError(.invalidInput, "expected a positive number, found \(references.scale[bad])",
                                      at: SourceLocation(file: path, path: "$.references.scale[\(bad)]"))
            }
            if let bad = references.entries.firstIndex(where: { $0.features.count != references.scale.count || !$0.features.allSatisfy(\.isFinite) }) {
                throw ScanTriageError(.invalidInput,
                                      "expected \(references.scale.count) finite features (one per scale), found \(references.entries[bad].features.count)",
                                      at: SourceLocation(file: path, path: "$.references.entries[\(bad)].features"))
            }
        }
        return profiles
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try OutputFile.write(try encoder.encode(self), to: path)
    }
}
