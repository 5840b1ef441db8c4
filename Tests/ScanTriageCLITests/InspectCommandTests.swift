import Foundation
import Testing
import TestSupport

/// Runs the built `scantriage` binary, as a user would.
struct CommandRun {
    var status: Int32
    var stdout: String
    var stderr: String

    static var binary: URL {
        // The test bundle sits beside the products in the build folder.
        var url = Bundle.main.bundleURL
        if url.pathExtension == "xctest" { url.deleteLastPathComponent() }
        return url.appendingPathComponent("scantriage")
    }

    /// Runs the binary and waits; after `timeout` seconds it is stopped (a command that should
    /// have ended, such as a server refusing to start, fails the test instead of hanging it).
    static func run(_ arguments: [String], timeout: TimeInterval = 900) throws -> CommandRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = TestData.projectRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "scantriage \(arguments) ended by a signal")
        return CommandRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
    }
}

@Suite struct InspectCommandTests {
    @Test func validFilesExitZeroWithTheirSizes() throws {
        let base = try TestData.path("pngsuite")
        let run = try CommandRun.run(["inspect", "\(base)/basn0g16.png", "\(base)/basi2c08.png",
                                      try TestData.path("jpeg/libjpeg-turbo-testimages/testimgari.jpg")])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("basn0g16.png: PNG 32x32 16-bit luminance (stored: gray 16-bit)"))
        #expect(lines[1].hasSuffix("basi2c08.png: PNG 32x32 8-bit luminance (stored: rgb 8-bit, Adam7)"))
        #expect(lines[2].contains("JPEG 227x149 8-bit luminance (stored: ycbcr 8-bit, arithmetic)"))
        #expect(run.stderr.isEmpty)
    }

    /// The whole PngSuite and JPEG material: never a signal, a line per failure, exit 1.
    @Test func everyTestFileGetsASizeOrAReason() throws {
        let run = try CommandRun.run(["inspect", try TestData.path("pngsuite"), try TestData.path("jpeg")])
        #expect(run.status == 1)
        let failures = run.stderr.split(separator: "\n")
        let failed = Set(failures.map { String($0.prefix { $0 != ":" }) })
        #expect(failed.count == failures.count, "one line per failed file")
        #expect(failed.contains(try TestData.path("pngsuite/xs1n0g01.png")))
        #expect(failed.contains(try TestData.path("jpeg/libjpeg-turbo-testimages/monkey12.jpg")))
        for line in failures { #expect(line.split(separator: ":").count >= 2 && !line.hasSuffix(": ")) }
        // Every file is accounted for on stdout, decoded or FAILED.
        let out = run.stdout.split(separator: "\n")
        #expect(out.filter { $0.hasSuffix("(corruptImage)") || $0.contains(": FAILED (") }.count == failures.count)
        #expect(out.contains { $0.hasSuffix("basn0g16.png: PNG 32x32 16-bit luminance (stored: gray 16-bit)") })
    }

    @Test func jsonOutputIsMachineReadable() throws {
        let run = try CommandRun.run(["inspect", "--json", try TestData.path("pngsuite/basn0g16.png"),
                                      try TestData.path("pngsuite/xs1n0g01.png")])
        #expect(run.status == 1)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        let image = try #require(array[0]["image"] as? [String: Any])
        #expect(image["width"] as? Int == 32 && image["bit_depth"] as? Int == 16)
        #expect(array[1]["error_code"] as? String == "notAnImage")
    }

    /// With its sidecar beside it, a scan's container is examined: how much of the cargo space
    /// the beam could not clear, and where the scan ran out of photons (dense drums on the
    /// 8-bit low-flux scanner of the bundled samples).
    @Test func theCargoSpaceIsExamined() throws {
        let run = try CommandRun.run(["inspect", "Samples/nightly/scans/PNG-nightly-0005.jpg", "Samples/nightly/scans/GYE-nightly-0001.png"])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("; cargo space of the 22G1 found in the image: ") == true)
        #expect(lines.first?.contains("% cannot be cleared, the beam runs out of photons at A 10.") == true, "\(lines)")
        #expect(lines.last?.hasSuffix("; cargo space of the 42R1 found in the image: penetrated throughout") == true, "\(lines)")
        let json = try CommandRun.run(["inspect", "--json", "Samples/nightly/scans/PNG-nightly-0005.jpg"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let space = try #require(array.first?["cargo_space"] as? [String: Any])
        let scan = try #require(array.first?["scan"] as? [String: Any])
        let ceiling = try #require(space["photon_ceiling"] as? Double), saturation = try #require(scan["saturation"] as? Double)
        #expect(ceiling > 8 && ceiling < saturation - 0.3, "the photon limit, well below the encoding's floor")
        #expect((space["cannot_clear"] as? Double ?? 0) > 0.1)
    }

    /// A sidecar's errors are located and fail the run (they were once collected and lost); a
    /// valid sidecar beside an image without a container is a warning, not a failure.
    @Test func sidecarProblemsAreSaid() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = TestData.projectRoot.appendingPathComponent("Samples/nightly/scans/GYE-nightly-0001")
        try FileManager.default.copyItem(at: sample.appendingPathExtension("png"), to: folder.appendingPathComponent("bad.png"))
        try Data(#"{"scan_id": 5}"#.utf8).write(to: folder.appendingPathComponent("bad.json"))
        try FileManager.default.copyItem(at: URL(fileURLWithPath: try TestData.path("pngsuite/basn0g16.png")),
                                         to: folder.appendingPathComponent("tiny.png"))
        try FileManager.default.copyItem(at: sample.appendingPathExtension("json"), to: folder.appendingPathComponent("tiny.json"))
        let bad = try CommandRun.run(["inspect", folder.appendingPathComponent("bad.png").path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.json: error: $.scan_id: expected a string"), "\(bad.stderr)")
        #expect(bad.stderr.contains("bad.json: error: $.door_side: missing"))
        let tiny = try CommandRun.run(["inspect", folder.appendingPathComponent("tiny.png").path])
        #expect(tiny.status == 0, "\(tiny.stderr)")
        #expect(tiny.stderr.contains("tiny.png: warning: cargo space not examined: no container roof found"), "\(tiny.stderr)")
    }

    @Test func pixelLimitIsConfigurable() throws {
        let run = try CommandRun.run(["inspect", "--max-pixels", "100", try TestData.path("pngsuite/basn0g16.png")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("the limit is 100 pixels"))
    }

    @Test func missingFilesAndBadArgumentsAreSaid() throws {
        let missing = try CommandRun.run(["inspect", "/nonexistent/scan.png"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/scan.png: no such file or folder"))
        let misuse = try CommandRun.run(["inspect", "--max-pixels", "-5", "x.png"])
        #expect(misuse.status == 64 || misuse.status == 2)
    }
}
