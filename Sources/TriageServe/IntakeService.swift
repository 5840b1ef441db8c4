import Foundation
import GRDB
import TriageCore
import TriageDecode
import TriageManifest
import TriagePhysics
import TriageStore

/// What the intake service says about a submission (the body of its answers and of
/// `GET /v1/submissions/{id}`).
public struct SubmissionReply: Codable, Sendable, Equatable {
    public var id: String
    public var kind: String
    /// accepted, partially_accepted (some containers quarantined), rejected.
    public var status: String
    public var office: String
    public var receivedAt: String
    public var scanID: String?
    public var containersAccepted: Int?
    public var containersQuarantined: Int?
    /// Located problems, as `validate` reports them.
    public var diagnostics: [Diagnostic]
    /// True when this exact content had already been received: nothing was stored twice.
    public var duplicate: Bool
}

/// An answer: HTTP status and JSON body.
public struct IntakeAnswer: Sendable {
    public var status: Int
    public var body: Data

    static func json<T: Encodable>(_ status: Int, _ value: T) -> IntakeAnswer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return IntakeAnswer(status: status, body: (try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func error(_ status: Int, _ message: String, diagnostics: [Diagnostic] = []) -> IntakeAnswer {
        struct Body: Encodable { var error: String; var diagnostics: [Diagnostic] }
        return json(status, Body(error: message, diagnostics: diagnostics))
    }
}

/// Limits checked before bodies are read.
public struct IntakeLimits: Sendable {
    public var maxManifestBytes: Int
    public var maxScanBytes: Int
    public var decode: DecodeLimits

    public init(maxManifestBytes: Int = 32 << 20, maxScanBytes: Int = 256 << 20, decode: DecodeLimits = .default) {
        self.maxManifestBytes = maxManifestBytes
        self.maxScanBytes = maxScanBytes
        self.decode = decode
    }
}

/// The liaison intake, independent of HTTP: validate, authorise by port, store atomically,
/// answer idempotently.
public final class IntakeService: Sendable {
    public let database: TriageDatabase
    /// `intake/manifests` and `intake/scans` under this folder form a batch folder.
    public let root: String
    public let limits: IntakeLimits
    public let validator: ManifestValidator
    /// Held while a scan id is checked and its files placed: two requests for one id must not
    /// both find it free.
    let placing = NSLock()

    public init(database: TriageDatabase, root: String, limits: IntakeLimits = IntakeLimits(), validator: ManifestValidator = ManifestValidator()) throws {
        self.database = database
        self.root = root
        self.limits = limits
        self.validator = validator
        for folder in ["manifests", "scans", ".incoming"] {
            try FileManager.default.createDirectory(atPath: (root as NSString).appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }

    /// The intake folder of a store file: `intake/` beside it.
    public static func intakeRoot(forStore store: String) -> String {
        ((store as NSString).deletingLastPathComponent as NSString).appendingPathComponent("intake")
    }

    static let manifestTypes: [String: (ManifestFormat, String)] = [
        "application/json": (.json, "json"), "text/csv": (.csv, "csv"), "application/xml": (.ensCC315A, "xml"),
        "text/xml": (.ensCC315A, "xml"), "application/edifact": (.cuscar, "edi"),
    ]

    public static func mediaType(_ contentType: String?) -> String {
        (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    // MARK: manifests

    public func submitManifest(office: Office, contentType: String?, body: Data) -> IntakeAnswer {
        guard let (format, ext) = Self.manifestTypes[Self.mediaType(contentType)] else {
            return .error(415, "Content-Type \(contentType ?? "(none)") is not a manifest type; expected application/json, text/csv, application/xml or application/edifact")
        }
        let id = submissionID(office: office, kind: "manifest", body: body)
        if let existing = try? stored(id) { return .json(existing.status == "rejected" ? 422 : 200, with(existing, duplicate: true)) }
        let bag = DiagnosticBag()
        let file = "submission \(id)"
        let manifest: Manifest
        do {
            manifest = try ManifestReader(maxBytes: limits.maxManifestBytes, validator: validator)
                .read(body, file: file, format: format, diagnostics: bag)
        } catch let error as ScanTriageError {
            return .error(400, error.description, diagnostics: bag.diagnostics + [Diagnostic.error(error.reason, at: error.location)])
        } catch {
            return .error(400, "\(error)")
        }
        guard let port = manifest.portOfLoading else {
            return .error(422, "the manifest names no valid port of loading, so it cannot be checked against your office's ports",
                          diagnostics: bag.diagnostics)
        }
        guard office.ports.contains(port) else {
            return .error(403, "office \(office.office) may submit for \(office.ports.sorted().joined(separator: ", ")), not for \(port)")
        }
        let accepted = manifest.containers.count, quarantined = manifest.quarantined.count
        let status = bag.hasErrors ? (accepted > 0 ? "partially_accepted" : "rejected") : "accepted"
        var reply = SubmissionReply(id: id, kind: "manifest", status: status, office: office.office, receivedAt: TriageDatabase.now(),
                                    scanID: nil, containersAccepted: accepted, containersQuarantined: quarantined,
                                    diagnostics: bag.diagnostics, duplicate: false)
        if accepted > 0 {
            do {
                let path = try place(body, as: "manifests/\(id).\(ext)")
                try record(reply, contentSHA256: Hashing.sha256(body), path: path)
            } catch {
                return .error(500, "could not store the manifest: \(error)")
            }
        } else {
            reply.status = "rejected"
            try? record(reply, contentSHA256: Hashing.sha256(body), path: nil)
        }
        return .json(bag.hasErrors ? 422 : 201, reply)
    }

    // MARK: scans

    public func submitScan(office: Office, scanID: String, contentType: String?, body: Data) -> IntakeAnswer {
        guard let boundary = Multipart.boundary(contentType: contentType ?? "") else {
            return .error(415, "Content-Type must be multipart/form-data with parts \"sidecar\" (application/json) and \"image\" (image/png or image/jpeg)")
        }
        guard scanID.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"#, options: .regularExpression) != nil else {
            return .error(400, "scan id \"\(scanID.prefix(40))\" must be 1 to 128 letters, digits, dots, dashes or underscores")
        }
        let parts: [Multipart.Part]
        do { parts = try Multipart.decode(body, boundary: boundary) } catch { return .error(400, "\(error)") }
        guard let sidecarPart = parts.first(where: { $0.name == "sidecar" }), let imagePart = parts.first(where: { $0.name == "image" }) else {
            return .error(400, "expected parts \"sidecar\" and \"image\"; got \(parts.map(\.name))")
        }
        let ext: String
        switch Self.mediaType(imagePart.contentType) {
        case "image/png": ext = "png"
        case "image/jpeg", "image/jpg": ext = "jpg"
        default: return .error(415, "image part is \(imagePart.contentType ?? "untyped"); expected image/png or image/jpeg")
        }
        let id = submissionID(office: office, kind: "scan", body: sidecarPart.body + imagePart.body)
        if let existing = try? stored(id) { return .json(200, with(existing, duplicate: true)) }
        let bag = DiagnosticBag()
        guard let sidecar = Sidecar.parse(sidecarPart.body, file: "sidecar", diagnostics: bag) else {
            return .error(422, "the sidecar is invalid", diagnostics: bag.diagnostics)
        }
        guard sidecar.scanID == scanID else {
            return .error(422, "the sidecar's scan_id is \"\(sidecar.scanID)\" but the path names \"\(scanID)\"",
                          diagnostics: [.error("expected \"\(scanID)\"", at: SourceLocation(file: "sidecar", path: "$.scan_id"))])
        }
        guard office.ports.contains(sidecar.portOfScan) else {
            return .error(403, "office \(office.office) may submit for \(office.ports.sorted().joined(separator: ", ")), not for \(sidecar.portOfScan)")
        }
        do {
            _ = try ContainerNumber(sidecar.containerID)
        } catch {
            return .error(422, error.description, diagnostics: [.error(error.description, at: SourceLocation(file: "sidecar", path: "$.container_id"))])
        }
        do {
            let image = try ImageDecoder(limits: limits.decode).decode(imagePart.body)
            _ = try Scan(imagePath: "\(scanID).\(ext)", image: image, sidecar: sidecar).attenuation()
        } catch let error as ScanTriageError {
            return .error(422, "the image cannot be used: \(error.reason)")
        } catch {
            return .error(422, "the image cannot be used: \(error)")
        }
        // A different scan under an id already taken (whatever its image type) is a conflict, not
        // a silent replacement: a JPEG beside a PNG would take over its sidecar.
        let imageName = "scans/\(scanID).\(ext)"
        placing.lock()
        defer { placing.unlock() }
        let taken = ["png", "jpg", "json"].contains { FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent("scans/\(scanID).\($0)")) }
        if taken {
            return .error(409, "a different scan \(scanID) was already received; give the new one another scan id")
        }
        let reply = SubmissionReply(id: id, kind: "scan", status: "accepted", office: office.office, receivedAt: TriageDatabase.now(),
                                    scanID: scanID, containersAccepted: nil, containersQuarantined: nil, diagnostics: bag.diagnostics,
                                    duplicate: false)
        do {
            // The sidecar lands after the image: a scan is only listed once both are there.
            let path = try place(imagePart.body, as: imageName)
            _ = try place(sidecarPart.body, as: "scans/\(scanID).json")
            try record(reply, contentSHA256: Hashing.sha256(sidecarPart.body + imagePart.body), path: path)
        } catch {
            return .error(500, "could not store the scan: \(error)")
        }
        return .json(201, reply)
    }

    // MARK: status

    public func submission(id: String, office: Office) -> IntakeAnswer {
        guard let reply = try? stored(id), reply.office == office.office else {
            return .error(404, "no submission \(id) from office \(office.office)")
        }
        return .json(200, reply)
    }

    // MARK: storage

    func submissionID(office: Office, kind: String, body: Data) -> String {
        String(Hashing.sha256(Data("\(office.office)\n\(kind)\n".utf8) + body).prefix(32))
    }

    /// Writes to a private temporary name and renames into place: a reader (or a crash) never
    /// sees half a file.
    func place(_ data: Data, as relative: String) throws -> String {
        let final = (root as NSString).appendingPathComponent(relative)
        let temporary = (root as NSString).appendingPathComponent(".incoming/\(UUID().uuidString)")
        try data.write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, final) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw ScanTriageError(.io, "rename failed: \(reason)", at: SourceLocation(file: final))
        }
        return final
    }

    func record(_ reply: SubmissionReply, contentSHA256: String, path: String?) throws {
        // The whole reply is kept (diagnostics included), so a status query answers as the
        // submission was answered.
        let json = String(decoding: try JSONEncoder().encode(reply), as: UTF8.self)
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO submissions (id, office, kind, contentSHA256, status, diagnostics, path, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [reply.id, reply.office, reply.kind, contentSHA256, reply.status, json, path, reply.receivedAt])
        }
    }

    func stored(_ id: String) throws -> SubmissionReply? {
        let json: String? = try database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT diagnostics FROM submissions WHERE id = ?", arguments: [id])
        }
        guard let json else { return nil }
        return try JSONDecoder().decode(SubmissionReply.self, from: Data(json.utf8))
    }

    func with(_ reply: SubmissionReply, duplicate: Bool) -> SubmissionReply {
        var copy = reply
        copy.duplicate = duplicate
        return copy
    }

    /// Files received since `since` (ISO 8601), relative to the intake root, for `batch --from-store`.
    public func receivedFiles(since: String?) throws -> [String] {
        let rows = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, path, status FROM submissions WHERE path IS NOT NULL AND receivedAt >= ? ORDER BY receivedAt",
                             arguments: [since ?? ""])
        }
        var files: [String] = []
        for row in rows {
            let path: String = row["path"]
            let relative = String(path.dropFirst(root.count).drop { $0 == "/" })
            files.append(relative)
            if (row["kind"] as String) == "scan" {
                files.append(((relative as NSString).deletingPathExtension as NSString).appendingPathExtension("json")!)
            }
        }
        return files
    }
}
