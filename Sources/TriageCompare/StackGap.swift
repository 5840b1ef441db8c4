import Foundation
import TriageKernels
import TriagePhysics

extension Measurer {
    /// Something across the gap between two stacks: stacks of cartons or boxes stand a few
    /// centimetres apart (15-140 mm), and down that gap the beam crosses nothing but the
    /// container's walls. On a scan the gap is a thin bright line that runs down the stacks'
    /// height at one level, however much the boxes on either side differ from one height to
    /// the next. A package pushed in where two stacks meet lies across the gap: over the
    /// package's height the gap reads denser by the package's own areal density (beside it, in
    /// the boxes, the package adds only its excess over the goods it replaces, and where it
    /// covers most of a box's width there is no rest of the box to judge it by). The same
    /// physics as the gaps between layers (``gapLine(_:cargo:profile:geometry:pitchX:pitchY:)``),
    /// turned upright.
    ///
    /// 1. The load's body (0.3 m clear of the end walls; from a block below the highest stack
    ///    top to three blocks above the floor, clear of the pallets; beside a stack's top a
    ///    line has air on one side and is no gap) in bins of about 20 mm high, each pixel column on its own.
    /// 2. A gap cell reads at most four fifths of the densest cell within 100 mm on its left
    ///    and of the densest within 100 mm on its right, and 0.15 less than each: a line lighter
    ///    than both its sides (a box's own cells, or a step from one box to the next, are not).
    /// 3. A gap: a run of gap cells down one pixel column, at least 0.5 m (holes of up to two
    ///    bins), clear down to the floor: stacks stand on the floor or their pallets and the gap
    ///    between two runs from there up to the lower one's top, so below a run that ends above
    ///    the body's lowest bins (its sides too light or too blurred there to tell it by) the
    ///    column reads no denser than the run and a package's least. In loose goods such as
    ///    scrap a light piece among dense ones reads as a short line lighter than its sides,
    ///    with a denser piece under it, and a denser piece at its end had read as a package
    ///    across a gap (compare-80). At one level (its spread at most a tenth of its median
    ///    depth below its sides) and near the walls' own level (at most a fifth of its sides'
    ///    level above the walls: a line between denser boxes that still reads a load is a
    ///    lighter box, not a gap); each pixel column of a gap on its own (a package may fill part
    ///    of the gap's width and leave the rest clear).
    /// 4. Windows down the gap of 8 to 128 cm, each against the whole gap's level and against
    ///    its level above and below the window (the higher), in units of their spreads (at least
    ///    0.02 and 3 % of the level), as the gaps between layers are. A narrow gap takes some of
    ///    its sides' attenuation through the scanner's blur, so a box on one side denser than
    ///    those above and below it raises the gap a little there: a window counts only where the
    ///    gap rose by at least half as much as its sides did (a package raises the gap by all of
    ///    its areal density and its sides by less), and only where the gap reads at least
    ///    10 g/cm² denser than both (less is the scan's noise over the shortest windows).
    static func stackGap(_ map: AttenuationMap, cargo: CargoMap, profile: LoadProfile, geometry: ContainerGeometry,
                         pitchX: Double, pitchY: Double) -> Candidate {
        var best = Candidate(kind: .gapLine, statistic: 0, bbox: nil, massKg: nil, place: nil)
        guard pitchX <= finestGapPitch else { return best }
        let margin = Int((300 / pitchX).rounded())
        let reach = max(3, Int((100 / pitchX).rounded()))
        let x0 = max(reach, geometry.innerX0 + margin), x1 = min(map.width - reach, geometry.innerX1 - margin)
        guard let highest = profile.top.min(), highest < cargo.rows - 4 else { return best }
        let y0 = max(geometry.ceiling + 2, cargo.originY + (highest + 1) * cargo.blockHeight)
        let y1 = min(map.height, cargo.originY + (cargo.rows - 3) * cargo.blockHeight)
        let rowBin = max(1, Int((20 / pitchY).rounded()))
        let width = x1 - x0 + 2 * reach, bins = (y1 - y0) / rowBin
        let minimumRun = max(25, Int((500 / (Double(rowBin) * pitchY)).rounded()))
        guard x1 - x0 > 4 * reach, bins >= minimumRun else { return best }
        // 1. Bins: each pixel column's mean over `rowBin` rows (capped at what the scan resolves),
        // `reach` columns either side of the judged ones.
        let limit = map.underPenetrated
        let left = x0 - reach
        var binned = [Float](repeating: 0, count: bins * width)
        map.values.withUnsafeBufferPointer { a in
            binned.withUnsafeMutableBufferPointer { out in
                for b in 0..<bins {
                    let into = out.baseAddress! + b * width
                    for k in 0..<rowBin {
                        let row = a.baseAddress! + (y0 + b * rowBin + k) * map.width + left
                        for x in 0..<width { into[x] += min(row[x], limit) }
                    }
                    let scale = 1 / Float(rowBin)
                    for x in 0..<width { into[x] *= scale }
                }
            }
        }
        // 2. Gap cells, and the level of their sides (the lower of the two sides' densest cells).
        var side = [Float](repeating: .nan, count: bins * width)
        var prefix = [Float](repeating: 0, count: width), suffix = [Float](repeating: 0, count: width)
        binned.withUnsafeBufferPointer { v in side.withUnsafeMutableBufferPointer { side in
        prefix.withUnsafeMutableBufferPointer { prefix in suffix.withUnsafeMutableBufferPointer { suffix in
            for b in 0..<bins {
                StackGapKernel.gapCells(v.baseAddress! + b &* width, width: width, reach: reach,
                                        prefix: prefix.baseAddress!, suffix: suffix.baseAddress!, side: side.baseAddress! + b &* width)
            }
        } } } }
        // 3. Runs of gap cells down each pixel column, followed row by row (the cells in memory
        // order): each column's open run, its first and last gap cell.
        struct Run { var x: Int; var start: Int; var end: Int }
        // The longest step from one gap cell to the next within a run (holes of up to two bins);
        // a run whose last cell lies within it of the body's end reaches the floor.
        let step = 3
        var runs: [Run] = []
        var first = [Int](repeating: -1, count: width), last = [Int](repeating: -1, count: width)
        side.withUnsafeBufferPointer { side in
            first.withUnsafeMutableBufferPointer { first in
                last.withUnsafeMutableBufferPointer { last in
                    func close(_ x: Int) {
                        if first[x] >= 0, last[x] &- first[x] &+ 1 >= minimumRun { runs.append(Run(x: x, start: first[x], end: last[x])) }
                    }
                    for b in 0..<bins {
                        for x in reach..<(width - reach) where !side[b &* width &+ x].isNaN {
                            if first[x] < 0 || b &- last[x] > step {
                                close(x)
                                first[x] = b
                            }
                            last[x] = b
                        }
                    }
                    for x in reach..<(width - reach) { close(x) }
                }
            }
        }
        runs.sort { ($0.x, $0.start) < ($1.x, $1.start) }
        // 4. Windows down each gap.
        let windows = [80.0, 160.0, 320.0, 640.0, 1280.0].map { max(2, Int(($0 / (Double(rowBin) * pitchY)).rounded())) }
        var scratch: [Float] = [], depth: [Float] = [], above: [Float] = [], below: [Float] = []
        // The spread (1.4826 MAD) around `median` of `values`, which it overwrites.
        func spread(of values: inout [Float], around median: Float) -> Float {
            for i in values.indices { values[i] = abs(values[i] - median) }
            return 1.4826 * Selection.select(&values, values.count / 2)
        }
        let wall = Float(cargo.wallAttenuation)
        // Less than a package adds across a gap (a few kilograms span it at 10 g/cm² or more):
        // the scan's own noise and quantisation, over the shortest windows.
        let minimumExcess = 10.0
        var bestPlace: (excess: Double, length: Double, doors: Double)?
        for run in runs {
            let x = run.x, count = run.end - run.start + 1
            let present = (run.start...run.end).map { !side[$0 * width + x].isNaN }
            let level = (run.start...run.end).map { binned[$0 * width + x] }
            let sides = (run.start...run.end).map { side[$0 * width + x] }
            // The median of the present cells of `range` of `series` (at least four), gathered
            // into `values` (their spread follows from them when it is needed).
            func median(of range: Range<Int>, of series: [Float], into values: inout [Float]) -> Float? {
                values.removeAll(keepingCapacity: true)
                for i in range where present[i] { values.append(series[i]) }
                return values.count >= 4 ? Selection.select(&values, values.count / 2) : nil
            }
            guard let wholeMedian = median(of: 0..<count, of: level, into: &scratch) else { continue }
            // A window must rise above the whole gap by a package's least (below, against the
            // higher of the whole gap and its flanks) before its flanks are worth reading.
            let least = wholeMedian + Float(minimumExcess * cargo.mu)
            // A gap is clear down to the floor: below a run that ends above the body's lowest
            // bins (where the sides are too light or too blurred to tell the gap by) the column
            // reads no denser than the gap and a package's least. A light piece of loose goods
            // has a denser one under it.
            if bins - run.end > step, (run.end + 1..<bins).contains(where: { binned[$0 * width + x] > least }) { continue }
            let wholeMAD = spread(of: &scratch, around: wholeMedian)
            depth.removeAll(keepingCapacity: true)
            for i in 0..<count where present[i] { depth.append(sides[i] - level[i]) }
            let medianDepth = Selection.select(&depth, depth.count / 2)
            guard wholeMAD <= 0.1 * medianDepth else { continue }
            // Down a gap the beam crosses the walls and little else: a line reading more than a
            // fifth of its sides' load above the walls is a lighter box between denser ones.
            guard wholeMedian - wall <= 0.2 * (wholeMedian + medianDepth - wall) else { continue }
            let wholeSpread = max(wholeMAD, 0.02, 0.03 * abs(wholeMedian))
            // Running sums of the present cells: each window's mean in constant time.
            var sums = [Float](repeating: 0, count: count + 1), sideSums = sums
            var counts = [Int](repeating: 0, count: count + 1)
            for i in 0..<count {
                sums[i + 1] = sums[i] + (present[i] ? level[i] : 0)
                sideSums[i + 1] = sideSums[i] + (present[i] ? sides[i] : 0)
                counts[i + 1] = counts[i] + (present[i] ? 1 : 0)
            }
            for w in windows where 3 * w <= count {
                for start in 0...(count - w) {
                    let n = counts[start + w] - counts[start]
                    guard 2 * n >= w else { continue }
                    let mean = (sums[start + w] - sums[start]) / Float(n), sideMean = (sideSums[start + w] - sideSums[start]) / Float(n)
                    guard mean >= least else { continue }
                    let zWhole = Double((mean - wholeMedian) / wholeSpread)
                    guard zWhole > best.statistic else { continue }
                    let flank = max(w, 8)
                    let upper = max(0, start - flank)..<start, lower = (start + w)..<min(count, start + w + flank)
                    let up = median(of: upper, of: level, into: &above), down = median(of: lower, of: level, into: &below)
                    guard up != nil || down != nil else { continue }
                    let base = max(up ?? -.infinity, down ?? -.infinity)
                    // Against the flanks with their spread at its floor first: the flanks'
                    // spreads are selected only for a window that can still beat the best.
                    let floor = max(0.02, 0.03 * abs(base))
                    guard Double((mean - base) / floor) > best.statistic else { continue }
                    var flankSpread: Float = 0
                    if let up { flankSpread = spread(of: &above, around: up) }
                    if let down { flankSpread = max(flankSpread, spread(of: &below, around: down)) }
                    let z = min(zWhole, Double((mean - base) / max(flankSpread, floor)))
                    guard z > best.statistic else { continue }
                    // The sides' rise over the window, against their level above and below it.
                    let sideBase = [median(of: upper, of: sides, into: &above), median(of: lower, of: sides, into: &below)]
                        .compactMap { $0 }.max() ?? sideMean
                    guard mean - base >= 0.5 * (sideMean - sideBase) else { continue }
                    let excess = Double(mean - max(base, wholeMedian)) / cargo.mu
                    guard excess >= minimumExcess else { continue }
                    let y = y0 + (run.start + start) * rowBin
                    let pixel = left + x
                    best = Candidate(kind: .gapLine, statistic: z, bbox: [pixel - reach, y, 2 * reach, w * rowBin], massKg: nil, place: nil)
                    bestPlace = (excess, Double(w * rowBin) * pitchY / 1000, fromDoors(pixel: pixel, cargo: cargo, geometry: geometry))
                }
            }
        }
        if let (excess, length, doors) = bestPlace {
            best.place = String(format: "the gap between two stacks reads %.0f g/cm² denser over %.2f m, ", excess, length) + placeFromDoors(doors)
        }
        return best
    }
}

/// The gap cells of one row of bins (``Measurer/stackGap(_:cargo:profile:geometry:pitchX:pitchY:)``, step 2).
enum StackGapKernel {
    /// For each column `x` in `reach..<(width - reach)` of `row`: the lower of the densest cell
    /// among the `reach` columns on its left and the densest among the `reach` on its right,
    /// written to `side[x]` where `row[x]` is a gap cell (at most 0.8 of it and 0.15 below it);
    /// `side` is left as it was elsewhere. The maxima come from two passes over blocks of
    /// `reach` columns (van Herk / Gil-Werman: `prefix` from each block's start, `suffix` to its
    /// end, each `width` long), three comparisons a column whatever `reach` is; the tests hold it
    /// to its definition.
    static func gapCells(_ row: UnsafePointer<Float>, width: Int, reach: Int, prefix: UnsafeMutablePointer<Float>,
                         suffix: UnsafeMutablePointer<Float>, side: UnsafeMutablePointer<Float>) {
        var start = 0
        while start < width {
            let end = min(start &+ reach, width)
            var m = row[start]
            prefix[start] = m
            for i in (start &+ 1)..<end { m = row[i] > m ? row[i] : m; prefix[i] = m }
            m = row[end &- 1]
            suffix[end &- 1] = m
            var i = end &- 2
            while i >= start { m = row[i] > m ? row[i] : m; suffix[i] = m; i &-= 1 }
            start = end
        }
        guard width > 2 &* reach else { return }
        for x in reach..<(width &- reach) {
            // [lo, hi] spans at most two blocks: the suffix of the first and the prefix of the last.
            let left = max(suffix[x &- reach], prefix[x &- 1]), right = max(suffix[x &+ 1], prefix[x &+ reach])
            let level = min(left, right), value = row[x]
            if value <= 0.8 * level, value <= level - 0.15 { side[x] = level }
        }
    }
}
