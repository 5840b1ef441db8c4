import ArgumentParser
import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriagePhysics

/// `scantriage inspect FILE...`: what each image is, and what its sidecar makes of it.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Decode images and report format, size, depth and, with a sidecar, attenuation.",
        discussion: """
        Folders are searched for .png, .jpg and .jpeg files. A scan's sidecar is NAME.json beside \
        NAME.png. Exit 0 when every file decoded (and every sidecar was valid), 1 otherwise; each \
        failure is one line on standard error: `file: reason`.
        """)

    @Argument(help: "Image files or folders.")
    var paths: [String]

    @Flag(help: "Print one JSON array for tools instead of text.")
    var json = false

    @OptionGroup var decode: DecodeOptions

    func run() throws {
        let (files, missing) = InputFiles.expand(paths, extensions: InputFiles.imageExtensions)
        let decoder = ImageDecoder(limits: decode.limits)
        var results: [Inspection] = []
        var failed = !missing.isEmpty
        for path in missing { printError("\(path): no such file or folder") }
        for file in files {
            let inspection = Inspection.inspect(file, decoder: decoder) { scan in
                let m = try Measurer.measure(scan: scan, declaration: nil)
                return .init(containerType: m.geometry.type, cannotClear: m.opaqueFraction, photonCeiling: m.photonCeiling)
            }
            results.append(inspection)
            if !inspection.succeeded { failed = true }
            if let error = inspection.error { printError("\(file): \(error)") }
            for diagnostic in inspection.diagnostics { printError(diagnostic.description) }
            if !json { print(Self.describe(inspection)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        }
        if files.isEmpty && missing.isEmpty {
            printError("no .png, .jpg or .jpeg files found in \(paths.joined(separator: ", "))")
            throw ExitCode(1)
        }
        if failed { throw ExitCode(1) }
    }

    static func describe(_ inspection: Inspection) -> String {
        guard let info = inspection.image else {
            return "\(inspection.file): FAILED (\(inspection.errorCode ?? "error"))"
        }
        var stored = "\(info.colorModel) \(info.sourceBitDepth)-bit"
        if info.interlaced { stored += info.format == .png ? ", Adam7" : ", progressive" }
        if info.arithmetic { stored += ", arithmetic" }
        var line = "\(inspection.file): \(info.format.rawValue.uppercased()) \(info.width)x\(info.height) "
            + "\(info.bitDepth)-bit \(info.channels == 1 ? "luminance" : "\(info.channels) channels") (stored: \(stored))"
        if let scan = inspection.scan {
            line += String(format: "; scan %@ container %@, %@, A %.3f to %.3f (saturation %.3f), opaque %.2f%%",
                           scan.scanID, scan.containerID, scan.encoding, scan.attenuationMin, scan.attenuationMax,
                           scan.saturation, scan.opaqueFraction * 100)
            if scan.degraded { line += ", degraded input" }
        }
        if let space = inspection.cargoSpace {
            line += String(format: "; cargo space of the %@ found in the image: ", space.containerType)
            line += space.cannotClear < 0.005 ? "penetrated throughout"
                : String(format: "%.1f%% cannot be cleared", space.cannotClear * 100)
            if let ceiling = space.photonCeiling {
                line += String(format: ", the beam runs out of photons at A %.2f (denser goods all read the same: rescan at higher energy or dose)", ceiling)
            }
        }
        if !info.warnings.isEmpty { line += "; warnings: \(info.warnings.joined(separator: "; "))" }
        return line
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
