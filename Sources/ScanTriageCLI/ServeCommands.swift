import ArgumentParser
import Foundation
import Hummingbird
import TriageCore
import TriageManifest
import TriageServe
import TriageStore

/// `scantriage serve`: the liaison intake service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the intake service: liaison offices POST manifests and PUT scans with their bearer tokens.",
        discussion: """
        Endpoints: POST /v1/manifests (application/json, text/csv, application/xml, application/edifact), \
        PUT /v1/scans/{scan_id} (multipart/form-data: sidecar, image), GET /v1/submissions/{id}, \
        GET /healthz, GET /metrics. Received files go to intake/ beside the store; \
        `scantriage batch --from-store` ranks them.
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"
    @Option(help: "Port (0: any free port, printed on start).")
    var port = 8080
    @Option(help: "The SQLite store (tokens, submissions).")
    var store = "scantriage.sqlite"
    @Option(help: "Largest manifest body in bytes.")
    var maxManifestBytes = 32 << 20
    @Option(help: "Largest scan body (image and sidecar) in bytes.")
    var maxScanBytes = 256 << 20
    @Option(help: "An HS 2022 table to check declared codes against.")
    var hsTable: String?

    func run() async throws {
        var validator = ManifestValidator()
        if let hsTable {
            // A service must not run on a partly read reference table (codes it dropped would be
            // refused all night): its problems are printed and refuse the start.
            let bag = DiagnosticBag()
            validator.hsTable = try HSTable.load(hsTable, diagnostics: bag)
            printDiagnostics(bag)
            if bag.hasErrors {
                printError("\(hsTable): the HS table has errors (above); fix it or leave --hs-table out")
                throw ExitCode(2)
            }
        }
        let database = try TriageDatabase(path: store)
        let service = try IntakeService(database: database, root: IntakeService.intakeRoot(forStore: store),
                                        limits: IntakeLimits(maxManifestBytes: maxManifestBytes, maxScanBytes: maxScanBytes),
                                        validator: validator)
        let host = self.host
        let app = IntakeServer.application(service: service, host: host, port: port) { bound in
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)\n".utf8))
        }
        try await app.runService()
    }
}

/// `scantriage token create|revoke|list`.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage the bearer tokens of liaison offices (stored hashed; shown once).",
        subcommands: [Create.self, Revoke.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token for an office and the ports it submits for.")
        @Option(help: "Liaison office id, like LO-BRSSZ.")
        var office: String
        @Option(help: "Comma-separated UN/LOCODEs, like BRSSZ,BRPNG.")
        var ports: String
        @Option(help: "The SQLite store.")
        var store = "scantriage.sqlite"

        func run() throws {
            let list = ports.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            for port in list where UNLocode.problem(port) != nil {
                throw ValidationError("\(port) is not a UN/LOCODE (5 characters like BRSSZ)")
            }
            guard !list.isEmpty else { throw ValidationError("--ports needs at least one UN/LOCODE") }
            // The office id names the office in the access log and in every submission.
            guard office.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"#, options: .regularExpression) != nil else {
                throw ValidationError("--office \"\(office)\" must be 1 to 64 letters, digits, dots, dashes or underscores, like LO-BRSSZ")
            }
            let (id, token) = try Tokens.create(office: office, ports: list, in: TriageDatabase(path: store))
            print(token)
            printError("token \(id) for \(office) (\(list.joined(separator: ","))): shown once, stored hashed; keep it in a file only the office can read")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id, or every token of an office.")
        @Argument(help: "Token id or office id.")
        var idOrOffice: String
        @Option(help: "The SQLite store.")
        var store = "scantriage.sqlite"

        func run() throws {
            let count = try Tokens.revoke(idOrOffice: idOrOffice, in: TriageDatabase(path: store))
            print("\(count) token(s) revoked")
            if count == 0 { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids and offices; never secrets).")
        @Option(help: "The SQLite store.")
        var store = "scantriage.sqlite"

        func run() throws {
            for token in try Tokens.list(in: TriageDatabase(path: store)) {
                print("\(token.id)  \(token.office)  \(token.ports)  created \(token.createdAt)\(token.revokedAt.map { "  REVOKED \($0)" } ?? "")")
            }
        }
    }
}

/// `scantriage submit BATCH --server URL --token-file F`.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Upload a batch's manifests and scans to the intake service, with retries; a rerun sends only what was not accepted.",
        discussion: "Exit codes: 0 everything accepted; 1 some items rejected (each printed with its reason); 2 not a batch folder, or nothing in it to submit; 3 the server could not be used.")

    @Argument(help: "Batch folder.")
    var batch: String
    @Option(help: "The intake service, like http://127.0.0.1:8080.")
    var server: String
    @Option(help: "A file holding the office's bearer token.")
    var tokenFile: String
    @Option(help: "Retries per item on network errors and 5xx.")
    var retries = 5

    func run() async throws {
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--server must be an http(s) URL")
        }
        let token: String
        do {
            token = String(decoding: try BoundedFile.read(tokenFile, maxBytes: 4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let client = SubmitClient(server: url, token: token, retries: retries)
        let results: [SubmitClient.ItemResult]
        do {
            results = try await client.submit(batch: batch, warn: { printError("warning: \($0)") }) { item in
                if item.skipped { print("skipped   \(item.file): already accepted (\(item.submissionID ?? ""))") }
                else if item.accepted { print("accepted  \(item.file) -> \(item.submissionID ?? "") \(item.message.isEmpty ? "" : "(\(item.message))")") }
                else { print("REJECTED  \(item.file): \(item.status == 0 ? "" : "HTTP \(item.status): ")\(item.message)") }
            }
        } catch let error as ScanTriageError where error.code == .invalidInput {
            printError("\(error)")
            throw ExitCode(2)
        } catch {
            printError("\(error)")
            throw ExitCode(3)
        }
        let accepted = results.filter(\.accepted).count
        print("\(accepted) of \(results.count) accepted (\(results.filter(\.skipped).count) already were), \(results.count - accepted) rejected")
        if results.contains(where: { $0.status == 0 && !$0.accepted && !$0.local }) { throw ExitCode(3) }
        if accepted < results.count { throw ExitCode(1) }
    }
}
