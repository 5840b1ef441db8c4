import Foundation
import TriageCore
import TriageRank
import TriageReport

extension NightlyRun {
    /// The run's outputs in `folder`: ranking.csv and ranking.json (spec §6) and report.html,
    /// with the pictures the run made (the rest decoded again). What `scantriage batch` writes,
    /// and what its benchmark times as part of a run.
    public func writeOutputs(_ outcome: Outcome, to folder: String, inputs: [String], problems: [String] = [],
                             generatedAt: Date = Date()) throws {
        let folder = URL(fileURLWithPath: folder)
        try OutputFile.write(Data(Ranker.csv(outcome.ranking).utf8), to: folder.appendingPathComponent("ranking.csv").path)
        try OutputFile.write(try Ranker.json(outcome.ranking), to: folder.appendingPathComponent("ranking.json").path)
        var input = ReportBuilder.Input(title: "ScanTriage: \(inputs.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))",
                                        ranking: outcome.ranking, verdicts: outcome.verdicts, images: outcome.images,
                                        quarantined: outcome.quarantined, unmatchedScans: outcome.unmatchedScans,
                                        profileID: profiles.profileID, capacity: capacity.description,
                                        analysed: outcome.analysed, reused: outcome.reused, seconds: outcome.seconds)
        input.pictures = outcome.pictures
        input.problems = (profiles.staleness.map { ["profile: warning: \($0)"] } ?? []) + problems
        input.profileProvenance = profiles.provenance
        var report = ReportBuilder()
        report.extraPictures = picturesBeyondCapacity
        report.decoder = decoder
        try report.write(input, generatedAt: generatedAt.formatted(.iso8601), to: folder.appendingPathComponent("report.html").path)
    }
}
