import Foundation
import TriageKernels

extension Measurer {
    /// Heavier windows: a stretch of the load, 0.2 to 0.8 m across, that weighs more per cm²
    /// than the same rows do elsewhere along the container. A package hidden inside dense
    /// goods (sugar in sacks, fruit in cartons) replaces part of the goods along the beam's
    /// path and leaves the rest in front and behind: block by block it is lost in the goods'
    /// own pattern (sack edges, carton gaps, ±40 %), but averaged over its area that pattern
    /// averages out and the package's excess (10–20 %) remains.
    ///
    /// The mean areal density of every window (four sizes, 0.2 × 0.2 to 0.8 × 0.6 m, one block
    /// apart) over the load's body (occupied blocks two below its top to three above the floor),
    /// from an integral image; windows must lie in the body (90 %). Each window against the
    /// windows of the same size and rows along the container: their median, and their spread
    /// (MAD, at least 2 % of the median and the block noise averaged over the window). The
    /// statistic is the largest excess in those units, with at least 2 kg of excess mass.
    /// Measured on generated dev batches: a 3 % floor, a fifth size of 1.2 × 0.8 m and leaving
    /// the dense-region check out were each worse.
    static func denseWindow(_ cargo: CargoMap, profile: LoadProfile, geometry: ContainerGeometry) -> Candidate {
        let columns = cargo.columns, rows = cargo.rows
        var best = Candidate(kind: .denseWindow, statistic: 0, bbox: nil, massKg: nil, place: nil)
        guard columns > 12, rows > 8 else { return best }
        // Integral images of the body's density and of its count.
        let stride = columns + 1
        var sum = [Double](repeating: 0, count: (rows + 1) * stride)
        var count = [Int32](repeating: 0, count: (rows + 1) * stride)
        for r in 0..<rows {
            var rowSum = 0.0
            var rowCount: Int32 = 0
            for c in 0..<columns {
                let top = profile.top[c]
                let inBody = c >= 1 && c < columns - 1 && top < rows - 4 && r >= top + 2 && r < rows - 3
                    && cargo.density[r * columns + c] > cargo.occupiedThreshold
                if inBody { rowSum += Double(cargo.density[r * columns + c]); rowCount += 1 }
                sum[(r + 1) * stride + c + 1] = sum[r * stride + c + 1] + rowSum
                count[(r + 1) * stride + c + 1] = count[r * stride + c + 1] + rowCount
            }
        }
        let noise = cargo.noise
        var means = [Double](repeating: 0, count: columns), positions = [Int](repeating: 0, count: columns)
        var scratch: [Double] = []
        sum.withUnsafeBufferPointer { sum in count.withUnsafeBufferPointer { count in
        for (widthMM, heightMM) in [(200.0, 200.0), (300.0, 300.0), (500.0, 400.0), (800.0, 600.0)] {
            let w = Int((widthMM / cargo.blockWidthMM).rounded()), h = Int((heightMM / cargo.blockHeightMM).rounded())
            guard w >= 3, h >= 3, w < columns, h < rows else { continue }
            let area = w * h
            for r in 0...(rows - h) {
                // The band's windows: sums and counts from the integral images' rows r and r + h.
                let upper = r * stride, lower = (r + h) * stride
                var found = 0
                for c in 0...(columns - w) {
                    let n = Int(count[lower + c + w] &- count[upper + c + w] &- count[lower + c] &+ count[upper + c])
                    guard 10 * n >= 9 * area else { continue }
                    means[found] = (sum[lower + c + w] - sum[upper + c + w] - sum[lower + c] + sum[upper + c]) / Double(n)
                    positions[found] = c
                    found += 1
                }
                guard found >= 3 * w else { continue }
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: means[0..<found])
                let median = Double(Selection.select(&scratch, found / 2))
                // The spread is at least its floor: when even the heaviest window cannot beat
                // the best so far against the floor, the band is done (same result).
                let floor = max(0.02 * median, noise / Double(area).squareRoot())
                guard let heaviest = means[0..<found].max(), (heaviest - median) / floor > best.statistic else { continue }
                // Nor can it when its spread is at least the one that would bring even the
                // heaviest window down to the best so far: the windows closer to the median than
                // that are counted instead of selecting their median absolute deviation (a
                // relative 1e-9 above it, so rounding never skips a band the selection keeps).
                // On the generated 40 ft reefers of `scantriage-bench analysis`, 7 and 18 of
                // 124 bands end at the floor above, and 112 and 101 of the rest here.
                if best.statistic > 0 {
                    let raised = (heaviest - median) / (1.4826 * best.statistic) * (1 + 1e-9)
                    var closer = 0
                    for index in 0..<found where abs(means[index] - median) < raised { closer &+= 1 }
                    if closer <= found / 2 { continue }
                }
                for index in scratch.indices { scratch[index] = abs(scratch[index] - median) }
                let mad = Double(Selection.select(&scratch, found / 2))
                let spread = max(1.4826 * mad, floor)
                for index in 0..<found where means[index] > median {
                    let z = (means[index] - median) / spread
                    guard z > best.statistic else { continue }
                    let excessKg = (means[index] - median) * Double(area) * cargo.blockAreaCm2 / 1000
                    guard excessKg >= 2 else { continue }
                    let c = positions[index]
                    let doors = fromDoors(c + w / 2, cargo: cargo, geometry: geometry)
                    best = Candidate(kind: .denseWindow, statistic: z, bbox: cargo.bbox(columns: c...(c + w - 1), rows: r...(r + h - 1)),
                                     massKg: excessKg, place: String(format: "%.1f m from the doors", doors))
                }
            }
        }
        } }
        return best
    }
}
