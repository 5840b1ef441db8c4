import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `scantriage serve` started by the test on a free loopback port, spoken to over real HTTP.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let folder: TemporaryFolder
    let port: Int
    let store: String
    let logPath: String

    init(_ extra: [String] = []) throws {
        folder = try TemporaryFolder()
        store = folder.path("store.sqlite")
        logPath = folder.path("access.log")
        process.executableURL = CommandRun.binary
        process.arguments = ["serve", "--port", "0", "--store", store] + extra
        let out = Pipe()
        process.standardOutput = out
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        // "listening on http://127.0.0.1:PORT"
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("\n") && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { usleep(10_000) } else { text += String(decoding: chunk, as: UTF8.self) }
        }
        guard let port = Int(text.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") else {
            process.terminate()
            throw ServerDidNotStart(output: text)
        }
        self.port = port
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    var base: URL { URL(string: "http://127.0.0.1:\(port)")! }

    func token(office: String, ports: String) throws -> String {
        let run = try CommandRun.run(["token", "create", "--office", office, "--ports", ports, "--store", store])
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Reply {
        var status: Int
        var json: [String: Any]
        var text: String
    }

    func send(_ method: String, _ path: String, token: String? = nil, type: String? = nil, body: Data? = nil,
              headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let type { request.setValue(type, forHTTPHeaderField: "Content-Type") }
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        let text = String(decoding: data, as: UTF8.self)
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0,
                     json: ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:], text: text)
    }

    func submissionCount() throws -> Int {
        let run = try CommandRun.run(["token", "list", "--store", store])
        _ = run
        // Count files in the intake folder (the database is the server's; files are what batch reads).
        let manifests = (try? FileManager.default.contentsOfDirectory(atPath: folder.path("intake/manifests"))) ?? []
        return manifests.count
    }
}

struct ServerDidNotStart: Error { let output: String }

let sampleManifest = TestData.projectRoot.appendingPathComponent("Samples/nightly/manifests/nightly.json").path

/// The sample manifest with its ids shifted, so every copy is a different submission.
func manifestVariant(_ n: Int) throws -> Data {
    var text = try String(contentsOfFile: sampleManifest, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"manifest_id\" : \"", with: "\"manifest_id\" : \"V\(n)-")
    return Data(text.utf8)
}

@Suite(.serialized) struct ServeTests {
    @Test func authenticationAndPortsDecideWhoMaySubmitWhat() async throws {
        let server = try ServerProcess()
        let body = try Data(contentsOf: URL(fileURLWithPath: sampleManifest))
        #expect(try await server.send("GET", "healthz").status == 200)
        #expect(try await server.send("POST", "v1/manifests", type: "application/json", body: body).status == 401)
        #expect(try await server.send("POST", "v1/manifests", token: "st_nope", type: "application/json", body: body).status == 401)
        let santos = try server.token(office: "LO-BRSSZ", ports: "BRSSZ")
        let guayaquil = try server.token(office: "LO-ECGYE", ports: "ECGYE")
        #expect(try await server.send("POST", "v1/manifests", token: guayaquil, type: "application/json", body: body).status == 403)
        let created = try await server.send("POST", "v1/manifests", token: santos, type: "application/json", body: body)
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        #expect(try await server.send("GET", "v1/submissions/\(id)", token: santos).json["containers_accepted"] as? Int == 10)
        #expect(try await server.send("GET", "v1/submissions/\(id)", token: guayaquil).status == 404, "another office cannot read it")
        // A revoked token stops working at once.
        _ = try CommandRun.run(["token", "revoke", "LO-BRSSZ", "--store", server.store])
        #expect(try await server.send("GET", "v1/submissions/\(id)", token: santos).status == 401)
        // The access log names offices, never tokens.
        let log = try String(contentsOfFile: server.logPath, encoding: .utf8)
        #expect(log.contains("\"office\":\"LO-BRSSZ\"") && !log.contains(santos) && !log.contains("st_"))
    }

    @Test func limitsTypesAndMalformedInputAreRefusedWithReasons() async throws {
        let server = try ServerProcess(["--max-manifest-bytes", "4096"])
        let token = try server.token(office: "LO-BRSSZ", ports: "BRSSZ")
        let big = try Data(contentsOf: URL(fileURLWithPath: sampleManifest))
        let tooLarge = try await server.send("POST", "v1/manifests", token: token, type: "application/json", body: big)
        #expect(tooLarge.status == 413 && (tooLarge.json["error"] as? String)?.contains("4096") == true)
        #expect(try await server.send("POST", "v1/manifests", token: token, type: "text/plain", body: Data("x".utf8)).status == 415)
        let broken = try await server.send("POST", "v1/manifests", token: token, type: "application/json", body: Data("{\"manifest_id\": ".utf8))
        #expect(broken.status == 400 && broken.text.contains("malformed JSON"))
        let csv = """
        manifest_id,port_of_loading,port_of_discharge,container_id,iso_type,tare_kg,hs_code,description,packages,package_kind,gross_kg
        M1,BRSSZ,NLRTM,MSKU1234566,45R1,4800,080390,Bananas,1000,CT,19000
        M1,BRSSZ,NLRTM,CSQU3054383,22G1,2200,080390,Bananas,1000,CT,9000
        """
        let partial = try await server.send("POST", "v1/manifests", token: token, type: "text/csv", body: Data(csv.utf8))
        #expect(partial.status == 422)
        #expect(partial.json["status"] as? String == "partially_accepted" && partial.json["containers_accepted"] as? Int == 1)
        let diagnostics = try #require(partial.json["diagnostics"] as? [[String: Any]])
        let location = try #require(diagnostics.first?["location"] as? [String: Any])
        #expect(location["line"] as? Int == 2 && location["column"] as? Int == 16)
        // Scans: wrong content type, a sidecar that does not match the path.
        #expect(try await server.send("PUT", "v1/scans/X1", token: token, type: "image/png", body: Data([1])).status == 415)
        let sidecar = Data("{\"scan_id\": \"OTHER\"}".utf8)
        let multipart = "--b\r\nContent-Disposition: form-data; name=\"sidecar\"\r\nContent-Type: application/json\r\n\r\n"
            + String(decoding: sidecar, as: UTF8.self) + "\r\n--b\r\nContent-Disposition: form-data; name=\"image\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b--\r\n"
        let bad = try await server.send("PUT", "v1/scans/X1", token: token, type: "multipart/form-data; boundary=b", body: Data(multipart.utf8))
        #expect(bad.status == 422 && bad.text.contains("sidecar is invalid"))
    }

    @Test func resubmittingIsIdempotentAndSubmitResumes() async throws {
        let server = try ServerProcess()
        let token = try server.token(office: "LO-ALL", ports: "BRSSZ,BRPNG,BRRIG,ECGYE")
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        try Data(token.utf8).write(to: URL(fileURLWithPath: folder.path("token")))
        let first = try CommandRun.run(["submit", batch, "--server", server.base.absoluteString, "--token-file", folder.path("token")])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("11 of 11 accepted (0 already were)"))
        let second = try CommandRun.run(["submit", batch, "--server", server.base.absoluteString, "--token-file", folder.path("token")])
        #expect(second.stdout.contains("11 of 11 accepted (11 already were)"))
        // A scan without its sidecar is the batch's problem (exit 1, said), not the server's (3).
        try FileManager.default.copyItem(atPath: batch + "/scans/GYE-nightly-0001.png", toPath: batch + "/scans/LONE-0001.png")
        let lone = try CommandRun.run(["submit", batch, "--server", server.base.absoluteString, "--token-file", folder.path("token")])
        #expect(lone.status == 1, "\(lone.stdout)\(lone.stderr)")
        #expect(lone.stdout.contains("REJECTED  scans/LONE-0001.png: ") && lone.stdout.contains("LONE-0001.json: cannot read"))
        #expect(lone.stdout.contains("11 of 12 accepted (11 already were), 1 rejected"))
        try FileManager.default.removeItem(atPath: batch + "/scans/LONE-0001.png")
        // A state file that cannot be read is said; everything goes again and the server knows it.
        try Data("{".utf8).write(to: URL(fileURLWithPath: batch + "/.scantriage-submit.json"))
        let afresh = try CommandRun.run(["submit", batch, "--server", server.base.absoluteString, "--token-file", folder.path("token")])
        #expect(afresh.status == 0, "\(afresh.stdout)\(afresh.stderr)")
        #expect(afresh.stderr.contains("warning: \(batch)/.scantriage-submit.json: cannot read what was sent before"), "\(afresh.stderr)")
        #expect(afresh.stdout.contains("11 of 11 accepted (0 already were)"))
        // The same content sent again directly: same id, marked duplicate, nothing stored twice.
        let body = try Data(contentsOf: URL(fileURLWithPath: batch + "/manifests/nightly.json"))
        let again = try await server.send("POST", "v1/manifests", token: token, type: "application/json", body: body)
        #expect(again.status == 200 && again.json["duplicate"] as? Bool == true)
        #expect(try server.submissionCount() == 1)
        let scans = try FileManager.default.contentsOfDirectory(atPath: server.folder.path("intake/scans"))
        #expect(scans.count == 20, "10 images and 10 sidecars, no temporary files")
        // What arrived is ranked by the nightly batch.
        let ranked = try CommandRun.run(["batch", "--from-store", "--store", server.store, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(ranked.status == 0, "\(ranked.stderr)")
        #expect(ranked.stdout.contains("ranked 10 container(s) (10 analysed"))
    }

    @Test func submitGivesUpCleanlyWhenTheServerIsDown() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        try Data("st_000000000000_".utf8).write(to: URL(fileURLWithPath: folder.path("token")))
        let run = try CommandRun.run(["submit", batch, "--server", "http://127.0.0.1:9", "--token-file", folder.path("token"), "--retries", "1"])
        #expect(run.status == 3)
        #expect(run.stdout.contains("gave up after 2 attempts"))
    }

    /// One scan id, one scan: a second image under the same id, even of the other type, is a
    /// conflict (a JPEG after a PNG was once stored beside it, its sidecar replacing the first's).
    @Test func aScanIDIsTakenWhateverTheImageType() async throws {
        let server = try ServerProcess()
        let token = try server.token(office: "LO-BRSSZ", ports: "BRSSZ")
        let scans = TestData.projectRoot.appendingPathComponent("Samples/nightly/scans")
        func body(sidecar: Data, image: Data, type: String) -> Data {
            var data = Data("--b\r\nContent-Disposition: form-data; name=\"sidecar\"\r\nContent-Type: application/json\r\n\r\n".utf8)
            data += sidecar
            data += Data("\r\n--b\r\nContent-Disposition: form-data; name=\"image\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
            data += image
            data += Data("\r\n--b--\r\n".utf8)
            return data
        }
        let first = body(sidecar: try Data(contentsOf: scans.appendingPathComponent("SSZ-nightly-0003.json")),
                         image: try Data(contentsOf: scans.appendingPathComponent("SSZ-nightly-0003.png")), type: "image/png")
        #expect(try await server.send("PUT", "v1/scans/SSZ-nightly-0003", token: token, type: "multipart/form-data; boundary=b", body: first).status == 201)
        // A valid JPEG scan with its own sidecar, renamed to the same scan id.
        var other = try JSONSerialization.jsonObject(with: Data(contentsOf: scans.appendingPathComponent("PNG-nightly-0005.json"))) as! [String: Any]
        other["scan_id"] = "SSZ-nightly-0003"
        other["port_of_scan"] = "BRSSZ"
        let second = body(sidecar: try JSONSerialization.data(withJSONObject: other),
                          image: try Data(contentsOf: scans.appendingPathComponent("PNG-nightly-0005.jpg")), type: "image/jpeg")
        let conflict = try await server.send("PUT", "v1/scans/SSZ-nightly-0003", token: token, type: "multipart/form-data; boundary=b", body: second)
        #expect(conflict.status == 409, "\(conflict.text)")
        let stored = try FileManager.default.contentsOfDirectory(atPath: server.folder.path("intake/scans")).sorted()
        #expect(stored == ["SSZ-nightly-0003.json", "SSZ-nightly-0003.png"])
        let sidecar = try String(contentsOfFile: server.folder.path("intake/scans/SSZ-nightly-0003.json"), encoding: .utf8)
        #expect(sidecar.contains("SSZ-LINAC-2"), "the first scan's sidecar is kept")
    }

    /// A token names a real office and real ports (an empty office id was once accepted).
    @Test func tokensNeedAnOfficeAndPorts() throws {
        let folder = try TemporaryFolder()
        for (office, ports, reason) in [("", "BRSSZ", "--office \"\" must be 1 to 64 letters"), ("LO X", "BRSSZ", "--office \"LO X\" must be"),
                                        ("LO-BRSSZ", "BRSSZ,xx1", "XX1 is not a UN/LOCODE"), ("LO-BRSSZ", "", "--ports needs at least one")] {
            let run = try CommandRun.run(["token", "create", "--office", office, "--ports", ports, "--store", folder.path("s.sqlite")])
            #expect(run.status == 64 && run.stderr.contains(reason), "\(office) \(ports): \(run.stderr)")
            #expect(run.stdout.isEmpty, "no token printed")
        }
    }

    /// A wrong folder is said (it once read "0 of 0 accepted", exit 0), before any server is asked.
    @Test func submitSaysWhenThereIsNothingToSubmit() throws {
        let folder = try TemporaryFolder()
        try Data("st_000000000000_".utf8).write(to: URL(fileURLWithPath: folder.path("token")))
        try FileManager.default.createDirectory(atPath: folder.path("empty/scans"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.path("empty/scans/notes.txt")))
        for (batch, reason) in [(folder.path("missing"), "no such batch folder"), (folder.path("empty"), "nothing to submit: expected manifests")] {
            let run = try CommandRun.run(["submit", batch, "--server", "http://127.0.0.1:9", "--token-file", folder.path("token"), "--retries", "0"])
            #expect(run.status == 2, "\(batch): \(run.stdout) \(run.stderr)")
            #expect(run.stderr.contains("\(batch): \(reason)"), "\(run.stderr)")
            #expect(!run.stdout.contains("accepted"))
        }
    }

    /// An HS table with a malformed row refuses the start, saying where (its problems were once
    /// dropped and the service ran on what was read); no store is created.
    @Test func aBrokenHSTableRefusesTheStart() throws {
        let folder = try TemporaryFolder()
        let rows = try String(contentsOfFile: try TestData.path("hs/harmonized-system.csv"), encoding: .utf8).split(separator: "\n")
        let broken = rows.prefix(3) + [#"I,010129,"Horses; live, other,0101,6"#] + rows[4..<20]
        try Data(broken.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: folder.path("hs.csv")))
        let run = try CommandRun.run(["serve", "--port", "0", "--store", folder.path("store.sqlite"), "--hs-table", folder.path("hs.csv")],
                                     timeout: 30)
        #expect(run.status == 2)
        #expect(run.stderr.contains("hs.csv:5:11: error: text after a closing quote"), "\(run.stderr)")
        #expect(run.stderr.contains("the HS table has errors (above); fix it or leave --hs-table out"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("store.sqlite")))
    }

    /// 500 submissions from 32 concurrent clients: every one answered 201 and stored once.
    @Test func aBoundedLoadLosesNothing() async throws {
        let server = try ServerProcess()
        let token = try server.token(office: "LO-BRSSZ", ports: "BRSSZ")
        let total = 500, clients = 32
        let bodies = try (0..<total).map(manifestVariant)
        let start = Date()
        let latencies = try await withThrowingTaskGroup(of: [(Int, Double)].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var mine: [(Int, Double)] = []
                    for index in stride(from: client, to: total, by: clients) {
                        let t0 = Date()
                        let reply = try await server.send("POST", "v1/manifests", token: token, type: "application/json", body: bodies[index])
                        mine.append((reply.status, Date().timeIntervalSince(t0)))
                    }
                    return mine
                }
            }
            var all: [(Int, Double)] = []
            for try await part in group { all += part }
            return all
        }
        let seconds = Date().timeIntervalSince(start)
        #expect(latencies.count == total)
        #expect(latencies.allSatisfy { $0.0 == 201 }, "every submission accepted")
        #expect(try server.submissionCount() == total, "every submission stored, none twice")
        let sorted = latencies.map(\.1).sorted()
        let p99 = sorted[Int(Double(sorted.count) * 0.99) - 1]
        print(String(format: "load: %d submissions from %d clients in %.2f s: %.0f submissions/s, p50 %.1f ms, p99 %.1f ms",
                     total, clients, seconds, Double(total) / seconds, sorted[sorted.count / 2] * 1000, p99 * 1000))
    }
}
