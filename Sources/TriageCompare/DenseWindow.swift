import Foundation
import TriageKernels

extension Measurer {
    /// Heavier windows: a stretch of the load, 0.2 to 0.8 m across, that weighs more per cm²
    /// than the same rows do elsewhere along the container *and* than the same columns do
    /// higher and lower in the load. A package hidden inside dense goods (sugar in sacks, fruit
    /// in cartons) replaces part of the goods along the beam's path and leaves the rest in front
    /// and behind: block by block it is lost in the goods' own pattern (sack edges, carton gaps,
    /// ±40 %), but averaged over its area that pattern averages out and the package's excess
    /// (10–20 %) remains. A whole stack of heavier goods is heavier than the same rows elsewhere
    /// but not than itself higher and lower: it is a different load, not something hidden in one.
    ///
    /// The mean areal density of every window (four sizes, 0.2 × 0.2 to 0.8 × 0.6 m, one block
    /// apart) over the load's body (occupied blocks two below its top to three above the floor),
    /// from an integral image; windows must lie in the body (90 %). Each window against the
    /// windows of the same size and rows along the container, and against the windows of the
    /// same size and columns that do not overlap it (at least three: a window that fills its
    /// stack's height has nothing to be judged by there, and gives no evidence): their medians
    /// and spreads (MAD, at least 2 % of the median and the block noise averaged over the
    /// window). The statistic is the largest excess that holds against both (the smaller of the
    /// two, in their units), with at least 2 kg of excess mass over both medians.
    /// Measured on generated dev batches (AUC, seeds 200/300/400/500/650/660): the rows alone
    /// 0.929/0.870/0.925/0.737/0.894/0.693, both 0.904/0.876/0.925/0.768/0.894/0.746 (the three
    /// untuned held-out seeds 0.929/0.893/0.746 -> 0.933/0.904/0.802); falling back to the rows
    /// alone where the column has too few windows was between the two (0.921 on seed 200, 0.729
    /// on 660). Earlier: a 3 % floor, a fifth size of 1.2 × 0.8 m and leaving the dense-region
    /// check out were each worse.
    static func denseWindow(_ cargo: CargoMap, profile: LoadProfile, geometry: ContainerGeometry) -> Candidate {
        let columns = cargo.columns, rows = cargo.rows
        // A window less than one spread heavier than its rows' or its column's median is within
        // the goods' own variation: no evidence at all, and the search starts there (the bounds
        // below prune against it). Before (compare-72), the heaviest window counted however
        // little it stood out, and where no clean load of a heading had shown one (calibration's
        // 33 loads of sawn timber), z 0.12 over 2 kg scored 1.0: three clean 20 ft loads of
        // timber ranked 8th, 9th and 15th of 300 in one generated batch. 13 level batches
        // (cal2026): AUC 0.9246 -> 0.9262, R-precision 0.8031 -> 0.8062 (from half a spread
        // 0.9261 / 0.8044, from 1.5 0.9251 / 0.8044, from 2 0.9228 / 0.8015: packages in
        // timber lost).
        var best = Candidate(kind: .denseWindow, statistic: 1, bbox: nil, massKg: nil, place: nil)
        // Where the best so far lies, said at the end (``placeFromDoors(_:)``).
        var bestDoors = 0.0
        let nothing = Candidate(kind: .denseWindow, statistic: 0, bbox: nil, massKg: nil, place: nil)
        guard columns > 12, rows > 8 else { return nothing }
        // Integral images of the body's density and of its count.
        let stride = columns + 1
        var sum = [Double](repeating: 0, count: (rows + 1) * stride)
        var count = [Int32](repeating: 0, count: (rows + 1) * stride)
        // Unsafe buffers in the loops over every block and window below: the arrays' bounds and
        // uniqueness checks and appends were most of this check's time.
        let threshold = cargo.occupiedThreshold
        sum.withUnsafeMutableBufferPointer { sum in count.withUnsafeMutableBufferPointer { count in
            cargo.density.withUnsafeBufferPointer { density in profile.top.withUnsafeBufferPointer { tops in
                for r in 0..<rows {
                    var rowSum = 0.0
                    var rowCount: Int32 = 0
                    for c in 0..<columns {
                        let top = tops[c]
                        let inBody = c >= 1 && c < columns - 1 && top < rows - 4 && r >= top + 2 && r < rows - 3
                            && density[r &* columns &+ c] > threshold
                        if inBody { rowSum += Double(density[r &* columns &+ c]); rowCount &+= 1 }
                        sum[(r &+ 1) &* stride &+ c &+ 1] = sum[r &* stride &+ c &+ 1] + rowSum
                        count[(r &+ 1) &* stride &+ c &+ 1] = count[r &* stride &+ c &+ 1] &+ rowCount
                    }
                }
            } }
        } }
        let noise = cargo.noise
        var means: [Double] = [], down: [Double] = [], band: [Double] = [], line: [Double] = [], scratch: [Double] = []
        var order: [Int] = []
        for (widthMM, heightMM) in [(200.0, 200.0), (300.0, 300.0), (500.0, 400.0), (800.0, 600.0)] {
            let w = Int((widthMM / cargo.blockWidthMM).rounded()), h = Int((heightMM / cargo.blockHeightMM).rounded())
            guard w >= 3, h >= 3, w < columns, h < rows else { continue }
            let area = w * h
            // The least spread a band or column of windows is given.
            let noiseFloor = noise / Double(area).squareRoot()
            func spreadFloor(_ median: Double) -> Double { max(0.02 * median, noiseFloor) }
            let bandRows = rows - h + 1, bandColumns = columns - w + 1
            // Every window's mean (NaN where it is not in the body), from the integral images.
            means.removeAll(keepingCapacity: true)
            means.append(contentsOf: repeatElement(.nan, count: bandRows * bandColumns))
            sum.withUnsafeBufferPointer { sum in count.withUnsafeBufferPointer { count in means.withUnsafeMutableBufferPointer { means in
                for r in 0..<bandRows {
                    let upper = r &* stride, lower = (r &+ h) &* stride, row = r &* bandColumns
                    for c in 0..<bandColumns {
                        let n = Int(count[lower &+ c &+ w] &- count[upper &+ c &+ w] &- count[lower &+ c] &+ count[upper &+ c])
                        guard 10 &* n >= 9 &* area else { continue }
                        means[row &+ c] = (sum[lower &+ c &+ w] - sum[upper &+ c &+ w] - sum[lower &+ c] + sum[upper &+ c]) / Double(n)
                    }
                }
            } } }
            // The same means column by column: the column checks below read a column's windows
            // one after the other (in row order they are a row of windows apart each).
            down.removeAll(keepingCapacity: true)
            down.append(contentsOf: repeatElement(0, count: bandRows * bandColumns))
            means.withUnsafeBufferPointer { means in down.withUnsafeMutableBufferPointer { down in
                for c in 0..<bandColumns { for r in 0..<bandRows { down[c &* bandRows &+ r] = means[r &* bandColumns &+ c] } }
            } }
            // The median and spread of the windows of column `c` that do not overlap the window
            // at row `r` (rows up to r − h, and from r + h), or nil when they cannot let a window
            // of mean `value` beat the best so far. Most windows heavier than their row are not
            // heavier than their column: the column's median must lie below a bound for that
            // (against the spread's floors, and with 2 kg of excess), which it does exactly when
            // more than half its values do, and its spread below the one that holds the window to
            // the best; both are counted before anything is selected (same results: each bound
            // has a relative 1e-9 of room, so rounding never skips what the selection keeps).
            func againstColumn(_ c: Int, window r: Int, value: Double) -> (median: Double, spread: Double)? {
                let bound = min(value / (1 + 0.02 * best.statistic), value - best.statistic * noiseFloor,
                                value - 2000 / (Double(area) * cargo.blockAreaCm2))
                let room = bound + abs(bound) * 1e-9
                let column = c &* bandRows
                let above = column..<(column &+ max(0, r &- h &+ 1)), beneath = (column &+ min(bandRows, r &+ h))..<(column &+ bandRows)
                var total = 0, below = 0
                for range in [above, beneath] {
                    for index in range {
                        let v = down[index]
                        if v.isNaN { continue }
                        total &+= 1
                        if v < room { below &+= 1 }
                    }
                }
                guard total >= 3, below > total / 2 else { return nil }
                line.removeAll(keepingCapacity: true)
                for range in [above, beneath] { for index in range where !down[index].isNaN { line.append(down[index]) } }
                let median = Selection.select(&line, line.count / 2)
                if best.statistic > 0, !Selection.deviation(of: line, around: median, isBelow: (value - median) / (1.4826 * best.statistic) * (1 + 1e-9)) {
                    return nil
                }
                for i in line.indices { line[i] = abs(line[i] - median) }
                return (median, max(1.4826 * Selection.select(&line, line.count / 2), spreadFloor(median)))
            }
            for r in 0..<bandRows {
                // The band: the windows of these rows along the container.
                band.removeAll(keepingCapacity: true)
                order.removeAll(keepingCapacity: true)
                for c in 0..<bandColumns where !means[r * bandColumns + c].isNaN {
                    band.append(means[r * bandColumns + c])
                    order.append(c)
                }
                let found = band.count
                guard found >= 3 * w else { continue }
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: band)
                let median = Selection.select(&scratch, found / 2)
                // The spread is at least its floor: when even the heaviest window cannot beat
                // the best so far against the floor, the band is done (same result; against the
                // columns a window's statistic is only lower).
                let floor = spreadFloor(median)
                guard let heaviest = band.max(), (heaviest - median) / floor > best.statistic else { continue }
                // Nor can it when its spread is at least the one that would bring even the
                // heaviest window down to the best so far: the windows closer to the median than
                // that are counted instead of selecting their median absolute deviation (a
                // relative 1e-9 above it, so rounding never skips a band the selection keeps).
                if best.statistic > 0, !Selection.deviation(of: band, around: median, isBelow: (heaviest - median) / (1.4826 * best.statistic) * (1 + 1e-9)) {
                    continue
                }
                for index in scratch.indices { scratch[index] = abs(scratch[index] - median) }
                let spread = max(1.4826 * Selection.select(&scratch, found / 2), floor)
                // Heaviest first, while the excess over the row can still beat the best so far:
                // against the windows of the same columns that do not overlap this one.
                var heavy = Array(0..<found).filter { (band[$0] - median) / spread > best.statistic }
                heavy.sort { band[$0] > band[$1] }
                for index in heavy {
                    let value = band[index], c = order[index]
                    var z = (value - median) / spread
                    guard z > best.statistic else { break }
                    guard let column = againstColumn(c, window: r, value: value) else { continue }
                    z = min(z, (value - column.median) / column.spread)
                    let excess = min(value - median, value - column.median)
                    guard z > best.statistic else { continue }
                    let excessKg = excess * Double(area) * cargo.blockAreaCm2 / 1000
                    guard excessKg >= 2 else { continue }
                    let doors = fromDoors(c + w / 2, cargo: cargo, geometry: geometry)
                    best = Candidate(kind: .denseWindow, statistic: z, bbox: cargo.bbox(columns: c...(c + w - 1), rows: r...(r + h - 1)),
                                     massKg: excessKg, place: nil)
                    bestDoors = doors
                }
            }
        }
        guard best.bbox != nil else { return nothing }
        best.place = placeFromDoors(bestDoors)
        return best
    }
}
