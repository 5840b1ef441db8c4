import Foundation
import ScanSynth
import Testing
@testable import TriageCompare

/// The refrigeration unit is judged against all clean reefers, whatever the goods.
@Suite struct MachineryNullTests {
    @Test func theUnitIsNotJudgedByTheGoodsItCools() throws {
        let (scan, declaration, _) = try Fixture.scan(type: "45R1", cargo: "bananas", mass: 18000, pitchScale: 2)
        let m = try Measurer.measure(scan: scan, declaration: declaration)
        let cells = try #require(m.machineryCells)
        // A reference 20 g/cm² lighter in one cell than this unit: an excess of 20 (z = 10).
        var reference = cells
        reference[0] -= 20
        var profiles = ComparatorProfiles.prior
        profiles.machinery[m.geometry.type] = .init(columns: Measurer.machineryColumns, rows: Measurer.machineryRows,
                                                    mean: reference, spread: [Double](repeating: 0, count: cells.count), count: 40)
        let excess = try #require(Scorer.statistic(.machinery, m, profiles: profiles)?.0)
        #expect(abs(excess - 20) < 1e-9)
        // All clean reefers: excesses spread over 0–40; the few of this heading: all below 10.
        profiles.nulls["reefer_machinery"] = .init(values: (0..<200).map { Double($0) / 5 })
        profiles.nulls["reefer_machinery@0803"] = .init(values: (0..<30).map { Double($0) / 3 })
        let unit = Scorer.score(m, profiles: profiles).findings.first { $0.kind == "reefer_machinery" }
        #expect(unit == nil, "an excess at the median of all clean reefers is no finding: \(String(describing: unit))")
        // A profile learned since this change has no heading nulls for the machinery; a goods kind
        // still uses its heading's.
        #expect(!EvidenceKind.machinery.dependsOnGoods && EvidenceKind.aboveLoad.dependsOnGoods)
    }
}
