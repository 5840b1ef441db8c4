import Foundation
import ScanSynth
import GRDB
import Testing
import TestSupport
import TriageCompare
import TriageCore
import TriageDecode
import TriageRank
import TriageStore
@testable import TriagePipeline

/// A copy of the nightly sample batch in a scratch folder, with calibrated profiles beside it.
func sampleBatch(_ folder: TemporaryFolder) throws -> String {
    let target = folder.path("nightly")
    try FileManager.default.copyItem(atPath: TestData.projectRoot.appendingPathComponent("Samples/nightly").path, toPath: target)
    return target
}

let sampleProfiles = TestData.projectRoot.appendingPathComponent("Samples/profiles.json").path

/// The sample batch's ground truth: each container's anomaly ("none" when clean).
func sampleTruth() throws -> [(containerID: String, anomaly: String)] {
    let truth = try String(contentsOfFile: TestData.projectRoot.appendingPathComponent("Samples/nightly.truth.csv").path, encoding: .utf8)
    return truth.split(separator: "\n").dropFirst().map { line in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return (fields[1], fields[2])
    }
}

@Suite(.serialized) struct BatchCommandTests {
    @Test func theNightlyBatchWritesTheRankingAndTheReportAndARerunReusesEverything() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let out = folder.path("out")
        let first = try CommandRun.run(["batch", batch, "--out", out, "--profiles", sampleProfiles, "--capacity", "3"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("ranked 10 container(s) (10 analysed, 0 reused"))
        let csv = try String(contentsOfFile: out + "/ranking.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first?.hasPrefix("rank,container_id,score,") == true)
        // The fourth column says which to inspect (the columns before it hold no commas).
        #expect(lines.count == 11 && lines.filter { $0.split(separator: ",")[3] == "yes" }.count == 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/ranking.json"))) as? [[String: Any]])
        #expect(json.count == 10 && json.allSatisfy { $0["rank"] != nil && $0["container_id"] != nil && $0["score"] != nil && $0["findings"] != nil })
        // Where each scan was made comes from its sidecar (GYE-nightly-0001: Guayaquil).
        let gye = try #require(json.first { $0["scan_id"] as? String == "GYE-nightly-0001" })
        #expect(gye["port_of_scan"] as? String == "ECGYE" && gye["scanner_id"] as? String == "GYE-LINAC-1")
        // The README's main command: with the bundled profile the five sample containers that
        // hold an anomaly (door zone twice, machinery, top of the load, mass) rank above the
        // five clean ones. (With a profile learned from the 16 calibration samples alone,
        // clean reefers ranked 3rd, 5th and 6th.)
        let anomalous = Set(try sampleTruth().filter { $0.anomaly != "none" }.map(\.containerID))
        #expect(anomalous.count == 5)
        var firstFive = Set<String>()
        for entry in json { if let rank = entry["rank"] as? Int, rank <= 5, let id = entry["container_id"] as? String { firstFive.insert(id) } }
        #expect(firstFive == anomalous, "ranked first: \(firstFive.sorted()); with an anomaly: \(anomalous.sorted())")
        let report = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(report.contains("<table id=\"ranking\">") && report.contains("data:image/jpeg;base64,"))
        #expect(!report.contains("src=\"http") && !report.contains("<link "), "the report is self-contained")
        // The one sample load with opaque parts (cannot clear) gives its image weight as a
        // lower bound on its card; the other nine as read.
        let weights = report.components(separatedBy: "<dt>In the image</dt><dd>").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(weights.count == 10 && weights.filter { $0.hasPrefix("at least ") && $0.hasSuffix(" kg (parts are opaque)") }.count == 1,
                "\(weights)")
        // ranking.json and ranking.csv say the same, for tools.
        #expect(json.filter { $0["image_kg_is_lower_bound"] as? Bool == true }.map { $0["scan_id"] as? String } == ["PNG-nightly-0005"])
        #expect(json.filter { $0["image_kg_is_lower_bound"] as? Bool == false }.count == 9)
        #expect(lines[0].contains(",image_kg,image_kg_is_lower_bound,manifest_id,") && lines.filter { $0.contains(",yes,BRSSZ-") }.count == 1,
                "\(lines.prefix(3))")

        let second = try CommandRun.run(["batch", batch, "--out", out, "--profiles", sampleProfiles, "--capacity", "3"])
        #expect(second.stdout.contains("(0 analysed, 10 reused"))
        #expect(try String(contentsOfFile: out + "/ranking.csv", encoding: .utf8) == csv, "same inputs, same ranking")
        // The first run made its pictures while it ran; the second reused every verdict, so its
        // report decoded the scans again: the same pictures either way (3 + 10 covers all 10).
        func pictures(_ html: String) -> Set<Substring> {
            Set(html.split(separator: "data:image/jpeg;base64,").dropFirst().map { $0.prefix { $0 != "\"" } })
        }
        let again = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(pictures(report).count == 10)
        #expect(pictures(again) == pictures(report))
    }

    /// The run keeps the pictures of the containers ranked highest so far, in the ranking's
    /// order, whatever order they arrive in.
    @Test func thePictureShortlistKeepsTheHighestRankedWhateverTheOrder() {
        let entries = (0..<40).map { i in
            RankedContainer(containerID: String(format: "MSCU%07d", i), score: Double((i * 37) % 40) / 40, strength: 0,
                            status: .scanned, findings: [], scanID: "S\(i)")
        }
        let best = Set(Ranker.rank(entries, capacity: .count(0)).prefix(7).compactMap(\.scanID))
        let none = PictureShortlist(limit: 0)
        #expect(entries.allSatisfy { !none.admits($0) } && none.finish().isEmpty, "a report without pictures keeps none")
        for order in [entries, entries.reversed(), entries.sorted { $0.containerID.hashValue < $1.containerID.hashValue }] {
            // All in memory; set aside on disk past a budget of 9 bytes (three or four of
            // these); all set aside.
            for budget in [1 << 20, 9, 0] {
                let shortlist = PictureShortlist(limit: 7, memoryBudget: budget)
                for entry in order where shortlist.admits(entry) { shortlist.offer(entry, jpeg: Data(entry.scanID!.utf8)) }
                let pictures = shortlist.finish()
                #expect(Set(pictures.keys) == best)
                #expect(pictures.allSatisfy { Data($0.key.utf8) == (try? $0.value.load()) })
                let inMemory = pictures.values.map { if case .memory(let data) = $0 { data.count } else { 0 } }.reduce(0, +)
                let total = pictures.keys.map(\.utf8.count).reduce(0, +)
                #expect(budget > total ? inMemory == total : inMemory <= budget && inMemory < total, "\(budget): \(inMemory) of \(total) bytes in memory")
            }
        }
        // Previews, kept as they are within the budget (three here) and encoded when offered
        // past it: every picture kept comes out as a JPEG of the preview's size.
        let grey = PixelImage<UInt8>(width: 30, height: 20, samples: (0..<600).map { UInt8($0 % 251) })
        for order in [entries, entries.reversed()] {
            let shortlist = PictureShortlist(limit: 7, memoryBudget: 3 * grey.samples.count)
            for entry in order where shortlist.admits(entry) {
                let verdict = Comparator.failed(containerID: entry.containerID, scanID: entry.scanID, reason: "test", profiles: .prior)
                shortlist.offer(entry, preview: Heatmap.Preview(grey: grey, size: 1, pitchX: 1, pitchY: 1), verdict: verdict)
            }
            let pictures = shortlist.finish()
            #expect(Set(pictures.keys) == best)
            for held in pictures.values {
                let decoded = try? ImageDecoder().decode(held.load())
                #expect(decoded?.info.width == 30 && decoded?.info.height == 20)
            }
        }
    }

    /// Killed with SIGKILL in the middle, started again: the ranking of an uninterrupted run.
    @Test func aRunKilledMidwayFinishesWithTheSameRanking() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let reference = try CommandRun.run(["batch", batch, "--out", folder.path("reference"), "--profiles", sampleProfiles, "--jobs", "1"])
        #expect(reference.status == 0)
        let out = folder.path("interrupted")
        let process = Process()
        process.executableURL = CommandRun.binary
        process.arguments = ["batch", batch, "--out", out, "--profiles", sampleProfiles, "--jobs", "1"]
        process.standardOutput = FileHandle.nullDevice
        let log = Pipe()
        process.standardError = log
        try process.run()
        // The batch logs each tenth of the work after its verdicts are stored: kill -9 after the third.
        var seen = ""
        while !seen.contains("batch: 3/10") {
            let chunk = log.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let stored = try TriageDatabase(path: out + "/scantriage.sqlite").writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verdicts") ?? 0
        }
        #expect(stored >= 3 && stored < 10, "killed after \(stored) of 10 verdicts")
        let resumed = try CommandRun.run(["batch", batch, "--out", out, "--profiles", sampleProfiles, "--jobs", "1"])
        #expect(resumed.status == 0)
        #expect(resumed.stdout.contains("reused"))
        #expect(try String(contentsOfFile: out + "/ranking.csv", encoding: .utf8)
                == String(contentsOfFile: folder.path("reference") + "/ranking.csv", encoding: .utf8))
        let database = try TriageDatabase(path: out + "/scantriage.sqlite")
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verdicts") } == 10, "nothing counted twice")
    }

    /// One outcomes file saying both clean and hit of a container is said where; the last row counts.
    @Test func conflictingOutcomesInOneFileAreSaid() throws {
        let folder = try TemporaryFolder()
        try Data("container_id,outcome,note\nMSKU1306074,clean,first\nMSKU1306074,hit,second\nMSKU1306074,hit,again\n".utf8)
            .write(to: URL(fileURLWithPath: folder.path("o.csv")))
        let run = try CommandRun.run(["outcomes", "import", folder.path("o.csv"), "--store", folder.path("s.sqlite")])
        #expect(run.status == 0, "\(run.stderr)")
        let warnings = run.stderr.split(separator: "\n")
        #expect(warnings == ["\(folder.path("o.csv")):3:13: warning: MSKU1306074 is clean on line 2 and hit here; the last row counts"], "\(warnings)")
    }

    /// A container scanned twice (a rescan under another scan id) is one line of the ranking,
    /// one place in the capacity (it was two).
    @Test func aRescannedContainerIsRankedOnce() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        try FileManager.default.copyItem(atPath: batch + "/scans/SSZ-nightly-0003.png", toPath: batch + "/scans/SSZ-nightly-0003b.png")
        let sidecar = try String(contentsOfFile: batch + "/scans/SSZ-nightly-0003.json", encoding: .utf8)
        try sidecar.replacingOccurrences(of: "\"SSZ-nightly-0003\"", with: "\"SSZ-nightly-0003b\"")
            .write(toFile: batch + "/scans/SSZ-nightly-0003b.json", atomically: true, encoding: .utf8)
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("ranked 10 container(s) (11 analysed"), "\(run.stdout)")
        let csv = try String(contentsOfFile: folder.path("out/ranking.csv"), encoding: .utf8)
        #expect(csv.components(separatedBy: ",MSKU1306074,").count == 2, "one line for the container")
        let json = try String(contentsOfFile: folder.path("out/ranking.json"), encoding: .utf8)
        #expect(json.contains("also scanned: SSZ-nightly-0003"))
    }

    /// An output path that is a file, or lies under one, is said plainly (it was Foundation's
    /// "error 512", exit 1 as if inputs had failed).
    @Test func anOutputFolderThatCannotBeIsSaid() throws {
        let folder = try TemporaryFolder()
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.path("file")))
        let onFile = try CommandRun.run(["batch", "Samples/nightly", "--out", folder.path("file"), "--profiles", sampleProfiles])
        #expect(onFile.status == 64 && onFile.stderr.contains("--out \(folder.path("file")) is a file; expected a folder"), "\(onFile.stderr)")
        let under = try CommandRun.run(["batch", "Samples/nightly", "--out", folder.path("file/out/deeper"), "--profiles", sampleProfiles])
        #expect(under.status == 3, "\(under.stderr)")
        #expect(under.stderr.contains("file/out/deeper: cannot make the output folder: \(folder.path("file")) is a file"), "\(under.stderr)")
    }

    /// `--jobs` is bounded: each job holds a decoded scan, and `--jobs 100000` would have held a
    /// whole batch in memory at once (the run started as many tasks as there were scans).
    @Test func jobsOutsideTheirRangeAreRefused() throws {
        let folder = try TemporaryFolder()
        for jobs in ["0", "100000"] {
            let run = try CommandRun.run(["batch", "Samples/nightly", "--out", folder.path("out"), "--jobs", jobs])
            #expect(run.status == 64 && run.stderr.contains("--jobs \(jobs): expected 1 to ") && run.stderr.contains("each job holds a decoded scan"),
                    "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.path("out")))
        }
    }

    /// An archive that cannot be unpacked is quarantined whole; the other inputs are still ranked
    /// (a truncated .tar.gz once stopped the whole run, exit 3, no ranking at all).
    @Test func aBrokenArchiveDoesNotSinkTheOtherInputs() throws {
        let folder = try TemporaryFolder()
        try Data([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3] + Array("abc".utf8)).write(to: URL(fileURLWithPath: folder.path("cut.tar.gz")))
        let run = try CommandRun.run(["batch", "Samples/nightly", folder.path("cut.tar.gz"), "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("cut.tar.gz: error: gzip stream ends early"), "\(run.stderr)")
        #expect(run.stdout.contains("ranked 10 container(s) (10 analysed") && run.stdout.contains("1 input(s) quarantined"), "\(run.stdout)")
        let report = try String(contentsOfFile: folder.path("out/report.html"), encoding: .utf8)
        #expect(report.contains("cut.tar.gz") && report.contains("gzip stream ends early"))
        // A file that is neither is refused before anything runs (it too stopped the run late).
        try Data("hi".utf8).write(to: URL(fileURLWithPath: folder.path("batch.zip")))
        let zip = try CommandRun.run(["batch", "Samples/nightly", folder.path("batch.zip"), "--out", folder.path("out2")])
        #expect(zip.status == 64 && zip.stderr.contains("batch.zip: neither a batch folder nor a .tar / .tar.gz archive"), "\(zip.stderr)")
    }

    /// An empty transmission is said (it ranked nothing and exited 0); scans without any
    /// manifest are warned about.
    @Test func anEmptyBatchIsSaid() throws {
        let folder = try TemporaryFolder()
        for sub in ["empty/manifests", "empty/scans", "scansOnly/manifests"] {
            try FileManager.default.createDirectory(atPath: folder.path(sub), withIntermediateDirectories: true)
        }
        let empty = try CommandRun.run(["batch", folder.path("empty"), "--out", folder.path("out")])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("\(folder.path("empty")): error: the batch holds no manifests and no scans"), "\(empty.stderr)")
        try FileManager.default.copyItem(atPath: TestData.projectRoot.appendingPathComponent("Samples/nightly/scans").path, toPath: folder.path("scansOnly/scans"))
        let scansOnly = try CommandRun.run(["validate", folder.path("scansOnly")])
        #expect(scansOnly.stdout.contains("\(folder.path("scansOnly")): warning: no manifests in manifests/"), "\(scansOnly.stdout)")
    }

    /// Outputs that cannot be written say where and why (they were Foundation's error dumps);
    /// calibration says it before measuring anything.
    @Test func outputsThatCannotBeWrittenSayWhy() throws {
        let folder = try TemporaryFolder()
        let heatmap = try CommandRun.run(["score", "--scan", "Samples/nightly/scans/GYE-nightly-0001.png", "--manifest",
                                          "Samples/nightly/manifests/nightly.json", "--heatmap", folder.path("missing/h.png")])
        #expect(heatmap.status == 1 && heatmap.stderr.contains("missing/h.png: cannot write: no folder \(folder.path("missing"))"), "\(heatmap.stderr)")
        let profile = try CommandRun.run(["calibrate", "Samples/calibration", "--outcomes", "Samples/outcomes.csv", "--out", folder.path("missing/p.json")])
        #expect(profile.status == 64 && profile.stderr.contains("no folder \(folder.path("missing")) to write it in"), "\(profile.stderr)")
        #expect(profile.stdout.isEmpty, "nothing measured")
    }

    /// `score` gives the image's weight as a lower bound where parts of the load are opaque
    /// (the sample 22G1 of sugar on the 8-bit scanner), and as read otherwise.
    @Test func scoreSaysAnOpaqueLoadsWeightIsALowerBound() throws {
        let opaque = try CommandRun.run(["score", "--scan", "Samples/nightly/scans/PNG-nightly-0005.jpg", "--manifest",
                                         "Samples/nightly/manifests/nightly.json"])
        #expect(opaque.status == 0 && opaque.stdout.contains("22G1, cargo in the image at least ") && opaque.stdout.contains(" t (parts are opaque), declared "),
                "\(opaque.stdout)")
        let clear = try CommandRun.run(["score", "--scan", "Samples/nightly/scans/GYE-nightly-0001.png", "--manifest",
                                        "Samples/nightly/manifests/nightly.json"])
        #expect(clear.status == 0 && clear.stdout.contains(", cargo in the image about ") && !clear.stdout.contains("at least"), "\(clear.stdout)")
    }

    @Test func aTamperedFileIsQuarantinedAndTheRestRanked() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let scans = try FileManager.default.contentsOfDirectory(atPath: batch + "/scans").sorted()
        var sums = ""
        for name in scans {
            let data = try Data(contentsOf: URL(fileURLWithPath: batch + "/scans/" + name))
            sums += Hashing.sha256(data) + "  scans/" + name + "\n"
        }
        // A listed entry that is there but cannot be read (a folder) is said as such.
        sums += String(repeating: "0", count: 64) + "  manifests\n"
        try Data(sums.utf8).write(to: URL(fileURLWithPath: batch + "/SHA256SUMS"))
        let victim = scans.first { $0.hasSuffix(".json") }!
        var sidecar = try String(contentsOfFile: batch + "/scans/" + victim, encoding: .utf8)
        sidecar = sidecar.replacingOccurrences(of: "\"right\"", with: "\"left\"").replacingOccurrences(of: "\"left\"", with: "\"right\"")
        sidecar += " "
        try sidecar.write(toFile: batch + "/scans/" + victim, atomically: true, encoding: .utf8)
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(run.status == 1, "finished, with an input error")
        #expect(run.stderr.contains("does not match SHA256SUMS"))
        #expect(run.stderr.contains("SHA256SUMS:\(scans.count + 1):1: error: manifests is listed but cannot be read"), "\(run.stderr)")
        #expect(run.stdout.contains("2 input(s) quarantined"), "the sidecar, and its image that cannot be read without it")
        let report = try String(contentsOfFile: folder.path("out") + "/report.html", encoding: .utf8)
        #expect(report.contains(victim) && report.contains("does not match SHA256SUMS"))
        // Errors that are no quarantined file are in the report too, where the analyst reads.
        let errors = try #require(report.components(separatedBy: "<h2 id=\"problems\">Problems in the inputs</h2>").last)
        #expect(errors.contains("manifests is listed but cannot be read"), "\(errors.prefix(300))")
    }

    /// A manifest that cannot be read at all (cut off in transmission) is a quarantined input,
    /// in the summary and the report's quarantine list with where it broke off, not only a
    /// line among the problems: a lost manifest is what an analyst must chase in the morning.
    /// The rest of the batch ranks as without it; a run started again records it once.
    @Test func aManifestThatCannotBeReadIsQuarantined() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let whole = try Data(contentsOf: URL(fileURLWithPath: batch + "/manifests/nightly.json"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: batch + "/manifests/late.json"))
        let out = folder.path("out")
        for attempt in 1...2 {
            let run = try CommandRun.run(["batch", batch, "--out", out, "--profiles", sampleProfiles])
            #expect(run.status == 1, "an input error: \(run.stderr)")
            #expect(run.stderr.contains("late.json:") && run.stderr.contains("error: malformed JSON"), "\(run.stderr)")
            #expect(run.stdout.contains("ranked 10 container(s)") && run.stdout.contains("1 input(s) quarantined"), "attempt \(attempt): \(run.stdout)")
            let report = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
            let quarantine = try #require(report.components(separatedBy: "<h2>Quarantined inputs</h2>").last?.components(separatedBy: "<h2").first)
            #expect(quarantine.contains("late.json</code></td><td>line ") && quarantine.contains("not read; its scans are ranked without a declaration"),
                    "\(quarantine)")
        }
        let store = try TriageDatabase(path: out + "/scantriage.sqlite")
        #expect(try store.quarantined().map(\.file).filter { $0.hasSuffix("late.json") }.count == 1)
    }

    /// Warnings are not dropped: a scan sent in a format that is not read (a TIFF beside its
    /// sidecar) is said on the terminal and in the report; its container is ranked as not
    /// scanned. The run finishes (exit 0: nothing was wrong with what could be read).
    @Test func warningsReachTheTerminalAndTheReport() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let scans = batch + "/scans/"
        let image = try #require(try FileManager.default.contentsOfDirectory(atPath: scans).sorted().first { $0.hasSuffix(".png") })
        let stem = String(image.dropLast(4))
        try FileManager.default.moveItem(atPath: scans + image, toPath: scans + stem + ".tif")
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("\(stem).tif: warning: not a scan image (.png, .jpg) or sidecar; left alone"), "\(run.stderr)")
        #expect(run.stderr.contains("\(stem).json: warning: sidecar without an image"))
        let report = try String(contentsOfFile: folder.path("out") + "/report.html", encoding: .utf8)
        let problems = try #require(report.components(separatedBy: "<h2 id=\"problems\">Problems in the inputs</h2>").last)
        #expect(problems.contains("\(stem).tif: warning: not a scan image"), "\(problems.prefix(300))")
        #expect(run.stdout.contains("ranked 10 container(s) (9 analysed"))
    }

    /// A profile calibrated by another comparator (here: one that names compare-52) ranks, and
    /// the terminal and the report say so and to calibrate again; the samples' own does not.
    @Test func aProfileOfAnotherComparatorIsSaidOnTheTerminalAndInTheReport() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sampleProfiles))) as? [String: Any])
        object["comparator"] = "compare-52"
        let stale = folder.path("stale.json")
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: stale))
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("out"), "--profiles", stale])
        #expect(run.status == 0, "\(run.stderr)")
        let words = "was calibrated by compare-52, this build measures with \(Comparator.algorithmVersion)"
        #expect(run.stderr.contains("batch: warning: profile ") && run.stderr.contains(words) && run.stderr.contains("calibrate again"), "\(run.stderr)")
        let report = try String(contentsOfFile: folder.path("out") + "/report.html", encoding: .utf8)
        let problems = try #require(report.components(separatedBy: "<h2 id=\"problems\">Problems in the inputs</h2>").last)
        #expect(problems.contains("profile: warning: profile ") && problems.contains(words), "\(problems.prefix(400))")
        let own = try CommandRun.run(["batch", batch, "--out", folder.path("own"), "--profiles", sampleProfiles])
        #expect(own.status == 0 && !own.stderr.contains("calibrate again"), "\(own.stderr)")
    }

    /// A container declared with a variant of a known size/type code (a ventilated 22V0) was
    /// quarantined at intake and its scan ranked as unmatched, without its goods or weight.
    /// It is read as its family (22G1) now, said at its iso_type field, and ranked exactly as
    /// the 22G1 it is to the beam; an open top is still refused, with what it is.
    @Test func aVariantSizeTypeCodeIsRankedAsItsFamilyAndSaid() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let asDeclared = try CommandRun.run(["batch", batch, "--out", folder.path("out0"), "--profiles", sampleProfiles])
        #expect(asDeclared.status == 0, "\(asDeclared.stderr)")
        let manifestPath = batch + "/manifests/nightly.json"
        let manifest = try String(contentsOfFile: manifestPath, encoding: .utf8)
        let parts = manifest.components(separatedBy: "\"iso_type\" : \"22G1\"")
        #expect(parts.count == 4, "the sample manifest has three 22G1s")
        // The first 22G1 becomes a 22V0, the second an open top.
        try (parts[0] + "\"iso_type\" : \"22V0\"" + parts[1] + "\"iso_type\" : \"22U1\"" + parts[2] + "\"iso_type\" : \"22G1\"" + parts[3])
            .write(toFile: manifestPath, atomically: true, encoding: .utf8)
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("out1"), "--profiles", sampleProfiles])
        #expect(run.status == 1, "an input quarantined: \(run.stderr)")
        #expect(run.stderr.contains("22V0 (20 ft, 8 ft 6 in, ventilated) is read with the geometry of 22G1"), "\(run.stderr)")
        #expect(run.stderr.contains("22U1 is an open-top container"), "\(run.stderr)")
        func rows(_ out: String) throws -> (header: [String], rows: [String: [String]]) {
            let bag = DiagnosticBag()
            let records = CSVReader.parse(try Data(contentsOf: URL(fileURLWithPath: folder.path(out) + "/ranking.csv")), file: out, diagnostics: bag)
            #expect(bag.diagnostics.isEmpty && records.count == 11, "\(bag.diagnostics)")
            return (records.first?.fields ?? [], Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0.fields[1], $0.fields) }))
        }
        let (header, before) = try rows("out0"), after = try rows("out1").rows
        let status = try #require(header.firstIndex(of: "status")), iso = try #require(header.firstIndex(of: "iso_type"))
        let hs = try #require(header.firstIndex(of: "hs_code"))
        var variants = 0, refused = 0
        for (id, was) in before {
            let now = try #require(after[id], "\(id) is ranked")
            if was[iso] == "22G1" && now[iso] == "22V0" {
                variants += 1
                // Everything but the declared code (and the rank, the open top having moved) as it was.
                var same = now
                same[iso] = "22G1"
                #expect(same.dropFirst() == was.dropFirst(), "\(now) against \(was)")
            } else if was[iso] == "22G1" && now[status] == "unmatched" {
                refused += 1
                #expect(now[hs].isEmpty)
            }
        }
        #expect(variants == 1 && refused == 1, "\(variants) read as 22G1, \(refused) refused")
    }

    /// A scan that cannot be analysed (a truncated PNG; an image that ends above the
    /// container's floor) was counted ("1 could not be analysed") and explained on its card
    /// only: the terminal did not say which or why, the report's problems listed nothing, and
    /// the batch exited 0. Now each is a located error, the rest are ranked, exit 1; a rerun
    /// that reuses the stored verdicts says them again.
    @Test func aScanThatCannotBeAnalysedIsSaidWhereAndWhy() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let scans = batch + "/scans/"
        let pngs = try FileManager.default.contentsOfDirectory(atPath: scans).filter { $0.hasSuffix(".png") }.sorted()
        try #require(pngs.count >= 2)
        let truncated = pngs[0], cut = pngs[1]
        try Data(contentsOf: URL(fileURLWithPath: scans + truncated)).prefix(20_000).write(to: URL(fileURLWithPath: scans + truncated))
        // The upper half of the other scan: its roof, not its floor.
        let image = try ImageDecoder().decode(file: scans + cut)
        guard case .uint16(let pixels) = image.pixels else { Issue.record("\(cut) is not 16-bit"); return }
        let rows = pixels.height / 2
        let top = PixelImage(width: pixels.width, height: rows, samples: Array(pixels.samples[0..<(rows * pixels.width)]))
        try ImageEncoder.png(top).write(to: URL(fileURLWithPath: scans + cut))
        for round in ["first run", "rerun"] {
            let run = try CommandRun.run(["batch", batch, "--out", folder.path("out"), "--profiles", sampleProfiles])
            #expect(run.status == 1, "\(round): \(run.stderr)")
            #expect(run.stderr.contains("\(truncated): error: could not analyse the scan: PNG data ends early"), "\(round): \(run.stderr)")
            #expect(run.stderr.contains("\(cut): error: could not analyse the scan:") && run.stderr.contains("not in the scan"),
                    "\(round): \(run.stderr)")
            #expect(run.stdout.contains("ranked 10 container(s)") && run.stdout.contains("2 could not be analysed"), "\(round): \(run.stdout)")
            let report = try String(contentsOfFile: folder.path("out") + "/report.html", encoding: .utf8)
            let problems = try #require(report.components(separatedBy: "<h2 id=\"problems\">Problems in the inputs</h2>").last)
            #expect(problems.contains("\(truncated): error: could not analyse the scan") && problems.contains("\(cut): error"), "\(round)")
            #expect(report.contains("<b>2</b> <a href=\"#problems\">could not be analysed</a>"), "\(round): the summary says it")
        }
    }

    /// A scan whose pixels are not in its sidecar's encoding (12-bit counts against a 16-bit
    /// air level; an image inverted for display) is not analysed: said where and why, with the
    /// pixel value the air reads at; the rest of the batch ranked as before.
    @Test func aScanNotInItsSidecarsEncodingIsSaidAndTheRestRanked() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let reference = try CommandRun.run(["batch", batch, "--out", folder.path("reference"), "--profiles", sampleProfiles])
        #expect(reference.status == 0, "\(reference.stderr)")
        let scans = batch + "/scans/"
        let pngs = try FileManager.default.contentsOfDirectory(atPath: scans).filter { $0.hasSuffix(".png") }.sorted()
        try #require(pngs.count >= 2)
        for (name, f) in [(pngs[0], { (v: UInt16) in v >> 4 }), (pngs[1], { (v: UInt16) in 65535 - v })] {
            let image = try ImageDecoder().decode(file: scans + name)
            guard case .uint16(let pixels) = image.pixels else { Issue.record("\(name) is not 16-bit"); return }
            try ImageEncoder.png(PixelImage(width: pixels.width, height: pixels.height, samples: pixels.samples.map(f)))
                .write(to: URL(fileURLWithPath: scans + name))
        }
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("\(pngs[0]): error: could not analyse the scan: no part of the image reads as air"), "\(run.stderr)")
        #expect(run.stderr.contains("\(pngs[1]): error: could not analyse the scan: the image's edges") && run.stderr.contains("looks inverted"),
                "\(run.stderr)")
        #expect(run.stdout.contains("ranked 10 container(s)") && run.stdout.contains("2 could not be analysed"), "\(run.stdout)")
        // The other eight in the order they had.
        func order(_ out: String) throws -> [String] {
            try String(contentsOfFile: folder.path(out) + "/ranking.csv", encoding: .utf8).split(separator: "\n").dropFirst()
                .compactMap { line in
                    let fields = line.split(separator: ",").map(String.init)
                    return pngs.prefix(2).contains { line.contains($0.dropLast(4)) } ? nil : fields[1]
                }
        }
        #expect(try order("out") == order("reference"))
    }

    /// Calibration leaves out a scan it cannot measure and says so as a located warning (it
    /// printed the file twice and no severity: "X.png: X.png: PNG data ends early").
    @Test func calibrationSaysWhichScanItLeftOut() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let scans = batch + "/scans/"
        let names = try FileManager.default.contentsOfDirectory(atPath: scans).sorted()
        var outcomes = "container_id,outcome\n"
        for name in names where name.hasSuffix(".json") {
            let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scans + name))) as? [String: Any]
            outcomes += (try #require(sidecar?["container_id"] as? String)) + ",clean\n"
        }
        try Data(outcomes.utf8).write(to: URL(fileURLWithPath: folder.path("outcomes.csv")))
        let truncated = try #require(names.first { $0.hasSuffix(".png") })
        try Data(contentsOf: URL(fileURLWithPath: scans + truncated)).prefix(20_000).write(to: URL(fileURLWithPath: scans + truncated))
        let run = try CommandRun.run(["calibrate", batch, "--outcomes", folder.path("outcomes.csv"), "--out", folder.path("p.json")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("learned from 9 clean and 0 hit containers") && run.stdout.contains("1 could not be measured"), "\(run.stdout)")
        let line = try #require(run.stderr.split(separator: "\n").first { $0.contains(truncated) })
        #expect(line == "\(scans)\(truncated): warning: could not be measured, left out: PNG data ends early (file truncated after 20000 bytes)",
                "\(line)")
    }

    /// The same calibration inputs give the same profile however many jobs measure them: the
    /// references were kept in the order the jobs finished, so the profile's ID (and with it the
    /// store's key for every verdict) changed from run to run (the five runs below gave five IDs).
    @Test func calibrationGivesTheSameProfileWhateverTheJobs() throws {
        let folder = try TemporaryFolder()
        let batch = URL(fileURLWithPath: folder.path("cal"))
        let records = try BatchGenerator.generate(BatchSpec(name: "cal", seed: 77, containers: 40, anomalyRate: 0, pitchScale: 3), into: batch)
        try BatchGenerator.writeOutcomes(records, to: URL(fileURLWithPath: folder.path("outcomes.csv")))
        var ids: Set<String> = []
        for (index, jobs) in ["1", "8", "8", "8", "3"].enumerated() {
            let run = try CommandRun.run(["calibrate", batch.path, "--outcomes", folder.path("outcomes.csv"),
                                          "--out", folder.path("p\(index).json"), "--jobs", jobs])
            #expect(run.status == 0, "\(run.stderr)")
            let profile = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("p\(index).json")))) as? [String: Any]
            ids.insert(try #require(profile?["profileID"] as? String))
        }
        #expect(ids.count == 1, "\(ids)")
    }

    /// A clean batch of one scanner (SSZ-LINAC-2) whose images hold 0.5 % scatter, at three
    /// times its pitch: its folder and truth.
    static func scattered(_ name: String, seed: UInt64, containers: Int, in folder: TemporaryFolder) throws -> (URL, [TruthRecord]) {
        let batch = URL(fileURLWithPath: folder.path(name))
        var spec = BatchSpec(name: name, seed: seed, containers: containers, anomalyRate: 0, emptyRate: 0,
                             scanners: [try #require(ScannerProfile.named("SSZ-LINAC-2"))], pitchScale: 3)
        spec.scatter = 0.005
        return (batch, try BatchGenerator.generate(spec, into: batch))
    }

    /// Calibration on a scanner whose images hold scatter measures it (`scangen --scatter
    /// 0.005`, 30 containers of one scanner), says so, and keeps it in the profile (whose
    /// scans it then measures again with it taken out of their cargo maps).
    @Test func calibrationMeasuresAScannersScatter() throws {
        let folder = try TemporaryFolder()
        let (batch, records) = try Self.scattered("cal", seed: 91, containers: 30, in: folder)
        try BatchGenerator.writeOutcomes(records, to: URL(fileURLWithPath: folder.path("outcomes.csv")))
        let run = try CommandRun.run(["calibrate", batch.path, "--outcomes", folder.path("outcomes.csv"), "--out", folder.path("p.json")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("mass scale SSZ-LINAC-2:") && run.stdout.contains("is taken for scatter"), "\(run.stdout)")
        let profile = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("p.json")))) as? [String: Any])
        let mass = try #require((profile["massCalibration"] as? [String: Any])?["SSZ-LINAC-2"] as? [String: Any])
        let share = try #require(mass["scatter"] as? Double, "\(mass)")
        #expect(share >= 0.003 && share <= 0.007, "\(share)")
    }

    /// A batch whose scanner's images hold scatter the profile does not (`scangen --scatter
    /// 0.005`, 26 containers of one scanner): the batch measures it on the weight, and the
    /// scanner's scans are measured again with it taken out of their cargo maps, said once;
    /// started again, the run reuses every verdict (stored as measured again) and ranks the same.
    @Test func aBatchsScatterIsTakenOutOfItsMapsAndTheRunStartsAgainTheSame() throws {
        let folder = try TemporaryFolder()
        let (batch, _) = try Self.scattered("sc", seed: 93, containers: 26, in: folder)
        let first = try CommandRun.run(["batch", batch.path, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("note: scanner SSZ-LINAC-2's scans were measured again with")
                && first.stderr.contains("taken for scatter out of their cargo maps"), "\(first.stderr)")
        let json = try String(contentsOfFile: folder.path("out/ranking.json"), encoding: .utf8)
        #expect(json.contains("is taken for scatter reaching the detectors"))
        let ranking = try String(contentsOfFile: folder.path("out/ranking.csv"), encoding: .utf8)
        let again = try CommandRun.run(["batch", batch.path, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(again.status == 0 && again.stdout.contains("0 analysed, 26 reused"), "\(again.stdout)")
        #expect(!again.stderr.contains("measured again"), "\(again.stderr)")
        #expect(try String(contentsOfFile: folder.path("out/ranking.csv"), encoding: .utf8) == ranking)
    }

    /// A scanner the profile does not know, with enough loaded containers in the batch, is
    /// weighed at the batch's own mass scale: said on the terminal and on its containers' cards,
    /// and the same when the run is started again from the store's verdicts.
    @Test func aScannerTheProfileDoesNotKnowIsWeighedAtTheBatchsScale() throws {
        let folder = try TemporaryFolder()
        let batch = URL(fileURLWithPath: folder.path("new"))
        _ = try BatchGenerator.generate(BatchSpec(name: "new", seed: 79, containers: 26, anomalyRate: 0, emptyRate: 0, pitchScale: 3), into: batch)
        for name in try FileManager.default.contentsOfDirectory(atPath: batch.path + "/scans") where name.hasSuffix(".json") {
            let path = batch.path + "/scans/" + name
            var sidecar = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            var scanner = try #require(sidecar["scanner"] as? [String: Any])
            scanner["id"] = "NEW-LINAC-9"
            scanner["energy_mev"] = (scanner["energy_mev"] as? Double ?? 6) * 1.5
            sidecar["scanner"] = scanner
            try JSONSerialization.data(withJSONObject: sidecar).write(to: URL(fileURLWithPath: path))
        }
        let first = try CommandRun.run(["batch", batch.path, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("warning: scanner NEW-LINAC-9 is not in the profile: its mass scale was taken from this batch's"), "\(first.stderr)")
        let json = try String(contentsOfFile: folder.path("out/ranking.json"), encoding: .utf8)
        #expect(json.contains("scanner NEW-LINAC-9 is not in the profile: its mass scale is this batch's"))
        let ranking = try String(contentsOfFile: folder.path("out/ranking.csv"), encoding: .utf8)
        let again = try CommandRun.run(["batch", batch.path, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(again.status == 0 && again.stdout.contains("0 analysed, 26 reused"), "\(again.stdout)")
        #expect(try String(contentsOfFile: folder.path("out/ranking.csv"), encoding: .utf8) == ranking)
    }

    /// What the analysis put right in the scans was said on each container's card only: a
    /// scanner whose every scan had its pitch put right (the sidecar's, or its speed reading,
    /// off) or its dead detector rows read from their neighbours went unnoticed by whoever
    /// could fix it. Once per scanner now, on the terminal and in the report's problems, a
    /// warning when it concerns a fifth of that scanner's scans or more.
    @Test func whatWasPutRightInTheScansIsSaidOncePerScanner() throws {
        let folder = try TemporaryFolder()
        let batch = URL(fileURLWithPath: folder.path("faulty"))
        var spec = BatchSpec(name: "faulty", seed: 83, containers: 12, anomalyRate: 0, emptyRate: 0, pitchScale: 3)
        spec.speedError = 0.06
        spec.deadChannels = 2
        spec.scanners = [ScannerProfile.named("SSZ-LINAC-2")!]
        _ = try BatchGenerator.generate(spec, into: batch)
        let run = try CommandRun.run(["batch", batch.path, "--out", folder.path("out"), "--profiles", sampleProfiles])
        #expect(run.status == 0, "\(run.stderr)")
        let pitch = run.stderr.components(separatedBy: "\n").filter { $0.contains("warning: scanner SSZ-LINAC-2:") && $0.contains("horizontal pitch") }
        #expect(pitch.count == 1 && pitch[0].contains(" of 12 scans measured at the horizontal pitch"), "\(run.stderr)")
        #expect(run.stderr.contains("warning: scanner SSZ-LINAC-2: 12 of 12 scans had dead detector rows"), "\(run.stderr)")
        let report = try String(contentsOfFile: folder.path("out/report.html"), encoding: .utf8)
        let problems = try #require(report.components(separatedBy: "<h2 id=\"problems\">Problems in the inputs</h2>").last)
        #expect(problems.contains("scanner SSZ-LINAC-2: 12 of 12 scans had dead detector rows"))
        // A batch with nothing put right says nothing of the kind.
        let clean = try CommandRun.run(["batch", try sampleBatch(folder), "--out", folder.path("clean"), "--profiles", sampleProfiles])
        #expect(clean.status == 0 && !clean.stderr.contains(" scans measured at") && !clean.stderr.contains(" scans had "), "\(clean.stderr)")
    }

    /// Images are checked against SHA256SUMS as the analysis reads them (once, on every core):
    /// a changed image is quarantined and its container ranked as not scanned, the rest as usual.
    @Test func aTamperedImageIsQuarantinedWhenItIsReadAndItsContainerRankedUnscanned() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let scans = try FileManager.default.contentsOfDirectory(atPath: batch + "/scans").sorted()
        var sums = ""
        for name in scans {
            sums += Hashing.sha256(try Data(contentsOf: URL(fileURLWithPath: batch + "/scans/" + name))) + "  ./scans/" + name + "\n"
        }
        try Data(sums.utf8).write(to: URL(fileURLWithPath: batch + "/SHA256SUMS"))
        let clean = try CommandRun.run(["batch", batch, "--out", folder.path("clean"), "--profiles", sampleProfiles])
        #expect(clean.status == 0 && clean.stdout.contains("(10 analysed, 0 reused, 0 could not be analysed, 0 input(s) quarantined)"),
                "\(clean.stdout)\(clean.stderr)")
        let victim = try #require(scans.first { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: batch + "/scans/" + victim))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: batch + "/scans/" + victim))
        // Into the same store: the clean run's verdict for this scan must not be reused.
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("clean"), "--profiles", sampleProfiles])
        #expect(run.status == 1, "finished, with an input error")
        #expect(run.stderr.contains(victim) && run.stderr.contains("does not match SHA256SUMS"))
        #expect(run.stdout.contains("(0 analysed, 9 reused, 0 could not be analysed, 1 input(s) quarantined)"), "\(run.stdout)")
        let csv = try String(contentsOfFile: folder.path("clean") + "/ranking.csv", encoding: .utf8)
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            batch + "/scans/" + (victim as NSString).deletingPathExtension + ".json"))) as? [String: Any]
        let container = try #require(sidecar?["container_id"] as? String)
        let line = try #require(csv.split(separator: "\n").first { $0.contains(container) })
        #expect(line.contains(",unscanned,"), "\(line)")
        #expect(csv.split(separator: "\n").count == 11, "every container still ranked")
        let report = try String(contentsOfFile: folder.path("clean") + "/report.html", encoding: .utf8)
        #expect(report.contains(victim) && report.contains("does not match SHA256SUMS"))
    }

    @Test func tarAndTarGzipBundlesAreRankedLikeTheFolder() throws {
        let folder = try TemporaryFolder()
        _ = try sampleBatch(folder)
        for (name, flags) in [("nightly.tar", "cf"), ("nightly.tar.gz", "czf")] {
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/bin/tar")
            tar.arguments = [flags, folder.path(name), "-C", folder.url.path, "nightly"]
            try tar.run()
            tar.waitUntilExit()
            #expect(tar.terminationStatus == 0)
            let run = try CommandRun.run(["batch", folder.path(name), "--out", folder.path("out-" + name), "--profiles", sampleProfiles])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("ranked 10 container(s)"))
        }
        #expect(try String(contentsOfFile: folder.path("out-nightly.tar") + "/ranking.csv", encoding: .utf8)
                == String(contentsOfFile: folder.path("out-nightly.tar.gz") + "/ranking.csv", encoding: .utf8))
    }

    @Test func outcomesImportIsIdempotentAndFeedsCalibration() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let store = folder.path("store.sqlite")
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("out"), "--store", store, "--profiles", sampleProfiles])
        #expect(run.status == 0)
        var outcomes = "container_id,outcome,note\n"
        for (container, anomaly) in try sampleTruth() { outcomes += "\(container),\(anomaly == "none" ? "clean" : "hit"),night 1\n" }
        outcomes += "NOTACONTAINER,clean,\n"
        try Data(outcomes.utf8).write(to: URL(fileURLWithPath: folder.path("outcomes.csv")))
        let first = try CommandRun.run(["outcomes", "import", folder.path("outcomes.csv"), "--store", store])
        #expect(first.status == 1, "one bad row")
        #expect(first.stdout.contains("10 new outcome(s) recorded"))
        #expect(first.stderr.contains("outcomes.csv:12:1: error"))
        let second = try CommandRun.run(["outcomes", "import", folder.path("outcomes.csv"), "--store", store])
        #expect(second.stdout.contains("0 new outcome(s) recorded (10 already known"))
        let calibrate = try CommandRun.run(["calibrate", "--store", store, "--out", folder.path("p.json")])
        #expect(calibrate.status == 0, "\(calibrate.stderr)")
        #expect(calibrate.stdout.contains("learned from 5 clean and 5 hit containers"))
        #expect(!calibrate.stderr.contains("warning"), "\(calibrate.stderr)")
        // Verdicts of an older comparator are not mixed in (their statistics mean something
        // else), nor are unreadable ones; both are said.
        let queue = try DatabaseQueue(path: store)
        try queue.write { db in
            let keys = try String.fetchAll(db, sql: "SELECT scanKey FROM verdicts ORDER BY scanKey")
            try db.execute(sql: "UPDATE verdicts SET profileID = profileID || '-compare-0' WHERE scanKey IN (?, ?)", arguments: [keys[0], keys[1]])
            try db.execute(sql: "UPDATE verdicts SET verdict = '{' WHERE scanKey = ?", arguments: [keys[2]])
        }
        let mixed = try CommandRun.run(["calibrate", "--store", store, "--out", folder.path("p2.json")])
        #expect(mixed.status == 0, "\(mixed.stderr)")
        #expect(mixed.stdout.contains("learned from") && !mixed.stdout.contains("learned from 5 clean and 5 hit"), "\(mixed.stdout)")
        #expect(mixed.stderr.contains("warning: 2 labelled scan(s) were measured by an older comparator only"), "\(mixed.stderr)")
        #expect(mixed.stderr.contains("warning: 1 stored verdict(s) could not be read"))

        // Without --profiles, the batch ranks with the newest profile calibrate left in the store.
        let newest = try ComparatorProfiles.load(folder.path("p2.json"))
        let fromStore = try CommandRun.run(["batch", batch, "--out", folder.path("out2"), "--store", store])
        #expect(fromStore.status == 0, "\(fromStore.stderr)")
        #expect(fromStore.stderr.contains("batch: no --profiles: ranking with the newest profile in the store, \(newest.profileID)"), "\(fromStore.stderr)")
        let used = try queue.read { db in try String.fetchOne(db, sql: "SELECT profileID FROM runs ORDER BY rowid DESC LIMIT 1") }
        #expect(used == newest.profileID)
    }

    /// With no profile given and none stored, the bundled one ranks, and says so on the terminal
    /// and in the report; it is Samples/profiles.json, so the samples rank as the README says.
    @Test func withoutAProfileTheBundledOneRanksAndSaysSo() throws {
        let folder = try TemporaryFolder()
        let batch = try sampleBatch(folder)
        let run = try CommandRun.run(["batch", batch, "--out", folder.path("out")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("no --profiles and none in the store: ranking with the profile bundled with ScanTriage, learned from 420 generated containers"), "\(run.stderr)")
        let report = try String(contentsOfFile: folder.path("out/report.html"), encoding: .utf8)
        let bundled = try #require(ComparatorProfiles.bundled)
        #expect(report.contains("profile <code>\(bundled.profileID)</code> (the profile bundled with ScanTriage"))
        let given = try CommandRun.run(["batch", batch, "--out", folder.path("given"), "--profiles", sampleProfiles])
        #expect(!given.stderr.contains("no --profiles"))
        let ranked = try String(contentsOfFile: folder.path("out/ranking.csv"), encoding: .utf8)
        #expect(ranked == (try String(contentsOfFile: folder.path("given/ranking.csv"), encoding: .utf8)))
    }

    @Test func hostileArchiveMembersAreRefused() throws {
        let folder = try TemporaryFolder()
        func header(_ name: String, size: Int, type: Character, link: String = "") -> [UInt8] {
            var h = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, _ at: Int) { for (i, b) in text.utf8.enumerated() { h[at + i] = b } }
            put(name, 0); put("0000644", 100); put("0000000", 108); put("0000000", 116)
            put(String(size, radix: 8).leftPadded(11), 124); put("00000000000", 136)
            h[156] = UInt8(ascii: type.unicodeScalars.first!); put(link, 157); put("ustar", 257); put("00", 263)
            for i in 148..<156 { h[i] = 32 }
            let sum = h.reduce(0) { $0 + Int($1) }
            put(String(sum, radix: 8).leftPadded(6), 148); h[154] = 0
            return h
        }
        func member(_ name: String, _ body: String, type: Character = "0", link: String = "") -> [UInt8] {
            var bytes = header(name, size: body.utf8.count, type: type, link: link) + Array(body.utf8)
            while bytes.count % 512 != 0 { bytes.append(0) }
            return bytes
        }
        let archive = member("batch/manifests/readme.txt", "hello") + member("../../evil.txt", "escape")
            + member("/etc/evil", "absolute") + member("batch/scans/link.png", "", type: "2", link: "/etc/passwd")
            + [UInt8](repeating: 0, count: 1024)
        try Data(archive).write(to: URL(fileURLWithPath: folder.path("hostile.tar")))
        let run = try CommandRun.run(["batch", folder.path("hostile.tar"), "--out", folder.path("out")])
        #expect(run.stderr.contains("../../evil.txt: member path escapes the batch folder"))
        #expect(run.stderr.contains("/etc/evil: member path escapes the batch folder"))
        #expect(run.stderr.contains("link.png: member is a symbolic link"))
        #expect(!FileManager.default.fileExists(atPath: folder.url.deletingLastPathComponent().appendingPathComponent("evil.txt").path))
        #expect(FileManager.default.fileExists(atPath: folder.path("out/.inputs/hostile/batch/manifests/readme.txt")))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// The store's content keys: SHA-256 as lower-case hex, FIPS 180-2 appendix B vectors.
@Test func sha256HexMatchesTheStandardsVectors() throws {
    #expect(Hashing.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(Hashing.sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(Hashing.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    let folder = try TemporaryFolder()
    let path = folder.path("million-a")
    try Data(repeating: UInt8(ascii: "a"), count: 1_000_000).write(to: URL(fileURLWithPath: path))
    #expect(Hashing.sha256(file: path) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    // A file that opens but cannot be read (a folder) has no hash, not the empty input's.
    #expect(Hashing.sha256(file: folder.path("")) == nil)
    #expect(Hashing.sha256(file: folder.path("missing")) == nil)
}
