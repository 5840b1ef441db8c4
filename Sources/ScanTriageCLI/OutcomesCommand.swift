import ArgumentParser
import Foundation
import TriageCore
import TriagePipeline
import TriageStore

/// `scantriage outcomes import FILE`: analysts' inspection results into the store.
struct OutcomesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Record inspection outcomes (analyst feedback) in the store.",
        subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import container_id,outcome[,note] rows (clean or hit); importing the same rows again adds nothing.")

        @Argument(help: "outcomes.csv")
        var file: String
        @Option(help: "The SQLite store.")
        var store: String

        func run() throws {
            let bag = DiagnosticBag()
            do {
                let rows = try BatchRunner.readOutcomeRows(file, diagnostics: bag).map { ($0.containerID, $0.outcome.rawValue, $0.note) }
                let database = try TriageDatabase(path: store)
                let added = try database.importOutcomes(rows)
                printDiagnostics(bag)
                print("\(added) new outcome(s) recorded (\(rows.count - added) already known, \(bag.errors.count) row(s) rejected); \(try database.outcomeCount()) in the store")
            } catch let error as ScanTriageError {
                printDiagnostics(bag)
                printError("\(error)")
                throw ExitCode(1)
            }
            if bag.hasErrors { throw ExitCode(1) }
        }
    }
}
