import ArgumentParser
import Foundation
import TriageCore
import TriageManifest
import TriagePipeline

/// `scantriage validate PATH...`: check manifests and batch folders against the interchange
/// contract, one compiler-style line per problem.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests (JSON, CSV, ENS XML, CUSCAR) and batch folders; report every problem where it is.",
        discussion: """
        Each problem is one line, `file:line:col: error|warning: message` (JSON problems name their \
        JSON path). Batch folders are checked whole: manifests, sidecars, duplicates across \
        manifests, and the matching of scans to declared containers. Exit 0 without errors, 1 with \
        errors, 2 on misuse.
        """)

    @Argument(help: "Manifest files or batch folders.")
    var paths: [String]

    @Option(help: "An HS 2022 table (CSV with hscode, level columns) to check codes against real subheadings.")
    var hsTable: String?

    @Option(help: "Refuse manifest files larger than this many bytes, before reading them.")
    var maxBytes: Int = ManifestReader.defaultMaxBytes

    @Flag(help: "Print JSON for tools.")
    var json = false

    struct Report: Encodable {
        var manifests: [Manifest]
        var diagnostics: [Diagnostic]
        var matchedScans: Int
        var unmatchedScans: [String]
        var unscannedContainers: [String]
        var errors: Int
        var warnings: Int
    }

    func run() throws {
        let bag = DiagnosticBag()
        var validator = ManifestValidator()
        if let hsTable {
            do { validator.hsTable = try HSTable.load(hsTable, diagnostics: bag) } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        let reader = ManifestReader(maxBytes: maxBytes, validator: validator)
        var manifests: [Manifest] = []
        var matched = 0
        var unmatched: [String] = []
        var unscanned: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                bag.error("no such file or folder", at: SourceLocation(file: path))
                continue
            }
            if isDirectory.boolValue {
                do {
                    // As the batch would: every file SHA256SUMS lists is checked (images too:
                    // nothing else reads them here), and a file that does not match is left out.
                    let sums = Checksums.verify(batch: path, diagnostics: bag)
                    let listing = try BatchIntake.list(path, excluding: Set(sums.mismatched.keys), diagnostics: bag)
                    let batchManifests = BatchIntake.readManifests(listing.manifestFiles, reader: reader, diagnostics: bag)
                    let result = BatchIntake.match(batchManifests, scans: listing.scans, diagnostics: bag)
                    manifests += batchManifests
                    matched += result.matchedCount
                    unmatched += result.unmatchedScans.map(\.imagePath)
                    unscanned += result.unscanned.map(\.containerID)
                } catch let error as ScanTriageError {
                    bag.error(error.reason, at: error.location)
                }
            } else {
                let found = BatchIntake.readManifests([path], reader: reader, diagnostics: bag)
                manifests += found
            }
        }
        let errors = bag.errors.count, warnings = bag.warnings.count
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let report = Report(manifests: manifests, diagnostics: bag.diagnostics, matchedScans: matched,
                                unmatchedScans: unmatched, unscannedContainers: unscanned, errors: errors, warnings: warnings)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            for diagnostic in bag.diagnostics { print(diagnostic.description) }
            let accepted = manifests.reduce(0) { $0 + $1.containers.count }
            let quarantined = manifests.reduce(0) { $0 + $1.quarantined.count }
            var summary = "\(manifests.count) manifest(s): \(accepted) container(s) accepted, \(quarantined) quarantined"
            if matched + unmatched.count + unscanned.count > 0 {
                summary += "; \(matched) matched to scans, \(unmatched.count) scan(s) without a declaration, \(unscanned.count) container(s) without a scan"
            }
            print(summary + "; \(errors) error(s), \(warnings) warning(s)")
        }
        if errors > 0 { throw ExitCode(1) }
    }
}
