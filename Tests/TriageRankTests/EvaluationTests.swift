import Foundation
import Testing
import TestSupport
import TriageCore
import TriageCompare
import TriageRank

@Suite struct EvaluationTests {
    static let truth: [TruthEntry] = [
        TruthEntry(containerID: "A", anomaly: "door_zone", bbox: [10, 10, 5, 5]),
        TruthEntry(containerID: "B", anomaly: "none", bbox: nil),
        TruthEntry(containerID: "C", anomaly: "top_of_load", bbox: [50, 0, 10, 10]),
        TruthEntry(containerID: "D", anomaly: "none", bbox: nil),
        TruthEntry(containerID: "E", anomaly: "none", bbox: nil),
    ]

    static func ranking(_ order: [String], boxes: [String: [[Int]]] = [:]) -> [RankedEntry] {
        order.enumerated().map { RankedEntry(rank: $0.offset + 1, containerID: $0.element,
                                             score: 1 - Double($0.offset) / 10, findingBoxes: boxes[$0.element] ?? []) }
    }

    @Test func aPerfectRankingScoresOne() {
        let report = Evaluation.evaluate(truth: Self.truth, ranking: Self.ranking(["A", "C", "B", "D", "E"],
                                         boxes: ["A": [[12, 12, 2, 2]], "C": [[0, 0, 5, 5]]]), capacity: .count(2))
        #expect(report.rocAUC == 1 && report.rPrecision == 1 && report.recallAtCapacity == 1 && report.precisionAtCapacity == 1)
        #expect(report.recallByKind == ["door_zone": 1, "top_of_load": 1])
        #expect(report.localisation == 0.5, "A's box overlaps, C's does not")
    }

    /// A box over the whole container overlaps every anomaly in it: it counts for the
    /// localisation, not for the tight one (boxes at most ten times the anomaly's area).
    @Test func aBoxOverTheWholeContainerIsNotATightPlace() {
        let report = Evaluation.evaluate(truth: Self.truth, ranking: Self.ranking(["A", "C", "B", "D", "E"],
                                         boxes: ["A": [[12, 12, 2, 2]], "C": [[0, 0, 100, 100]]]), capacity: .count(2))
        #expect(report.localisation == 1 && report.tightLocalisation == 0.5, "\(String(describing: report.tightLocalisation))")
        let tenfold = Evaluation.evaluate(truth: Self.truth, ranking: Self.ranking(["A", "C"], boxes: ["A": [[10, 10, 25, 10]], "C": [[50, 0, 20, 50]]]),
                                          capacity: .count(2))
        #expect(tenfold.tightLocalisation == 1, "each box is ten times its anomaly's area: still tight")
    }

    @Test func aReversedRankingScoresZero() {
        let report = Evaluation.evaluate(truth: Self.truth, ranking: Self.ranking(["E", "D", "B", "C", "A"]), capacity: .percent(40))
        #expect(report.rocAUC == 0 && report.rPrecision == 0 && report.recallAtCapacity == 0)
        #expect(report.inspected == 2)
        #expect(report.localisation == nil && report.tightLocalisation == nil)
    }

    @Test func missingContainersCountAsLowestAndTiesAsHalf() {
        var ranking = Self.ranking(["B", "A"])
        ranking[1].score = ranking[0].score // A ties B
        let report = Evaluation.evaluate(truth: Self.truth, ranking: ranking, capacity: .count(1))
        #expect(report.missingFromRanking == ["C", "D", "E"])
        // A vs B tie 0.5, A beats D and E (missing) 2; C (missing) ties D, E (0.5 each), loses to B.
        #expect(abs(report.rocAUC - (0.5 + 2 + 0 + 0.5 + 0.5) / 6) < 1e-12)
    }

    @Test func capacityParsesCountsAndShares() throws {
        #expect(try Capacity(parsing: "10%").containers(of: 5) == 1)
        #expect(try Capacity(parsing: "30%").containers(of: 20) == 6)
        #expect(try Capacity(parsing: "7").containers(of: 5) == 5)
        #expect(throws: ScanTriageError.self) { try Capacity(parsing: "0%") }
        #expect(throws: ScanTriageError.self, "a count of none inspects nothing, as 0% would") { try Capacity(parsing: "0") }
        #expect(throws: ScanTriageError.self) { try Capacity(parsing: "-3") }
        #expect(throws: ScanTriageError.self) { try Capacity(parsing: "ten") }
    }

    @Test func truthAndRankingFilesAreReadWithLocatedErrors() throws {
        let folder = try TemporaryFolder()
        try Data("container_id,anomaly,bbox_x,bbox_y,bbox_w,bbox_h\nmsku 1234565,door_zone,1,2,3,4\nTGHU1822025,none,,,,\nbad,row\n".utf8)
            .write(to: URL(fileURLWithPath: folder.path("truth.csv")))
        let bag = DiagnosticBag()
        let truth = try Evaluation.readTruth(folder.path("truth.csv"), diagnostics: bag)
        #expect(truth.map(\.containerID) == ["MSKU1234565", "TGHU1822025"])
        #expect(truth[0].bbox == [1, 2, 3, 4] && truth[1].bbox == nil)
        #expect(bag.errors.count == 1 && bag.errors[0].location?.line == 4)

        let json = #"[{"rank": 1, "container_id": "MSKU1234565", "score": 0.9, "findings": [{"kind": "door", "score": 0.9, "reason": "r", "bbox": [1, 2, 3, 4]}]}, {"rank": 2, "container_id": "TGHU1822025", "score": "high"}]"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: folder.path("ranking.json")))
        let rankBag = DiagnosticBag()
        let ranking = try Evaluation.readRanking(folder.path("ranking.json"), diagnostics: rankBag)
        #expect(ranking.count == 1 && ranking[0].findingBoxes == [[1, 2, 3, 4]])
        #expect(rankBag.errors.map { $0.location?.path } == ["$[1].score"])
    }
}

@Suite struct CSVReaderTests {
    @Test func rfc4180QuotingAndLineBreaks() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,,3\n"
        let bag = DiagnosticBag()
        let records = CSVReader.parse(Data(text.utf8), file: "q.csv", diagnostics: bag)
        #expect(bag.diagnostics.isEmpty)
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["1", "", "3"]])
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records[2].columns == [1, 3, 4])
    }

    @Test func brokenQuotingIsLocatedAndTheRestIsKept() {
        let text = "a,b\nok,1\nbro\"ken,2\n\"closed\"junk,3\nfine,4\n\"never closed,5\n"
        let bag = DiagnosticBag()
        let records = CSVReader.parse(Data(text.utf8), file: "b.csv", diagnostics: bag)
        #expect(records.map { $0.fields[0] } == ["a", "ok", "fine"])
        #expect(bag.errors.map { $0.location?.line } == [3, 4, 6])
        #expect(bag.errors.map { $0.location?.column } == [4, 9, 1])
    }

    @Test func bytesThatAreNotUTF8AreRefusedWithTheirPlace() {
        let bag = DiagnosticBag()
        let records = CSVReader.parse(Data([0x61, 0x2C, 0x62, 0x0A, 0x63, 0xFF, 0x0A]), file: "u.csv", diagnostics: bag)
        #expect(records.isEmpty)
        #expect(bag.errors.first?.location?.line == 2 && bag.errors.first?.location?.column == 2)
    }
}

/// The ranking is of containers: one line each, whatever the number of scans.
@Suite struct RankerTests {
    static func entry(_ container: String, _ scan: String?, _ score: Double, status: ContainerStatus = .scanned) -> RankedContainer {
        RankedContainer(containerID: container, score: score, strength: -log10(max(1e-300, 1 - score)), status: status, findings: [], scanID: scan)
    }

    /// The CSV's reasons are the scored findings'; a container with none says what was
    /// reported without a score instead of naming a top finding and no reason.
    @Test func theCSVSaysTheReasonsOfUnscoredFindingsWhenNoneIsScored() throws {
        var scored = Self.entry("MSKU1234565", "S1", 0.9), unscored = Self.entry("CSQU3054383", "S2", 0)
        scored.findings = [Finding(kind: "dense_window", score: 0.99, reason: "a stretch of the load about 40 kg heavier", bbox: [1, 2, 3, 4], massKg: 40),
                           Finding(kind: "dense_region", score: 0, reason: "a region denser (where to look; not scored)", bbox: [1, 2, 3, 4], massKg: 30)]
        unscored.findings = [Finding(kind: "dense_region", score: 0, reason: "a region denser (where to look; not scored)", bbox: [1, 2, 3, 4], massKg: 30)]
        let lines = Ranker.csv(Ranker.rank([scored, unscored], capacity: try Capacity(parsing: "1"))).split(separator: "\n")
        #expect(lines[1].contains(",dense_window,a stretch of the load about 40 kg heavier,"), "\(lines[1])")
        #expect(lines[2].contains(",dense_region,a region denser (where to look; not scored),"), "\(lines[2])")
    }

    @Test func aContainerScannedTwiceIsRankedOnceByItsMostSuspiciousScan() throws {
        let ranking = Ranker.rank([
            Self.entry("MSKU1234565", "S1", 0.30), Self.entry("MSKU1234565", "S2", 0.90),
            Self.entry("CSQU3054383", "S3", 0.60), Self.entry("MSKU1234565", "S4", 0.5, status: .failed),
            Self.entry("TCNU2761370", "S5", 0.5, status: .failed), Self.entry("TCNU2761370", "S6", 0.1),
        ], capacity: try Capacity(parsing: "1"))
        #expect(ranking.map(\.containerID) == ["MSKU1234565", "CSQU3054383", "TCNU2761370"])
        #expect(ranking.map(\.rank) == [1, 2, 3] && ranking.map(\.inspect) == [true, false, false], "capacity counts containers")
        #expect(ranking[0].scanID == "S2")
        let note = try #require(ranking[0].findings.first { $0.kind == "other_scans" })
        #expect(note.reason == "also scanned: S1 (score 0.300), S4 (could not be analysed); ranked by the most suspicious scan" && note.score == 0)
        // A scan that could be analysed stands for its container before one that could not.
        #expect(ranking[2].scanID == "S6" && ranking[2].score == 0.1)
        #expect(!ranking[1].findings.contains { $0.kind == "other_scans" })
    }
}
