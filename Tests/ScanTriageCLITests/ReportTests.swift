import Foundation
import Testing
import TestSupport
import TriageCompare
import TriageCore
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

    /// Written to a file as it is made, the report is the same text; a file left unfinished is
    /// never seen as the report, and a report that cannot be written says where and why.
    @Test func theReportIsWrittenAsItIsMadeAndWholeOrNotAtAll() throws {
        let folder = try TemporaryFolder()
        let verdict = try JSONDecoder().decode(Verdict.self, from: Data("""
            {"containerID": "MSKU1234565", "scanID": "S1", "score": 0.9, "strength": 2, "findings": [], "profileID": "p"}
            """.utf8))
        // Pictures enough to pass the 256 kB buffer several times: one in memory, one set aside.
        let scratch = try ScratchFile()
        let large = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        var entries: [RankedContainer] = []
        for id in ["S1", "S2", "S3"] {
            var entry = RankedContainer(containerID: "MSKU1234565", score: 0.9, strength: 2, status: .scanned, findings: [], scanID: id)
            entry.inspect = true
            entries.append(entry)
        }
        var input = ReportBuilder.Input(title: "t", ranking: entries, verdicts: ["S1": verdict, "S2": verdict, "S3": verdict], images: [:],
                                        quarantined: [], unmatchedScans: [], profileID: "p", capacity: "3", analysed: 3, reused: 0, seconds: 0)
        input.pictures = ["S1": .memory(large), "S2": .setAside(scratch, try scratch.append(large)),
                          "S3": .setAside(scratch, ScratchFile.Slice(offset: 900_000, count: 10))]
        let path = folder.path("report.html")
        try ReportBuilder().write(input, generatedAt: "now", to: path)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == ReportBuilder().html(input, generatedAt: "now"))
        #expect(written.components(separatedBy: large.base64EncodedString()).count == 3, "both pictures inside")
        #expect(written.contains("(no picture: cannot read back 10 bytes at 900000 of the scratch file"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["report.html"], "nothing left beside it")

        // Abandoned before commit: no file, nothing left beside.
        do {
            let file = try StreamedOutputFile(path: folder.path("unfinished.html"))
            try file.write(String(repeating: "x", count: 400_000))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["report.html"])
        #expect(throws: ScanTriageError.self) { try ReportBuilder().write(input, generatedAt: "now", to: folder.path("missing/report.html")) }
        do {
            try ReportBuilder().write(input, generatedAt: "now", to: folder.path("missing/report.html"))
        } catch {
            #expect("\(error)".contains("missing/report.html") && "\(error)".contains("no folder"), "\(error)")
        }
    }

    /// Each card says where and on what the scan was made beside the port of loading, and says
    /// so when the two ports differ; ranking.csv carries both.
    @Test func theCardSaysWhereTheScanWasMade() throws {
        let verdict = try JSONDecoder().decode(Verdict.self, from: Data("""
            {"containerID": "MSKU1234565", "scanID": "S1", "score": 0.9, "strength": 2, "findings": [], "profileID": "p"}
            """.utf8))
        var here = RankedContainer(containerID: "MSKU1234565", score: 0.9, strength: 2, status: .scanned, findings: [], scanID: "S1",
                                   portOfLoading: "BRSSZ", portOfScan: "BRSSZ", scannerID: "SSZ-LINAC-2")
        here.inspect = true
        var elsewhere = RankedContainer(containerID: "CSQU3054383", score: 0.5, strength: 1, status: .scanned, findings: [], scanID: "S2",
                                        portOfLoading: "BRSSZ", portOfScan: "ECGYE", scannerID: "GYE-LINAC-1")
        elsewhere.inspect = true
        let input = ReportBuilder.Input(title: "t", ranking: [here, elsewhere], verdicts: ["S1": verdict, "S2": verdict], images: [:],
                                        quarantined: [], unmatchedScans: [], profileID: "p", capacity: "2", analysed: 2, reused: 0, seconds: 0)
        let html = ReportBuilder().html(input, generatedAt: "now")
        #expect(html.contains("<dt>Scanned at</dt><dd>BRSSZ, SSZ-LINAC-2</dd>"))
        // The weight in the image as read: no opaque part, no bound.
        #expect(!html.contains("at least") && !html.contains("parts are opaque"))
        // How to read the pictures, once, above them.
        #expect(html.components(separatedBy: "orange tint: the load denser than its own surroundings").count == 2)
        #expect(html.contains("<dt>Scanned at</dt><dd>ECGYE, GYE-LINAC-1 (not the port of loading BRSSZ"))
        let csv = Ranker.csv(Ranker.rank([here, elsewhere], capacity: .count(1))).split(separator: "\n")
        #expect(csv[0].hasSuffix(",manifest_id,port_of_loading,port_of_scan,scanner_id"))
        #expect(csv[2].hasSuffix(",BRSSZ,ECGYE,GYE-LINAC-1"), "\(csv[2])")
    }
}
