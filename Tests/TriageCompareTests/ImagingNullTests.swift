import Foundation
import ScanSynth
import Testing
@testable import TriageCompare

/// Evidence is judged against clean containers scanned as this one was: a lossy, 8-bit or
/// low-flux scan shows more of some kinds (the gap line's voids, the dense window's excess)
/// and less of others (the mass, whose lower bound it reads) than a clear one does.
@Suite struct ImagingNullTests {
    @Test func evidenceIsJudgedAgainstCleanScansMadeAlike() throws {
        let (scan, declaration, _) = try Fixture.scan(type: "42G1", cargo: "coffee", mass: 20000, pitchScale: 2)
        var m = try Measurer.measure(scan: scan, declaration: declaration)
        let s = try #require(Scorer.statistic(.denseWindow, m, profiles: .prior)?.0)
        try #require(s > 0, "a dense window's statistic to judge")
        // All clean containers: three in ten at s or more; clear scans: one in twenty or so;
        // degraded scans: four in ten.
        var profiles = ComparatorProfiles.prior
        profiles.nulls["dense_window"] = .init(values: (0..<200).map { s * Double($0) / 140 })
        func finding(_ profiles: ComparatorProfiles) -> Finding? {
            Scorer.score(m, profiles: profiles).findings.first { $0.kind == "dense_window" }
        }
        #expect(finding(profiles) == nil, "p 0.3 against all clean containers: no finding")
        profiles.nulls["dense_window~clear"] = .init(values: (0..<100).map { s * Double($0) / 95 })
        profiles.nulls["dense_window~degraded"] = .init(values: (0..<100).map { s * Double($0) / 60 })
        // This scan is clear (16-bit): among clear scans s is rare, a quarter as common as
        // among all (the ratio is held within 1/4 and 4).
        #expect(m.degraded.isEmpty)
        let clear = try #require(profiles.imagingFactor("dense_window", s, degraded: false))
        #expect(abs(clear - 0.25) < 1e-9, "\(clear)")
        let found = try #require(finding(profiles), "judged against clear scans")
        #expect(abs(found.score - (1 - 0.25 * profiles.nulls["dense_window"]!.pValue(s))) < 1e-9, "\(found.score)")
        // The same statistic in a degraded scan is common among degraded scans.
        m.degraded = ["lossy JPEG"]
        let degraded = try #require(profiles.imagingFactor("dense_window", s, degraded: true))
        #expect(degraded > 1.2 && degraded < 1.5, "\(degraded)")
        #expect(finding(profiles) == nil)
        // Too few clean scans of a kind (under 20): judged against all, as before.
        profiles.nulls["dense_window~degraded"] = .init(values: (0..<19).map { s * Double($0) / 10 })
        #expect(profiles.imagingFactor("dense_window", s, degraded: true) == nil)
    }
}
