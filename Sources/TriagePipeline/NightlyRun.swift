import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriageManifest
import TriagePhysics
import TriageRank
import TriageStore

/// Told how the run goes, to draw a progress bar or write log lines.
public protocol ProgressReporter: Sendable {
    func started(total: Int)
    func advanced(done: Int, total: Int, reused: Int)
    func finished(done: Int, reused: Int, seconds: Double)
}

public struct SilentProgress: ProgressReporter {
    public init() {}
    public func started(total: Int) {}
    public func advanced(done: Int, total: Int, reused: Int) {}
    public func finished(done: Int, reused: Int, seconds: Double) {}
}

/// The nightly batch: inputs → intake → analysis (resumable, in parallel) → ranking → outputs.
public struct NightlyRun: Sendable {
    public var profiles: ComparatorProfiles
    public var capacity: Capacity
    public var jobs: Int
    public var decoder: ImageDecoder
    public var reader: ManifestReader
    public var store: TriageDatabase?
    public var archive = ArchiveExtractor()
    /// The report pictures the containers within capacity and this many more; their pictures
    /// are made while the batch runs (``Outcome/pictures``), this wide.
    public var picturesBeyondCapacity = 10
    public var pictureWidth = 900

    public init(profiles: ComparatorProfiles, capacity: Capacity, jobs: Int, decoder: ImageDecoder, reader: ManifestReader,
                store: TriageDatabase?) {
        self.profiles = profiles
        self.capacity = capacity
        self.jobs = jobs
        self.decoder = decoder
        self.reader = reader
        self.store = store
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public var ranking: [RankedContainer]
        public var verdicts: [String: Verdict]
        /// Image path of each scanned entry's scan, by scan id, for thumbnails.
        public var images: [String: String]
        /// The report's pictures (JPEG, findings drawn) made during the run, by scan id: those
        /// of the containers ranked within capacity and ``picturesBeyondCapacity`` more, when
        /// they were analysed in this run (a verdict reused from the store has none).
        public var pictures: [String: HeldData]
        public var quarantined: [(file: String, reason: String)]
        public var unmatchedScans: [String]
        public var manifests: [Manifest]
        public var analysed: Int
        public var reused: Int
        public var failed: Int
        public var seconds: Double
    }

    struct Work: Sendable {
        var job: ScanJob
        var declarationSHA256: String
        /// The image's digest as SHA256SUMS lists it, checked when the image is read.
        var expectedSHA256: String? = nil
    }

    struct Done: Sendable {
        var verdict: Verdict
        var scanKey: String?
        var imageSHA256: String?
        var sidecarSHA256: String?
        var reused: Bool
        /// The verdict as stored, encoded on the worker.
        var verdictJSON: String? = nil
        /// Why the image was quarantined (it does not match SHA256SUMS); no verdict is used.
        var tampered: String? = nil
    }

    /// Runs over batch folders and archives; archives are unpacked under `workFolder`.
    public func run(inputs: [String], workFolder: String, diagnostics: any DiagnosticCollector,
                    progress: any ProgressReporter = SilentProgress()) async throws -> Outcome {
        let start = Date()
        ImageDecoder.keepLargeBuffers()
        var folders: [String] = []
        var quarantined: [(file: String, reason: String)] = []
        for input in inputs {
            if ArchiveExtractor.isArchive(input) {
                let name = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
                    .replacingOccurrences(of: ".tar", with: "")
                let destination = (workFolder as NSString).appendingPathComponent(".inputs/\(name)")
                try? FileManager.default.removeItem(atPath: destination)
                // An archive that cannot be unpacked (truncated, corrupt) is quarantined whole;
                // the other inputs are still ranked.
                do {
                    folders.append(try archive.extract(input, into: destination, diagnostics: diagnostics))
                } catch let error as ScanTriageError {
                    diagnostics.error(error.reason, at: error.location ?? SourceLocation(file: input))
                    quarantined.append((input, error.reason))
                    try store?.quarantine(file: input, containerID: nil, reason: error.reason)
                }
            } else {
                folders.append(input)
            }
        }
        var allJobs: [Work] = []
        var unscanned: [DeclaredContainer] = []
        var unmatched: [String] = []
        var manifests: [Manifest] = []
        for folder in folders {
            // Scan images are checked against SHA256SUMS as they are read for the analysis.
            let sums = Checksums.verify(batch: folder, deferring: Self.isScanImage, diagnostics: diagnostics)
            for (path, reason) in sums.mismatched.sorted(by: { $0.key < $1.key }) {
                let full = (folder as NSString).appendingPathComponent(path)
                quarantined.append((full, reason))
                try store?.quarantine(file: full, containerID: nil, reason: reason)
            }
            let intake = try BatchRunner.intake(folder, excluding: Set(sums.mismatched.keys), reader: reader, diagnostics: diagnostics)
            for (file, reason) in intake.unreadableManifests {
                quarantined.append((file, reason))
                try store?.quarantine(file: file, containerID: nil, reason: reason)
            }
            for manifest in intake.manifests {
                if let store, let data = try? BoundedFile.read(manifest.file, maxBytes: reader.maxBytes) {
                    try store.recordManifest(sha256: Hashing.sha256(data), manifest: manifest)
                }
                for entry in manifest.quarantined {
                    quarantined.append((manifest.file, entry.reasons.map(\.description).joined(separator: "; ")))
                }
            }
            manifests += intake.manifests
            allJobs += intake.jobs.map { job in
                Work(job: job, declarationSHA256: job.declaration.map(Self.declarationHash) ?? "none",
                     expectedSHA256: sums.deferred[Self.relativePath(job.scan.imagePath, in: folder)])
            }
            unmatched += intake.unmatchedScans.map(\.imagePath)
            for scan in intake.unmatchedScans where scan.sidecar == nil {
                quarantined.append((scan.imagePath, "no valid sidecar: not analysed"))
            }
            unscanned += intake.unscanned
        }
        // Analyse, reusing what the store already has.
        let total = allJobs.count
        progress.started(total: total)
        var entries: [RankedContainer] = []
        var scanned: [(verdict: Verdict, job: ScanJob)] = []
        // Where each scanned verdict is stored (scan key, the inputs' digests), by its place in `scanned`.
        typealias StoredAs = (scanKey: String?, imageSHA256: String, sidecarSHA256: String, declarationSHA256: String)
        var storedAs: [StoredAs] = []
        // Stores a verdict under its scan's key (the first pass's, and a second pass's again).
        func record(_ verdict: Verdict, json: String?, as stored: StoredAs, imagePath: String) {
            guard let store, let key = stored.scanKey else { return }
            do {
                try store.recordAnalysis(scanKey: key, scanID: verdict.scanID ?? "", imagePath: imagePath,
                                         imageSHA256: stored.imageSHA256, sidecarSHA256: stored.sidecarSHA256,
                                         source: "batch", verdict: verdict, verdictJSON: try json ?? TriageDatabase.encode(verdict),
                                         declarationSHA256: stored.declarationSHA256, verdictKey: Comparator.verdictKey(profiles: profiles))
            } catch {
                diagnostics.error("could not store the verdict: \(error)", at: SourceLocation(file: store.path))
            }
        }
        var verdicts: [String: Verdict] = [:]
        var images: [String: String] = [:]
        var analysed = 0, reused = 0, failed = 0, done = 0
        let profiles = self.profiles, decoder = self.decoder, store = self.store, pictureWidth = self.pictureWidth
        // At most 1,024 pictures (~60 MB) are kept; beyond that the report decodes the rest again.
        let shortlist = PictureShortlist(limit: min(1024, capacity.containers(of: total + unscanned.count) + picturesBeyondCapacity))
        await BatchRunner.forEach(allJobs, jobs: jobs, work: { work in
            Self.process(work, profiles: profiles, decoder: decoder, store: store, shortlist: shortlist, pictureWidth: pictureWidth)
        }) { index, result in
            let work = allJobs[index]
            if let reason = result.tampered {
                // As if the file had failed the check before the run: quarantined, and its
                // container (if declared) ranked as not scanned.
                diagnostics.error(reason, at: SourceLocation(file: work.job.scan.imagePath))
                quarantined.append((work.job.scan.imagePath, reason))
                do { try store?.quarantine(file: work.job.scan.imagePath, containerID: nil, reason: reason) } catch {
                    diagnostics.error("could not store the quarantine: \(error)", at: SourceLocation(file: store?.path ?? ""))
                }
                if let declaration = work.job.declaration { entries.append(BatchRunner.entry(unscanned: declaration, profiles: profiles)) }
                done += 1
                progress.advanced(done: done, total: total, reused: reused)
                return
            }
            let stored: StoredAs = (result.scanKey, result.imageSHA256 ?? "", result.sidecarSHA256 ?? "", work.declarationSHA256)
            if !result.reused { record(result.verdict, json: result.verdictJSON, as: stored, imagePath: work.job.scan.imagePath) }
            if result.reused { reused += 1 } else { analysed += 1 }
            if result.verdict.measurements == nil {
                failed += 1
                // Which scan, and why (a truncated image, no container in it): on the terminal
                // and in the report's problems, not only on its card. A sidecar that could not be
                // read was said at intake.
                if work.job.scan.sidecar != nil {
                    diagnostics.error(result.verdict.findings.first?.reason ?? "could not analyse the scan",
                                      at: SourceLocation(file: work.job.scan.imagePath))
                }
            }
            scanned.append((result.verdict, work.job))
            storedAs.append(stored)
            if let scanID = result.verdict.scanID { images[scanID] = work.job.scan.imagePath }
            done += 1
            progress.advanced(done: done, total: total, reused: reused)
        }
        // Scanners the profile has no mass scale for, or whose images departed from it, take this
        // batch's (at least 20 of their loaded containers; ``Calibrator/batchMass``): their
        // verdicts are scored again with it, from the measurements (stored ones too, so a run
        // started again ranks the same).
        // Their refrigeration units likewise, where they read clearly apart from the profile's
        // reference (``Calibrator/batchMachinery``).
        let measured = scanned.compactMap(\.verdict.measurements)
        let batchMass = Calibrator.batchMass(measured, for: profiles)
        let batchMachinery = Calibrator.batchMachinery(measured, for: profiles)
        // A share of scatter the batch found (or none, where the profile's no longer holds) that
        // a scanner's scans were not measured with: they are measured again with it taken out of
        // their cargo maps, and stored so (a run started again finds them measured with it).
        // The image read again must be the one hashed the first time (else the first verdict stays).
        struct Again: Sendable { var index: Int; var job: ScanJob; var share: Double?; var containerID: String; var imageSHA256: String }
        let again = scanned.indices.compactMap { index -> Again? in
            guard let m = scanned[index].verdict.measurements, let scale = batchMass[m.scannerID],
                  m.scatterTakenAway != scale.scatter else { return nil }
            return Again(index: index, job: scanned[index].job, share: scale.scatter, containerID: scanned[index].verdict.containerID,
                         imageSHA256: storedAs[index].imageSHA256)
        }
        if !again.isEmpty {
            await BatchRunner.forEach(again, jobs: jobs, work: { item -> Verdict? in
                guard let sidecar = item.job.scan.sidecar,
                      let data = try? BoundedFile.read(item.job.scan.imagePath, maxBytes: decoder.maxFileBytes),
                      Hashing.sha256(data) == item.imageSHA256,
                      let image = try? decoder.decode(data),
                      let scan = try? Scan(imagePath: item.job.scan.imagePath, image: image, sidecar: sidecar),
                      var verdict = try? Comparator.analyze(scan: scan, declaration: item.job.declaration, profiles: profiles, scatter: item.share)
                else { return nil }
                verdict.containerID = item.containerID
                return verdict
            }) { position, verdict in
                guard let verdict else { return }
                let item = again[position]
                scanned[item.index].verdict = verdict
                record(verdict, json: nil, as: storedAs[item.index], imagePath: item.job.scan.imagePath)
            }
            for scanner in Set(again.map { scanned[$0.index].verdict.measurements?.scannerID ?? "" }).sorted() where !scanner.isEmpty {
                let share = batchMass[scanner]?.scatter
                diagnostics.emit(Diagnostic(.note, "scanner \(scanner)'s scans were measured again with "
                                            + (share.map { String(format: "%.2f%% of the beam their loads take out taken for scatter", $0 * 100) } ?? "no scatter taken")
                                            + " out of their cargo maps, as this batch measured it",
                                            at: SourceLocation(file: inputs.first ?? "")))
            }
        }
        if !batchMass.isEmpty || !batchMachinery.isEmpty {
            var adjusted = profiles
            adjusted.massCalibration.merge(batchMass) { _, batch in batch }
            if !batchMachinery.isEmpty { adjusted.machineryScale = batchMachinery }
            for index in scanned.indices {
                guard let scanner = scanned[index].verdict.measurements?.scannerID,
                      batchMass[scanner] != nil || batchMachinery[scanner] != nil else { continue }
                scanned[index].verdict = Comparator.rescored(scanned[index].verdict, profiles: adjusted, massFromBatch: batchMass[scanner] != nil,
                                                             departedFrom: profiles.ownMass(forScanner: scanner))
            }
            for (scanner, factor) in batchMachinery.sorted(by: { $0.key < $1.key }) {
                diagnostics.warning(ComparatorProfiles.machineryScaleReason(scanner: scanner, factor: factor)
                                    + "; its beam or detector changed since calibration? Calibrate again on its inspected containers",
                                    at: SourceLocation(file: inputs.first ?? ""))
            }
            for (scanner, scale) in batchMass.sorted(by: { $0.key < $1.key }) {
                let own = profiles.ownMass(forScanner: scanner)
                let advice = own == nil ? "calibrate on its inspected containers"
                    : "scatter, a detector or its energy changed since calibration? Calibrate again on its inspected containers"
                diagnostics.warning(ComparatorProfiles.batchScaleReason(scanner: scanner, own: own)
                                    + ": its mass scale was taken from this batch's \(scale.count) loaded containers (their images \(scale.imagesAgainstDeclared)); \(advice)",
                                    at: SourceLocation(file: inputs.first ?? ""))
            }
        }
        // What was put right in the scans, once per scanner (each card says it for its scan).
        for line in ScanQuality.summary(scanned.compactMap(\.verdict.measurements)) {
            diagnostics.emit(Diagnostic(line.mostScans ? .warning : .note, line.words, at: SourceLocation(file: inputs.first ?? "")))
        }
        for (verdict, job) in scanned {
            entries.append(BatchRunner.entry(for: verdict, job: job))
            if let scanID = verdict.scanID { verdicts[scanID] = verdict }
        }
        for container in unscanned { entries.append(BatchRunner.entry(unscanned: container, profiles: profiles)) }
        let seconds = Date().timeIntervalSince(start)
        progress.finished(done: done, reused: reused, seconds: seconds)
        return Outcome(ranking: Ranker.rank(entries, capacity: capacity), verdicts: verdicts, images: images,
                       pictures: shortlist.finish(),
                       quarantined: quarantined, unmatchedScans: unmatched, manifests: manifests,
                       analysed: analysed, reused: reused, failed: failed, seconds: seconds)
    }

    /// One scan: read once, hash, reuse a stored verdict or decode and analyse.
    static func process(_ work: Work, profiles: ComparatorProfiles, decoder: ImageDecoder, store: TriageDatabase?,
                        shortlist: PictureShortlist? = nil, pictureWidth: Int = 900) -> Done {
        let job = work.job
        let containerID = job.declaration?.containerID ?? job.scan.containerID ?? job.scan.sidecar?.containerID ?? "unknown"
        guard let sidecar = job.scan.sidecar else {
            return Done(verdict: Comparator.failed(containerID: containerID, scanID: nil, reason: "no valid sidecar", profiles: profiles),
                        scanKey: nil, imageSHA256: nil, sidecarSHA256: nil, reused: false)
        }
        do {
            let imageData = try BoundedFile.read(job.scan.imagePath, maxBytes: decoder.maxFileBytes)
            let sidecarData = try BoundedFile.read(job.scan.sidecarPath, maxBytes: 1 << 20)
            let imageHash = Hashing.sha256(imageData), sidecarHash = Hashing.sha256(sidecarData)
            if let expected = work.expectedSHA256, expected != imageHash {
                return Done(verdict: Comparator.failed(containerID: containerID, scanID: sidecar.scanID, reason: "tampered", profiles: profiles),
                            scanKey: nil, imageSHA256: imageHash, sidecarSHA256: sidecarHash, reused: false,
                            tampered: Checksums.mismatch(expected: expected, actual: imageHash))
            }
            let key = Hashing.sha256(imageHash + sidecarHash)
            if let store, let stored = try? store.verdict(scanKey: key, declarationSHA256: work.declarationSHA256,
                                                          profileID: Comparator.verdictKey(profiles: profiles)) {
                return Done(verdict: stored, scanKey: key, imageSHA256: imageHash, sidecarSHA256: sidecarHash, reused: true)
            }
            let verdict: Verdict
            do {
                let image = try decoder.decode(imageData)
                let scan = try Scan(imagePath: job.scan.imagePath, image: image, sidecar: sidecar)
                var analysed = try Comparator.analyze(scan: scan, declaration: job.declaration, profiles: profiles)
                analysed.containerID = containerID
                verdict = analysed
                // The report's picture, while the scan is decoded, if it may be shown.
                if let shortlist {
                    let entry = BatchRunner.entry(for: verdict, job: job)
                    if shortlist.admits(entry), let preview = try? Heatmap.preview(of: scan, maxWidth: pictureWidth) {
                        shortlist.offer(entry, preview: preview, verdict: verdict)
                    }
                }
            } catch {
                verdict = Comparator.failed(containerID: containerID, scanID: sidecar.scanID, reason: why(error), profiles: profiles)
            }
            return Done(verdict: verdict, scanKey: key, imageSHA256: imageHash, sidecarSHA256: sidecarHash, reused: false,
                        verdictJSON: store == nil ? nil : try? TriageDatabase.encode(verdict))
        } catch {
            return Done(verdict: Comparator.failed(containerID: containerID, scanID: sidecar.scanID, reason: why(error), profiles: profiles),
                        scanKey: nil, imageSHA256: nil, sidecarSHA256: nil, reused: false)
        }
        // Why the scan could not be used: the scan's card and the terminal name its image
        // already, so only another file (its sidecar) is named.
        func why(_ error: any Error) -> String {
            guard let error = error as? ScanTriageError else { return "\(error)" }
            return error.reason + (error.location.map { $0.file == job.scan.imagePath ? "" : " (\($0))" } ?? "")
        }
    }

    /// Scan images, by their path relative to a batch (as SHA256SUMS names them).
    static func isScanImage(_ relative: String) -> Bool {
        let lower = relative.lowercased()
        return lower.hasPrefix("scans/") && [".png", ".jpg", ".jpeg"].contains { lower.hasSuffix($0) }
    }

    static func relativePath(_ path: String, in folder: String) -> String {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func declarationHash(_ container: DeclaredContainer) -> String {
        var canonical = container
        canonical.location = SourceLocation(file: "")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Hashing.sha256((try? encoder.encode(canonical)) ?? Data())
    }
}
