import Foundation
import TriageKernels

extension Measurer {
    /// Whether block (`r`, `c`) is in the load's body, where its stacks are judged: occupied,
    /// under its column's top, inside the end walls' columns and above the three rows over the
    /// floor (`density` is `cargo.density`).
    @inline(__always)
    static func inLoadBody(_ density: UnsafeBufferPointer<Float>, _ cargo: CargoMap, _ profile: LoadProfile, row r: Int, column c: Int) -> Bool {
        let columns = cargo.columns, rows = cargo.rows
        return c >= 1 && c < columns - 1 && profile.top[c] < rows - 4 && r >= 1 && r > profile.top[c] && r < rows - 3
            && density[r &* columns &+ c] > cargo.occupiedThreshold
    }

    /// Stack edges: `edge[b]` when the load steps between column b and b + 1 (by 6 %, and three
    /// noise sigmas, or from loaded to empty) in at least 60 % of the rows loaded on either side.
    /// Computed once a scan (``measure(scan:declaration:scatter:)``) for the dense layer and the
    /// stack tops above the load.
    static func stackEdges(_ cargo: CargoMap, profile: LoadProfile) -> [Bool] {
        let columns = cargo.columns, rows = cargo.rows
        var edge = [Bool](repeating: true, count: columns)
        guard columns > 2, rows > 4 else { return edge }
        let noise = Float(cargo.noise)
        cargo.density.withUnsafeBufferPointer { density in
            func body(_ r: Int, _ c: Int) -> Bool { inLoadBody(density, cargo, profile, row: r, column: c) }
            for b in 0..<(columns - 1) {
                var loaded = 0, steps = 0
                for r in 1..<(rows - 3) {
                    let left = body(r, b), right = body(r, b + 1)
                    guard left || right else { continue }
                    loaded &+= 1
                    if left != right { steps &+= 1; continue }
                    let a = density[r &* columns &+ b], z = density[r &* columns &+ b &+ 1]
                    if abs(a - z) > max(0.06 * max(a, z), 3 * noise) { steps &+= 1 }
                }
                edge[b] = loaded == 0 || 10 * steps >= 6 * loaded
            }
        }
        return edge
    }

    /// Heavier than the rest of its layer: goods on a pallet are packed in layers that run the
    /// pallet's width, each layer one kind of carton, so along a row of blocks within one stack
    /// the load weighs the same from side to side. A package pushed in among the cartons adds
    /// its own weight over part of that width: the blocks it covers are heavier than the rest
    /// of their layer in their stack, however much
    /// the stacks differ from each other (which is what hides it from checks that compare it
    /// with the same rows along the whole container, or with a ring that spans several stacks).
    ///
    /// 1. Stack edges: the column boundaries where the load steps (by 6 %, and three noise
    ///    sigmas) or ends in at least 60 % of the rows loaded on either side. A package's own
    ///    edges run over its height only (0.1–0.7 m of a stack's 1.5–2.5 m).
    /// 2. In each stack at least 0.2 m wide, each row's median over the stack (four blocks at
    ///    least); a block's residual is its excess over that median, or over the row's flanks
    ///    where they agree (within 6 %, and three noise sigmas) and weigh less than the median:
    ///    a package wider than half its layer is the median, but the carton or box it lies in
    ///    still shows on both sides of it. The flanks are the second and third blocks in from
    ///    each end of the row (the first may hold some of the gap beside the stack), in stacks
    ///    of eight blocks or more. Found on the panel (`Tools/quality.sh`): a package of 127 kg
    ///    in a box of plastic articles, 11 of its stack's 20 blocks wide, scored 0 with 108 of
    ///    its batch's 158 clean containers above it (statistic 0; 240 with the flanks).
    /// 3. The residuals' spread over the whole load (MAD), at least 3 % of the block's row median
    ///    and two noise sigmas, sets the bar: blocks over three spreads are joined (4-connected);
    ///    a group of at least four blocks scores its mean excess in spreads times the square root
    ///    of its size (capped at 64 blocks, as the inclusions are), with at least 2 kg of excess.
    /// 4. Cartons in layers: a stack with at least two layer boundaries (rows whose median is
    ///    under 88 % of those of the rows above and below it: lids, pallet boards, air between layers) is
    ///    a stack of cartons, and cartons differ in fill, one 10–15 % heavier than the next over
    ///    its whole height. The boundary rows carry none of that: they are the same all along
    ///    the stack. So in such a stack the rows inside the layers are judged at three times
    ///    the spread, the boundary rows at the spread: a package across a layer boundary makes
    ///    that boundary heavier and is seen; a heavier carton is not. Measured on the dev
    ///    batches (1,210 scans): the clean reefers' median statistic 36–41 -> 11; summed dev
    ///    AUC +0.029 (twice and four times the spread: +0.012 and +0.032; inside the layers of
    ///    every stack, layered or not: +0.019).
    ///
    /// Not seen: a package reaching an end of its layer (no flank on that side) and covering
    /// most of its width (the median is then the package), and the part of one lying in the
    /// gap between two stacks (the gaps are not judged: judging them against their own median
    /// raised clean findings more than it found packages, dev AUC 0.810 -> 0.770 on seed 660).
    /// Two cartons side by side in a layer (fruit, fish) differ as a package does: step 4
    /// rather than a model of the layer as two parts, which hid the packages too (0.805 ->
    /// 0.772); a package lying wholly inside one carton layer of such a stack must be three
    /// times as heavy to be seen here (the inclusion and dense-window checks judge it as
    /// before).
    static func layerResidual(_ cargo: CargoMap, profile: LoadProfile, geometry: ContainerGeometry, edges edge: [Bool]) -> Candidate {
        let columns = cargo.columns, rows = cargo.rows, count = columns * rows
        var best = Candidate(kind: .denseLayer, statistic: 0, bbox: nil, massKg: nil, place: nil)
        // Where the best so far lies, said at the end (``placeFromDoors(_:)``).
        var bestDoors = 0.0
        guard columns > 8, rows > 8 else { return best }
        let noise = Float(cargo.noise)
        // Scratch per block, as unsafe buffers (``Measurer/scratch(_:count:)``).
        func scratch<T>(_ value: T) -> UnsafeMutableBufferPointer<T> { Measurer.scratch(value, count: count) }
        let body = scratch(false), inLayer = scratch(false)
        let residual = scratch(Float.nan), median = scratch(Float.nan)
        defer { body.deallocate(); inLayer.deallocate(); residual.deallocate(); median.deallocate() }
        var magnitudes: [Float] = []
        cargo.density.withUnsafeBufferPointer { density in
            for r in 0..<rows {
                for c in 0..<columns where inLoadBody(density, cargo, profile, row: r, column: c) { body[r &* columns &+ c] = true }
            }
            // 1. Stack edges between column b and b + 1: `edge` (``stackEdges(_:profile:)``).
            // 2. Residuals against each stack row's median, or its flanks' level.
            let minimumWidth = max(4, Int((200 / cargo.blockWidthMM).rounded(.up)))
            let flankWidth = max(8, minimumWidth)
            // The level of a stack row's flanks (the second and third blocks in from each end),
            // where they agree and weigh less than its median `m`; nil otherwise.
            func flankLevel(_ r: Int, _ first: Int, _ last: Int, median m: Float) -> Float? {
                guard last - first + 1 >= flankWidth else { return nil }
                let i = r &* columns
                guard body[i &+ first &+ 1], body[i &+ first &+ 2], body[i &+ last &- 2], body[i &+ last &- 1] else { return nil }
                let left = (density[i &+ first &+ 1] + density[i &+ first &+ 2]) / 2
                let right = (density[i &+ last &- 2] + density[i &+ last &- 1]) / 2
                let level = max(left, right)
                guard abs(left - right) <= max(0.06 * level, 3 * noise), level < m else { return nil }
                return (left + right) / 2
            }
            var stackMedians = [Float](repeating: .nan, count: rows)
            var boundary = [Bool](repeating: false, count: rows)
            var row: [Float] = []
            var start = 0
            for b in 0..<columns where edge[b] || b == columns - 1 {
                let first = start, last = b
                start = b + 1
                guard last - first + 1 >= minimumWidth else { continue }
                for r in 0..<rows {
                    row.removeAll(keepingCapacity: true)
                    for c in first...last where body[r &* columns &+ c] { row.append(density[r &* columns &+ c]) }
                    guard row.count >= 4 else { continue }
                    let m = Selection.select(&row, row.count / 2)
                    let reference = flankLevel(r, first, last, median: m) ?? m
                    for c in first...last where body[r &* columns &+ c] {
                        residual[r &* columns &+ c] = density[r &* columns &+ c] - reference
                        median[r &* columns &+ c] = reference
                    }
                    stackMedians[r] = m
                }
                // 4. The stack's layer boundaries.
                var boundaries = 0
                for r in 1..<(rows - 1) {
                    let m = stackMedians[r], up = stackMedians[r - 1], down = stackMedians[r + 1]
                    boundary[r] = !m.isNaN && !up.isNaN && !down.isNaN && m < 0.88 * up && m < 0.88 * down
                    if boundary[r] { boundaries += 1 }
                }
                if boundaries >= 2 {
                    for r in 0..<rows where !boundary[r] && !stackMedians[r].isNaN {
                        for c in first...last { inLayer[r &* columns &+ c] = true }
                    }
                }
                for r in 0..<rows { stackMedians[r] = .nan }
            }
            magnitudes.reserveCapacity(count)
            for value in residual where !value.isNaN { magnitudes.append(abs(value)) }
        }
        guard magnitudes.count >= 64 else { return best }
        let spread = 1.4826 * Selection.select(&magnitudes, magnitudes.count / 2)
        // 3. Heavy groups.
        var mask = [Bool](repeating: false, count: count)
        let scale = scratch(Float(1))
        defer { scale.deallocate() }
        mask.withUnsafeMutableBufferPointer { mask in
            for i in 0..<count where !residual[i].isNaN {
                let s = max(spread, 0.03 * median[i], 2 * noise) * (inLayer[i] ? 3 : 1)
                scale[i] = s
                if residual[i] > 3 * s { mask[i] = true }
            }
        }
        for members in components(mask, columns: columns, rows: rows) where members.count >= 4 {
            let excess = members.reduce(0.0) { $0 + Double(residual[$1]) }
            let massKg = excess * cargo.blockAreaCm2 / 1000
            guard massKg >= 2 else { continue }
            let z = members.reduce(0.0) { $0 + Double(residual[$1] / scale[$1]) } / Double(members.count)
            let statistic = z * Double(min(members.count, 64)).squareRoot()
            if statistic > best.statistic {
                let cs = members.map { $0 % columns }
                let doors = fromDoors((cs.min()! + cs.max()!) / 2, cargo: cargo, geometry: geometry)
                best = Candidate(kind: .denseLayer, statistic: statistic, bbox: bbox(of: members, in: cargo), massKg: massKg, place: nil)
                bestDoors = doors
            }
        }
        if best.statistic > 0 { best.place = placeFromDoors(bestDoors) }
        return best
    }
}
