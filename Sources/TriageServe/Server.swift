import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TriageCore
import TriageStore

/// Counters for `GET /metrics` (Prometheus text format).
public final class IntakeMetrics: @unchecked Sendable {
    public init() {}
    private let lock = NSLock()
    private var requests: [String: Int] = [:]
    private var submissions: [String: Int] = [:]
    private var bytes = 0
    private var seconds = 0.0
    private var count = 0

    func request(route: String, status: Int, duration: Double, bytesIn: Int) {
        lock.lock()
        requests["route=\"\(route)\",status=\"\(status)\"", default: 0] += 1
        bytes += bytesIn
        seconds += duration
        count += 1
        lock.unlock()
    }

    func submission(kind: String, status: String) {
        lock.lock()
        submissions["kind=\"\(kind)\",status=\"\(status)\"", default: 0] += 1
        lock.unlock()
    }

    public func text() -> String {
        lock.lock()
        defer { lock.unlock() }
        var lines = ["# HELP scantriage_http_requests_total HTTP requests by route and status.",
                     "# TYPE scantriage_http_requests_total counter"]
        for (labels, value) in requests.sorted(by: { $0.key < $1.key }) { lines.append("scantriage_http_requests_total{\(labels)} \(value)") }
        lines += ["# HELP scantriage_submissions_total Submissions by kind and outcome.", "# TYPE scantriage_submissions_total counter"]
        for (labels, value) in submissions.sorted(by: { $0.key < $1.key }) { lines.append("scantriage_submissions_total{\(labels)} \(value)") }
        lines += ["# HELP scantriage_request_bytes_total Request body bytes received.", "# TYPE scantriage_request_bytes_total counter",
                  "scantriage_request_bytes_total \(bytes)",
                  "# HELP scantriage_request_duration_seconds Time spent answering requests.", "# TYPE scantriage_request_duration_seconds summary",
                  "scantriage_request_duration_seconds_sum \(String(format: "%.6f", seconds))",
                  "scantriage_request_duration_seconds_count \(count)"]
        return lines.joined(separator: "\n") + "\n"
    }
}

/// One JSON line per request on standard error: never the Authorization header or a token.
struct AccessLog<Context: RequestContext>: RouterMiddleware {
    let metrics: IntakeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = Date()
        let bytesIn = request.headers[.contentLength].flatMap { Int($0) } ?? 0
        var status = 500
        var office = "-"
        defer {
            let duration = Date().timeIntervalSince(start)
            let route = Self.route(request.uri.path)
            metrics.request(route: route, status: status, duration: duration, bytesIn: bytesIn)
            let line: [String: Any] = [
                "time": Date().formatted(.iso8601), "method": request.method.rawValue, "path": request.uri.path,
                "status": status, "office": office, "ms": Int(duration * 1000), "bytes_in": bytesIn,
            ]
            if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) {
                FileHandle.standardError.write(data + Data("\n".utf8))
            }
        }
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            office = response.headers[HTTPField.Name("x-scantriage-office")!] ?? "-"
            return response
        } catch let error as HTTPResponseError {
            status = Int(error.status.code)
            throw error
        }
    }

    static func route(_ path: String) -> String {
        if path.hasPrefix("/v1/scans/") { return "/v1/scans/{scan_id}" }
        if path.hasPrefix("/v1/submissions/") { return "/v1/submissions/{id}" }
        return path
    }
}

public enum IntakeServer {
    /// Builds the application. `onRunning` receives the bound port (useful with port 0).
    public static func application(service: IntakeService, metrics: IntakeMetrics = IntakeMetrics(), host: String, port: Int,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: AccessLog(metrics: metrics))
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        router.post("/v1/manifests") { request, _ in
            try await handle(request, limit: service.limits.maxManifestBytes, service: service) { office, body in
                let answer = service.submitManifest(office: office, contentType: request.headers[.contentType], body: body)
                metrics.submission(kind: "manifest", status: String(answer.status))
                return answer
            }
        }
        router.put("/v1/scans/:scan_id") { request, context in
            let scanID = context.parameters.get("scan_id") ?? ""
            return try await handle(request, limit: service.limits.maxScanBytes, service: service) { office, body in
                let answer = service.submitScan(office: office, scanID: scanID, contentType: request.headers[.contentType], body: body)
                metrics.submission(kind: "scan", status: String(answer.status))
                return answer
            }
        }
        router.get("/v1/submissions/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await handle(request, limit: 0, service: service) { office, _ in service.submission(id: id, office: office) }
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "scantriage"),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                           logger: Logger(label: "scantriage.serve"))
    }

    /// Authentication, then the size limit (from Content-Length, before the body is read), then the body.
    static func handle(_ request: Request, limit: Int, service: IntakeService,
                       _ body: @Sendable (Office, Data) async -> IntakeAnswer) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
              let office = Tokens.verify(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), in: service.database) else {
            return respond(.error(401, "a valid bearer token is required (Authorization: Bearer st_…)"), office: nil,
                           extra: [.wwwAuthenticate: "Bearer realm=\"scantriage\""])
        }
        var data = Data()
        if limit > 0 {
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
                return respond(.error(413, "body of \(declared) bytes is over the \(limit)-byte limit"), office: office)
            }
            var request = request
            do {
                let buffer = try await request.collectBody(upTo: limit)
                data = Data(buffer.readableBytesView)
            } catch is NIOTooManyBytesError {
                return respond(.error(413, "body is over the \(limit)-byte limit"), office: office)
            }
        }
        return respond(await body(office, data), office: office)
    }

    static func respond(_ answer: IntakeAnswer, office: Office?, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let office { headers[HTTPField.Name("x-scantriage-office")!] = office.office }
        headers.append(contentsOf: extra)
        return Response(status: HTTPResponse.Status(code: answer.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
