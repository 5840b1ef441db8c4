import Foundation
import TriageKernels

extension Measurer {
    /// `count` values of `value`, allocated for a check's passes over every block (the caller
    /// deallocates it): arrays written in those loops cost a bounds and uniqueness check per
    /// write, which was most of the inclusion and dense-layer checks' time.
    static func scratch<T>(_ value: T, count: Int) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        buffer.initialize(repeating: value)
        return buffer
    }

    /// Dense inclusions: a compact region of the load that is denser than the goods all around
    /// it, where those goods are themselves uniform. Goods of one kind fill a carton, a sack or a
    /// stack evenly; what was put inside them (bricks in a carton of fruit, a bag in a stack of
    /// sacks) is an island of other density enclosed by them. A carton that is merely denser
    /// than the next stack is not enclosed by one uniform surrounding, so it does not count; the
    /// column-based dense-region check cannot tell the two apart when cartons vary as much as
    /// the contrast of what is hidden.
    ///
    /// 1. The load's body (occupied blocks below the load's top) is split into uniform regions:
    ///    neighbouring blocks join when they differ by less than 3 % (or three noise sigmas).
    ///    At 6 % a patch chained into the goods around it through the blocks its edge cuts
    ///    (partial volume: halfway between the two), and was never tested on its own.
    /// 2. Each compact region of 4 to 400 blocks (up to about 1 m²; two blocks or more each way,
    ///    filling half its box at least) is compared with its ring: the outlines of its box grown
    ///    by two to five blocks (the first outline is skipped: blocks cut by the region's edge
    ///    hold a mix of both). The ring must lie in the load (three quarters of it); the
    ///    statistic is the region's excess over the ring's median in units of the ring's spread
    ///    (at least 3 % of its median, and two noise sigmas), times the square root of the
    ///    region's size (capped at 64 blocks). The ring reaches 0.25 m out so that it spans
    ///    several cartons and its spread is the load's own carton-to-carton variation: with a
    ///    ring of two outlines that spread was too often one carton's, and a fixed 8 % floor
    ///    stood in for it, which hid bricks in uniform goods (11 % in timber).
    static func inclusion(_ cargo: CargoMap, profile: LoadProfile, geometry: ContainerGeometry) -> Candidate {
        let columns = cargo.columns, rows = cargo.rows, count = columns * rows
        var best = Candidate(kind: .inclusion, statistic: 0, bbox: nil, massKg: nil, place: nil)
        // Where the best so far lies, said at the end (``placeFromDoors(_:)``).
        var bestDoors = 0.0
        guard columns > 8, rows > 8 else { return best }
        let density = cargo.density
        let noise = Float(cargo.noise)
        // Scratch per block, as unsafe buffers: the passes below touch every block of the map a
        // few times, and arrays captured by the loops cost a uniqueness check per write.
        func scratch<T>(_ value: T) -> UnsafeMutableBufferPointer<T> { Measurer.scratch(value, count: count) }
        let body = scratch(false), parent = scratch(Int32(0)), size = scratch(Int32(0)), sums = scratch(Float(0))
        let c0s = scratch(Int32.max), c1s = scratch(Int32(-1)), r0s = scratch(Int32.max), r1s = scratch(Int32(-1))
        defer { for buffer in [parent, size, c0s, c1s, r0s, r1s] { buffer.deallocate() }; body.deallocate(); sums.deallocate() }
        for c in 1..<(columns - 1) {
            let top = profile.top[c]
            guard top < rows - 4 else { continue }
            for r in max(1, top + 1)..<(rows - 1) where density[r * columns + c] > cargo.occupiedThreshold {
                body[r * columns + c] = true
            }
        }
        // 1. Uniform regions (union-find with path halving), then size, box and sum per region
        // (at its root) in one pass.
        for i in 0..<count { parent[i] = Int32(i) }
        @inline(__always) func find(_ index: Int) -> Int {
            var i = index
            while Int(parent[i]) != i { parent[i] = parent[Int(parent[i])]; i = Int(parent[i]) }
            return i
        }
        // The later root goes under the earlier: the blocks not yet visited join a region as
        // leaves of its root. (Linked the other way, a region's root moved to its newest block
        // at every join and the older blocks' paths grew: the finds were a quarter of this
        // check's time.) Which block is the root changes nothing found.
        @inline(__always) func union(_ x: Int, _ y: Int) {
            let a = find(x), b = find(y)
            if a < b { parent[b] = Int32(a) } else if b < a { parent[a] = Int32(b) }
        }
        let floorTolerance = 3 * noise
        @inline(__always) func similar(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= max(0.03 * max(a, b), floorTolerance) }
        for r in 0..<rows {
            for c in 0..<columns {
                let i = r * columns + c
                guard body[i] else { continue }
                if c + 1 < columns, body[i + 1], similar(density[i], density[i + 1]) { union(i, i + 1) }
                if r + 1 < rows, body[i + columns], similar(density[i], density[i + columns]) { union(i, i + columns) }
            }
        }
        for y in 0..<rows {
            for x in 0..<columns where body[y * columns + x] {
                let i = y * columns + x, root = find(i)
                let c = Int32(x), r = Int32(y)
                size[root] &+= 1
                sums[root] += density[i]
                c0s[root] = min(c0s[root], c); c1s[root] = max(c1s[root], c)
                r0s[root] = min(r0s[root], r); r1s[root] = max(r1s[root], r)
            }
        }
        // 2. Each compact region against its ring.
        var ring: [Float] = []
        for r in 0..<count where size[r] >= 4 && size[r] <= 400 {
            let n = Int(size[r])
            let c0 = Int(c0s[r]), c1 = Int(c1s[r]), r0 = Int(r0s[r]), r1 = Int(r1s[r])
            // Compact: at least two blocks each way and filling half its box (a board or a
            // carton's edge is a line, not a package).
            guard c1 > c0, r1 > r0, 2 * n >= (c1 - c0 + 1) * (r1 - r0 + 1) else { continue }
            let mean = sums[r] / Float(n)
            // Most regions are nowhere near dense enough: z > 3 needs the ring's median below
            // mean / 1.09 (the 3 % floor) and below mean − 6σ, and 2 kg of excess needs it below
            // mean − 2 kg / (n · block area). The median is below a bound exactly when more than
            // half the ring's values are: a first pass only counts (the ring's size, the blocks
            // of it in the load, those at or below the bound), and the ring is gathered and
            // selected from only when that says it may pass (same results).
            let bound = min(mean / 1.09, mean - 6 * noise, mean - Float(2000 / (Double(n) * cargo.blockAreaCm2)))
            // The ring: the outlines of the region's box grown by two to five blocks. It has
            // `ringBlocks` places (2w + 2h − 4 per outline), some outside the map; those inside
            // it and in the load are visited (rows clamped to the map, no test per place).
            let ringBlocks = (2...5).reduce(0) { $0 + 2 * (c1 - c0 + 1 + 2 * $1) + 2 * (r1 - r0 + 1 + 2 * $1) - 4 }
            @inline(__always) func forEachRingBlock(_ visit: (_ index: Int) -> Void) {
                for grow in 2...5 {
                    let left = c0 - grow, right = c1 + grow, upper = r0 - grow, lower = r1 + grow
                    let x0 = max(0, left), x1 = min(columns - 1, right)
                    for y in [upper, lower] where y >= 0 && y < rows && x0 <= x1 {
                        for x in x0...x1 where body[y * columns + x] { visit(y * columns + x) }
                    }
                    let y0 = max(0, upper + 1), y1 = min(rows - 1, lower - 1)
                    guard y0 <= y1 else { continue }
                    for y in y0...y1 {
                        if left >= 0, body[y * columns + left] { visit(y * columns + left) }
                        if right < columns, body[y * columns + right] { visit(y * columns + right) }
                    }
                }
            }
            var inLoad = 0, below = 0
            forEachRingBlock { index in
                inLoad &+= 1
                if density[index] <= bound { below &+= 1 }
            }
            guard inLoad >= 12, Double(inLoad) >= 0.75 * Double(ringBlocks), below > inLoad / 2 else { continue }
            ring.removeAll(keepingCapacity: true)
            forEachRingBlock { index in ring.append(density[index]) }
            let ringMedian = Selection.select(&ring, ring.count / 2)
            guard mean > ringMedian else { continue }
            // The z the region needs (over 3, and enough to beat the best so far); when even the
            // floors of the spread, or a spread of at least the one that holds it to that z,
            // keep it below, the region is done without selecting the ring's median absolute
            // deviation: the ring's values closer to the median than that are counted instead
            // (both with a relative 1e-5 of room, so rounding never skips a region the
            // selection keeps).
            let needed = max(3, best.statistic / Double(min(n, 64)).squareRoot())
            let excess = Double(mean - ringMedian)
            guard excess / Double(max(0.03 * ringMedian, 2 * noise)) * (1 + 1e-5) > needed else { continue }
            guard Selection.deviation(of: ring, around: ringMedian, isBelow: Float(excess / (1.4826 * needed) * (1 + 1e-5))) else { continue }
            for index in ring.indices { ring[index] = abs(ring[index] - ringMedian) }
            let ringSpread = 1.4826 * Selection.select(&ring, ring.count / 2)
            let z = Double((mean - ringMedian) / max(ringSpread, 0.03 * ringMedian, 2 * noise))
            let excessKg = Double(mean - ringMedian) * Double(n) * cargo.blockAreaCm2 / 1000
            guard z > 3, excessKg >= 2 else { continue }
            let statistic = z * Double(min(n, 64)).squareRoot()
            if statistic > best.statistic {
                let doors = fromDoors((c0 + c1) / 2, cargo: cargo, geometry: geometry)
                best = Candidate(kind: .inclusion, statistic: statistic, bbox: cargo.bbox(columns: c0...c1, rows: r0...r1),
                                 massKg: excessKg, place: nil)
                bestDoors = doors
            }
        }
        if best.statistic > 0 { best.place = placeFromDoors(bestDoors) }
        return best
    }
}
