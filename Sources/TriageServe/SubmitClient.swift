import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TriageCore
import TriageManifest
import TriageStore

/// `scantriage submit`: sends a batch's manifests and scans to the intake service, retrying what
/// the network or the server lost, remembering what was accepted so that a second run after an
/// interruption sends only the rest.
public struct SubmitClient: Sendable {
    public var server: URL
    public var token: String
    public var retries: Int
    /// Seconds before the first retry; doubled each time.
    public var backoff: Double

    public init(server: URL, token: String, retries: Int = 5, backoff: Double = 0.5) {
        self.server = server
        self.token = token
        self.retries = retries
        self.backoff = backoff
    }

    public struct ItemResult: Sendable {
        public var file: String
        public var status: Int
        public var accepted: Bool
        public var submissionID: String?
        public var message: String
        public var skipped: Bool
        /// Refused here, before the server was asked (a file that cannot be read, a scan
        /// without its sidecar): the batch's problem, not the server's.
        public var local = false
    }

    /// The state file in the batch folder: what was accepted, by content hash.
    struct State: Codable {
        var accepted: [String: String] = [:]   // relative path → "sha256 submissionID"
    }

    /// `warn` hears what the officer should know but that stops nothing: a state file that
    /// cannot be read or saved (everything is then sent again, and the server recognises what it
    /// already has).
    public func submit(batch root: String, warn: @Sendable (String) -> Void = { _ in },
                       log: @Sendable (ItemResult) -> Void) async throws -> [ItemResult] {
        let statePath = (root as NSString).appendingPathComponent(".scantriage-submit.json")
        var state = State()
        if FileManager.default.fileExists(atPath: statePath) {
            do {
                state = try JSONDecoder().decode(State.self, from: BoundedFile.read(statePath, maxBytes: 64 << 20))
            } catch {
                warn("\(statePath): cannot read what was sent before (\(error)); sending everything again")
            }
        }
        var results: [ItemResult] = []
        var saveFailed = false
        func save() {
            do {
                try OutputFile.write(JSONEncoder().encode(state), to: statePath)
            } catch {
                if !saveFailed { warn("\(statePath): cannot record what was accepted (\(error)); a rerun sends it again") }
                saveFailed = true
            }
        }

        var items: [(relative: String, kind: String)] = []
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            throw ScanTriageError(.invalidInput, "no such batch folder", at: SourceLocation(file: root))
        }
        for name in ((try? fm.contentsOfDirectory(atPath: (root as NSString).appendingPathComponent("manifests"))) ?? []).sorted()
            where ManifestReader.extensions.contains((name as NSString).pathExtension.lowercased()) {
            items.append(("manifests/\(name)", "manifest"))
        }
        for name in ((try? fm.contentsOfDirectory(atPath: (root as NSString).appendingPathComponent("scans"))) ?? []).sorted()
            where ["png", "jpg", "jpeg"].contains((name as NSString).pathExtension.lowercased()) {
            items.append(("scans/\(name)", "scan"))
        }
        // A wrong folder must not read as "0 of 0 accepted".
        guard !items.isEmpty else {
            throw ScanTriageError(.invalidInput,
                                  "nothing to submit: expected manifests (\(ManifestReader.extensions.sorted().map { "." + $0 }.joined(separator: ", "))) in manifests/ or scans (.png, .jpg) in scans/",
                                  at: SourceLocation(file: root))
        }
        for item in items {
            let path = (root as NSString).appendingPathComponent(item.relative)
            var request: URLRequest
            let hash: String
            do {
                if item.kind == "manifest" {
                    let body = try BoundedFile.read(path, maxBytes: 64 << 20)
                    hash = Hashing.sha256(body)
                    request = URLRequest(url: server.appendingPathComponent("v1/manifests"))
                    request.httpMethod = "POST"
                    request.setValue(Self.contentType(path), forHTTPHeaderField: "Content-Type")
                    request.httpBody = body
                } else {
                    let image = try BoundedFile.read(path, maxBytes: 512 << 20)
                    let sidecarPath = ((path as NSString).deletingPathExtension as NSString).appendingPathExtension("json")!
                    let sidecar = try BoundedFile.read(sidecarPath, maxBytes: 1 << 20)
                    hash = Hashing.sha256(sidecar + image)
                    let scanID = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                    let boundary = "scantriage-\(UUID().uuidString)"
                    let type = path.lowercased().hasSuffix(".png") ? "image/png" : "image/jpeg"
                    request = URLRequest(url: server.appendingPathComponent("v1/scans/\(scanID)"))
                    request.httpMethod = "PUT"
                    request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
                    request.httpBody = Multipart.encode([
                        .init(name: "sidecar", filename: "\(scanID).json", contentType: "application/json", body: sidecar),
                        .init(name: "image", filename: (path as NSString).lastPathComponent, contentType: type, body: image),
                    ], boundary: boundary)
                }
            } catch {
                let result = ItemResult(file: item.relative, status: 0, accepted: false, submissionID: nil, message: "\(error)", skipped: false,
                                        local: true)
                results.append(result)
                log(result)
                continue
            }
            if let previous = state.accepted[item.relative], previous.hasPrefix(hash) {
                let result = ItemResult(file: item.relative, status: 200, accepted: true,
                                        submissionID: String(previous.split(separator: " ").last ?? ""),
                                        message: "already accepted", skipped: true)
                results.append(result)
                log(result)
                continue
            }
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.timeoutInterval = 120
            let result = await send(request, file: item.relative)
            if result.accepted {
                state.accepted[item.relative] = "\(hash) \(result.submissionID ?? "")"
                save()
            }
            if result.status == 401 {
                results.append(result)
                log(result)
                throw ScanTriageError(.invalidInput, "the server refused the token (401): \(result.message)")
            }
            results.append(result)
            log(result)
        }
        return results
    }

    /// One request with retries on network errors, 5xx, 408 and 429.
    func send(_ request: URLRequest, file: String) async -> ItemResult {
        var delay = backoff
        var lastMessage = ""
        for attempt in 0...retries {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                let message = Self.describe(object, status: status)
                if status == 200 || status == 201 || status == 422 && (object?["id"] != nil) {
                    let accepted = status != 422 || (object?["status"] as? String) == "partially_accepted"
                    return ItemResult(file: file, status: status, accepted: accepted, submissionID: object?["id"] as? String,
                                      message: message, skipped: false)
                }
                if status >= 500 || status == 408 || status == 429 {
                    lastMessage = "HTTP \(status): \(message)"
                } else {
                    return ItemResult(file: file, status: status, accepted: false, submissionID: nil, message: message, skipped: false)
                }
            } catch {
                lastMessage = "\(error.localizedDescription)"
            }
            if attempt < retries {
                try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                delay *= 2
            }
        }
        return ItemResult(file: file, status: 0, accepted: false, submissionID: nil,
                          message: "gave up after \(retries + 1) attempts: \(lastMessage)", skipped: false)
    }

    static func describe(_ object: [String: Any]?, status: Int) -> String {
        guard let object else { return "HTTP \(status)" }
        var parts: [String] = []
        if let error = object["error"] as? String { parts.append(error) }
        if let accepted = object["containers_accepted"] as? Int {
            parts.append("\(accepted) container(s) accepted, \(object["containers_quarantined"] as? Int ?? 0) quarantined")
        }
        if let diagnostics = object["diagnostics"] as? [[String: Any]] {
            for d in diagnostics where (d["severity"] as? String) == "error" {
                let location = d["location"] as? [String: Any]
                let place = [location?["path"] as? String, (location?["line"] as? Int).map { "line \($0)" }].compactMap { $0 }.joined(separator: " ")
                parts.append("\(place.isEmpty ? "" : place + ": ")\(d["message"] as? String ?? "")")
            }
        }
        if object["duplicate"] as? Bool == true { parts.append("(already received)") }
        return parts.joined(separator: "; ")
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "json": "application/json"
        case "csv": "text/csv"
        case "xml": "application/xml"
        default: "application/edifact"
        }
    }
}
