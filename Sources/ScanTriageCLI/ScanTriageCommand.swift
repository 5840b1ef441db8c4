import ArgumentParser
import TriageDecode

/// `scantriage`: the root command. All work is done by the library modules; the commands only
/// parse arguments, call them, and print.
public struct ScanTriageCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "scantriage",
        abstract: "Rank shipping containers for pre-arrival inspection from X-ray scans and their declarations.",
        discussion: """
        Exit codes: 0 success; 1 some input failed or had errors (each reported as file: reason); \
        2 misuse (bad arguments).
        """,
        version: "scantriage 0.1.0 (libpng \(CodecVersions.libpng), libjpeg-turbo \(CodecVersions.libjpegTurbo))",
        subcommands: [BatchCommand.self, ScoreCommand.self, CalibrateCommand.self, OutcomesCommand.self, ValidateCommand.self, InspectCommand.self,
                      EvaluateCommand.self, ServeCommand.self, SubmitCommand.self, TokenCommand.self])

    public init() {}
}

/// Options every command that decodes images shares.
struct DecodeOptions: ParsableArguments {
    @Option(name: .long, help: "Refuse images whose header declares more pixels than this (before allocating).")
    var maxPixels: Int = DecodeLimits.default.maxPixels

    var limits: DecodeLimits { DecodeLimits(maxPixels: maxPixels) }

    func validate() throws {
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
    }
}
