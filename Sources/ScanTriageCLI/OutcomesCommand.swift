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
                let data = try BoundedFile.read(file, maxBytes: 64 << 20)
                guard let table = CSVTable(data, file: file, required: ["container_id", "outcome"], diagnostics: bag) else {
                    printDiagnostics(bag)
                    throw ExitCode(1)
                }
                var rows: [(containerID: String, outcome: String, note: String)] = []
                for row in table.rows {
                    let raw = table.value(row, "container_id") ?? ""
                    guard let id = try? ContainerNumber(raw) else {
                        bag.error("\"\(raw)\" is not a valid container number", at: table.location(row, "container_id"))
                        continue
                    }
                    let outcome = (table.value(row, "outcome") ?? "").lowercased()
                    guard outcome == "clean" || outcome == "hit" else {
                        bag.error("outcome \"\(outcome)\" must be clean or hit", at: table.location(row, "outcome"))
                        continue
                    }
                    rows.append((id.value, outcome, table.value(row, "note") ?? ""))
                }
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
