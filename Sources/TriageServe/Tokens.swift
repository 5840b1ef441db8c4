import Foundation
import GRDB
import TriageCore
import TriageStore

/// A liaison office, as its bearer token identifies it.
public struct Office: Sendable, Equatable {
    public var tokenID: String
    public var office: String
    /// UN/LOCODEs of the ports this office may submit for.
    public var ports: Set<String>
}

/// Bearer tokens per liaison office: `st_<id>_<secret>`. Only SHA-256 of the secret is stored;
/// the token is shown once, when it is made.
public enum Tokens {
    public static func create(office: String, ports: [String], in database: TriageDatabase) throws -> (id: String, token: String) {
        let id = randomHex(6)
        let secret = randomHex(32)
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO tokens (id, office, ports, secretSHA256, createdAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, office, ports.joined(separator: ","), hash(secret), TriageDatabase.now()])
        }
        return (id, "st_\(id)_\(secret)")
    }

    /// Revokes a token by id, or every token of an office; returns how many were revoked.
    public static func revoke(idOrOffice: String, in database: TriageDatabase) throws -> Int {
        try database.writer.write { db in
            try db.execute(sql: "UPDATE tokens SET revokedAt = ? WHERE (id = ? OR office = ?) AND revokedAt IS NULL",
                           arguments: [TriageDatabase.now(), idOrOffice, idOrOffice])
            return db.changesCount
        }
    }

    public struct Listed: Sendable {
        public var id: String
        public var office: String
        public var ports: String
        public var createdAt: String
        public var revokedAt: String?
    }

    public static func list(in database: TriageDatabase) throws -> [Listed] {
        try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, office, ports, createdAt, revokedAt FROM tokens ORDER BY createdAt").map {
                Listed(id: $0["id"], office: $0["office"], ports: $0["ports"], createdAt: $0["createdAt"], revokedAt: $0["revokedAt"])
            }
        }
    }

    /// The office of a presented token, or nil when it is malformed, unknown or revoked.
    public static func verify(_ token: String, in database: TriageDatabase) -> Office? {
        let parts = token.split(separator: "_", maxSplits: 2)
        guard parts.count == 3, parts[0] == "st", parts[1].count == 12, parts[2].count == 64 else { return nil }
        let id = String(parts[1])
        let presented = hash(String(parts[2]))
        let found = try? database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT office, ports, secretSHA256, revokedAt FROM tokens WHERE id = ?", arguments: [id])
        }
        guard let row = found ?? nil else { return nil }
        let stored: String = row["secretSHA256"]
        let revoked: String? = row["revokedAt"]
        guard revoked == nil, constantTimeEqual(stored, presented) else { return nil }
        let ports: String = row["ports"]
        return Office(tokenID: id, office: row["office"], ports: Set(ports.split(separator: ",").map(String.init)))
    }

    static func hash(_ secret: String) -> String { Hashing.sha256(secret) }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
