import Foundation
import TriageManifest

/// Learns ``ComparatorProfiles`` from containers whose inspection outcome is known.
public enum Calibrator {
    public enum Outcome: String, Sendable, Codable { case clean, hit }

    /// The mass scale of scanners `profiles` has no calibration for, from one batch's own
    /// containers (at least `minimum` loaded, clear ones with a declared mass of a scanner): the
    /// median of ln(declared) − ln(image) over them, as calibration takes it over clean ones,
    /// most declarations being true. A scanner's absolute scale rests on its effective energy
    /// and detector (the mu its images are read with): stated 1.5 or 0.67 times its energy, the
    /// same 200 generated scenes under scanner ids the bundled profile does not know ranked at
    /// AUC 0.933 / 0.929 where stated right they ranked at 0.970, the mass check reading the
    /// scale as weight.
    ///
    /// The scale may grow with the load's density: scatter reaching the detectors lightens
    /// dense goods more than light ones (generated with `scangen --scatter`, clean loads read
    /// 4-6 % lighter than declared without it; with 0.5 % of what each slice takes out of the
    /// beam, 6-16 % on the lightest third and 19-46 % on the densest). So a line in the load's
    /// density (ln g/cm²; the median of the slopes between every two containers, the median
    /// level at the median density) is fitted too, and taken where it reaches further across
    /// the batch's densities (20th to 80th percentile; not carried beyond the 5th and 95th) than
    /// three of its own spreads (and 0.05): the two unseen scanners with S = 0.003 (seed 8383,
    /// 150 scenes) 0.896 -> 0.922 (without scatter 0.974).
    /// Before either, the batch's scatter is measured (compare-69): each container is weighed
    /// as if a share s of what its load takes out of the beam reached the detectors
    /// (``CargoMap/massesUnderScatter()``), and where the scanner's ratios hold clearly tighter
    /// at some s than as measured, or than at the share the profile holds for the scanner
    /// (``scatter(_:baseline:)``), its scale is the batch's, read at that s (the line on top
    /// where one still shows), whether the profile knows the scanner or not.
    /// The line alone follows the growth, but is loosely held by a scanner's 30-40 containers
    /// and cannot follow its bend; the share s is what the physics says grows. Measured with
    /// the bundled-style profile (calibrated without scatter), AUC from the line alone ->
    /// with the measured scatter: seed 6464 with S = 0.002 0.964 -> 0.966, S = 0.005 0.959 ->
    /// 0.964, S = 0.003 0.944 -> 0.967; the unseen scanners with S = 0.003 (seed 8383) 0.922
    /// -> 0.946; everything at once with S = 0.002 (seed 8686) 0.855 -> 0.873 (the same scenes
    /// without scatter 0.920). The 13 level batches without scatter rank byte for byte as before.
    /// A scanner the profile knows takes the batch's line only where, at either end of those
    /// densities, it departs from the profile's scale by more than three of the profile's
    /// spreads (and 0.05): the scanner has changed since calibration (scatter, a detector, its
    /// energy). On 200 generated scenes (seed 6464) with scatter and a profile calibrated
    /// without: AUC 0.934 -> 0.964 (S = 0.002) and 0.893 -> 0.959 (S = 0.005; without scatter
    /// 0.988), under-declared mass found in 4 of 4 where 2 and 0 were; 24 batches without
    /// scatter, of seen and unseen scanners and goods, ranked exactly as before.
    public static func batchMass(_ batch: [Measurements], for profiles: ComparatorProfiles,
                                 minimum: Int = 20) -> [String: ComparatorProfiles.MassCalibration] {
        let shares = CargoMap.scatterShares
        var found: [String: ComparatorProfiles.MassCalibration] = [:]
        for (scanner, values) in massSamples(batch) where values.count >= minimum {
            let own = profiles.ownMass(forScanner: scanner)
            // The share the profile read the scanner at (none for a scanner it does not know):
            // another only where clearly tighter.
            let ownShare = own?.scatter.flatMap { s in shares.firstIndex { $0 >= s - 1e-9 } } ?? 0
            let scatter = Self.scatter(values, baseline: ownShare)
            let ys = values.map { $0.y[scatter] }, median = Self.median(ys)
            var flat = ComparatorProfiles.MassCalibration(logRatio: median, logSpread: max(0.03, Self.robustSpread(ys, around: median)),
                                                          count: values.count)
            flat.scatter = scatter > 0 ? shares[scatter] : nil
            let points = values.compactMap { v in v.x.map { (x: $0, y: v.y[scatter]) } }
            let changed = scatter != ownShare
            guard points.count >= minimum else {
                if own == nil || changed { found[scanner] = flat }
                continue
            }
            guard let (fitted, low, high) = densityLine(points) else { continue }
            var line = fitted
            line.scatter = flat.scatter
            if changed {
                let reach = abs(line.logRatio(forLoadDensity: high) - line.logRatio(forLoadDensity: low))
                found[scanner] = reach > max(0.05, 3 * line.logSpread) ? line : flat
            } else if let own {
                let departure = max(abs(line.logRatio(forLoadDensity: low) - own.logRatio(forLoadDensity: low)),
                                    abs(line.logRatio(forLoadDensity: high) - own.logRatio(forLoadDensity: high)))
                if departure > max(0.05, 3 * own.logSpread) { found[scanner] = line }
            } else {
                let reach = abs(line.logRatio(forLoadDensity: high) - line.logRatio(forLoadDensity: low))
                // Against the line's own spread: the median's takes in the growth itself.
                found[scanner] = reach > max(0.05, 3 * line.logSpread) ? line : flat
            }
        }
        return found
    }

    /// The factor a batch's refrigeration units of a scanner are read with, where they read
    /// clearly apart from the profile's reference (more than 5 %): the median, over its reefers
    /// (at least `minimum`), of the reference's total over the unit's. A scanner whose beam
    /// hardens more than calibration's reads the machinery's steel lighter, and bricks there
    /// with it: generated with `scangen --hardening 0.5` (every scanner's effective mu falling
    /// by half at high attenuation, against its own 4-9 %), the units read 11-16 % light, and
    /// hardened by 0.25, 4-7 %; with scatter (S = 0.002, 0.005) and on the batches without
    /// either, within 3 % (the scatter of a unit's steel lands on its own cells).
    public static func batchMachinery(_ batch: [Measurements], for profiles: ComparatorProfiles,
                                      minimum: Int = 8) -> [String: Double] {
        var ratios: [String: [Double]] = [:]
        for m in batch {
            guard let cells = m.machineryCells, !cells.isEmpty,
                  let reference = profiles.machineryReference(forScanner: m.scannerID, type: m.geometry.type),
                  reference.mean.count == cells.count else { continue }
            let unit = cells.reduce(0, +), expected = reference.mean.reduce(0, +)
            guard unit > 0, expected > 0 else { continue }
            ratios[m.scannerID, default: []].append(expected / unit)
        }
        var found: [String: Double] = [:]
        for (scanner, values) in ratios where values.count >= minimum {
            let factor = median(values)
            if abs(log(factor)) > 0.05 { found[scanner] = factor }
        }
        return found
    }

    /// Per scanner, each loaded, clear container of `measured` declaring more than a tonne:
    /// ln of its load density (when over 1 g/cm²) and ln(declared / image) at each of
    /// ``CargoMap/scatterShares`` (one, as measured, for measurements made before compare-69).
    static func massSamples(_ measured: [Measurements]) -> [String: [(x: Double?, y: [Double])]] {
        var samples: [String: [(x: Double?, y: [Double])]] = [:]
        for m in measured where !m.declaredEmpty && m.opaqueFraction < 0.005 {
            guard let declared = m.declaredMassKg, declared > 1000 else { continue }
            let masses = m.scatterMassesKg.flatMap { $0.count == CargoMap.scatterShares.count ? $0 : nil } ?? [m.imageMassKg]
            samples[m.scannerID, default: []].append((m.loadDensity.flatMap { $0 > 1 ? log($0) : nil },
                                                      masses.map { log(declared + 500) - log($0 + 500) }))
        }
        return samples
    }

    /// The index in ``CargoMap/scatterShares`` at which a scanner's containers' ln(declared /
    /// image) (`values`: per container, one per share) hold tightest, when that is clearly
    /// tighter than at `baseline` (by a fifth, and by 0.01: a batch without scatter, of a
    /// scanner stated at half again its energy, was 0.002 tighter at 0.05 %); `baseline`
    /// otherwise.
    static func scatter(_ values: [(x: Double?, y: [Double])], baseline: Int = 0) -> Int {
        guard let first = values.first, first.y.count > baseline, values.allSatisfy({ $0.y.count == first.y.count }) else { return 0 }
        // The root mean square about the median of the nine tenths nearest it: the densest
        // loads, which scatter lightens most, count; a few false declarations do not.
        func spread(_ k: Int) -> Double {
            let ys = values.map { $0.y[k] }, center = median(ys)
            let kept = ys.map { abs($0 - center) }.sorted().prefix(ys.count * 9 / 10)
            return (kept.map { $0 * $0 }.reduce(0, +) / Double(max(1, kept.count))).squareRoot()
        }
        let spreads = first.y.indices.map(spread)
        let best = spreads.indices.min { spreads[$0] < spreads[$1] } ?? 0
        return spreads[baseline] - spreads[best] > max(0.2 * spreads[baseline], 0.01) ? best : baseline
    }

    /// ln(declared / image) as a line in ln(load density) (`points`: x, y): the median of the
    /// slopes between every two points (at most ±1), the median level at the median density,
    /// the residuals' robust spread, carried no further than the 5th and 95th percentile of
    /// the densities; with the 20th and 80th percentile densities (g/cm²).
    static func densityLine(_ points: [(x: Double, y: Double)]) -> (ComparatorProfiles.MassCalibration, low: Double, high: Double)? {
        guard points.count >= 2 else { return nil }
        var slopes: [Double] = []
        for i in points.indices {
            for j in points.indices where j > i && abs(points[j].x - points[i].x) > 0.05 {
                slopes.append((points[j].y - points[i].y) / (points[j].x - points[i].x))
            }
        }
        let xs = points.map(\.x).sorted(), reference = Self.median(xs)
        let slope = slopes.isEmpty ? 0 : max(-1, min(1, Self.median(slopes)))
        let level = Self.median(points.map { $0.y - slope * ($0.x - reference) })
        let residuals = points.map { $0.y - level - slope * ($0.x - reference) }
        let line = ComparatorProfiles.MassCalibration(logRatio: level, logSpread: max(0.03, Self.robustSpread(residuals, around: 0)),
                                                      count: points.count, densitySlope: slope, densityReference: reference,
                                                      densityRange: exp(xs[xs.count / 20])...exp(xs[xs.count * 19 / 20]))
        return (line, exp(xs[xs.count / 5]), exp(xs[xs.count * 4 / 5]))
    }

    public static func learn(_ samples: [(Measurements, Outcome)], createdAt: String) -> ComparatorProfiles {
        let clean = samples.filter { $0.1 == .clean }.map(\.0)
        var profiles = ComparatorProfiles.prior
        profiles.createdAt = createdAt
        profiles.comparator = Comparator.algorithmVersion
        profiles.cleanContainers = clean.count
        profiles.hitContainers = samples.count - clean.count
        // Mass: ln(declared) − ln(image) on loaded, clear, clean containers.
        // (A line in the load's density, as ``batchMass(_:for:minimum:)`` fits one, was tried
        // here too: calibrated on 420 generated scans with scatter (S = 0.003), it was kept for
        // one scanner of four, and a batch of 200 with that scatter ranked at AUC 0.910 against
        // 0.919 with the medians alone, and 0.944 with a profile calibrated without scatter and
        // the batch's own line.)
        // A scanner's scatter is measured as a batch's is (``scatter(_:baseline:)``), where
        // calibration saw 20 or more of its loaded containers; the pooled scale is as measured.
        // Calibrated on 420 generated scans with S = 0.003, every scanner's share was 0.003,
        // and 200 scenes with that scatter (seed 6464) ranked at 0.958 (0.919 with the medians
        // as measured); calibrated without scatter, the profile is byte for byte as before.
        var pooled: [Double] = []
        for (scanner, samples) in massSamples(clean) {
            pooled += samples.map { $0.y[0] }
            guard samples.count >= 3 else { continue }
            let share = samples.count >= 20 ? Self.scatter(samples) : 0
            let values = samples.map { $0.y[share] }
            let median = Self.median(values)
            profiles.massCalibration[scanner] = .init(logRatio: median, logSpread: max(0.03, Self.robustSpread(values, around: median)),
                                                      count: values.count, scatter: share > 0 ? CargoMap.scatterShares[share] : nil)
        }
        if pooled.count >= 3 {
            let median = Self.median(pooled)
            profiles.massCalibration["*"] = .init(logRatio: median, logSpread: max(0.03, Self.robustSpread(pooled, around: median)),
                                                  count: pooled.count)
        }
        // Reefer machinery: median and spread per cell, per type and per scanner and type.
        var units: [String: [(scanID: String, cells: [Double])]] = [:]
        for m in clean {
            guard let cells = m.machineryCells, cells.count == Measurer.machineryColumns * Measurer.machineryRows else { continue }
            units[m.geometry.type, default: []].append((m.scanID, cells))
            units["\(m.scannerID)/\(m.geometry.type)", default: []].append((m.scanID, cells))
        }
        func reference(_ list: [[Double]]) -> ComparatorProfiles.MachineryReference {
            let count = list[0].count
            var mean = [Double](repeating: 0, count: count), spread = mean
            for index in 0..<count {
                let values = list.map { $0[index] }
                mean[index] = Self.median(values)
                spread[index] = Self.robustSpread(values, around: mean[index])
            }
            let kept = stride(from: 0, to: list.count, by: max(1, (list.count + 199) / 200)).map { list[$0] }
            return .init(columns: Measurer.machineryColumns, rows: Measurer.machineryRows, mean: mean, spread: spread, count: list.count,
                         units: kept)
        }
        for (key, list) in units where list.count >= 3 { profiles.machinery[key] = reference(list.map(\.cells)) }
        // Cargo density per HS heading.
        var byHeading: [String: [Double]] = [:], textures: [String: [Double]] = [:]
        for m in clean {
            guard let heading = m.hsCode.map({ String($0.prefix(4)) }) else { continue }
            if let d = m.loadDensity { byHeading[heading, default: []].append(d) }
            if let t = m.loadShape?.texture { textures[heading, default: []].append(t) }
        }
        for (heading, values) in byHeading where values.count >= 3 {
            let median = Self.median(values)
            profiles.headings[heading] = .init(medianDensity: median, spread: Self.robustSpread(values, around: median), count: values.count)
            if let texture = textures[heading], texture.count >= 8 {
                let middle = Self.median(texture)
                profiles.headings[heading]?.medianTexture = middle
                profiles.headings[heading]?.textureSpread = Self.robustSpread(texture, around: middle)
            }
        }
        // Null distributions: each statistic over the clean containers, with what was just
        // learned; overall, and per HS heading where there are enough.
        func store(_ key: String, _ values: [Double]) {
            let sorted = values.sorted()
            let step = max(1, sorted.count / 2000)
            profiles.nulls[key] = .init(values: stride(from: 0, to: sorted.count, by: step).map { sorted[$0] })
        }
        var statistics = [[String: Double]](repeating: [:], count: clean.count)
        for kind in Scorer.scored + Scorer.located + Scorer.reported {
            var all: [Double] = []
            var byHeading: [String: [Double]] = [:], byImaging: [String: [Double]] = [:]
            for (index, m) in clean.enumerated() {
                // The machinery is judged against a reference learned without this unit (leave one
                // out): in-sample, every unit would look closer to the reference than a new one does.
                var judge = profiles
                if kind == .machinery {
                    for key in [m.geometry.type, "\(m.scannerID)/\(m.geometry.type)"] {
                        let others = (units[key] ?? []).filter { $0.scanID != m.scanID }.map(\.cells)
                        judge.machinery[key] = others.count >= 3 ? reference(others) : nil
                    }
                }
                guard let value = Scorer.statistic(kind, m, profiles: judge)?.0 else { continue }
                all.append(value)
                byImaging[ComparatorProfiles.imagingKey(kind.rawValue, degraded: !m.degraded.isEmpty), default: []].append(value)
                guard kind.dependsOnGoods else { continue }
                statistics[index][kind.rawValue] = value
                if let code = m.hsCode { byHeading[String(code.prefix(4)), default: []].append(value) }
            }
            if all.count >= 5 { store(kind.rawValue, all) }
            for (key, values) in byImaging where values.count >= ComparatorProfiles.imagingMinimum { store(key, values) }
            for (heading, values) in byHeading where values.count >= ComparatorProfiles.headingMinimum {
                store("\(kind.rawValue)@\(heading)", values)
            }
        }
        // The clean containers by the look of their loads (at most 2,000, evenly spaced).
        let described = clean.indices.compactMap { index in
            ComparatorProfiles.CleanReferences.features(of: clean[index]).map {
                ComparatorProfiles.CleanReferences.Entry(features: $0, statistics: statistics[index])
            }
        }
        if described.count >= 20 {
            let step = max(1, (described.count + 1999) / 2000)
            profiles.references = .init(entries: stride(from: 0, to: described.count, by: step).map { described[$0] })
        }
        // The score's own calibration: how strong the evidence is on each clean container,
        // judged as a new one would be, with itself left out of the nulls, look-alikes and
        // machinery units it is in. Judged with itself in, clean calibration containers looked
        // weaker than new clean ones, and new ones scored too high (on the 816 clean dev
        // containers 66 % at 0.5 or more, 41 % at 0.8); left out, and leaving aside the
        // cannot-clear ones, 57 / 26 / 13 / 5.7 / 0.6 % at 0.5 / 0.8 / 0.9 / 0.95 / 0.99.
        if clean.count >= 20 {
            let strengths = clean.map { Scorer.score($0, profiles: profiles, leavingOut: true).strength }.sorted()
            let step = max(1, strengths.count / 2000)
            profiles.cleanStrengths = .init(values: stride(from: 0, to: strengths.count, by: step).map { strengths[$0] })
        }
        // The id is a hash of what was learned (not of when), so the same calibration gives the
        // same id and any change gives a new one.
        var hasher = FNV1a()
        for (m, outcome) in samples.sorted(by: { $0.0.scanID < $1.0.scanID }) { hasher.add("\(m.scanID):\(outcome.rawValue);") }
        profiles.profileID = ""
        profiles.createdAt = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        hasher.add(String(decoding: (try? encoder.encode(profiles)) ?? Data(), as: UTF8.self))
        profiles.profileID = "cal-" + String(hasher.value, radix: 16)
        profiles.createdAt = createdAt
        return profiles
    }

    /// 1.4826 × the median absolute deviation from `center`: the standard deviation where the
    /// values are normal, unmoved by a few far out.
    static func robustSpread(_ values: [Double], around center: Double) -> Double {
        median(values.map { abs($0 - center) }) * 1.4826
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// 64-bit FNV-1a, for short stable identifiers.
struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
    }
}
