import Foundation
import Testing
import TriageKernels
import ScanSynth
@testable import TriageCompare

extension Fixture {
    /// A package concealed in a load at half strength and the same load without it, at the
    /// scanner's own pitch: the gap-line evidence found at the package, the clean load's under
    /// 5, and the package's more than five times the clean load's (and 2).
    static func foundAcrossAGap(_ load: (type: String, cargo: String, mass: Double, scanner: String, seed: UInt64)) throws
        -> (measured: Measurements, found: Candidate, box: [Int]) {
        let (measured, scene, cleanMeasured) = try twins(type: load.type, cargo: load.cargo, mass: load.mass, anomaly: .concealedInLoad,
                                                         strength: 0.5, scanner: load.scanner, seed: load.seed)
        let found = try #require(measured.candidate(.gapLine))
        let box = try #require(found.bbox, "nothing found for \(scene.contrabandKg) kg in \(load.cargo)")
        let truth = try #require(scene.anomalyBBox)
        #expect(overlap(box, truth), "found at \(box), package at \(truth)")
        let clean = cleanMeasured.candidate(.gapLine)?.statistic ?? 0
        #expect(clean < 5, "the clean load: \(clean)")
        #expect(found.statistic > 5 * max(clean, 2), "\(found.statistic) with \(scene.contrabandKg) kg, \(clean) without")
        return (measured, found, box)
    }
}

@Suite struct StackGapTests {
    /// A package pushed in where two stacks of cartons meet lies across the gap between them:
    /// down the gap the beam crosses little but the walls, and over the package's height the gap
    /// reads denser by the package's whole areal density. Generated loads with 54 kg packages
    /// (concealed in the load at half strength, each scanner's own pitch): found at the
    /// package at statistics of 31-160 (bananas seed 4: 31, clean 3.0), the same loads
    /// without it below 4 (their strongest gaps are between layers).
    @Test(arguments: [("42R1", "frozen-fish", 24000.0, "SSZ-LINAC-2", UInt64(6)), ("45R1", "bananas", 18000, "GYE-LINAC-1", 4),
                      ("42R1", "frozen-fish", 24000, "PNG-LINAC-3", 10), ("42R1", "shrimp", 22000, "SSZ-LINAC-2", 7)])
    func aPackageAcrossTheGapBetweenStacksMakesItDenser(case: (String, String, Double, String, UInt64)) throws {
        let (measured, found, box) = try Fixture.foundAcrossAGap(`case`)
        #expect(found.place?.hasPrefix("the gap between two stacks reads ") == true, "\(found.place ?? "")")
        let finding = try #require(Scorer.score(measured, profiles: .prior).findings.first { $0.kind == "gap_line" })
        #expect(finding.bbox == box && finding.reason.hasSuffix("something lies across it in the beam's path"), "\(finding.reason)")
    }

    /// The kernel against its definition, written out: for each judged column the densest cell
    /// within `reach` on each side, the lower of the two, written where the column is a gap
    /// cell. Random rows with gaps cut into them, widths that are and are not multiples of the
    /// block, reaches from the least the detector uses to wide ones; bit for bit.
    @Test(arguments: [3, 5, 17])
    func gapCellsMatchTheirDefinition(reach: Int) {
        var rng = SeededRandom(seed: UInt64(reach))
        for width in [2 * reach + 1, 4 * reach, 4 * reach + 1, 7 * reach + 3, 300] {
            var row = (0..<width).map { _ in Float(0.5 + 2 * rng.unit()) }
            for x in stride(from: reach, to: width, by: reach + 2) { row[x] = Float(0.1 + 0.4 * rng.unit()) }
            var prefix = [Float](repeating: 0, count: width), suffix = prefix
            var side = [Float](repeating: .nan, count: width)
            row.withUnsafeBufferPointer { r in side.withUnsafeMutableBufferPointer { out in
                StackGapKernel.gapCells(r.baseAddress!, width: width, reach: reach, prefix: &prefix, suffix: &suffix, side: out.baseAddress!)
            } }
            var expected = [Float](repeating: .nan, count: width), gaps = 0
            for x in reach..<(width - reach) {
                let level = min(row[(x - reach)..<x].max()!, row[(x + 1)...(x + reach)].max()!)
                if row[x] <= 0.8 * level, row[x] <= level - 0.15 { expected[x] = level; gaps += 1 }
            }
            #expect(gaps > 0, "width \(width): the rows hold gaps")
            #expect(zip(side, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "reach \(reach), width \(width)")
        }
    }

    /// Loose scrap and stacked loads of the same goods without a package: no gap reads denser
    /// down its height by a package's least (10 g/cm²), so none is evidence.
    @Test func cleanLoadsGiveNoStackGapEvidence() throws {
        for (type, cargo, mass, scanner, seed) in [("22G1", "scrap", 16000.0, "SSZ-LINAC-2", UInt64(1)), ("42R1", "shrimp", 22000, "SSZ-LINAC-2", 2),
                                                   ("45R1", "bananas", 18000, "GYE-LINAC-1", 11)] {
            let (scan, declaration, _) = try Fixture.scan(type: type, cargo: cargo, mass: mass, scanner: scanner, pitchScale: 1, seed: seed)
            let found = try Measurer.measure(scan: scan, declaration: declaration).candidate(.gapLine)
            #expect(found?.place?.hasPrefix("the gap between two stacks") != true || found!.statistic < 5,
                    "\(cargo) seed \(seed): \(found?.statistic ?? 0) at \(found?.bbox ?? []): \(found?.place ?? "")")
        }
    }

    /// Loose aluminium scrap, a heap of light pieces among dense ones: a light piece reads as a
    /// line lighter than both its sides, with a denser piece under it, and compare-80 read the
    /// denser piece at its end as a package across a gap between stacks. These six clean loads
    /// (found among seeds 1-30 of 45G1 and 22G1 loads at three scanners) each had such a
    /// finding at compare-80, 11-115 g/cm² over 7-9 cm at statistics of 8.8-211; a gap
    /// between stacks is clear down to the floor, and none of these lines is.
    @Test(arguments: [("45G1", 18000.0, "PNG-LINAC-3", UInt64(6)), ("45G1", 18000, "GYE-LINAC-1", 6), ("45G1", 18000, "RIG-LINAC-1", 6),
                      ("45G1", 18000, "GYE-LINAC-1", 12), ("45G1", 18000, "RIG-LINAC-1", 12), ("22G1", 10500, "GYE-LINAC-1", 15)])
    func looseLightScrapHasNoGapsBetweenStacks(load: (String, Double, String, UInt64)) throws {
        let (scan, declaration, _) = try Fixture.scan(type: load.0, cargo: "aluminium-scrap", mass: load.1, scanner: load.2,
                                                      pitchScale: 1, seed: load.3)
        let found = try Measurer.measure(scan: scan, declaration: declaration).candidate(.gapLine)
        #expect(found?.place?.hasPrefix("the gap between two stacks") != true,
                "\(found?.statistic ?? 0) at \(found?.bbox ?? []): \(found?.place ?? "")")
    }
}
