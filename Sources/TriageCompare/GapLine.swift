import Foundation
import TriageKernels
import TriagePhysics

extension Measurer {
    /// Something across a gap: palletised goods stand in layers, and between two layers of
    /// cartons (lids, pallet boards, the air between them) the beam crosses almost nothing but
    /// the container's walls. On a scan those gaps are thin bright lines, 1-3 pixels high, that
    /// run the length of a stack at one level (the walls' attenuation), however much the
    /// cartons above and below them differ. A package pushed in among the cartons lies across
    /// the gaps at its height: every ray through it adds the package's own attenuation, so over
    /// the package's length the gap reads denser than the rest of the same gap, by the whole
    /// package's areal density (in the cartons it adds only its excess over the goods it
    /// replaces, which is lost in the cartons' own ±40 %). On a generated 40 ft reefer of shrimp,
    /// a 69 kg package raised its gap from attenuation 0.9 to 2.8 (the cartons around it: 5.0
    /// to 5.8, varying by 0.5 from one carton to the next; the gap along the rest of its stack,
    /// by 0.05).
    ///
    /// 1. The cargo space (0.3 m clear of the end walls; from a block above the load's highest
    ///    top, and two pixels below the ceiling, to two above the floor) in columns of 2, 4 or 8
    ///    pixels (about 20 mm at the scanners' 2.25-9 mm), the pixels of each averaged; rows
    ///    kept as they are, or in pairs finer than 3.5 mm (about the scanners' own pitch, which
    ///    the calibrated distributions were learned at: generated scans at half that pitch
    ///    ranked at AUC 0.840 with pairs, 0.832 without).
    /// 2. A gap cell: the lowest of three rows reads at most four fifths of the lower of the
    ///    cells `d` rows above and below it (`d` 12 mm and at least three pixels: clear of the
    ///    gap's own blur), and 0.15 less: a thin lighter line between two dense ones. (At most
    ///    half, a line the beam mostly sees through, lost the packages that raise their gap past
    ///    half, and gaps in light goods, whose level is mostly the walls': three of four
    ///    generated packages of 54 kg went unseen.)
    /// 3. A gap: a run of gap cells in one row at least 0.3 m and 15 columns long (holes of up
    ///    to two columns: a stack gap crossing it, a noisy cell), at one level: its spread (1.4826
    ///    MAD) at most a tenth of its median depth below the cells around it. The seams between
    ///    sacks laid in courses, resolved at half the scanners' pitch, are bright where the
    ///    sacks' ends meet and dim along their bodies: without this, clean sugar and coffee
    ///    scored 1.0 there and the 24 generated containers at half pitch ranked at AUC 0.739
    ///    (0.824 before gaps were judged); with it, 0.840.
    /// 4. Along each gap, windows of 8, 16, 32, 64 and 128 cm (a package longer than the window
    ///    raises the sides it is judged by: with 32 cm at most, a 156 kg package 1.2 m long in
    ///    generated mangoes ranked 183rd of 240, and the concealed-only batch of seed 3131 at AUC
    ///    0.825; with 64 and 128 cm, 0.855): a window's mean against the gap's level on
    ///    both sides of it (the median of as long a stretch on each side, the higher of the two,
    ///    so that a gap whose level steps, at a misaligned pallet, is judged by the side it steps
    ///    to), in units of the gap's spread there (1.4826 MAD, at least 0.02 and 3 % of its
    ///    level), and against the whole gap's median and spread likewise (the smaller of the
    ///    two). The statistic is the largest; the bbox and the excess areal density said are
    ///    the longest window along the same gap that overlaps it and holds four fifths of it
    ///    (the package's length, not its densest 8 cm).
    ///
    /// 5. Voids between sacks, the same physics on points (below): on generated 42G1 loads of
    ///    coffee with 88 kg packages, two of four found at the package at 4.1 and 8.6 (the four
    ///    loads without them 1.0-2.3); sugar's voids were not found at the scanners' pitch.
    ///    Seed 3131 (concealed only) 0.863 -> 0.869, half the scanners' pitch 0.840 -> 0.908,
    ///    the other batches within 0.002.
    ///
    /// A gap that closes (cartons touching) stops being a gap cell: it ends a run, and is not
    /// judged. Loose goods, bags and bulk show no gaps and give no evidence here. Judged only
    /// where the vertical pitch is 7 mm or finer (``finestGapPitch``): a gap of 1-2 cm then spans
    /// two pixels or more; coarser, it falls within one, reads whatever share of that pixel it
    /// fills, and its level along the container varies with where the pixel grid cuts it (the
    /// bundled samples, at 11-15 mm, showed "gaps" 8-25 g/cm² denser over 7-15 cm on clean
    /// loads, and two clean containers ranked among the five anomalies).
    static let finestGapPitch = 7.0

    static func gapLine(_ map: AttenuationMap, cargo: CargoMap, profile: LoadProfile, geometry: ContainerGeometry,
                        pitchX: Double, pitchY: Double) -> Candidate {
        var best = Candidate(kind: .gapLine, statistic: 0, bbox: nil, massKg: nil, place: nil)
        // What the best so far reads (its excess, the length of a gap's window or nil for a
        // void, where it lies), said once at the end: formatting every better one cost about
        // 2 % of the analysis.
        var bestPlace: (excess: Double, length: Double?, doors: Double)?
        // Bins of 2, 4 or 8 pixels (about 20 mm at the scanners' 2.25-9 mm): sums the
        // compiler vectorises.
        let binWidth = pitchX >= 8 ? 2 : (pitchX < 3.5 ? 8 : 4)
        let margin = Int((300 / pitchX).rounded())
        let x0 = max(0, geometry.innerX0 + margin), x1 = min(map.width, geometry.innerX1 - margin)
        // From a block above the load's highest top: the free space under the roof has no
        // layers.
        guard let highest = profile.top.min(), highest < cargo.rows else { return best }
        let loadTop = cargo.originY + (highest - 1) * cargo.blockHeight
        let y0 = max(0, geometry.ceiling + 2, loadTop), y1 = min(map.height, geometry.floor - 1)
        // Finer than 3.5 mm, pairs of rows (4.5-7 mm): the seams between sacks, which the
        // scanners' own pitch blurs, are not gaps the beam sees through.
        let rowBin = pitchY < 3.5 ? 2 : 1
        let bins = (x1 - x0) / binWidth, rows = (y1 - y0) / rowBin
        let d = max(3, Int((12 / (pitchY * Double(rowBin))).rounded(.up)))
        guard bins >= 30, rows > 2 * d + 3 else { return best }
        // 1. Column-binned means (a bin's mean capped at what the scan resolves: read as dense).
        let limit = map.underPenetrated
        var binned = [Float](repeating: 0, count: rows * bins)
        map.values.withUnsafeBufferPointer { a in
            binned.withUnsafeMutableBufferPointer { out in
                var second = [Float](repeating: 0, count: rowBin > 1 ? bins : 0)
                for r in 0..<rows {
                    let into = out.baseAddress! + r * bins
                    GapKernel.binRow(a.baseAddress! + (y0 + r * rowBin) * map.width + x0, into: into, bins: bins, width: binWidth, limit: limit)
                    guard rowBin > 1 else { continue }
                    second.withUnsafeMutableBufferPointer { other in
                        GapKernel.binRow(a.baseAddress! + (y0 + r * rowBin + 1) * map.width + x0, into: other.baseAddress!, bins: bins, width: binWidth, limit: limit)
                        for b in 0..<bins { into[b] = (into[b] + other[b]) * 0.5 }
                    }
                }
            }
        }
        // 2-3. Gap cells, row by row, and their runs.
        let minimumRun = max(15, Int((300 / (Double(binWidth) * pitchX)).rounded()))
        // One row's cells at a time: each bin's lowest of three rows, its depth below what lies
        // above and below, and whether it is a gap cell.
        var line = [Float](repeating: 0, count: bins), depth = [Float](repeating: 0, count: bins)
        var present = [Int32](repeating: 0, count: bins)
        var scratch: [Float] = []
        let windows = [80.0, 160.0, 320.0, 640.0, 1280.0].map { max(2, Int(($0 / (Double(binWidth) * pitchX)).rounded())) }
        // 4. Windows along one gap, against the whole gap's level (one selection per gap) and
        // against its level on both sides: a window can beat the best so far only when it
        // beats it against the whole gap, which most windows of a clean gap do not (their
        // sides are not read).
        var sums: [Float] = []
        // The spread (1.4826 MAD) around `median` of `values`, which it overwrites.
        func spread(of values: inout [Float], around median: Float) -> Float {
            for i in values.indices { values[i] = abs(values[i] - median) }
            return 1.4826 * Selection.select(&values, values.count / 2)
        }
        // The median and spread of the values in `scratch`, which it reorders.
        func medianAndSpread() -> (median: Float, spread: Float) {
            let median = Selection.select(&scratch, scratch.count / 2)
            return (median, spread(of: &scratch, around: median))
        }
        // The median of the gap cells of `range` (at least four), gathered into `values` (their
        // spread follows from them, when it is needed: a window's sides are judged by their
        // medians first).
        func median(of range: Range<Int>, into values: inout [Float]) -> Float? {
            values.removeAll(keepingCapacity: true)
            for i in range where present[i] != 0 { values.append(line[i]) }
            return values.count >= 4 ? Selection.select(&values, values.count / 2) : nil
        }
        // The level of the gap cells of `range`: their median and spread.
        func level(_ range: Range<Int>) -> (median: Float, spread: Float)? {
            guard let median = median(of: range, into: &scratch) else { return nil }
            return (median, spread(of: &scratch, around: median))
        }
        var leftValues: [Float] = [], rightValues: [Float] = []
        func judge(row r: Int, run: ClosedRange<Int>) {
            guard let whole = level(run.lowerBound..<(run.upperBound + 1)) else { return }
            // A gap lies at one level along its stack: its spread is a small part of how much
            // lighter it is than the cartons around it. The seams between sacks laid in courses
            // are bright where the sacks' ends meet and dim along their bodies, and are no gap.
            scratch.removeAll(keepingCapacity: true)
            for i in run where present[i] != 0 { scratch.append(depth[i]) }
            guard whole.spread <= 0.1 * Selection.select(&scratch, scratch.count / 2) else { return }
            let wholeSpread = max(whole.spread, 0.02, 0.03 * abs(whole.median))
            sums.removeAll(keepingCapacity: true)
            var sum: Float = 0
            sums.append(0)
            for i in run {
                sum += line[i]
                sums.append(sum)
            }
            // A window's statistic and its excess over the gap's level; nil when the statistic is
            // below `bound` for certain: against the whole gap, or against its sides' level with
            // the spread at its floors, known before the sides' spreads are selected (the same
            // results; two selections per side for every window that beat the whole gap were
            // 3 % of a scan's analysis).
            func window(_ start: Int, _ w: Int, above bound: Double) -> (z: Double, excess: Double)? {
                let k = start - run.lowerBound
                let mean = (sums[k + w] - sums[k]) / Float(w)
                let zWhole = Double((mean - whole.median) / wholeSpread)
                guard zWhole > bound else { return nil }
                let flank = max(w, 8)
                let left = median(of: max(run.lowerBound, start - flank)..<start, into: &leftValues)
                let right = median(of: (start + w)..<min(run.upperBound + 1, start + w + flank), into: &rightValues)
                guard left != nil || right != nil else { return nil }
                let base = max(left ?? -.infinity, right ?? -.infinity)
                let floor = max(0.02, 0.03 * abs(base))
                guard Double((mean - base) / floor) >= bound else { return nil }
                var sideSpread: Float = 0
                if let left { sideSpread = spread(of: &leftValues, around: left) }
                if let right { sideSpread = max(sideSpread, spread(of: &rightValues, around: right)) }
                let spread = max(sideSpread, floor)
                return (min(zWhole, Double((mean - base) / spread)), Double(mean - max(base, whole.median)) / cargo.mu)
            }
            var found: (start: Int, w: Int, z: Double, excess: Double)?
            for w in windows where 3 * w <= run.count {
                for start in run.lowerBound...(run.upperBound + 1 - w) {
                    guard let (z, excess) = window(start, w, above: max(best.statistic, found?.z ?? 0)), z > max(best.statistic, found?.z ?? 0) else { continue }
                    found = (start, w, z, excess)
                }
            }
            guard let strongest = found else { return }
            // Said over the longest window along the same gap that overlaps the strongest and
            // holds four fifths of its statistic: the package's length, not its densest 8 cm.
            var shown = strongest
            for w in windows where w > strongest.w && 3 * w <= run.count {
                for start in max(run.lowerBound, strongest.start - w + 1)...min(run.upperBound + 1 - w, strongest.start + strongest.w - 1) {
                    guard let (z, excess) = window(start, w, above: 0.8 * strongest.z), z >= 0.8 * strongest.z,
                          w > shown.w || z > shown.z else { continue }
                    shown = (start, w, z, excess)
                }
            }
            let x = x0 + shown.start * binWidth
            let doors = fromDoors(pixel: x + shown.w * binWidth / 2, cargo: cargo, geometry: geometry)
            best = Candidate(kind: .gapLine, statistic: strongest.z, bbox: [x, y0 + (r - 1) * rowBin - 1, shown.w * binWidth, 3 * rowBin + 2], massKg: nil,
                             place: nil)
            bestPlace = (shown.excess, Double(shown.w * binWidth) * pitchX / 1000, doors)
        }
        // 5. Voids. Sacks laid in courses meet in bright voids along the seams between courses
        // (where the sacks' rounded ends leave room): a void is a gap cell at most half of what
        // lies above and below it, the lowest of its row within 15 cm. Each is judged against
        // the other voids of its course (the three nearest on each side, at least four: their
        // median and spread, at least 0.1: clean voids differ by a few g/cm² one by one). A
        // package among the sacks covers several voids near each other, so a void counts only
        // as far as another void within 0.6 m (not the same one seen from the next row) is as
        // dense.
        let voidReach = max(2, Int((150 / (Double(binWidth) * pitchX)).rounded()))
        var rowVoids: [(bin: Int, level: Float)] = []
        var voids: [(x: Int, y: Int, z: Double, excess: Double)] = []
        func findVoids(row r: Int) {
            rowVoids.removeAll(keepingCapacity: true)
            var b = 0
            while b < bins {
                defer { b += 1 }
                guard present[b] != 0, depth[b] >= line[b] else { continue }
                var lowest = true
                for k in max(0, b - voidReach)...min(bins - 1, b + voidReach) where k != b && line[k] < line[b] { lowest = false; break }
                guard lowest else { continue }
                rowVoids.append((b, line[b]))
                b += voidReach
            }
            guard rowVoids.count >= 5 else { return }
            for i in rowVoids.indices {
                scratch.removeAll(keepingCapacity: true)
                for j in max(0, i - 3)...min(rowVoids.count - 1, i + 3) where j != i { scratch.append(rowVoids[j].level) }
                guard scratch.count >= 4 else { continue }
                let (median, mad) = medianAndSpread()
                let spread = max(mad, 0.1, 0.03 * abs(median))
                let z = Double((rowVoids[i].level - median) / spread)
                if z > 1 {
                    voids.append((x0 + rowVoids[i].bin * binWidth, y0 + r * rowBin, z, Double(rowVoids[i].level - median) / cargo.mu))
                }
            }
        }
        // Every other row: a cell is the lowest of three rows, so a gap one row high is seen
        // from the row above or below it (each gap was judged two or three times over).
        for r in stride(from: d + 1, to: rows - d - 1, by: 2) {
            var any = false
            binned.withUnsafeBufferPointer { m in
                line.withUnsafeMutableBufferPointer { low in
                    depth.withUnsafeMutableBufferPointer { contrast in
                        present.withUnsafeMutableBufferPointer { gap in
                            any = KernelDispatch.gapCells(m.baseAddress!, row: r, bins: bins, d: d, low: low.baseAddress!, contrast: contrast.baseAddress!,
                                           gap: gap.baseAddress!)
                        }
                    }
                }
            }
            guard any else { continue }
            findVoids(row: r)
            // Runs with holes of up to two bins.
            var b = 0
            while b < bins {
                guard present[b] != 0 else { b += 1; continue }
                var end = b + 1, lastPresent = b
                while end < bins, end - lastPresent <= 3 {
                    if present[end] != 0 { lastPresent = end }
                    end += 1
                }
                let run = b...lastPresent
                b = lastPresent + 1
                guard run.count >= minimumRun else { continue }
                judge(row: r, run: run)
            }
        }
        // Voids: each as dense as the densest other void near it.
        let nearX = Int(600 / pitchX), nearY = Int(600 / pitchY), sameX = Int(150 / pitchX), sameY = Int(100 / pitchY)
        for i in voids.indices {
            var other = 0.0
            for j in voids.indices where j != i {
                let dx = abs(voids[j].x - voids[i].x), dy = abs(voids[j].y - voids[i].y)
                guard dx <= nearX, dy <= nearY, dx >= sameX || dy >= sameY else { continue }
                other = max(other, voids[j].z)
            }
            let z = min(voids[i].z, other)
            guard z > best.statistic else { continue }
            best = Candidate(kind: .gapLine, statistic: z, bbox: [voids[i].x - binWidth, voids[i].y - rowBin - 1, 3 * binWidth, 3 * rowBin + 2], massKg: nil,
                             place: nil)
            bestPlace = (voids[i].excess, nil, fromDoors(pixel: voids[i].x, cargo: cargo, geometry: geometry))
        }
        if let (excess, length, doors) = bestPlace {
            let what = length.map { String(format: "a gap between layers of the load reads %.0f g/cm² denser over %.2f m", excess, $0) }
                ?? String(format: "where sacks meet, voids read %.0f g/cm² denser than the others along their courses", excess)
            best.place = what + ", " + placeFromDoors(doors)
        }
        return best
    }
}
