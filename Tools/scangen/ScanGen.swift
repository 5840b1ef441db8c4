import ArgumentParser
import Foundation
import ScanSynth
import TriageCore
import TriageDecode
import TriagePhysics

@main
struct ScanGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scangen",
        abstract: "Synthetic, physics-based container scans with ground truth, for calibration and evaluation.",
        version: SceneVersion.current,
        subcommands: [Batch.self, Project.self, View.self])
}

extension ScanGen {
    struct Batch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a transmission batch (manifests/, scans/) and its ground truth beside it.")

        @Option(help: "The batch folder to write.")
        var out: String
        @Option(help: "Number of containers.")
        var containers: Int = 20
        @Option(help: "Random seed: the same seed gives the same batch.")
        var seed: UInt64 = 1
        @Option(help: "Batch name (used in scan and manifest ids). Default: the folder's name.")
        var name: String?
        @Option(help: "Ground truth CSV. Default: OUT.truth.csv beside the batch folder.")
        var truth: String?
        @Option(help: "Also write inspection outcomes (clean/hit per the truth) to this CSV, for calibration.")
        var outcomes: String?
        @Option(help: "Share of containers with an anomaly.")
        var anomalyRate: Double = 0.2
        @Option(help: "Share of empty containers.")
        var emptyRate: Double = 0.06
        @Option(help: "Comma-separated anomaly kinds (default: all).")
        var anomalies: String?
        @Option(help: "Comma-separated scanner ids: \(ScannerProfile.builtIn.map(\.id).joined(separator: ", ")); never by default, scanners unlike those for generalisation checks: \(ScannerProfile.unseen.map(\.id).joined(separator: ", ")).")
        var scanners: String?
        @Option(help: "Comma-separated cargo kinds: \(CargoKind.catalog.map(\.name).joined(separator: ", ")); never by default, goods unlike those for generalisation checks: \(CargoKind.unseen.map(\.name).joined(separator: ", ")).")
        var cargo: String?
        @Option(help: "Multiply every scanner's pixel pitch (2 = half the pixels each way).")
        var pitchScale: Double = 1
        @Option(help: "Truck speed error a drive-through scanner does not correct (relative spread, e.g. 0.04): each scan's true horizontal pitch differs from the one its sidecar states.")
        var speedError: Double = 0
        @Option(help: "Linac pulses that did not fire, per column (e.g. 0.001): columns that read no beam from top to bottom.")
        var missedPulses: Double = 0
        @Option(help: "Dead detector channels: rows that read no beam, at the same height in every scan.")
        var deadChannels: Int = 0
        @Option(help: "Detector channels whose gain has drifted: runs of 1-8 rows reading 0.7-0.9 or 1.1-1.3 times the beam, at the same height in every scan.")
        var gainErrors: Int = 0
        @Option(help: "The container stands tilted: each scan turned by an angle within ± this many degrees (e.g. 1).")
        var tilt: Double = 0
        @Option(help: "Share of scans (0 to 1) that show the tractor unit coupled ahead of the trailer, as gantry scanners that scan the whole truck do.")
        var tractor: Double = 0
        @Option(help: "Share of scans (0 to 1) framed tightly: little air above the roof and beyond the doors, the picture cut through the chassis.")
        var tightFraming: Double = 0
        @Option(help: "Scatter reaching the detectors: the share (e.g. 0.005) of what each irradiated slice takes out of the beam, spread ±0.6 m along the detector line.")
        var scatter: Double = 0
        @Option(help: "Blur beyond every scanner's own detector response (a larger focal spot, light spreading between channels): a Gaussian of this standard deviation in mm, both ways (e.g. 6).")
        var blur: Double = 0
        @Option(help: "Beam hardening on every scanner instead of its own (0.04-0.09): the fraction by which the effective mu falls at high attenuation (e.g. 0.25).")
        var hardening: Double?

        func run() throws {
            let folder = URL(fileURLWithPath: out)
            let batchName = name ?? folder.lastPathComponent
            var spec = BatchSpec(name: batchName, seed: seed, containers: containers, anomalyRate: anomalyRate,
                                 emptyRate: emptyRate, pitchScale: pitchScale)
            guard speedError >= 0, speedError < 0.3 else { throw ValidationError("--speed-error must be at least 0 and below 0.3") }
            spec.speedError = speedError
            guard missedPulses >= 0, missedPulses < 0.05 else { throw ValidationError("--missed-pulses must be at least 0 and below 0.05") }
            spec.missedPulseRate = missedPulses
            guard deadChannels >= 0, deadChannels <= 50 else { throw ValidationError("--dead-channels must be from 0 to 50") }
            spec.deadChannels = deadChannels
            guard gainErrors >= 0, gainErrors <= 50 else { throw ValidationError("--gain-errors must be from 0 to 50") }
            spec.gainErrors = gainErrors
            guard tilt >= 0, tilt <= 5 else { throw ValidationError("--tilt must be from 0 to 5 degrees") }
            spec.tiltDegrees = tilt
            guard tractor >= 0, tractor <= 1 else { throw ValidationError("--tractor must be a share from 0 to 1") }
            spec.tractorRate = tractor
            guard tightFraming >= 0, tightFraming <= 1 else { throw ValidationError("--tight-framing must be a share from 0 to 1") }
            spec.tightFraming = tightFraming
            guard scatter >= 0, scatter <= 0.1 else { throw ValidationError("--scatter must be from 0 to 0.1") }
            spec.scatter = scatter
            guard blur >= 0, blur <= 50 else { throw ValidationError("--blur must be from 0 to 50 mm") }
            spec.blurMM = blur
            if let hardening {
                guard hardening >= 0, hardening <= 0.5 else { throw ValidationError("--hardening must be from 0 to 0.5") }
                spec.hardening = hardening
            }
            if let anomalies {
                spec.anomalyKinds = try anomalies.split(separator: ",").map {
                    guard let kind = AnomalyKind(rawValue: String($0)), kind.isAnomaly else {
                        throw ValidationError("unknown anomaly kind '\($0)'; expected one of \(AnomalyKind.allCases.filter(\.isAnomaly).map(\.rawValue))")
                    }
                    return kind
                }
            }
            if let scanners {
                spec.scanners = try scanners.split(separator: ",").map {
                    guard let profile = ScannerProfile.named(String($0)) else { throw ValidationError("unknown scanner '\($0)'") }
                    return profile
                }
            }
            if let cargo {
                spec.cargo = try cargo.split(separator: ",").map {
                    guard let kind = CargoKind.named(String($0)) else { throw ValidationError("unknown cargo '\($0)'") }
                    return kind
                }
            }
            let records = try BatchGenerator.generate(spec, into: folder)
            let truthURL = URL(fileURLWithPath: truth ?? folder.path + ".truth.csv")
            try BatchGenerator.writeTruth(records, to: truthURL)
            if let outcomes { try BatchGenerator.writeOutcomes(records, to: URL(fileURLWithPath: outcomes)) }
            let anomalies = records.filter { $0.anomaly.isAnomaly }.count
            print("wrote \(records.count) containers (\(anomalies) with anomalies) to \(folder.path); truth in \(truthURL.path)")
        }
    }

    struct Project: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tip",
            abstract: "Threat image projection: insert pressed-brick bags into an existing clean scan.")

        @Option(help: "The clean scan (PNG or JPEG) with its sidecar beside it.")
        var image: String
        @Option(help: "The sidecar, if not NAME.json beside the image.")
        var sidecar: String?
        @Option(help: "Where to write the new image (its sidecar is copied beside it).")
        var out: String
        @Option(help: "Contraband mass in kg.")
        var mass: Double = 30
        @Option(help: "Centre of the insertion in scan pixels, x,y. Default: inside the door end.")
        var at: String?
        @Option(help: "Append the truth row to this CSV.")
        var truth: String?

        func run() throws {
            let bag = DiagnosticBag()
            let scan: Scan
            do {
                scan = try Scan.load(imagePath: image, sidecarPath: sidecar, diagnostics: bag)
            } catch {
                for diagnostic in bag.diagnostics { print(diagnostic) }
                throw error
            }
            var place: (Int, Int)?
            if let at {
                let parts = at.split(separator: ",").compactMap { Int($0) }
                guard parts.count == 2 else { throw ValidationError("--at takes x,y in pixels, like 400,300") }
                place = (parts[0], parts[1])
            }
            let result = try ThreatProjection.project(scan: scan, massKg: mass, at: place)
            let outURL = URL(fileURLWithPath: out)
            try result.data.write(to: outURL)
            let sidecarIn = sidecar ?? Sidecar.path(forImage: image)
            let sidecarOut = outURL.deletingPathExtension().appendingPathExtension("json")
            if sidecarOut.path != sidecarIn {
                try? FileManager.default.removeItem(at: sidecarOut)
                try FileManager.default.copyItem(atPath: sidecarIn, toPath: sidecarOut.path)
            }
            if let truth {
                let row = "\(scan.sidecar.scanID),\(scan.sidecar.containerID),tip,\(String(format: "%.1f", result.massKg)),\(result.bbox.map(String.init).joined(separator: ","))\n"
                if let handle = FileHandle(forWritingAtPath: truth) {
                    handle.seekToEndOfFile()
                    handle.write(Data(row.utf8))
                    try handle.close()
                } else {
                    try Data(("scan_id,container_id,anomaly,contraband_kg,bbox_x,bbox_y,bbox_w,bbox_h\n" + row).utf8)
                        .write(to: URL(fileURLWithPath: truth))
                }
            }
            print("inserted \(String(format: "%.1f", result.massKg)) kg at bbox \(result.bbox) into \(out)")
        }
    }

    struct View: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an 8-bit view of a scan's attenuation (dense is dark, like a radiograph).")

        @Argument(help: "The scan image, with its sidecar beside it.")
        var image: String
        @Option(help: "Output PNG.")
        var out: String
        @Option(help: "Attenuation shown as black (default: the scan's 99.5th percentile, at least 3).")
        var maxAttenuation: Double?

        func run() throws {
            let scan = try Scan.load(imagePath: image, diagnostics: DiagnosticBag())
            let map = try scan.attenuation()
            try ImageEncoder.png(map.radiograph(maxAttenuation: maxAttenuation)).write(to: URL(fileURLWithPath: out))
            print("wrote \(out) (\(map.width)x\(map.height))")
        }
    }
}
