import ArgumentParser
import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriageManifest
import TriagePipeline
import TriageRank

/// `scantriage batch`: the nightly run.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Rank every container of one or more transmission batches for inspection, with reasons.",
        discussion: """
        Writes ranking.csv and ranking.json to --out. Exit codes: 0 the run finished and every \
        input was read; 1 the run finished but some inputs had errors (they are quarantined and \
        listed); 2 misuse; 3 the run could not finish.
        """)

    @Argument(help: "Batch folders.")
    var inputs: [String]
    @Option(help: "Output folder.")
    var out: String
    @Option(help: "Profiles from `scantriage calibrate` (default: physics priors).")
    var profiles: String?
    @Option(help: "Inspection capacity: a count (25) or a share (10%).")
    var capacity: String = "10%"
    @OptionGroup var run: RunOptions

    func run() async throws {
        let capacity: Capacity
        do { capacity = try Capacity(parsing: self.capacity) } catch { throw ValidationError("\(error)") }
        let profiles = try loadProfiles(self.profiles)
        let bag = DiagnosticBag()
        let reader = try run.manifestReader(diagnostics: bag)
        var jobs: [ScanJob] = []
        var unscanned: [DeclaredContainer] = []
        for input in inputs {
            do {
                let intake = try BatchRunner.intake(input, reader: reader, diagnostics: bag)
                jobs += intake.jobs
                unscanned += intake.unscanned
            } catch {
                printError("\(input): \(error)")
                throw ExitCode(3)
            }
        }
        let decoder = ImageDecoder(limits: run.decode.limits)
        var entries: [RankedContainer] = []
        await BatchRunner.forEach(jobs, jobs: run.jobCount, work: { BatchRunner.analyze($0, profiles: profiles, decoder: decoder) }) { index, verdict in
            entries.append(BatchRunner.entry(for: verdict, job: jobs[index]))
        }
        for container in unscanned { entries.append(BatchRunner.entry(unscanned: container, profiles: profiles)) }
        let ranking = Ranker.rank(entries, capacity: capacity)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try Data(Ranker.csv(ranking).utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("ranking.csv"), options: .atomic)
        try Ranker.json(ranking).write(to: URL(fileURLWithPath: out).appendingPathComponent("ranking.json"), options: .atomic)
        printDiagnostics(bag, errorsOnly: true)
        let inspect = ranking.filter(\.inspect).count
        print("ranked \(ranking.count) container(s); inspect the first \(inspect) (capacity \(capacity)); \(out)/ranking.csv")
        if bag.hasErrors { throw ExitCode(1) }
    }
}
