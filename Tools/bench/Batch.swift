import CBenchReference
import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriageManifest
import TriagePhysics
import TriagePipeline
import TriageRank
import TriageStore

/// End-to-end nightly-batch throughput with 1 and 2 jobs beside the bare libpng/libjpeg decode of
/// the same files, and peak memory. Usage: scantriage-bench batch BATCH_FOLDER [--jobs 1,2]
func batchBenchmark(_ arguments: [String]) async throws {
    guard let folder = arguments.first else {
        print("usage: scantriage-bench batch BATCH_FOLDER [--jobs 1,2] [--rounds 3]")
        return
    }
    var jobsList = [1, 2]
    if let index = arguments.firstIndex(of: "--jobs"), index + 1 < arguments.count {
        jobsList = arguments[index + 1].split(separator: ",").compactMap { Int($0) }
    }
    let scansFolder = (folder as NSString).appendingPathComponent("scans")
    let images = try FileManager.default.contentsOfDirectory(atPath: scansFolder).filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.sorted()
    var rounds = 3
    if let index = arguments.firstIndex(of: "--rounds"), index + 1 < arguments.count, let n = Int(arguments[index + 1]) { rounds = max(1, n) }
    // Bare decode: read and decode every file with plain C, on `threads` cores at once (each
    // thread every threads-th file, into its own buffer). On more than one core it shows what
    // the machine itself loses when its cores share the caches and memory (and turbo clock).
    func bareDecode(threads: Int = 1) throws -> Double {
        let start = now()
        let failures = ManagedCounter()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            // Allocated, not written: only the pages a decode touches count in the peak memory.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 20, alignment: 64)
            defer { buffer.deallocate() }
            for name in stride(from: thread, to: images.count, by: threads).map({ images[$0] }) {
                guard let data = try? Data(contentsOf: URL(fileURLWithPath: (scansFolder as NSString).appendingPathComponent(name))) else {
                    failures.add(); continue
                }
                let status = data.withUnsafeBytes { raw in
                    name.hasSuffix(".png")
                        ? cbenchref_png_decode(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count, buffer.baseAddress!, buffer.count)
                        : cbenchref_jpeg_decode(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count,
                                                buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count)
                }
                if status != 0 { failures.add() }
            }
        }
        guard failures.value == 0 else { throw ScanTriageError(.invalidInput, "\(failures.value) files failed the bare decode") }
        return Double(images.count) / (Double(now() - start) / 1e9)
    }
    // Where a 1-job batch's time goes beside the bare decode: the same files through the Swift
    // decoder (allocating its own pixels), and the SHA-256 of each input (the store's key).
    let decoder = ImageDecoder()
    func wrappedDecode() throws -> (rate: Double, hashSeconds: Double) {
        var hashSeconds = 0.0
        let start = now()
        for name in images {
            let data = try Data(contentsOf: URL(fileURLWithPath: (scansFolder as NSString).appendingPathComponent(name)))
            _ = try decoder.decode(data)
            let hashStart = now()
            _ = Hashing.sha256(data)
            hashSeconds += Double(now() - hashStart) / 1e9
        }
        return (Double(images.count) / (Double(now() - start) / 1e9 - hashSeconds), hashSeconds)
    }
    // The whole of `scantriage batch`: the run, then ranking.csv, ranking.json and report.html
    // (whose pictures the run makes on the way, or decodes again); the run alone beside it.
    func batch(jobs: Int) async throws -> (endToEnd: Double, run: Double) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("scantriage-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let store = try TriageDatabase(path: (work as NSString).appendingPathComponent("s.sqlite"))
        // Ranked as `scantriage batch` ranks without --profiles: with the bundled profile.
        let run = NightlyRun(profiles: ComparatorProfiles.bundled ?? .prior, capacity: .percent(10), jobs: jobs, decoder: ImageDecoder(),
                             reader: ManifestReader(), store: store)
        let start = now()
        let outcome = try await run.run(inputs: [folder], workFolder: work, diagnostics: DiagnosticBag())
        let ran = now()
        try run.writeOutputs(outcome, to: work, inputs: [folder])
        let end = now()
        return (Double(outcome.analysed) / (Double(end - start) / 1e9), Double(outcome.analysed) / (Double(ran - start) / 1e9))
    }
    // The machine is shared: every measurement is taken in each of `rounds` interleaved rounds
    // and the best of each is kept, so a busy moment slows one round, not one side of a ratio.
    var bare = 0.0, wrapped = 0.0, hashSeconds = Double.infinity
    var bareOn: [Int: Double] = [:]
    var perJob: [Int: Double] = [:], runOnly: [Int: Double] = [:]
    for _ in 0..<rounds {
        bare = max(bare, try bareDecode())
        for jobs in jobsList where jobs > 1 { bareOn[jobs] = max(bareOn[jobs] ?? 0, try bareDecode(threads: jobs)) }
        let w = try wrappedDecode()
        wrapped = max(wrapped, w.rate)
        hashSeconds = min(hashSeconds, w.hashSeconds)
        for jobs in jobsList {
            let rates = try await batch(jobs: jobs)
            perJob[jobs] = max(perJob[jobs] ?? 0, rates.endToEnd)
            runOnly[jobs] = max(runOnly[jobs] ?? 0, rates.run)
        }
    }
    print("scantriage-bench batch: \(images.count) scans in \(folder), best of \(rounds) interleaved rounds; kernels: \(KernelDispatch.description)")
    print(String(format: "bare C decode, 1 core:          %7.1f scans/s", bare))
    for jobs in jobsList where jobs > 1 {
        print(String(format: "bare C decode, %d cores at once: %7.1f scans/s  (%.0f%% of 1 core per core)", jobs, bareOn[jobs]!,
                     bareOn[jobs]! / Double(jobs) / bare * 100))
    }
    print(String(format: "ImageDecoder decode, 1 core:    %7.1f scans/s  (%.0f%% of bare)", wrapped, wrapped / bare * 100))
    print(String(format: "SHA-256 of the inputs:          %7.1f ms per scan (%.1f%% of a bare decode)",
                 hashSeconds / Double(images.count) * 1000, hashSeconds / Double(images.count) * bare * 100))
    for jobs in jobsList {
        let rate = perJob[jobs]!
        print(String(format: "scantriage batch, %d job(s):      %7.1f scans/s  (%.0f%% of bare decode per core)  end to end, with report.html",
                     jobs, rate, rate / Double(jobs) / bare * 100))
        print(String(format: "  the run without its outputs:   %7.1f scans/s  (%.0f%%)", runOnly[jobs]!, runOnly[jobs]! / Double(jobs) / bare * 100))
        if let same = bareOn[jobs] {
            print(String(format: "  beside the bare decode on %d cores at once: %.0f%% end to end, %.0f%% the run", jobs, rate / same * 100,
                         runOnly[jobs]! / same * 100))
        }
    }
    if let one = perJob[1], let two = perJob[2] { print(String(format: "speed-up 1 -> 2 jobs:           %7.2fx", two / one)) }
    print(String(format: "peak memory (RSS):              %7.1f MB", peakMemoryMB()))
}

/// A counter the bare decode's threads add failures to.
final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
