import CBenchReference
import Foundation
import ScalarReference
import ScanSynth
import TriageCompare
import TriageCore
import TriageDecode
import TriageKernels
import TriageKernelsAVX2
import TriageManifest
import TriagePhysics

/// Best-of-rounds throughput of `body` over `pixels` pixels, in Gpx/s.
func gigapixels(_ pixels: Int, rounds: Int = 9, _ body: () -> Void) -> Double {
    var best = 0.0
    for _ in 0..<rounds {
        let start = now()
        body()
        best = max(best, Double(pixels) / (Double(now() - start) / 1e9) / 1e9)
    }
    return best
}

/// Each kernel beside its scalar reference, on a scan-sized image.
func kernelBenchmark(_ arguments: [String]) throws {
    let width = 3000, height = 1100, count = width * height
    let scan = syntheticScan(width: width, height: height)
    let eight = scan.samples.map { UInt8($0 >> 8) }
    var out = [Float](repeating: 0, count: count)
    var floats = [Float](repeating: 0, count: count)
    _ = scan.samples.withUnsafeBufferPointer { i in floats.withUnsafeMutableBufferPointer { AttenuationKernel.transmissionScalar(i, $0, air: 60000, dark: 250) } }
    print("scantriage-bench kernels: \(width)x\(height) scan, best of 9 rounds (Gpx/s); the scan's transform runs the \(KernelDispatch.description) build")
    print("kernel                          | scalar | SIMD   | SIMD/scalar")
    func row(_ name: String, _ scalar: Double, _ simd: Double) {
        print(name.padding(toLength: 32, withPad: " ", startingAt: 0) + String(format: "| %6.3f | %6.3f | %6.1fx", scalar, simd, simd / scalar))
    }
    /// A kernel beside its scalar reference, and its AVX2 build beside the same reference
    /// figure when this processor runs it.
    func rows(_ name: String, scalar: () -> Void, simd: () -> Void, avx2: () -> Void) {
        let reference = gigapixels(count, scalar)
        row(name, reference, gigapixels(count, simd))
        if KernelDispatch.avx2 { row("  the same, AVX2 build", reference, gigapixels(count, avx2)) }
    }
    func rows(_ name: String, scalar: () -> Void, simd: () -> Void) {
        row(name, gigapixels(count, scalar), gigapixels(count, simd))
    }
    scan.samples.withUnsafeBufferPointer { input in
        out.withUnsafeMutableBufferPointer { output in
            rows("attenuation, 16-bit transmission",
                 scalar: { _ = AttenuationKernel.transmissionScalar(input, output, air: 60000, dark: 250) },
                 simd: { _ = AttenuationKernel.transmissionSIMD(input, output, air: 60000, dark: 250) },
                 avx2: { _ = KernelsAVX2.transmission(input, output, air: 60000, dark: 250) })
        }
    }
    eight.withUnsafeBufferPointer { input in
        out.withUnsafeMutableBufferPointer { output in
            rows("attenuation, 8-bit log",
                 scalar: { _ = AttenuationKernel.logScalar(input, output, zero: 250, scale: 22, floor: 0) },
                 simd: { _ = AttenuationKernel.logSIMD(input, output, zero: 250, scale: 22, floor: 0) },
                 avx2: { _ = KernelsAVX2.log(input, output, zero: 250, scale: 22, floor: 0) })
        }
    }
    let table = try AttenuationTransform(encoding: .transmission(air: 60000, dark: 250), bitDepth: 16)
    let pixels = Pixels.uint16(scan)
    row("attenuation, lookup table (ref)", gigapixels(count) { _ = table.applyTable(pixels) },
        gigapixels(count) { _ = try! table.apply(pixels) })
    var counted = 0
    floats.withUnsafeBufferPointer { image in
        rows("block statistics 10x10",
             scalar: { _ = BlockKernel.statisticsScalar(image, width: width, height: height, blockWidth: 10, blockHeight: 10) },
             simd: { _ = BlockKernel.statisticsSIMD(image, width: width, height: height, blockWidth: 10, blockHeight: 10) },
             avx2: { _ = KernelsAVX2.blockStatistics(image, width: width, height: height, blockWidth: 10, blockHeight: 10) })
        rows("  the same, counting opaque",
             scalar: { _ = BlockKernel.statisticsScalar(image, width: width, height: height, blockWidth: 10, blockHeight: 10, ceiling: 8) },
             simd: { _ = BlockKernel.statisticsSIMD(image, width: width, height: height, blockWidth: 10, blockHeight: 10, ceiling: 8) },
             avx2: { _ = KernelsAVX2.blockStatistics(image, width: width, height: height, blockWidth: 10, blockHeight: 10, ceiling: 8) })
        rows("column profile", scalar: { _ = BlockKernel.columnMeansScalar(image, width: width, rows: 0..<height) },
             simd: { _ = BlockKernel.columnMeansSIMD(image, width: width, rows: 0..<height) })
        rows("row profile", scalar: { _ = BlockKernel.rowMeansScalar(image, width: width, height: height, columns: 0..<width) },
             simd: { _ = BlockKernel.rowMeansSIMD(image, width: width, height: height, columns: 0..<width) },
             avx2: { _ = KernelsAVX2.rowMeans(image, width: width, height: height, columns: 0..<width) })
        rows("min/max", scalar: { _ = RangeKernel.minMaxScalar(image, below: 10) },
             simd: { _ = RangeKernel.minMaxSIMD(image, below: 10) },
             avx2: { _ = KernelsAVX2.minMax(image, below: 10) })
        // The counts go to `counted` (printed below the table): a count nothing reads is optimised away.
        rows("count above (dead lines)", scalar: { counted &+= RangeKernel.countAboveScalar(image, threshold: 0.45) },
             simd: { counted &+= RangeKernel.countAboveSIMD(image, threshold: 0.45) })
        rows("first row above (roof line)",
             scalar: { _ = RangeKernel.firstRowAboveScalar(image, width: width, rowLimit: height, threshold: 0.45) },
             simd: { _ = RangeKernel.firstRowAboveSIMD(image, width: width, rowLimit: height, threshold: 0.45) },
             avx2: { _ = KernelsAVX2.firstRowAbove(image, width: width, rowLimit: height, threshold: 0.45) })
    }
    print("  (count above: \(counted) pixels counted over all passes)")
    // The gap line's cells over a scan-sized map binned 4 pixels across (every row).
    let bins = width / 4
    var binnedMap = [Float](repeating: 0, count: height * bins)
    floats.withUnsafeBufferPointer { image in binnedMap.withUnsafeMutableBufferPointer { out in
        for r in 0..<height { GapKernel.binRow(image.baseAddress! + r * width, into: out.baseAddress! + r * bins, bins: bins, width: 4, limit: 100) }
    } }
    var lows = [Float](repeating: 0, count: bins), depths = [Float](repeating: 0, count: bins)
    var gapCells = [Int32](repeating: 0, count: bins)
    binnedMap.withUnsafeBufferPointer { m in lows.withUnsafeMutableBufferPointer { l in depths.withUnsafeMutableBufferPointer { dd in gapCells.withUnsafeMutableBufferPointer { g in
        let cells = (height - 8) * bins
        let reference = gigapixels(cells) { for r in 4..<(height - 4) { _ = StrictScalar.gapCells(m.baseAddress!, row: r, bins: bins, d: 3, low: l.baseAddress!, contrast: dd.baseAddress!, gap: g.baseAddress!) } }
        row("gap cells (per bin)", reference,
            gigapixels(cells) { for r in 4..<(height - 4) { _ = GapKernel.cellsSIMD(m.baseAddress!, row: r, bins: bins, d: 3, low: l.baseAddress!, contrast: dd.baseAddress!, gap: g.baseAddress!) } })
        row("  reference as -O vectorises it", reference,
            gigapixels(cells) { for r in 4..<(height - 4) { _ = GapKernel.cellsScalar(m.baseAddress!, row: r, bins: bins, d: 3, low: l.baseAddress!, contrast: dd.baseAddress!, gap: g.baseAddress!) } })
        if KernelDispatch.avx2 {
            row("  the same, AVX2 build", reference,
                gigapixels(cells) { for r in 4..<(height - 4) { _ = KernelsAVX2.gapCells(m.baseAddress!, row: r, bins: bins, d: 3, low: l.baseAddress!, contrast: dd.baseAddress!, gap: g.baseAddress!) } })
        }
    } } } }
    let blocks = 300 * 110
    let measured = Array(floats.prefix(blocks)), expected = Array(floats.dropFirst(7).prefix(blocks)), spread = [Float](repeating: 0.2, count: blocks)
    var z = [Float](repeating: 0, count: blocks)
    measured.withUnsafeBufferPointer { m in expected.withUnsafeBufferPointer { e in spread.withUnsafeBufferPointer { s in z.withUnsafeMutableBufferPointer { zz in
        let reference = gigapixels(blocks, rounds: 51) { _ = StrictScalar.residuals(measured: m, expected: e, spread: s, minimumSpread: 0.1, threshold: 3, z: zz) }
        row("residuals (per block)", reference,
            gigapixels(blocks, rounds: 51) { _ = CompareKernel.residualsSIMD(measured: m, expected: e, spread: s, minimumSpread: 0.1, threshold: 3, z: zz) })
        row("  reference as -O vectorises it", reference,
            gigapixels(blocks, rounds: 51) { _ = CompareKernel.residualsScalar(measured: m, expected: e, spread: s, minimumSpread: 0.1, threshold: 3, z: zz) })
        if KernelDispatch.avx2 {
            row("  the same, AVX2 build", reference,
                gigapixels(blocks, rounds: 51) { _ = KernelsAVX2.residuals(measured: m, expected: e, spread: s, minimumSpread: 0.1, threshold: 3, z: zz) })
        }
    } } } }
}

/// The whole analysis of one scan (attenuation, geometry, cargo map, evidence, score) as a share
/// of that scan's decode, on generated 40 ft scans at the scanners' own pitch.
func analysisBenchmark(_ arguments: [String]) throws {
    var rounds = 5
    if let index = arguments.firstIndex(of: "--rounds"), index + 1 < arguments.count, let n = Int(arguments[index + 1]) {
        rounds = max(1, n)
    }
    var scanners = ["SSZ-LINAC-2", "PNG-LINAC-3"]
    if let index = arguments.firstIndex(of: "--scanner"), index + 1 < arguments.count { scanners = [arguments[index + 1]] }
    for scannerID in scanners where ScannerProfile.named(scannerID) == nil {
        throw ScanTriageError(.invalidInput, "--scanner \(scannerID): no such scanner; expected one of \(ScannerProfile.builtIn.map(\.id).joined(separator: ", "))")
    }
    print("scantriage-bench analysis: decode vs analysis per scan (median of \(rounds)), 40 ft reefer of bananas")
    print("scanner        | pixels  | decode ms | analysis ms | analysis/decode")
    for scannerID in scanners {
        var rng = SeededRandom(seed: 42)
        let type = ContainerType.named("45R1")!
        let profile = ScannerProfile.named(scannerID)!
        let (grid, left, top) = SceneBuilder.gridFor(type: type, pitchX: profile.pitchX, pitchY: profile.pitchY, rng: &rng)
        let plan = ScenePlan(type: type, doorOnRight: true, cargo: CargoKind.named("bananas"), goodsMassKg: 20000, anomaly: .doorZone, strength: 0.6)
        var builder = SceneBuilder(plan: plan, grid: grid, left: left, top: top, rng: rng)
        let scene = builder.build()
        let (data, _) = try profile.measure(attenuation: scene.attenuation(effectiveMeV: profile.effectiveMeV), width: grid.width, height: grid.height, rng: &rng)
        let sidecar = Sidecar(scanID: "B", containerID: "MSKU1234565", portOfScan: profile.port, scannerID: profile.id, energyMeV: profile.energyMeV,
                              pitchX: profile.pitchX, pitchY: profile.pitchY, encoding: profile.encoding, doorSide: .right, scannedAt: nil)
        let declaration = DeclaredContainer(containerID: "MSKU1234565", isoType: "45R1", seals: [], tareKg: 4800, empty: false,
                                            goods: [GoodsLine(hsCode: "080390", description: nil, packages: nil, packageKind: nil, grossKg: 20000)],
                                            shipper: nil, consignee: nil, manifestID: nil, portOfLoading: nil, location: SourceLocation(file: "bench"))
        var decodeTimes: [Double] = [], analysisTimes: [Double] = []
        let decoder = ImageDecoder()
        for _ in 0..<rounds {
            var start = now()
            let image = try decoder.decode(data)
            decodeTimes.append(Double(now() - start) / 1e6)
            let scan = try Scan(imagePath: "bench", image: image, sidecar: sidecar)
            start = now()
            _ = try Comparator.analyze(scan: scan, declaration: declaration, profiles: .prior)
            analysisTimes.append(Double(now() - start) / 1e6)
        }
        let d = median(decodeTimes), a = median(analysisTimes)
        print(scannerID.padding(toLength: 15, withPad: " ", startingAt: 0)
              + String(format: "| %7d | %9.1f | %11.1f | %6.1f%%", grid.width * grid.height, d, a, a / d * 100))
    }
}
