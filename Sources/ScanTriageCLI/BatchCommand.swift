import ArgumentParser
import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriageManifest
import TriagePipeline
import TriageRank
import TriageReport
import TriageServe
import TriageStore

/// `scantriage batch`: the nightly run.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Rank every container of one or more transmission batches for inspection, with reasons.",
        discussion: """
        Inputs are batch folders or .tar / .tar.gz bundles of one. Writes ranking.csv, ranking.json \
        and report.html to --out. Verdicts are kept in a SQLite store (default OUT/scantriage.sqlite): \
        a run that is interrupted and started again reuses them and ends with the same ranking. \
        Exit codes: 0 finished, every input read; 1 finished, some inputs had errors (quarantined, \
        or a scan that could not be analysed; each said and listed in the report); 3 could not \
        finish; 64 misuse (the arguments, as with every command).
        """)

    @Argument(help: "Batch folders or .tar/.tar.gz bundles.")
    var inputs: [String] = []
    @Flag(help: "Rank what arrived through the intake service (`scantriage serve`) into --store.")
    var fromStore = false
    @Option(help: "With --from-store: only submissions received at or after this ISO 8601 time.")
    var since: String?
    @Option(help: "Output folder.")
    var out: String
    @Option(help: "Profiles from `scantriage calibrate` (default: the newest in the store, else the profile bundled with ScanTriage, learned from generated scans).")
    var profiles: String?
    @Option(help: "Inspection capacity: a count (25) or a share (10%).")
    var capacity: String = "10%"
    @Option(help: "The SQLite store (default: OUT/scantriage.sqlite).")
    var store: String?
    @OptionGroup var run: RunOptions

    func validate() throws {
        if fromStore && store == nil { throw ValidationError("--from-store needs --store (the store `scantriage serve` writes)") }
        if !fromStore && inputs.isEmpty { throw ValidationError("give batch folders or archives, or --from-store") }
        if since != nil && !fromStore { throw ValidationError("--since goes with --from-store") }
        if let since, (try? Date(since, strategy: .iso8601)) == nil {
            throw ValidationError("--since \(since) is not an ISO 8601 time like 2026-11-28T00:00:00Z")
        }
    }

    func run() async throws {
        let capacity: Capacity
        do { capacity = try Capacity(parsing: self.capacity) } catch { throw ValidationError("\(error)") }
        for input in inputs {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder) else {
                throw ValidationError("\(input): no such batch folder or archive")
            }
            if !isFolder.boolValue && !ArchiveExtractor.isArchive(input) {
                throw ValidationError("\(input): neither a batch folder nor a .tar / .tar.gz archive of one")
            }
        }
        var outIsFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &outIsFolder), !outIsFolder.boolValue {
            throw ValidationError("--out \(out) is a file; expected a folder (made when missing)")
        }
        var inputs = self.inputs
        if fromStore, let store {
            inputs.append(try assembleFromStore(store))
        }
        let given = try self.profiles.map(loadProfiles)
        let bag = DiagnosticBag()
        do {
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            } catch {
                let cause = OutputFile.fileInTheWay(of: out).map { "\($0) is a file" } ?? error.localizedDescription
                throw ScanTriageError(.io, "cannot make the output folder: \(cause)", at: SourceLocation(file: out))
            }
            let database = try TriageDatabase(path: store ?? (out as NSString).appendingPathComponent("scantriage.sqlite"))
            let profiles = try resolveProfiles(given, store: database, command: "batch")
            let nightly = NightlyRun(profiles: profiles, capacity: capacity, jobs: run.jobCount,
                                     decoder: ImageDecoder(limits: run.decode.limits),
                                     reader: try run.manifestReader(diagnostics: bag), store: database)
            let runID = try database.startRun(inputs: inputs, profileID: profiles.profileID, capacity: capacity.description)
            let outcome = try await nightly.run(inputs: inputs, workFolder: out, diagnostics: bag, progress: TerminalProgress())
            // Errors, then warnings (a scan in a format not read, a sidecar without its image, a
            // file SHA256SUMS does not cover): in the report and on the terminal, not dropped.
            let problems = bag.errors + bag.diagnostics.filter { $0.severity != .error }
            try nightly.writeOutputs(outcome, to: out, inputs: inputs, problems: problems.map(\.description))
            try database.finishRun(runID, status: bag.hasErrors ? "finished with input errors" : "finished",
                                   containers: outcome.ranking.count, reused: outcome.reused, analysed: outcome.analysed)
            printDiagnostics(bag)
            let inspect = outcome.ranking.filter(\.inspect).count
            print("ranked \(outcome.ranking.count) container(s) (\(outcome.analysed) analysed, \(outcome.reused) reused, "
                  + "\(outcome.failed) could not be analysed, \(outcome.quarantined.count) input(s) quarantined); "
                  + "inspect the first \(inspect) (capacity \(capacity)); report: \((out as NSString).appendingPathComponent("report.html"))")
        } catch let error as ScanTriageError {
            printDiagnostics(bag)
            printError("\(error)")
            throw ExitCode(3)
        }
        if bag.hasErrors { throw ExitCode(1) }
    }

    /// A batch folder of what the intake service received (since `--since`), linked from its
    /// intake folder under OUT/.from-store.
    func assembleFromStore(_ store: String) throws -> String {
        let database = try TriageDatabase(path: store)
        let service = try IntakeService(database: database, root: IntakeService.intakeRoot(forStore: store))
        let files = try service.receivedFiles(since: since)
        let folder = (out as NSString).appendingPathComponent(".from-store")
        try? FileManager.default.removeItem(atPath: folder)
        for sub in ["manifests", "scans"] {
            try FileManager.default.createDirectory(atPath: (folder as NSString).appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        for relative in files {
            let source = (service.root as NSString).appendingPathComponent(relative)
            let target = (folder as NSString).appendingPathComponent(relative)
            guard FileManager.default.fileExists(atPath: source) else { continue }
            if link(source, target) != 0 { try FileManager.default.copyItem(atPath: source, toPath: target) }
        }
        printError("batch: \(files.count) file(s) received through the intake service\(since.map { " since \($0)" } ?? "")")
        return folder
    }
}

/// A progress bar with rate and ETA on a terminal; plain log lines (every 10 %) otherwise.
struct TerminalProgress: ProgressReporter {
    let tty = isatty(STDERR_FILENO) != 0
    let start = Date()

    func started(total: Int) {
        if !tty { printError("batch: \(total) scan(s) to analyse") }
    }

    func advanced(done: Int, total: Int, reused: Int) {
        let elapsed = max(1e-3, Date().timeIntervalSince(start))
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if tty {
            let width = 30, filled = total == 0 ? width : width * done / total
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            FileHandle.standardError.write(Data(String(format: "\r[%@] %d/%d  %.1f scans/s  ETA %@  (%d reused)",
                                                       bar, done, total, rate, Self.clock(eta), reused).utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if total > 0, done == total || (done * 10 / total) != ((done - 1) * 10 / total) {
            printError(String(format: "batch: %d/%d scans (%.1f scans/s, %d reused)", done, total, rate, reused))
        }
    }

    func finished(done: Int, reused: Int, seconds: Double) {}

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
