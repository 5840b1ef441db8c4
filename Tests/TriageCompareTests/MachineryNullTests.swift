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

    /// A few kilograms spread over a band of the unit lift each cell they cover by less than
    /// three spreads, and their sum by more than three of the sum's: found, and boxed where they
    /// lie. One such cell alone is not (with any neighbour, 2.6 / √2 spreads).
    @Test func aFewKilogramsSpreadOverNeighbouringCellsAreFound() throws {
        let (scan, declaration, _) = try Fixture.scan(type: "45R1", cargo: "bananas", mass: 18000, pitchScale: 2)
        var m = try Measurer.measure(scan: scan, declaration: declaration)
        let cells = try #require(m.machineryCells)
        var profiles = ComparatorProfiles.prior
        profiles.machinery[m.geometry.type] = .init(columns: Measurer.machineryColumns, rows: Measurer.machineryRows,
                                                    mean: cells, spread: [Double](repeating: 0, count: cells.count), count: 40)
        func statistic(_ unit: [Double]) throws -> (Double, Candidate?) {
            m.machineryCells = unit
            return try #require(Scorer.statistic(.machinery, m, profiles: profiles))
        }
        #expect(try statistic(cells).0 == 0, "the reference itself")
        // A cell's spread, with no spread learned: its floors (a tenth of the cell, 2 g/cm²).
        func spread(_ index: Int) -> Double { max(0.1 * abs(cells[index]), 2.0) }
        let columns = Measurer.machineryColumns, row = 4
        var band = cells
        for c in 0..<columns { band[row * columns + c] += 2.6 * spread(row * columns + c) }
        let (excess, candidate) = try statistic(band)
        let added = (0..<columns).reduce(0.0) { $0 + 2.6 * spread(row * columns + $1) }
        #expect(abs(excess - added) < 1e-9, "\(excess) found, \(added) added")
        let box = try #require(candidate?.bbox)
        let cellHeight = (m.geometry.floor - m.geometry.ceiling) / Measurer.machineryRows
        #expect(box[1] == m.geometry.ceiling + row * cellHeight && box[3] == cellHeight, "\(box)")
        var one = cells
        one[row * columns] += 2.6 * spread(row * columns)
        #expect(try statistic(one).0 == 0)
    }

    /// Clean units come in more than one layout (makes differ; the generated one is not drawn
    /// mirrored when the doors are on the other side): judged against the median of all, every
    /// unit of the rarer layout showed an excess where its parts sit and a deficit where the
    /// common layout has them (26 clean dev reefers at 0.9 or more, 2-4 kg). A unit is judged
    /// against the three clean units nearest to it, and an excess the rest of the unit gives
    /// back (parts moved, not mass added) is none: bricks add mass.
    @Test func aUnitIsJudgedAgainstTheUnitsMostLikeItAndMovedPartsAreNoExcess() throws {
        let (scan, declaration, _) = try Fixture.scan(type: "45R1", cargo: "bananas", mass: 18000, pitchScale: 2)
        var m = try Measurer.measure(scan: scan, declaration: declaration)
        let cells = try #require(m.machineryCells)
        // Two layouts: the other has 15 g/cm² moved from cell 9 to cell 11. Eight units of this
        // one, four of the other, each with a little noise.
        var other = cells
        other[9] -= 15
        other[11] += 15
        var units: [[Double]] = []
        for k in 0..<8 { units.append(cells.map { $0 + Double(k % 3) * 0.1 }) }
        for k in 0..<4 { units.append(other.map { $0 - Double(k % 2) * 0.1 }) }
        let median = cells.indices.map { i in units.map { $0[i] }.sorted()[units.count / 2] }
        var profiles = ComparatorProfiles.prior
        let reference = ComparatorProfiles.MachineryReference(columns: Measurer.machineryColumns, rows: Measurer.machineryRows, mean: median,
                                                              spread: [Double](repeating: 0, count: cells.count), count: units.count, units: units)
        profiles.machinery[m.geometry.type] = reference
        func excess(_ unit: [Double], _ profiles: ComparatorProfiles) throws -> Double {
            m.machineryCells = unit
            return try #require(Scorer.statistic(.machinery, m, profiles: profiles)?.0)
        }
        #expect(try excess(other, profiles) == 0, "a unit of the rarer layout")
        var withoutUnits = profiles
        withoutUnits.machinery[m.geometry.type]?.units = nil
        // Against the median alone the excess in cell 11 is given back by cell 9: none either.
        #expect(try excess(other, withoutUnits) == 0)
        // Bricks: 20 g/cm² more in a cell of either layout are found whole.
        var bricks = other
        bricks[20] += 20
        #expect(abs(try excess(bricks, profiles) - 20) < 0.5)
        bricks = cells
        bricks[20] += 20
        #expect(abs(try excess(bricks, profiles) - 20) < 0.5)
    }
}
