import Foundation
import GRDB
import TriageCompare
import TriageCore
import TriageManifest

/// The embedded SQLite store: what arrived, what was concluded, what analysts found.
///
/// Every verdict is written in its own transaction, keyed by the content of its inputs (image,
/// sidecar, declaration) and the profile that scored it. A run killed at any moment and started
/// again finds the verdicts it already has and computes only the rest, so its ranking is the
/// ranking of an uninterrupted run: nothing lost, nothing counted twice.
public final class TriageDatabase: @unchecked Sendable {
    public let writer: any DatabaseWriter
    public let path: String

    /// Opens (creating and migrating as needed) the store at `path`, in WAL mode.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // WAL with synchronous=NORMAL: every committed transaction survives the process being
        // killed (the kill -9 the batch must survive); only a power cut may lose the last few.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw ScanTriageError(.io, "cannot open the store: \(error)", at: SourceLocation(file: path))
        }
        self.path = path
        try Self.migrator.migrate(writer)
    }

    /// An in-memory store, for tests.
    public init() throws {
        writer = try DatabaseQueue()
        path = ":memory:"
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    startedAt TEXT NOT NULL,
                    finishedAt TEXT,
                    inputs TEXT NOT NULL,
                    profileID TEXT NOT NULL,
                    capacity TEXT NOT NULL,
                    status TEXT NOT NULL,
                    containers INTEGER,
                    reused INTEGER,
                    analysed INTEGER
                );
                CREATE TABLE manifests (
                    sha256 TEXT PRIMARY KEY,
                    file TEXT NOT NULL,
                    format TEXT NOT NULL,
                    manifestID TEXT,
                    portOfLoading TEXT,
                    accepted INTEGER NOT NULL,
                    quarantined INTEGER NOT NULL,
                    receivedAt TEXT NOT NULL
                );
                CREATE TABLE containers (
                    containerID TEXT NOT NULL,
                    declarationSHA256 TEXT NOT NULL,
                    manifestSHA256 TEXT NOT NULL,
                    manifestID TEXT,
                    declaration TEXT NOT NULL,
                    PRIMARY KEY (containerID, declarationSHA256)
                );
                CREATE TABLE scans (
                    scanKey TEXT PRIMARY KEY,
                    scanID TEXT NOT NULL,
                    containerID TEXT,
                    imagePath TEXT NOT NULL,
                    imageSHA256 TEXT NOT NULL,
                    sidecarSHA256 TEXT NOT NULL,
                    source TEXT NOT NULL,
                    receivedAt TEXT NOT NULL
                );
                CREATE INDEX scansByContainer ON scans(containerID);
                CREATE TABLE verdicts (
                    scanKey TEXT NOT NULL,
                    declarationSHA256 TEXT NOT NULL,
                    profileID TEXT NOT NULL,
                    containerID TEXT NOT NULL,
                    score REAL NOT NULL,
                    strength REAL NOT NULL,
                    verdict TEXT NOT NULL,
                    createdAt TEXT NOT NULL,
                    PRIMARY KEY (scanKey, declarationSHA256, profileID)
                );
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    file TEXT NOT NULL,
                    containerID TEXT,
                    reason TEXT NOT NULL,
                    firstSeen TEXT NOT NULL,
                    UNIQUE (file, reason)
                );
                CREATE TABLE outcomes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    containerID TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('clean', 'hit')),
                    note TEXT NOT NULL DEFAULT '',
                    importedAt TEXT NOT NULL,
                    UNIQUE (containerID, outcome, note)
                );
                CREATE TABLE profiles (
                    profileID TEXT PRIMARY KEY,
                    profile TEXT NOT NULL,
                    createdAt TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-intake") { db in
            try db.execute(sql: """
                CREATE TABLE tokens (
                    id TEXT PRIMARY KEY,
                    office TEXT NOT NULL,
                    ports TEXT NOT NULL,
                    secretSHA256 TEXT NOT NULL UNIQUE,
                    createdAt TEXT NOT NULL,
                    revokedAt TEXT
                );
                CREATE TABLE submissions (
                    id TEXT PRIMARY KEY,
                    office TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    contentSHA256 TEXT NOT NULL,
                    status TEXT NOT NULL,
                    diagnostics TEXT NOT NULL,
                    path TEXT,
                    receivedAt TEXT NOT NULL,
                    UNIQUE (office, kind, contentSHA256)
                );
                """)
        }
        return migrator
    }

    public static func now() -> String { Date().formatted(.iso8601) }

    // MARK: runs

    public func startRun(inputs: [String], profileID: String, capacity: String) throws -> Int64 {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO runs (startedAt, inputs, profileID, capacity, status) VALUES (?, ?, ?, ?, 'running')",
                           arguments: [Self.now(), inputs.joined(separator: "\n"), profileID, capacity])
            return db.lastInsertedRowID
        }
    }

    public func finishRun(_ id: Int64, status: String, containers: Int, reused: Int, analysed: Int) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE runs SET finishedAt = ?, status = ?, containers = ?, reused = ?, analysed = ? WHERE id = ?",
                           arguments: [Self.now(), status, containers, reused, analysed, id])
        }
    }

    public struct RunRecord: Sendable {
        public var id: Int64
        public var startedAt: String
        public var finishedAt: String?
        public var status: String
        public var containers: Int?
        public var reused: Int?
        public var analysed: Int?
    }

    public func runs() throws -> [RunRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map {
                RunRecord(id: $0["id"], startedAt: $0["startedAt"], finishedAt: $0["finishedAt"], status: $0["status"],
                          containers: $0["containers"], reused: $0["reused"], analysed: $0["analysed"])
            }
        }
    }

    // MARK: inputs

    public func recordManifest(sha256: String, manifest: Manifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try writer.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO manifests (sha256, file, format, manifestID, portOfLoading, accepted, quarantined, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [sha256, manifest.file, manifest.format.rawValue, manifest.manifestID, manifest.portOfLoading,
                                 manifest.containers.count, manifest.quarantined.count, Self.now()])
            for container in manifest.containers {
                let json = String(decoding: try encoder.encode(container), as: UTF8.self)
                try db.execute(sql: """
                    INSERT OR IGNORE INTO containers (containerID, declarationSHA256, manifestSHA256, manifestID, declaration)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [container.containerID, Hashing.sha256(json), sha256, manifest.manifestID, json])
            }
            for entry in manifest.quarantined {
                for reason in entry.reasons {
                    try db.execute(sql: "INSERT OR IGNORE INTO quarantine (file, containerID, reason, firstSeen) VALUES (?, ?, ?, ?)",
                                   arguments: [manifest.file, entry.containerID, reason.description, Self.now()])
                }
            }
        }
    }

    public func quarantine(file: String, containerID: String?, reason: String) throws {
        try writer.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO quarantine (file, containerID, reason, firstSeen) VALUES (?, ?, ?, ?)",
                           arguments: [file, containerID, reason, Self.now()])
        }
    }

    public func quarantined() throws -> [(file: String, containerID: String?, reason: String)] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT file, containerID, reason FROM quarantine ORDER BY id").map { ($0["file"], $0["containerID"], $0["reason"]) }
        }
    }

    // MARK: verdicts

    public func verdict(scanKey: String, declarationSHA256: String, profileID: String) throws -> Verdict? {
        let json: String? = try writer.read { db in
            // The statements run once per scan are prepared once per connection (GRDB's cache):
            // preparing them at every scan took SQLite's share of a 200-scan batch from 0.46 %
            // to 0.65 %.
            try String.fetchOne(db.cachedStatement(sql: "SELECT verdict FROM verdicts WHERE scanKey = ? AND declarationSHA256 = ? AND profileID = ?"),
                                arguments: [scanKey, declarationSHA256, profileID])
        }
        guard let json else { return nil }
        return try JSONDecoder().decode(Verdict.self, from: Data(json.utf8))
    }

    /// A verdict as the store keeps it (sorted keys, so equal verdicts are equal text). Callers
    /// on worker threads encode it there, off the single writer.
    public static func encode(_ verdict: Verdict) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(verdict), as: UTF8.self)
    }

    /// A scan and its verdict in one transaction (what the batch writes per scan), the verdict
    /// under its inputs and `verdictKey` (profile and comparator version).
    public func recordAnalysis(scanKey: String, scanID: String, imagePath: String, imageSHA256: String, sidecarSHA256: String,
                               source: String, verdict: Verdict, verdictJSON: String, declarationSHA256: String, verdictKey: String) throws {
        try writer.write { db in
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO scans (scanKey, scanID, containerID, imagePath, imageSHA256, sidecarSHA256, source, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [scanKey, scanID, verdict.containerID, imagePath, imageSHA256, sidecarSHA256, source, Self.now()])
            try Self.insertVerdict(db, verdict, json: verdictJSON, scanKey: scanKey, declarationSHA256: declarationSHA256, verdictKey: verdictKey)
        }
    }

    private static func insertVerdict(_ db: Database, _ verdict: Verdict, json: String, scanKey: String, declarationSHA256: String,
                                      verdictKey: String) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO verdicts (scanKey, declarationSHA256, profileID, containerID, score, strength, verdict, createdAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [scanKey, declarationSHA256, verdictKey, verdict.containerID, verdict.score, verdict.strength, json, now()])
    }

    /// What the store holds for calibration: the measurements of stored verdicts whose container
    /// has an outcome, made by this build's comparator (``Comparator/algorithmVersion``); how
    /// many labelled scans only an older comparator measured (its statistics mean something
    /// else: they are left out, never mixed in); and how many stored verdicts could not be read.
    public struct LabelledMeasurements {
        public var samples: [(Measurements, Calibrator.Outcome)] = []
        public var olderComparator = 0
        public var unreadable = 0
    }

    public func labelledMeasurements() throws -> LabelledMeasurements {
        let current = "/\(Comparator.algorithmVersion)"
        return try writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.scanKey AS scanKey, v.declarationSHA256 AS declaration, v.profileID AS verdictKey,
                       v.verdict AS verdict, o.outcome AS outcome FROM verdicts v
                JOIN (SELECT containerID, outcome FROM outcomes WHERE id IN (SELECT MAX(id) FROM outcomes GROUP BY containerID)) o
                  ON o.containerID = v.containerID
                ORDER BY v.scanKey, v.declarationSHA256, v.profileID
                """)
            // One sample per scan and declaration: the first readable verdict of this comparator.
            var result = LabelledMeasurements()
            var seen = Set<String>(), older = Set<String>()
            for row in rows {
                let scan: String = row["scanKey"], declaration: String = row["declaration"], key: String = row["verdictKey"]
                let input = scan + "/" + declaration
                guard key.hasSuffix(current) else { older.insert(input); continue }
                guard !seen.contains(input) else { continue }
                let json: String = row["verdict"]
                guard let verdict = try? JSONDecoder().decode(Verdict.self, from: Data(json.utf8)), let m = verdict.measurements,
                      let outcome = Calibrator.Outcome(rawValue: row["outcome"]) else { result.unreadable += 1; continue }
                seen.insert(input)
                result.samples.append((m, outcome))
            }
            result.olderComparator = older.subtracting(seen).count
            return result
        }
    }

    // MARK: outcomes and profiles

    /// Adds outcomes; returns how many were new (importing the same file twice adds nothing).
    public func importOutcomes(_ outcomes: [(containerID: String, outcome: String, note: String)]) throws -> Int {
        try writer.write { db in
            var added = 0
            for item in outcomes {
                try db.execute(sql: "INSERT OR IGNORE INTO outcomes (containerID, outcome, note, importedAt) VALUES (?, ?, ?, ?)",
                               arguments: [item.containerID, item.outcome, item.note, Self.now()])
                added += db.changesCount
            }
            return added
        }
    }

    public func outcomeCount() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outcomes") ?? 0 }
    }

    /// The profiles `calibrate --store` stored last, if any.
    public func newestProfiles() throws -> ComparatorProfiles? {
        guard let json = try writer.read({ db in
            try String.fetchOne(db, sql: "SELECT profile FROM profiles ORDER BY createdAt DESC, rowid DESC LIMIT 1") }) else { return nil }
        do { return try JSONDecoder().decode(ComparatorProfiles.self, from: Data(json.utf8)) } catch {
            throw ScanTriageError(.invalidInput, "the newest profile stored is not one `scantriage calibrate` wrote: \(error)",
                                  at: SourceLocation(file: path))
        }
    }

    public func storeProfiles(_ profiles: ComparatorProfiles) throws {
        let json = String(decoding: try JSONEncoder().encode(profiles), as: UTF8.self)
        try writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO profiles (profileID, profile, createdAt) VALUES (?, ?, ?)",
                           arguments: [profiles.profileID, json, Self.now()])
        }
    }
}
