import ArgumentParser
import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriageManifest
import TriagePipeline
import TriageStore

/// `scantriage calibrate`: learn what clean containers look like.
struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Learn profiles (mass scale per scanner, detector statistics of clean containers, reefer machinery, cargo densities) from inspected containers.",
        discussion: "From batch folders with --outcomes, from the store (--store: every stored verdict whose container has an imported outcome), or both.")

    @Argument(help: "Batch folders whose containers were inspected.")
    var batches: [String] = []
    @Option(help: "Inspection outcomes: container_id,outcome[,note] with clean or hit.")
    var outcomes: String?
    @Option(help: "Also learn from the store: stored verdicts of containers with imported outcomes.")
    var store: String?
    @Option(help: "Where to write the profiles (JSON).")
    var out: String
    @OptionGroup var run: RunOptions

    func validate() throws {
        if store == nil && (batches.isEmpty || outcomes == nil) {
            throw ValidationError("give batch folders and --outcomes, or --store")
        }
        if !batches.isEmpty && outcomes == nil { throw ValidationError("batch folders need --outcomes") }
        // Said before the measuring, not after it.
        if let obstacle = OutputFile.obstacle(writing: out) { throw ValidationError("--out \(out): \(obstacle)") }
    }

    struct Measured {
        var samples: [(Measurements, Calibrator.Outcome)] = []
        var unlabelled = 0
        var failures = 0
    }

    func run() async throws {
        let bag = DiagnosticBag()
        var measured = Measured()
        if let outcomes, !batches.isEmpty { measured = try await measure(outcomesFile: outcomes, bag: bag) }
        var database: TriageDatabase?
        var fromStore: [(Measurements, Calibrator.Outcome)] = []
        if let store {
            database = try TriageDatabase(path: store)
            let stored = try database!.labelledMeasurements()
            fromStore = stored.samples
            measured.samples += stored.samples
            if stored.olderComparator > 0 {
                bag.warning("\(stored.olderComparator) labelled scan(s) were measured by an older comparator only "
                            + "and are left out (their statistics mean something else); run their batches again to learn from them",
                            at: SourceLocation(file: store))
            }
            if stored.unreadable > 0 {
                bag.warning("\(stored.unreadable) stored verdict(s) could not be read and are left out", at: SourceLocation(file: store))
            }
        }
        var profiles = Calibrator.learn(measured.samples, createdAt: Date().formatted(.iso8601))
        // Scanners whose images hold scatter (measured on the weight, as a batch does): their
        // scans are measured again with it taken out of the cargo maps, as a batch's will be,
        // so that what the detectors learn is what they will see. Stored verdicts cannot be
        // measured again: they are learned from as they were measured.
        let scatter = profiles.massCalibration.compactMapValues(\.scatter).filter { $0.key != "*" }
        if let outcomes, !batches.isEmpty, !scatter.isEmpty {
            measured.samples = try await measure(outcomesFile: outcomes, bag: DiagnosticBag(), scatter: scatter).samples + fromStore
            profiles = Calibrator.learn(measured.samples, createdAt: profiles.createdAt)
        }
        try profiles.write(to: out)
        try database?.storeProfiles(profiles)
        print("learned from \(profiles.cleanContainers) clean and \(profiles.hitContainers) hit containers "
              + "(\(measured.unlabelled) scan(s) without an outcome, \(measured.failures) could not be measured); profile \(profiles.profileID) written to \(out)")
        for (scanner, mass) in profiles.massCalibration.sorted(by: { $0.key < $1.key }) where mass.count > 0 {
            print(String(format: "  mass scale %@: declared/image = %.3f ± %.1f%% (%d containers)%@", scanner, exp(mass.logRatio), mass.logSpread * 100, mass.count,
                         mass.scatter.map { String(format: ", once %.2f%% of the beam the load takes out is taken for scatter", $0 * 100) } ?? ""))
        }
        printDiagnostics(bag)
    }

    /// `scatter`: per scanner, the share of the removed beam a first calibration found its
    /// images to hold as scatter, taken out of their cargo maps (``Measurer/measure(scan:declaration:scatter:)``).
    func measure(outcomesFile: String, bag: DiagnosticBag, scatter: [String: Double] = [:]) async throws -> Measured {
        let outcomes: [String: Calibrator.Outcome]
        do { outcomes = try BatchRunner.readOutcomes(outcomesFile, diagnostics: bag) } catch {
            printDiagnostics(bag)
            printError("\(error)")
            throw ExitCode(1)
        }
        var jobs: [ScanJob] = []
        for batch in batches {
            do {
                jobs += try BatchRunner.intake(batch, reader: run.manifestReader(diagnostics: bag), diagnostics: bag).jobs
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
        let labelled = jobs.filter { job in job.declaration.map { outcomes[$0.containerID] != nil } ?? false }
        let decoder = ImageDecoder(limits: run.decode.limits)
        var measured = Measured(unlabelled: jobs.count - labelled.count)
        // Taken in the inputs' order, not in the order the jobs finish: the profile (its
        // references, and so its ID) and the warnings are then the same at every run.
        var results = [Result<Measurements, any Error>?](repeating: nil, count: labelled.count)
        await BatchRunner.forEach(labelled, jobs: run.jobCount, work: { BatchRunner.measure($0, decoder: decoder, scatter: scatter) }) { index, result in
            results[index] = result
        }
        for (index, result) in results.enumerated() {
            guard let result else { continue }
            switch result {
            case .success(let m): measured.samples.append((m, outcomes[labelled[index].declaration!.containerID]!))
            case .failure(let error):
                // Left out of what is learned, said as every other problem is (the file once,
                // with the reason): a truncated image, a scan without its container's floor.
                measured.failures += 1
                let image = SourceLocation(file: labelled[index].scan.imagePath)
                if let error = error as? ScanTriageError {
                    bag.warning("could not be measured, left out: \(error.reason)", at: error.location ?? image)
                } else {
                    bag.warning("could not be measured, left out: \(error)", at: image)
                }
            }
        }
        return measured
    }
}

/// Options shared by the commands that analyse scans.
struct RunOptions: ParsableArguments {
    @Option(help: "Scans analysed at once (default: the number of cores; at most four times that, or 8).")
    var jobs: Int?
    @Option(help: "An HS 2022 table (CSV with hscode, level) to check declared codes against.")
    var hsTable: String?
    @OptionGroup var decode: DecodeOptions

    var jobCount: Int { max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount) }

    func manifestReader(diagnostics: any DiagnosticCollector) throws -> ManifestReader {
        var validator = ManifestValidator()
        if let hsTable { validator.hsTable = try HSTable.load(hsTable, diagnostics: diagnostics) }
        return ManifestReader(validator: validator)
    }

    /// Each job holds a decoded scan and its maps (tens of MB for a 40 ft scan): more jobs than
    /// cores buy no speed, and thousands of them would hold a whole batch in memory at once.
    static var maximumJobs: Int { max(8, 4 * ProcessInfo.processInfo.activeProcessorCount) }

    func validate() throws {
        if let jobs, jobs < 1 || jobs > Self.maximumJobs {
            throw ValidationError("--jobs \(jobs): expected 1 to \(Self.maximumJobs) (four times the \(ProcessInfo.processInfo.activeProcessorCount) cores here, at least 8; each job holds a decoded scan in memory)")
        }
    }
}

func printDiagnostics(_ bag: DiagnosticBag, errorsOnly: Bool = false) {
    for diagnostic in bag.diagnostics where !errorsOnly || diagnostic.severity == .error { printError(diagnostic.description) }
}

func loadProfiles(_ path: String) throws -> ComparatorProfiles {
    do { return try ComparatorProfiles.load(path) } catch {
        printError("\(error)")
        throw ExitCode(1)
    }
}

/// The profiles given, else the newest `calibrate --store` left in the store, else the bundled
/// profile, else physics priors; said on standard error when they are not the user's own.
func resolveProfiles(_ given: ComparatorProfiles?, store: TriageDatabase?, command: String) throws -> ComparatorProfiles {
    func checked(_ profiles: ComparatorProfiles) -> ComparatorProfiles {
        if let stale = profiles.staleness { printError("\(command): warning: \(stale)") }
        return profiles
    }
    if let given { return checked(given) }
    if let stored = try store?.newestProfiles() {
        printError("\(command): no --profiles: ranking with the newest profile in the store, \(stored.profileID)")
        return checked(stored)
    }
    let profiles = ComparatorProfiles.bundled ?? .prior
    printError("\(command): no --profiles\(store == nil ? "" : " and none in the store"): ranking with \(profiles.provenance ?? profiles.profileID)")
    return profiles
}
