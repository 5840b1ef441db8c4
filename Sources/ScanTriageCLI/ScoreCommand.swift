import ArgumentParser
import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriageManifest
import TriagePhysics

/// `scantriage score`: one container's verdict from its scan and declaration.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score one container: its scan against its declaration, with findings and reasons.")

    @Option(help: "The scan image (PNG or JPEG).")
    var scan: String
    @Option(help: "Its sidecar (default: NAME.json beside the image).")
    var sidecar: String?
    @Option(help: "The manifest that declares the container (JSON, CSV, ENS XML, CUSCAR).")
    var manifest: String?
    @Option(help: "Which container of the manifest (default: the scan's).")
    var container: String?
    @Option(help: "Profiles from `scantriage calibrate` (default: the profile bundled with ScanTriage, learned from generated scans).")
    var profiles: String?
    @Option(help: "Write a heatmap of the findings over the scan (PNG).")
    var heatmap: String?
    @Flag(help: "Print JSON for tools.")
    var json = false
    @OptionGroup var decode: DecodeOptions

    func run() throws {
        let bag = DiagnosticBag()
        let profiles = try resolveProfiles(try self.profiles.map(loadProfiles), store: nil, command: "score")
        let loaded: Scan
        do {
            loaded = try Scan.load(imagePath: scan, sidecarPath: sidecar, decoder: ImageDecoder(limits: decode.limits), diagnostics: bag)
        } catch {
            printDiagnostics(bag)
            printError("\(error)")
            throw ExitCode(1)
        }
        var declaration: DeclaredContainer?
        if let manifest {
            let read: Manifest
            do { read = try ManifestReader().read(manifest, diagnostics: bag) } catch {
                printDiagnostics(bag)
                printError("\(error)")
                throw ExitCode(1)
            }
            let wanted = ContainerNumber.normalise(container ?? loaded.sidecar.containerID)
            declaration = read.containers.first { $0.containerID == wanted }
            if declaration == nil {
                let quarantined = read.quarantined.first { ContainerNumber.normalise($0.containerID ?? "") == wanted }
                printDiagnostics(bag, errorsOnly: true)
                printError(quarantined != nil
                    ? "\(wanted): its declaration in \(manifest) is quarantined (see the errors above)"
                    : "\(wanted): not declared in \(manifest)")
                throw ExitCode(1)
            }
        }
        let verdict: Verdict
        do { verdict = try Comparator.analyze(scan: loaded, declaration: declaration, profiles: profiles) } catch {
            printError("\(scan): \(error)")
            throw ExitCode(1)
        }
        if let heatmap {
            try OutputFile.write(try Heatmap.render(scan: loaded, verdict: verdict), to: heatmap)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(verdict), as: UTF8.self))
        } else {
            print(String(format: "%@  score %.3f  (%@)", verdict.containerID, verdict.score, verdict.scanID ?? ""))
            if let m = verdict.measurements {
                let weighed = m.weightIsALowerBound ? "at least %.1f t (parts are opaque)" : "about %.1f t"
                print(String(format: "  %@, cargo in the image " + weighed + "%@", m.geometry.type, m.imageMassKg / 1000,
                             m.declaredMassKg.map { String(format: ", declared %.1f t", $0 / 1000) } ?? (m.declaredEmpty ? ", declared empty" : "")))
            }
            for finding in verdict.findings {
                let place = finding.bbox.map { " at [\($0.map(String.init).joined(separator: ", "))]" } ?? ""
                print(String(format: "  %.2f  %@: %@%@", finding.score, finding.kind, finding.reason, place))
            }
            if verdict.findings.isEmpty { print("  nothing unusual found") }
        }
    }
}
