import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriageManifest
import TriagePhysics
import TriageRank

/// One unit of work: a scan and what it is compared against.
public struct ScanJob: Sendable {
    public var scan: ScanEntry
    public var declaration: DeclaredContainer?
    public var manifestID: String?
}

/// What a batch folder yields after intake: the jobs, and what could not become one.
public struct BatchIntakeResult: Sendable {
    public var root: String
    public var manifests: [Manifest]
    public var jobs: [ScanJob]
    public var unscanned: [DeclaredContainer]
    public var unmatchedScans: [ScanEntry]
    /// Manifest files that could not be read at all, and why.
    public var unreadableManifests: [(file: String, reason: String)] = []
}

public enum BatchRunner {
    /// Reads a batch folder: manifests, sidecars, matching. Problems go to `diagnostics`.
    public static func intake(_ root: String, excluding excluded: Set<String> = [], reader: ManifestReader,
                              diagnostics: any DiagnosticCollector) throws -> BatchIntakeResult {
        let listing = try BatchIntake.list(root, excluding: excluded, diagnostics: diagnostics)
        var unreadable: [(file: String, reason: String)] = []
        let manifests = BatchIntake.readManifests(listing.manifestFiles, reader: reader, diagnostics: diagnostics, unreadable: &unreadable)
        let match = BatchIntake.match(manifests, scans: listing.scans, diagnostics: diagnostics)
        var jobs: [ScanJob] = []
        for pair in match.containers {
            for scan in pair.scans { jobs.append(ScanJob(scan: scan, declaration: pair.container, manifestID: pair.container.manifestID)) }
        }
        // Scans without a declaration are still analysed (against physics alone) and ranked.
        for scan in match.unmatchedScans where scan.sidecar != nil { jobs.append(ScanJob(scan: scan, declaration: nil, manifestID: nil)) }
        return BatchIntakeResult(root: root, manifests: manifests, jobs: jobs, unscanned: match.unscanned,
                                 unmatchedScans: match.unmatchedScans, unreadableManifests: unreadable)
    }

    /// Runs `work` over `items` with at most `jobs` in flight, calling `done` on the caller's
    /// task as each finishes (in completion order). Memory stays bounded by `jobs`.
    public static func forEach<Item: Sendable, Output: Sendable>(
        _ items: [Item], jobs: Int, work: @escaping @Sendable (Item) async -> Output, done: (Int, Output) async -> Void
    ) async {
        await withTaskGroup(of: (Int, Output).self) { group in
            var next = 0
            for _ in 0..<min(max(1, jobs), items.count) {
                let index = next
                group.addTask { (index, await work(items[index])) }
                next += 1
            }
            while let (index, output) = await group.next() {
                await done(index, output)
                if next < items.count {
                    let index = next
                    group.addTask { (index, await work(items[index])) }
                    next += 1
                }
            }
        }
    }

    /// Measures one job for calibration (nil when the scan cannot be measured).
    public static func measure(_ job: ScanJob, decoder: ImageDecoder, scatter: [String: Double] = [:]) -> Result<Measurements, Error> {
        guard let sidecar = job.scan.sidecar else {
            return .failure(ScanTriageError(.invalidSidecar, "no valid sidecar", at: SourceLocation(file: job.scan.imagePath)))
        }
        do {
            let image = try decoder.decode(file: job.scan.imagePath)
            let scan = try Scan(imagePath: job.scan.imagePath, image: image, sidecar: sidecar)
            return .success(try Measurer.measure(scan: scan, declaration: job.declaration, scatter: scatter[sidecar.scannerID]))
        } catch {
            return .failure(error)
        }
    }

    /// The line of the ranking for a verdict.
    public static func entry(for verdict: Verdict, declaration: DeclaredContainer?, status: ContainerStatus) -> RankedContainer {
        let m = verdict.measurements
        var line = RankedContainer(containerID: verdict.containerID, score: verdict.score, strength: verdict.strength,
                                   status: status, findings: verdict.findings, scanID: verdict.scanID,
                                   isoType: declaration?.isoType ?? m?.geometry.type, hsCode: declaration?.mainHSCode,
                                   declaredKg: declaration.map { $0.declaredGoodsKg }, imageKg: m?.imageMassKg,
                                   manifestID: declaration?.manifestID, portOfLoading: declaration?.portOfLoading)
        line.imageKgIsLowerBound = m?.weightIsALowerBound
        return line
    }

    /// The ranking line of a scanned container's verdict.
    public static func entry(for verdict: Verdict, job: ScanJob) -> RankedContainer {
        let status: ContainerStatus = verdict.measurements == nil ? .failed : (job.declaration == nil ? .unmatched : .scanned)
        var line = entry(for: verdict, declaration: job.declaration, status: status)
        line.portOfScan = job.scan.sidecar?.portOfScan
        line.scannerID = job.scan.sidecar?.scannerID
        return line
    }

    /// The ranking line of a declared container that has no scan.
    public static func entry(unscanned container: DeclaredContainer, profiles: ComparatorProfiles) -> RankedContainer {
        entry(for: Comparator.unscanned(container, profiles: profiles), declaration: container, status: .unscanned)
    }

    /// One row of an outcomes file.
    public struct OutcomeRow: Sendable {
        public var containerID: String
        public var outcome: Calibrator.Outcome
        public var note: String
    }

    /// Reads an outcomes file (spec §5): container_id,outcome[,note] with clean or hit; bad rows
    /// are reported where they are and left out.
    public static func readOutcomeRows(_ path: String, diagnostics: any DiagnosticCollector) throws -> [OutcomeRow] {
        let data = try BoundedFile.read(path, maxBytes: 64 << 20)
        guard let table = CSVTable(data, file: path, required: ["container_id", "outcome"], diagnostics: diagnostics) else {
            throw ScanTriageError(.invalidInput, "outcomes file unusable (expected container_id,outcome[,note])", at: SourceLocation(file: path))
        }
        var rows: [OutcomeRow] = []
        var earlier: [String: (outcome: Calibrator.Outcome, line: Int)] = [:]
        for row in table.rows {
            let raw = table.value(row, "container_id") ?? ""
            guard let id = try? ContainerNumber(raw) else {
                diagnostics.error("\"\(raw)\" is not a valid container number", at: table.location(row, "container_id"))
                continue
            }
            guard let outcome = Calibrator.Outcome(rawValue: (table.value(row, "outcome") ?? "").lowercased()) else {
                diagnostics.error("outcome \"\(table.value(row, "outcome") ?? "")\" must be clean or hit", at: table.location(row, "outcome"))
                continue
            }
            // One file saying both clean and hit of a container is said; the last row counts.
            let line = table.location(row, "outcome").line ?? 0
            if let before = earlier[id.value], before.outcome != outcome {
                diagnostics.warning("\(id.value) is \(before.outcome.rawValue) on line \(before.line) and \(outcome.rawValue) here; the last row counts",
                                    at: table.location(row, "outcome"))
            }
            earlier[id.value] = (outcome, line)
            rows.append(OutcomeRow(containerID: id.value, outcome: outcome, note: table.value(row, "note") ?? ""))
        }
        return rows
    }

    /// The latest outcome per container.
    public static func readOutcomes(_ path: String, diagnostics: any DiagnosticCollector) throws -> [String: Calibrator.Outcome] {
        var outcomes: [String: Calibrator.Outcome] = [:]
        for row in try readOutcomeRows(path, diagnostics: diagnostics) { outcomes[row.containerID] = row.outcome }
        return outcomes
    }
}
