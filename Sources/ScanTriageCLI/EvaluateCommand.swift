import ArgumentParser
import Foundation
import TriageCore
import TriageRank

/// `scantriage evaluate`: how good a ranking is against known answers.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a ranking against ground truth: ROC AUC, R-precision, recall and precision at capacity, localisation.")

    @Option(help: "Ground truth CSV (container_id, anomaly, optional bbox_x,bbox_y,bbox_w,bbox_h).")
    var truth: String
    @Option(help: "ranking.json or ranking.csv as the batch writes them.")
    var ranking: String
    @Option(help: "Inspection capacity: a count (25) or a share of the batch (10%).")
    var capacity: String = "10%"
    @Flag(help: "Print JSON for tools.")
    var json = false

    func run() throws {
        let capacity: Capacity
        do { capacity = try Capacity(parsing: self.capacity) } catch { throw ValidationError("\(error)") }
        let bag = DiagnosticBag()
        let truthEntries: [TruthEntry]
        let ranked: [RankedEntry]
        do {
            truthEntries = try Evaluation.readTruth(truth, diagnostics: bag)
            ranked = try Evaluation.readRanking(ranking, diagnostics: bag)
        } catch {
            for diagnostic in bag.diagnostics { printError(diagnostic.description) }
            printError("\(error)")
            throw ExitCode(1)
        }
        for diagnostic in bag.diagnostics { printError(diagnostic.description) }
        let report = Evaluation.evaluate(truth: truthEntries, ranking: ranked, capacity: capacity)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.describe(report))
        }
        if bag.hasErrors { throw ExitCode(1) }
    }

    static func describe(_ r: EvaluationReport) -> String {
        var lines = [
            "containers \(r.containers), with anomalies \(r.positives), capacity \(r.capacity) = \(r.inspected) inspected",
            String(format: "ROC AUC              %.3f", r.rocAUC),
            String(format: "R-precision          %.3f", r.rPrecision),
            String(format: "recall at capacity   %.3f", r.recallAtCapacity),
            String(format: "precision at capacity %.3f", r.precisionAtCapacity),
        ]
        for kind in r.recallByKind.keys.sorted() {
            lines.append(String(format: "  recall %-24@ %.3f  (%d)", kind as NSString, r.recallByKind[kind]!, r.countByKind[kind] ?? 0))
        }
        if let localisation = r.localisation {
            lines.append(String(format: "localisation         %.3f  (of %d anomalies with a place)", localisation, r.localisedOf))
            if let tight = r.tightLocalisation {
                lines.append(String(format: "  by boxes at most 10x the anomaly's area %.3f", tight))
            }
        } else {
            lines.append("localisation         n/a (the ranking has no finding boxes)")
        }
        if !r.missingFromRanking.isEmpty {
            lines.append("not in the ranking (counted last): \(r.missingFromRanking.count): \(r.missingFromRanking.prefix(10).joined(separator: ", "))")
        }
        if !r.unknownInRanking.isEmpty {
            lines.append("in the ranking but not the truth (ignored): \(r.unknownInRanking.count)")
        }
        return lines.joined(separator: "\n")
    }
}
