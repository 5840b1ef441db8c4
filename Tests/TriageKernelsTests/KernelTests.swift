import Foundation
import Testing
import TriageDecode
import TriageKernels
import TriageKernelsAVX2
import TriagePhysics

/// Every SIMD kernel against its scalar reference, on odd sizes so the scalar tails run too.
@Suite struct KernelTests {
    static func randomFloats(_ count: Int, seed: UInt64, range: ClosedRange<Float>) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return range.lowerBound + (range.upperBound - range.lowerBound) * Float(state >> 40) / Float(1 << 24)
        }
    }

    @Test func simdLogMatchesTheLibraryLog() {
        var worst: Float = 0
        for exponent in -30...30 {
            let values = Self.randomFloats(64, seed: UInt64(exponent + 100), range: 1...2).map { $0 * Float(pow(2.0, Double(exponent))) }
            for chunk in stride(from: 0, to: values.count, by: 8) {
                let v = SIMD8<Float>(values[chunk..<chunk + 8])
                let result = simdLog(v)
                for lane in 0..<8 {
                    let expected = Float(log(Double(v[lane])))
                    let error = abs(result[lane] - expected) / max(1, abs(expected))
                    worst = max(worst, error)
                }
            }
        }
        #expect(worst < 2e-6, "worst relative error \(worst)")
    }

    @Test(arguments: [0, 1, 7, 8, 9, 1003])
    func transmissionKernelMatchesTheReference(count: Int) {
        let pixels = Self.randomFloats(count, seed: 7, range: 0...65535).map { UInt16($0) } + [0, 100, 250, 251, 252, 60000, 65535]
        var reference = [Float](repeating: 0, count: pixels.count), simd = reference
        let opaqueReference = pixels.withUnsafeBufferPointer { input in
            reference.withUnsafeMutableBufferPointer { AttenuationKernel.transmissionScalar(input, $0, air: 60000, dark: 250) }
        }
        let opaqueSIMD = pixels.withUnsafeBufferPointer { input in
            simd.withUnsafeMutableBufferPointer { AttenuationKernel.transmissionSIMD(input, $0, air: 60000, dark: 250) }
        }
        #expect(opaqueReference == opaqueSIMD)
        let worst = zip(reference, simd).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 2e-5, "worst difference \(worst)")
        // And against the exact lookup table of the physics module.
        let table = try! AttenuationTransform(encoding: .transmission(air: 60000, dark: 250), bitDepth: 16)
        let exact = table.applyTable(.uint16(PixelImage(width: pixels.count, height: 1, samples: pixels)))
        #expect((zip(exact.values, simd).map { abs($0 - $1) }.max() ?? 0) < 2e-5)
    }

    /// The AVX2 build of the kernels (TriageKernelsAVX2, compiled for x86-64-v3 and optimised
    /// even in debug builds, so this runs its YMM code) gives bit for bit what the baseline
    /// build gives, and the same opaque counts. Only where the processor has AVX2: elsewhere the
    /// build is never called, which is what `KernelDispatch` is for.
    @Test(.enabled(if: KernelDispatch.avx2, "this processor has no x86-64-v3 (AVX2): the AVX2 build is never run here"),
          arguments: [0, 5, 8, 13, 64, 4099])
    func theAVX2BuildGivesExactlyTheBaselineResults(count: Int) {
        let pixels = Self.randomFloats(count, seed: 11, range: 0...65535).map { UInt16($0) } + [0, 249, 250, 251, 60000, 65535]
        var baseline = [Float](repeating: 0, count: pixels.count), wide = baseline
        let a = pixels.withUnsafeBufferPointer { i in baseline.withUnsafeMutableBufferPointer { AttenuationKernel.transmissionSIMD(i, $0, air: 60000, dark: 250) } }
        let b = pixels.withUnsafeBufferPointer { i in wide.withUnsafeMutableBufferPointer { KernelsAVX2.transmission(i, $0, air: 60000, dark: 250) } }
        #expect(a == b && a == 3 + pixels.prefix(count).filter { $0 < 251 }.count, "0, 249 and 250 are opaque (signal below one count)")
        #expect(baseline.map(\.bitPattern) == wide.map(\.bitPattern))
        let bytes = pixels.map { UInt8($0 >> 8) }
        var baseline8 = [Float](repeating: 0, count: bytes.count), wide8 = baseline8
        let c = bytes.withUnsafeBufferPointer { i in baseline8.withUnsafeMutableBufferPointer { AttenuationKernel.logSIMD(i, $0, zero: 250, scale: 22, floor: 3) } }
        let d = bytes.withUnsafeBufferPointer { i in wide8.withUnsafeMutableBufferPointer { KernelsAVX2.log(i, $0, zero: 250, scale: 22, floor: 3) } }
        #expect(c == d)
        #expect(baseline8.map(\.bitPattern) == wide8.map(\.bitPattern))
        // The float kernels of the locator and the cargo map, on a region read in place.
        let width = 37, height = 29
        let image = Self.randomFloats(width * height, seed: UInt64(count) + 3, range: 0...4)
        image.withUnsafeBufferPointer { a in
            let region = UnsafeBufferPointer(rebasing: a[(2 * width + 3)...])
            let g1 = BlockKernel.statisticsSIMD(region, width: 30, height: 25, rowStride: width, blockWidth: 4, blockHeight: 3, ceiling: 3.5)
            let g2 = KernelsAVX2.blockStatistics(region, width: 30, height: 25, rowStride: width, blockWidth: 4, blockHeight: 3, ceiling: 3.5)
            #expect(g1.mean.map(\.bitPattern) == g2.mean.map(\.bitPattern) && g1.variance.map(\.bitPattern) == g2.variance.map(\.bitPattern))
            #expect(g1.over == g2.over && g1.over.reduce(0, +) > 0)
            let r1 = BlockKernel.rowMeansSIMD(a, width: width, height: height, columns: 3..<33)
            let r2 = KernelsAVX2.rowMeans(a, width: width, height: height, columns: 3..<33)
            #expect(r1.map(\.bitPattern) == r2.map(\.bitPattern))
            #expect(RangeKernel.firstRowAboveSIMD(a, width: width, rowLimit: height, threshold: 3.9)
                    == KernelsAVX2.firstRowAbove(a, width: width, rowLimit: height, threshold: 3.9))
            #expect(RangeKernel.minMaxSIMD(a, below: 3.5) == KernelsAVX2.minMax(a, below: 3.5))
        }
        // Block statistics wider than the AVX2 build's 32-column strips (83 columns: two of
        // them, one of 16, three single), with and without opaque counts.
        let broad = 90, deep = 23
        let big = Self.randomFloats(broad * deep, seed: UInt64(count) + 9, range: 0...4)
        big.withUnsafeBufferPointer { a in
            let region = UnsafeBufferPointer(rebasing: a[(broad + 4)...])
            for ceiling: Float in [3.5, .infinity] {
                let g1 = BlockKernel.statisticsSIMD(region, width: 83, height: 21, rowStride: broad, blockWidth: 10, blockHeight: 4, ceiling: ceiling)
                let g2 = KernelsAVX2.blockStatistics(region, width: 83, height: 21, rowStride: broad, blockWidth: 10, blockHeight: 4, ceiling: ceiling)
                #expect(g1.mean.map(\.bitPattern) == g2.mean.map(\.bitPattern) && g1.variance.map(\.bitPattern) == g2.variance.map(\.bitPattern))
                #expect(g1.over == g2.over && (g1.over.reduce(0, +) > 0) == ceiling.isFinite)
            }
        }
        // The gap cells and the residuals.
        let bins = 37 + count % 8
        big.withUnsafeBufferPointer { m in
            for row in 3..<8 {
                var low1 = [Float](repeating: 0, count: bins), depth1 = low1, low2 = low1, depth2 = low1
                var gap1 = [Int32](repeating: 0, count: bins), gap2 = gap1
                let any1 = GapKernel.cellsSIMD(m.baseAddress!, row: row, bins: bins, d: 3, low: &low1, contrast: &depth1, gap: &gap1)
                let any2 = KernelsAVX2.gapCells(m.baseAddress!, row: row, bins: bins, d: 3, low: &low2, contrast: &depth2, gap: &gap2)
                #expect(any1 == any2 && low1.map(\.bitPattern) == low2.map(\.bitPattern) && depth1.map(\.bitPattern) == depth2.map(\.bitPattern) && gap1 == gap2)
            }
            let n = min(count + 3, broad * deep / 3)
            let measured = UnsafeBufferPointer(rebasing: m[0..<n]), expected = UnsafeBufferPointer(rebasing: m[n..<(2 * n)])
            let spread = UnsafeBufferPointer(rebasing: m[(2 * n)..<(3 * n)])
            var z1 = [Float](repeating: 0, count: n), z2 = z1
            let o1 = z1.withUnsafeMutableBufferPointer { CompareKernel.residualsSIMD(measured: measured, expected: expected, spread: spread, minimumSpread: 0.5, threshold: 1, z: $0) }
            let o2 = z2.withUnsafeMutableBufferPointer { KernelsAVX2.residuals(measured: measured, expected: expected, spread: spread, minimumSpread: 0.5, threshold: 1, z: $0) }
            #expect(o1 == o2 && z1.map(\.bitPattern) == z2.map(\.bitPattern))
        }
    }

    /// The SIMD log kernel multiplies by 1/scale where the reference divides: within one ulp.
    @Test func logKernelMatchesWithinOneULP() {
        let pixels = (0..<1000).map { UInt8($0 % 256) }
        var reference = [Float](repeating: 0, count: pixels.count), simd = reference
        let a = pixels.withUnsafeBufferPointer { i in reference.withUnsafeMutableBufferPointer { AttenuationKernel.logScalar(i, $0, zero: 250, scale: 22, floor: 3) } }
        let b = pixels.withUnsafeBufferPointer { i in simd.withUnsafeMutableBufferPointer { AttenuationKernel.logSIMD(i, $0, zero: 250, scale: 22, floor: 3) } }
        #expect(a == b && a == 4 * 4, "codes 0...3 are opaque, four times each")
        for (r, s) in zip(reference, simd) { #expect(abs(r - s) <= r.magnitude.ulp, "\(r) vs \(s)") }
        #expect(reference[0] == simd[0] && reference[0] == Float(250 - 3) / 22, "opaque pixels get the saturation exactly")
    }

    @Test(arguments: [(37, 23, 5, 4), (64, 64, 8, 8), (100, 7, 3, 11), (9, 9, 10, 10)])
    func blockStatisticsMatchTheReference(shape: (Int, Int, Int, Int)) {
        let (width, height, bw, bh) = shape
        let image = Self.randomFloats(width * height, seed: 3, range: -0.1...12)
        let reference = image.withUnsafeBufferPointer { BlockKernel.statisticsScalar($0, width: width, height: height, blockWidth: bw, blockHeight: bh, ceiling: 11) }
        let simd = image.withUnsafeBufferPointer { BlockKernel.statisticsSIMD($0, width: width, height: height, blockWidth: bw, blockHeight: bh, ceiling: 11) }
        #expect(reference.count == simd.count)
        #expect(reference.over == simd.over, "pixels at or above the ceiling, per block")
        #expect(reference.over.reduce(0, +) == Int32(image.filter { $0 >= 11 }.count) && reference.over.contains { $0 > 0 })
        for index in reference.mean.indices {
            #expect(abs(reference.mean[index] - simd.mean[index]) <= 1e-5 * max(1, abs(reference.mean[index])))
            #expect(abs(reference.variance[index] - simd.variance[index]) <= 1e-3)
        }
    }

    /// A region read in place from a larger image gives the statistics of the region copied out.
    @Test func blockStatisticsReadARegionInPlace() {
        let width = 61, height = 40
        let image = Self.randomFloats(width * height, seed: 5, range: 0...9)
        let (x0, y0, w, h) = (7, 5, 45, 30)
        var copy: [Float] = []
        for y in 0..<h {
            let rowStart = (y0 + y) * width + x0
            copy.append(contentsOf: image[rowStart..<(rowStart + w)])
        }
        let expected = copy.withUnsafeBufferPointer { BlockKernel.statisticsScalar($0, width: w, height: h, blockWidth: 5, blockHeight: 6) }
        image.withUnsafeBufferPointer { buffer in
            let start = y0 * width + x0
            let region = UnsafeBufferPointer(rebasing: buffer[start..<(start + (h - 1) * width + w)])
            let scalar = BlockKernel.statisticsScalar(region, width: w, height: h, rowStride: width, blockWidth: 5, blockHeight: 6)
            let simd = BlockKernel.statisticsSIMD(region, width: w, height: h, rowStride: width, blockWidth: 5, blockHeight: 6, ceiling: 8)
            #expect(scalar == expected)
            let copied = copy.withUnsafeBufferPointer { BlockKernel.statisticsScalar($0, width: w, height: h, blockWidth: 5, blockHeight: 6, ceiling: 8) }
            #expect(simd.over == copied.over && copied.over.contains { $0 > 0 })
            #expect(zip(simd.mean, expected.mean).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
        }
    }

    @Test func profilesMatchTheReference() {
        let width = 203, height = 57
        let image = Self.randomFloats(width * height, seed: 11, range: 0...10)
        image.withUnsafeBufferPointer { buffer in
            let columnsRef = BlockKernel.columnMeansScalar(buffer, width: width, rows: 5..<50)
            let columnsSIMD = BlockKernel.columnMeansSIMD(buffer, width: width, rows: 5..<50)
            #expect(zip(columnsRef, columnsSIMD).allSatisfy { abs($0 - $1) < 1e-4 })
            let rowsRef = BlockKernel.rowMeansScalar(buffer, width: width, height: height, columns: 3..<190)
            let rowsSIMD = BlockKernel.rowMeansSIMD(buffer, width: width, height: height, columns: 3..<190)
            #expect(zip(rowsRef, rowsSIMD).allSatisfy { abs($0 - $1) < 1e-4 })
            #expect(RangeKernel.minMaxScalar(buffer, below: 9.5) == RangeKernel.minMaxSIMD(buffer, below: 9.5))
            // Lengths around the 32-value steps and the 8-value ones; a ceiling that leaves out
            // nearly everything, and one that leaves out everything ((0, 0)).
            for length in [0, 5, 8, 31, 32, 33, 71, 203] {
                let view = UnsafeBufferPointer(rebasing: buffer[0..<length])
                for ceiling: Float in [9.5, 0.3, -1] {
                    #expect(RangeKernel.minMaxScalar(view, below: ceiling) == RangeKernel.minMaxSIMD(view, below: ceiling), "\(length) values below \(ceiling)")
                }
            }
            #expect(RangeKernel.minMaxSIMD(buffer, below: -1) == (0, 0))
            // Counts and tallies over lengths that end inside a group of eight and on one.
            for (length, threshold) in [(203, Float(5)), (200, 9.9), (7, 0.1), (0, 1)] {
                let view = UnsafeBufferPointer(rebasing: buffer[0..<length])
                var reference = [Int32](repeating: 2, count: length), simd = reference
                let counted = reference.withUnsafeMutableBufferPointer { RangeKernel.countAboveScalar(view, threshold: threshold, tally: $0) }
                #expect(counted == simd.withUnsafeMutableBufferPointer { RangeKernel.countAboveSIMD(view, threshold: threshold, tally: $0) })
                #expect(counted == RangeKernel.countAboveSIMD(view, threshold: threshold))
                #expect(reference == simd)
                #expect(counted == view.filter { $0 > threshold }.count)
            }
            // Sums: eight partial sums against the sum in order, within rounding (the values are
            // 0-10: a relative 1e-6 per value).
            for length in [0, 5, 8, 31, 33, 203] {
                let view = UnsafeBufferPointer(rebasing: buffer[0..<length])
                let reference = RangeKernel.sumScalar(view), simd = RangeKernel.sumSIMD(view)
                #expect(abs(reference - simd) <= 1e-5 * Float(max(1, length)), "\(length) values: \(reference) against \(simd)")
                #expect(abs(Double(reference) - view.reduce(0.0) { $0 + Double($1) }) <= 1e-5 * Double(max(1, length)))
            }
            // Thresholds that leave some columns unset, some set on the first row, most between.
            for threshold: Float in [9.0, 9.9, 0.1, 11] {
                let reference = RangeKernel.firstRowAboveScalar(buffer, width: width, rowLimit: 40, threshold: threshold)
                #expect(reference == RangeKernel.firstRowAboveSIMD(buffer, width: width, rowLimit: 40, threshold: threshold))
            }
            // 219 columns: six 32-column strips, one 16-column strip, eleven single columns.
            let narrow = 219, narrowRows = (width * 40) / narrow
            let view = UnsafeBufferPointer(rebasing: buffer[0..<(narrow * narrowRows)])
            for threshold: Float in [9.0, 9.9, 0.1] {
                #expect(RangeKernel.firstRowAboveScalar(view, width: narrow, rowLimit: narrowRows, threshold: threshold)
                        == RangeKernel.firstRowAboveSIMD(view, width: narrow, rowLimit: narrowRows, threshold: threshold))
            }
            #expect(RangeKernel.firstRowAboveScalar(buffer, width: width, rowLimit: 40, threshold: 9.9).contains(-1))
            #expect(RangeKernel.firstRowAboveScalar(buffer, width: width, rowLimit: 40, threshold: 9.0).contains { $0 > 3 })
        }
        // A roof: column x is first dense at row x % 37 (one lane of a strip late, the others
        // early, so a strip must not stop before its last lane), column 20 never; rows after
        // the roof are dense too, except a gap, as over a load.
        var roof = [Float](repeating: 0, count: width * height)
        for x in 0..<width where x != 20 {
            for y in (x % 37)..<height where y != 45 { roof[y * width + x] = 5 }
        }
        roof.withUnsafeBufferPointer { buffer in
            let expected = (0..<width).map { $0 == 20 ? Int32(-1) : Int32($0 % 37) }
            #expect(RangeKernel.firstRowAboveScalar(buffer, width: width, rowLimit: height, threshold: 1) == expected)
            #expect(RangeKernel.firstRowAboveSIMD(buffer, width: width, rowLimit: height, threshold: 1) == expected)
            #expect(RangeKernel.firstRowAboveSIMD(buffer, width: width, rowLimit: 10, threshold: 1) == expected.map { $0 < 10 ? $0 : -1 })
        }
    }

    @Test func residualsAreBitForBit() {
        let n = 1001
        let measured = Self.randomFloats(n, seed: 1, range: 0...200), expected = Self.randomFloats(n, seed: 2, range: 0...200)
        let spread = Self.randomFloats(n, seed: 3, range: 0...10)
        var zRef = [Float](repeating: 0, count: n), zSIMD = zRef
        let overRef = measured.withUnsafeBufferPointer { m in expected.withUnsafeBufferPointer { e in spread.withUnsafeBufferPointer { s in
            zRef.withUnsafeMutableBufferPointer { CompareKernel.residualsScalar(measured: m, expected: e, spread: s, minimumSpread: 0.5, threshold: 3, z: $0) } } } }
        let overSIMD = measured.withUnsafeBufferPointer { m in expected.withUnsafeBufferPointer { e in spread.withUnsafeBufferPointer { s in
            zSIMD.withUnsafeMutableBufferPointer { CompareKernel.residualsSIMD(measured: m, expected: e, spread: s, minimumSpread: 0.5, threshold: 3, z: $0) } } } }
        #expect(overRef == overSIMD && zRef == zSIMD)
        #expect(overRef > 0)
    }

    /// Selection gives exactly the element a sort puts at each rank, with ties, duplicates,
    /// sorted and reversed input, one element, and every rank of every small size.
    @Test func selectionAgreesWithSorting() {
        let inputs: [[Float]] = [
            Self.randomFloats(257, seed: 5, range: -3...3),
            Self.randomFloats(64, seed: 6, range: 0...1).map { ($0 * 4).rounded() },   // many ties
            (0..<100).map(Float.init), (0..<100).reversed().map(Float.init),
            [Float](repeating: 2, count: 33), [7],
        ]
        for input in inputs {
            let sorted = input.sorted()
            for k in Set([0, input.count / 2, input.count - 1, input.count / 3]) {
                var scratch = input
                #expect(Selection.select(&scratch, k) == sorted[k], "rank \(k) of \(input.count)")
                #expect(scratch.sorted() == sorted, "selection only reorders")
            }
        }
        var doubles = (0..<50).map { Double(($0 * 37) % 50) }
        #expect(Selection.select(&doubles, 10) == 10)
        // Every rank of every size up to 40, about the cut-off below which the last few are
        // insertion-sorted (with ties: values in steps of a quarter).
        for n in 1...40 {
            let input = Self.randomFloats(n, seed: UInt64(100 + n), range: 0...1).map { ($0 * 8).rounded() / 4 }
            let sorted = input.sorted()
            for k in 0..<n {
                var scratch = input
                #expect(Selection.select(&scratch, k) == sorted[k], "rank \(k) of \(n)")
                #expect(scratch.sorted() == sorted, "selection only reorders")
            }
        }
    }

    /// Merged sorted runs and the walk outward from the median give exactly what selection
    /// gives on the pooled values: the median and the median absolute deviation, with ties.
    @Test func sortedRunsAgreeWithSelection() {
        let runs: [[Float]] = [
            Self.randomFloats(41, seed: 11, range: 0...5), [], Self.randomFloats(50, seed: 12, range: 2...3),
            Self.randomFloats(37, seed: 13, range: 0...1).map { ($0 * 3).rounded() }, [1.5], [Float](repeating: 2, count: 9),
        ]
        for window in 1...runs.count {
            for start in 0...(runs.count - window) {
                var merged: [Float] = []
                for run in runs[start..<start + window] {
                    let sortedRun = run.sorted()
                    var output = [Float](repeating: 0, count: merged.count + sortedRun.count)
                    merged.withUnsafeBufferPointer { a in sortedRun.withUnsafeBufferPointer { b in
                        output.withUnsafeMutableBufferPointer { _ = SortedRuns.slide(a, removing: UnsafeBufferPointer(start: nil, count: 0), adding: b, into: $0) } } }
                    merged = output
                }
                guard !merged.isEmpty else { continue }
                var pool = runs[start..<start + window].flatMap { $0 }
                #expect(merged == pool.sorted())
                let median = Selection.select(&pool, pool.count / 2)
                #expect(merged[merged.count / 2] == median)
                for k in 0..<pool.count {
                    var deviations = pool.map { abs($0 - median) }
                    let expected = Selection.select(&deviations, k)
                    let walked = merged.withUnsafeBufferPointer { SortedRuns.deviation($0, around: median, rank: k) }
                    #expect(walked == expected, "rank \(k) of \(pool.count), window \(start)+\(window)")
                }
            }
        }
    }

    /// Sliding a window of sorted runs by one column gives the window merged from scratch, with
    /// ties between the leaving, staying and entering runs, empty runs, and a window of one.
    @Test func slidingSortedRunsEqualsMergingTheWindowAgain() {
        let runs: [[Float]] = [
            Self.randomFloats(41, seed: 21, range: 0...5), [], Self.randomFloats(50, seed: 22, range: 2...3),
            Self.randomFloats(37, seed: 23, range: 0...1).map { ($0 * 3).rounded() }, [1, 2, 2, 3], [Float](repeating: 2, count: 9),
            Self.randomFloats(60, seed: 24, range: 0...4).map { ($0 * 2).rounded() / 2 }, [], [0.5],
        ].map { $0.sorted() }
        for width in 1...4 {
            var pool = runs[0..<width].flatMap { $0 }.sorted()
            for start in 1...(runs.count - width) {
                let leaving = runs[start - 1], entering = runs[start + width - 1]
                var output = [Float](repeating: -1, count: pool.count - leaving.count + entering.count)
                let written = pool.withUnsafeBufferPointer { p in leaving.withUnsafeBufferPointer { l in
                    entering.withUnsafeBufferPointer { e in output.withUnsafeMutableBufferPointer {
                        SortedRuns.slide(p, removing: l, adding: e, into: $0) } } } }
                #expect(written == output.count)
                pool = output
                #expect(pool == runs[start..<start + width].flatMap { $0 }.sorted(), "window \(start)+\(width)")
            }
        }
    }
}
