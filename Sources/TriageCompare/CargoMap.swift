import Foundation
import TriageKernels
import TriagePhysics

/// The cargo space on a grid of ~50 mm blocks: areal density D (g/cm²) of what is inside,
/// after the container's own walls are taken away, with the noise that goes with it.
public struct CargoMap: Sendable {
    /// Blocks across (along the container) and down (ceiling to floor).
    public let columns: Int
    public let rows: Int
    /// Block size in pixels and the pixel where block (0, 0) starts.
    public let blockWidth: Int
    public let blockHeight: Int
    public let originX: Int
    public let originY: Int
    /// Block size in millimetres and area in cm².
    public let blockWidthMM: Double
    public let blockHeightMM: Double
    public var blockAreaCm2: Double { blockWidthMM * blockHeightMM / 100 }
    /// Areal density of the cargo per block, g/cm² (may be slightly negative from noise).
    public var density: [Float]
    /// Pixels per block that are opaque (nothing got through).
    public var opaque: [Float]
    /// μ/ρ used to turn attenuation into areal density (cm²/g).
    public let mu: Double
    /// Attenuation of the empty container's walls inside the cargo space.
    public let wallAttenuation: Double
    /// One-sigma noise of a block's D (g/cm²).
    public let noise: Double
    /// Blocks whose D is above this are occupied.
    public let occupiedThreshold: Float
    /// The attenuation at which the scan ran out of photons (``CargoMapper/photonCeiling(_:)``),
    /// when it did: blocks there count as opaque.
    public let photonCeiling: Float?

    public subscript(column: Int, row: Int) -> Float { density[row * columns + column] }
    public func occupied(_ column: Int, _ row: Int) -> Bool { density[row * columns + column] > occupiedThreshold }

    /// Pixel box [x, y, w, h] of a block range.
    public func bbox(columns c: ClosedRange<Int>, rows r: ClosedRange<Int>) -> [Int] {
        [originX + c.lowerBound * blockWidth, originY + r.lowerBound * blockHeight,
         (c.count) * blockWidth, (r.count) * blockHeight]
    }

    /// Mass in kg of the blocks in `indices`.
    public func massKg<S: Sequence>(of indices: S) -> Double where S.Element == Int {
        var sum = 0.0
        for index in indices { sum += Double(density[index]) }
        return sum * blockAreaCm2 / 1000
    }
}

/// Where the load is denser than its own context: the dense-region comparison's z (a 50 mm
/// block's areal density less the median of the five columns of load around it, over their
/// robust spread; ``Measurer``'s `denseRegion`, the residuals kernel) for each block inside the
/// load where it reaches ``threshold``, the strongest ``limit`` of them. What the report's
/// pictures tint, so that an analyst sees where the load departs from itself, not only the
/// boxes of what was found. Places are in the measured map's pixels (levelled, when the
/// container stood tilted: ``Measurements/levelling``).
public struct AnomalyMap: Sendable, Codable, Equatable {
    public static let threshold: Float = 3
    public static let limit = 600
    public var originX: Int
    public var originY: Int
    public var blockWidth: Int
    public var blockHeight: Int
    public var columns: Int
    /// Block indices (row × columns + column), strongest first, and each one's z in tenths
    /// (at most 25.5).
    public var blocks: [Int]
    public var tenths: [UInt8]

    init(_ cargo: CargoMap, _ heat: [(block: Int, z: Float)]) {
        originX = cargo.originX
        originY = cargo.originY
        blockWidth = cargo.blockWidth
        blockHeight = cargo.blockHeight
        columns = cargo.columns
        let strongest = heat.sorted { $0.z > $1.z || ($0.z == $1.z && $0.block < $1.block) }.prefix(Self.limit)
        blocks = strongest.map(\.block)
        tenths = strongest.map { UInt8(min(255, max(0, ($0.z * 10).rounded()))) }
    }

    /// The `k`-th block's box in the measured map's pixels, `[x, y, width, height]`, and its z.
    public func block(_ k: Int) -> (box: [Int], z: Float) {
        let c = blocks[k] % columns, r = blocks[k] / columns
        return ([originX + c * blockWidth, originY + r * blockHeight, blockWidth, blockHeight], Float(tenths[k]) / 10)
    }
}

/// μ/ρ for the declared goods: what the commodity is made of, by HS chapter. At a linac's
/// 2–3 MeV the elements differ by up to a tenth (water 0.049 cm²/g at 2 MeV, silicates 0.045,
/// iron 0.043), and beyond by more (iron 0.031 against water 0.028 at 6 MeV): ceramic tiles
/// weighed as water read about a tenth light, enough to hide a tenth more than declared.
public enum CargoMaterial {
    public static func material(forHS code: String?) -> Material {
        guard let code, let chapter = Int(code.prefix(2)) else { return .water }
        switch chapter {
        case 1...24: return .bananaLike        // foodstuffs: mostly water and carbohydrate
        case 25...27: return .sand             // mineral products
        case 39, 40: return .polyethylene      // plastics, rubber
        case 41...49, 94: return .cellulose    // leather, wood, paper, furniture
        case 50...67: return .cellulose        // textiles, footwear
        case 68...70: return .sand             // stone, ceramics, glass: silicates
        case 76: return .aluminium             // aluminium and its articles
        case 78: return .lead                  // lead and its articles
        case 72...83: return .iron             // base metals
        case 84...89, 93: return .iron         // machinery, electrical goods, vehicles, arms: mostly steel
        default: return .water
        }
    }
}

public enum CargoMapper {
    /// Builds the cargo map of the interior of `geometry`.
    public static func map(_ attenuation: AttenuationMap, geometry: ContainerGeometry, pitchX: Double, pitchY: Double,
                           effectiveMeV: Double, cargoMaterial: Material, degraded: Bool) -> CargoMap {
        let blockWidth = max(1, Int((50 / pitchX).rounded()))
        let blockHeight = max(1, Int((50 / pitchY).rounded()))
        let width = attenuation.width
        // Block statistics over the whole image (one SIMD pass), then the interior blocks.
        let originX = geometry.innerX0, originY = geometry.ceiling
        let columns = max(1, (geometry.innerX1 - originX) / blockWidth)
        let rows = max(1, (geometry.floor - originY) / blockHeight)
        // The kernel reads the interior in place (row stride = the scan's width) and counts the
        // opaque pixels per block on the way, when the scan has any.
        let innerWidth = columns * blockWidth, innerHeight = rows * blockHeight
        // The locator keeps the cargo space inside the image; the kernel reads it in place,
        // unchecked, so that is checked here rather than trusted.
        precondition(originX >= 0 && originY >= 0 && originX + innerWidth <= width && originY + innerHeight <= attenuation.height,
                     "cargo space \(originX),\(originY) \(innerWidth)x\(innerHeight) outside the \(width)x\(attenuation.height) map")
        let grid = attenuation.values.withUnsafeBufferPointer { a in
            let start = originY * width + originX
            let interior = UnsafeBufferPointer(rebasing: a[start..<(start + (innerHeight - 1) * width + innerWidth)])
            let ceiling: Float = attenuation.opaqueCount > 0 ? attenuation.saturation - 1e-3 : .infinity
            return KernelDispatch.blockStatistics(interior, width: innerWidth, height: innerHeight, rowStride: width,
                                                  blockWidth: blockWidth, blockHeight: blockHeight, ceiling: ceiling)
        }
        // Opaque pixels per block; a block whose mean attenuation reaches the encoding's
        // under-penetration level, or the scan's photon ceiling, counts as opaque throughout:
        // goods denser than what it shows (a package among sacks of coffee on an 8-bit scan)
        // would read the same.
        let pixelsPerBlockF = Float(blockWidth * blockHeight)
        let ceiling = photonCeiling(grid)
        let limit = min(attenuation.underPenetrated, ceiling ?? .infinity)
        let opaqueCount = zip(grid.over, grid.mean).map { over, mean in
            mean >= limit ? pixelsPerBlockF : Float(over) }
        // Walls: the prior from the type's construction, checked against the emptiest blocks.
        let steelMu = Material.iron.massAttenuation(atMeV: effectiveMeV)
        let prior = geometry.isReefer
            ? steelMu * 2 * 0.1 * 7.9 + Material.aluminium.massAttenuation(atMeV: effectiveMeV) * 2 * 0.1 * 2.7
                + Material.polyethylene.massAttenuation(atMeV: effectiveMeV) * 0.8
            : steelMu * 2 * 0.16 * 7.87 * 1.2
        var means = grid.mean
        let empirical = Double(Selection.select(&means, min(means.count - 1, means.count / 50)))
        let wall = (empirical > prior * 0.5 && empirical < prior * 1.5) ? empirical : prior
        // Noise of one pixel, from the air above the container.
        let pixelNoise = airNoise(attenuation, geometry: geometry)
        let pixelsPerBlock = Double(blockWidth * blockHeight)
        let floorNoise = degraded ? 0.03 : 0.01
        let blockNoiseA = sqrt(pixelNoise * pixelNoise / pixelsPerBlock + floorNoise * floorNoise)
        let mu = cargoMaterial.massAttenuation(atMeV: effectiveMeV)
        let density = grid.mean.map { Float((Double($0) - wall) / mu) }
        let noiseD = blockNoiseA / mu
        return CargoMap(columns: columns, rows: rows, blockWidth: blockWidth, blockHeight: blockHeight,
                        originX: originX, originY: originY,
                        blockWidthMM: Double(blockWidth) * pitchX, blockHeightMM: Double(blockHeight) * pitchY,
                        density: density, opaque: opaqueCount, mu: mu, wallAttenuation: wall, noise: noiseD,
                        occupiedThreshold: Float(max(3.0, 4 * noiseD)), photonCeiling: ceiling)
    }

    /// The attenuation at which the scan ran out of photons, when it did: the densest blocks
    /// pile up at one value (2 % of the blocks or more within 0.1 of the largest mean) with
    /// their pixel variance collapsed (under a quarter of that of blocks 0.5 to 1 lower, where
    /// photon noise grows with A as long as photons get through), at a transmission below
    /// 1/3000 (A ≥ 8). Counting statistics end there, whatever the encoding's floor says: a
    /// low-flux linac's log-encoded scan reads the same for anything denser.
    ///
    /// When no blocks lie 0.5 to 1 below (the whole load beyond the ceiling: 25.6 t of tiles
    /// in a 20 ft box on the 8-bit PNG-LINAC-3, A 10.8 throughout, read as "penetrated
    /// throughout" and 28 % light), the variance at the pile-up is judged against what
    /// counting statistics give there: a pixel's variance in A is 1/N for N photons, so
    /// e^A / N₀; N₀ is bounded from the blocks between A 3 and the pile-up (their variance
    /// over e^A, at its 10th percentile: load edges within a block only add to it). A pile-up
    /// under a thirtieth of that is a floor: on generated scans, floors measured under 0.005 of
    /// it, dense loads that photons still got through 0.12-9.
    static func photonCeiling(_ grid: BlockGrid) -> Float? {
        guard let top = grid.mean.max(), top >= 8 else { return nil }
        var atTop: [Float] = [], below: [Float] = []
        for index in grid.mean.indices {
            let mean = grid.mean[index]
            if mean >= top - 0.1 { atTop.append(grid.variance[index]) } else if mean >= top - 1, mean < top - 0.5 { below.append(grid.variance[index]) }
        }
        guard atTop.count >= 10, atTop.count * 50 >= grid.mean.count else { return nil }
        let topVariance = Selection.select(&atTop, atTop.count / 2)
        guard below.count >= 10 else {
            var perPhoton: [Float] = []
            for index in grid.mean.indices where grid.mean[index] >= 3 && grid.mean[index] < top - 0.5 {
                perPhoton.append(grid.variance[index] * exp(-grid.mean[index]))
            }
            guard perPhoton.count >= 10 else { return nil }
            let counting = Selection.select(&perPhoton, perPhoton.count / 10) * exp(top)
            return topVariance * 30 < counting ? top - 0.1 : nil
        }
        let belowVariance = Selection.select(&below, below.count / 2)
        return topVariance * 4 < belowVariance ? top - 0.1 : nil
    }

    /// Standard deviation of A over air: rows above the container (or beside it), leaving out
    /// what is not air noise — dead detector rows or columns, a dark frame round the image, a
    /// crane hook: values more than eight robust sigmas (1.4826 × the median absolute
    /// deviation) from the median. Five dark columns at each side of a generated scan made the old
    /// plain deviation 17 times the noise (3.6 for 0.21), and every check blind.
    static func airNoise(_ map: AttenuationMap, geometry: ContainerGeometry) -> Double {
        let bottom = max(0, geometry.top - 8)
        let rows = stride(from: 2, to: bottom, by: 2), columns = stride(from: 0, to: map.width, by: 3)
        let count = rows.underestimatedCount * columns.underestimatedCount
        guard count > 100 else { return 0.02 }
        return map.values.withUnsafeBufferPointer { a -> Double in
            // The median and its deviation from about 2,000 of the samples (selecting among
            // all of them cost 0.3–0.5 ms a scan), then the deviation of all within reach.
            let every = max(1, count / 2000)
            var some: [Float] = []
            some.reserveCapacity(count / every + 1)
            // Every `every`-th sample in row order (a countdown: a division per sample was a
            // third of this function's time).
            var untilNext = 0
            for y in rows {
                for x in columns {
                    if untilNext == 0 { some.append(a[y &* map.width &+ x]); untilNext = every }
                    untilNext &-= 1
                }
            }
            let median = Selection.select(&some, some.count / 2)
            for i in some.indices { some[i] = abs(some[i] - median) }
            let reach = 8 * 1.4826 * Selection.select(&some, some.count / 2)
            var sum = 0.0, squares = 0.0, n = 0.0
            for y in rows {
                for x in columns {
                    let value = a[y &* map.width &+ x]
                    guard abs(value - median) <= reach else { continue }
                    let v = Double(value)
                    sum += v
                    squares += v * v
                    n += 1
                }
            }
            guard n > 100 else { return 0.02 }
            let mean = sum / n
            return sqrt(max(0, squares / n - mean * mean))
        }
    }
}

extension CargoMap {
    /// The shares of the beam a load takes out that a batch may find scattered into its
    /// detectors (``Calibrator/batchMass(_:for:minimum:)``), at which ``massesUnderScatter()``
    /// weighs the cargo.
    public static let scatterShares: [Double] = [0, 0.0005, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004, 0.005,
                                                 0.006, 0.007, 0.008, 0.01]

    /// The cargo's mass (kg) read as if a share s (each of ``scatterShares``) of what the load
    /// takes out of the beam reached the detectors as scatter. A line scanner's detectors are
    /// collimated to the slice being irradiated, but what that slice scatters forward lands
    /// along the detector line near where it was taken out: it adds to each pixel about s
    /// times the beam lost around it in its column (I' = I + s·I₀·R̄, R̄ the removed share
    /// 1 − I/I₀ spread ±0.6 m along the column, a triangle), light where the beam is strong,
    /// much where it is weak. So scatter reads dense goods lighter than light ones, and by more
    /// the denser they are; taken away, A = −ln(T' − s·R̄) = A' − ln(1 − s·x) per block, with
    /// T' = e^−A' as measured and x = R̄ / T' (never more than 3 above A', where T' is all
    /// scatter). At s = 0 it is the map's own mass.
    ///
    /// The spread along the column is an assumption (it is what `scangen --scatter` renders):
    /// over the column's whole cargo space instead, the batches with scatter ranked at AUC
    /// 0.879 / 0.959 / 0.957 / 0.961 / 0.942 against 0.872 / 0.968 / 0.960 / 0.968 / 0.943
    /// (seeds 8686, 6464 with S = 0.002, 0.005, 0.003, 8383; a coarser grid of shares).
    /// The blocks' x are gathered in eight bins an octave (the float's exponent and top three
    /// bits of its significand) and each share weighs a bin at its mean x: 14 shares cost a few
    /// thousand logarithms, not 14 per block.
    /// `ratios`: the map's ``scatterRatios()``, when already at hand.
    public func massesUnderScatter(ratios: [Float]? = nil) -> [Double] {
        let count = columns * rows
        let mass = massKg(of: density.indices)
        guard count > 0 else { return Self.scatterShares.map { _ in mass } }
        let ratio = ratios ?? scatterRatios()
        // x by bins of eight an octave, from 2^-20 (s·x below 1e-8) to 2^40.
        let lowest = -20, octaves = 60
        var binCount = [Double](repeating: 0, count: octaves * 8), binSum = binCount
        for x in ratio {
            guard x.isFinite, x > 0 else { continue }
            let octave = Int(x.exponent) - lowest
            guard octave >= 0 else { continue }
            let bin = min(octaves - 1, octave) * 8 + Int(x.significandBitPattern >> 20)
            binCount[bin] += 1
            binSum[bin] += Double(x)
        }
        return Self.scatterShares.map { share in
            guard share > 0 else { return mass }
            var added = 0.0
            for bin in binCount.indices where binCount[bin] > 0 {
                added += binCount[bin] * Self.attenuationAdded(taking: share * binSum[bin] / binCount[bin], atMost: 3)
            }
            return mass + added / mu * blockAreaCm2 / 1000
        }
    }

    /// The map with a share `s` of the removed beam taken away as scatter, block by block
    /// (A = A' − ln(1 − s·x), at most 2 more; ``massesUnderScatter()``): what the detectors of
    /// dense regions, windows, inclusions, the door zone and the space above the load look at
    /// when the profile holds the scanner's scatter, or the batch measured it. Calibrated on 420
    /// generated scans with S = 0.003 (the profile holding 0.30 % on every scanner; calibration
    /// measures such a scanner's scans again with it), 200 scenes with that scatter (seed 6464)
    /// ranked at AUC 0.958 with the maps as read and 0.964 with the maps so mended (0.984 at
    /// most 3 more); the same scenes without scatter 0.989 (the batch measuring no scatter,
    /// they are measured again without; 0.981 as read).
    /// `ratios`: the map's ``scatterRatios()``, when already at hand.
    public func takingAwayScatter(_ s: Double, ratios: [Float]? = nil) -> CargoMap {
        // At most 2 more: a block whose transmission would grow by more than e² is mostly noise
        // taken for scatter, and lit the detectors of dense windows and layers on clean loads
        // (bundled-style profile, batch-measured shares, seeds 8383 / 6464 with S = 0.005,
        // 0.002, 0.003 / 8686: at most 3 more 0.942 / 0.970 / 0.974 / 0.987 / 0.889, R-precision
        // 0.767 / 0.774 / 0.774 / 0.871 / 0.789; at most 2 more 0.947 / 0.978 / 0.982 / 0.984 /
        // 0.887, 0.800 / 0.806 / 0.871 / 0.903 / 0.789; at most 1 more 0.947 / 0.966 / 0.962 /
        // 0.969 / 0.891; the maps as read 0.946 / 0.964 / 0.966 / 0.967 / 0.873).
        var mended = self
        let ratio = ratios ?? scatterRatios()
        for index in mended.density.indices {
            mended.density[index] += Float(Self.attenuationAdded(taking: s * Double(ratio[index]), atMost: 2) / mu)
        }
        return mended
    }

    /// What taking a share `taken` = s·x of a block's transmission away as scatter adds to its
    /// attenuation, −ln(1 − taken), no more than `atMost`.
    static func attenuationAdded(taking taken: Double, atMost most: Double) -> Double {
        taken >= 1 - Foundation.exp(-most) ? most : -Foundation.log(1 - taken)
    }

    /// Per block, x = R̄ / T' (``massesUnderScatter()``): the beam removed around it in its
    /// column (±0.6 m, a triangle) over the beam it lets through.
    public func scatterRatios() -> [Float] {
        let count = columns * rows
        var transmission = [Float](repeating: 0, count: count), removed = [Float](repeating: 0, count: count)
        let wall = Float(wallAttenuation), muF = Float(mu)
        for index in 0..<count {
            let t = Foundation.exp(-(density[index] * muF + wall))
            transmission[index] = t
            removed[index] = max(0, 1 - t)
        }
        let reach = max(1, Int((300 / blockHeightMM).rounded()))
        var column = [Float](repeating: 0, count: rows), sums = [Float](repeating: 0, count: rows + 1)
        func box(_ c: Int) {
            for y in 0..<rows { sums[y + 1] = sums[y] + removed[y * columns + c] }
            for y in 0..<rows {
                let lo = max(0, y - reach), hi = min(rows, y + reach + 1)
                column[y] = (sums[hi] - sums[lo]) / Float(hi - lo)
            }
            for y in 0..<rows { removed[y * columns + c] = column[y] }
        }
        for c in 0..<columns { box(c); box(c) }
        return (0..<count).map { removed[$0] / max(transmission[$0], .leastNormalMagnitude) }
    }
}
