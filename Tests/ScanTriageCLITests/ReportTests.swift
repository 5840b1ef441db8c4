import Foundation
import Testing
import TestSupport
import TriageCompare
import TriageRank
import TriageReport

/// The report's cards: a scan whose picture cannot be drawn says why instead of showing nothing.
@Suite struct ReportTests {
    @Test func aPictureThatCannotBeDrawnSaysWhy() throws {
        let verdict = try JSONDecoder().decode(Verdict.self, from: Data("""
            {"containerID": "MSKU1234565", "scanID": "S1", "score": 0.9, "strength": 2, "findings": [], "profileID": "p"}
            """.utf8))
        var entry = RankedContainer(containerID: "MSKU1234565", score: 0.9, strength: 2, status: .scanned, findings: [], scanID: "S1")
        entry.inspect = true
        let input = ReportBuilder.Input(title: "t", ranking: [entry], verdicts: ["S1": verdict], images: ["S1": "/nonexistent/S1.png"],
                                        quarantined: [], unmatchedScans: [], profileID: "p", capacity: "1", analysed: 1, reused: 0, seconds: 0)
        let html = ReportBuilder().html(input, generatedAt: "now")
        #expect(html.contains("(no picture: /nonexistent/S1.png: cannot read"), "\(html.components(separatedBy: "no picture").dropFirst().first?.prefix(120) ?? "")")
    }
}
