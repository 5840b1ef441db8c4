import Foundation
import Testing
import TestSupport
import TriageStore

@Suite struct ValidateCommandTests {
    @Test func theSampleBatchIsClean() throws {
        let run = try CommandRun.run(["validate", "Samples/nightly", "--hs-table", try TestData.path("hs/harmonized-system.csv")])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("10 container(s) accepted, 0 quarantined; 10 matched to scans"))
    }

    /// A batch folder's SHA256SUMS is checked as the nightly batch checks it (validate once
    /// skipped it and called a tampered batch clean); a file that does not match is left out.
    @Test func sha256sumsAreChecked() throws {
        let folder = try TemporaryFolder()
        let batch = folder.path("b")
        try FileManager.default.copyItem(atPath: TestData.projectRoot.appendingPathComponent("Samples/nightly").path, toPath: batch)
        var sums = ""
        for sub in ["manifests", "scans"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: batch + "/" + sub).sorted() {
                let data = try Data(contentsOf: URL(fileURLWithPath: batch + "/" + sub + "/" + name))
                sums += Hashing.sha256(data) + "  " + sub + "/" + name + "\n"
            }
        }
        try Data(sums.utf8).write(to: URL(fileURLWithPath: batch + "/SHA256SUMS"))
        let clean = try CommandRun.run(["validate", batch])
        #expect(clean.status == 0 && clean.stdout.contains("10 container(s) accepted"), "\(clean.stdout)")
        let manifest = try FileHandle(forWritingAtPath: batch + "/manifests/nightly.json")!
        manifest.seekToEndOfFile()
        manifest.write(Data(" ".utf8))
        try manifest.close()
        let tampered = try CommandRun.run(["validate", batch])
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("manifests/nightly.json: error: content does not match SHA256SUMS"), "\(tampered.stdout)")
        #expect(tampered.stdout.contains("0 manifest(s): 0 container(s) accepted") && !tampered.stdout.contains("no manifests in manifests/"))
    }

    @Test func problemsAreCompilerStyleAndTheExitCodeSaysSo() throws {
        let folder = try TemporaryFolder()
        let text = """
        manifest_id,port_of_loading,port_of_discharge,container_id,iso_type,tare_kg,hs_code,description,packages,package_kind,gross_kg
        M1,BRSSZ,NLRTM,MSKU1234566,45R1,4800,080390,Bananas,1000,CT,19000
        M1,BRSSZ,NLRTM,CSQU3054383,22G1,2200,080390,Bananas,1000,CT,9000
        """
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder.path("m.csv")))
        let run = try CommandRun.run(["validate", folder.path("m.csv")])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first == "\(folder.path("m.csv")):2:16: error: \"MSKU1234566\" is not an ISO 6346 container number: check digit is 6; expected 5")
        #expect(lines.last?.hasPrefix("1 manifest(s): 1 container(s) accepted, 1 quarantined") == true)

        let json = try CommandRun.run(["validate", "--json", folder.path("m.csv")])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["errors"] as? Int == 1)
        let manifests = try #require(report["manifests"] as? [[String: Any]])
        #expect((manifests.first?["quarantined"] as? [[String: Any]])?.count == 1)
    }

    @Test func misuseExitsTwo() throws {
        let run = try CommandRun.run(["validate"])
        #expect(run.status == 64 || run.status == 2)
    }
}
