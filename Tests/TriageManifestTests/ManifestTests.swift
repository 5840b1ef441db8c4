import Foundation
import Testing
import TestSupport
import TriageCore
import TriageManifest

/// Reads a manifest from text, returning the result and every diagnostic.
func readManifest(_ text: String, file: String, hs: HSTable? = nil) throws -> (Manifest, DiagnosticBag) {
    let bag = DiagnosticBag()
    let manifest = try ManifestReader(validator: ManifestValidator(hsTable: hs)).read(Data(text.utf8), file: file, diagnostics: bag)
    return (manifest, bag)
}

let goodJSON = """
{
  "manifest_id": "BRSSZ-2026-11-28-01", "liaison_office": "LO-BRSSZ",
  "vessel": {"name": "SANTOS TRADER", "imo": "9321483", "voyage": "041E"},
  "port_of_loading": "BRSSZ", "port_of_discharge": "NLRTM", "departure": "2026-11-28", "eta": "2026-12-12",
  "containers": [
    {"container_id": "MSKU1234565", "iso_type": "45R1", "seals": ["SSZ0001234"], "tare_kg": 4800, "empty": false,
     "goods": [{"hs_code": "080390", "description": "Fresh bananas", "packages": 1080, "package_kind": "CT", "gross_kg": 20500.0}],
     "shipper": "A", "consignee": "B"},
    {"container_id": "CSQU3054383", "iso_type": "22G1", "tare_kg": 2200, "empty": true, "goods": []}
  ]
}
"""

@Suite struct JSONManifestTests {
    @Test func theSpecExampleIsAccepted() throws {
        let (manifest, bag) = try readManifest(goodJSON, file: "m.json")
        #expect(bag.errors.isEmpty, "\(bag.errors)")
        #expect(manifest.containers.map(\.containerID) == ["MSKU1234565", "CSQU3054383"])
        #expect(manifest.containers[0].declaredGoodsKg == 20500 && manifest.containers[0].mainHSCode == "080390")
        #expect(manifest.containers[1].empty && manifest.containers[1].goods.isEmpty)
        #expect(manifest.portOfLoading == "BRSSZ" && manifest.manifestID == "BRSSZ-2026-11-28-01")
    }

    /// A table of malformed inputs, each with where the error must be reported.
    static let malformed: [(String, String, [String])] = [
        ("bad check digit", #""container_id": "MSKU1234565""# + "|" + #""container_id": "MSKU1234566""#, ["$.containers[0].container_id"]),
        ("unknown type code", #""iso_type": "45R1""# + "|" + #""iso_type": "99X9""#, ["$.containers[0].iso_type"]),
        ("wrong type", #""gross_kg": 20500.0"# + "|" + #""gross_kg": "heavy""#, ["$.containers[0].goods[0].gross_kg"]),
        ("negative weight", #""gross_kg": 20500.0"# + "|" + #""gross_kg": -5"#, ["$.containers[0].goods[0].gross_kg"]),
        ("absurd weight", #""gross_kg": 20500.0"# + "|" + #""gross_kg": 95000"#, ["$.containers[0].goods[0].gross_kg"]),
        ("over payload", #""gross_kg": 20500.0"# + "|" + #""gross_kg": 31000"#, ["$.containers[0]"]),
        ("missing field", #""hs_code": "080390", "# + "|" + "", ["$.containers[0].goods[0].hs_code"]),
        ("hs too short", #""hs_code": "080390""# + "|" + #""hs_code": "0803""#, ["$.containers[0].goods[0].hs_code"]),
        ("hs as number", #""hs_code": "080390""# + "|" + #""hs_code": 80390"#, ["$.containers[0].goods[0].hs_code"]),
        ("empty with goods", #""empty": true, "goods": []"# + "|" + #""empty": true, "goods": [{"hs_code": "080390", "gross_kg": 5}]"#, ["$.containers[1].empty"]),
        ("negative tare", #""tare_kg": 2200"# + "|" + #""tare_kg": -2200"#, ["$.containers[1].tare_kg"]),
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedEntriesAreQuarantinedWhereTheyAre(index: Int) throws {
        let (name, edit, paths) = Self.malformed[index]
        let parts = edit.components(separatedBy: "|")
        let text = goodJSON.replacingOccurrences(of: parts[0], with: parts[1])
        #expect(text != goodJSON, "\(name): the edit did not apply")
        let (manifest, bag) = try readManifest(text, file: "m.json")
        #expect(bag.errors.map { $0.location?.path ?? "" } == paths, "\(name): \(bag.errors)")
        #expect(manifest.containers.count + manifest.quarantined.count == 2, "\(name): nothing lost")
        #expect(manifest.quarantined.count == 1, "\(name): one entry quarantined, the other accepted")
        #expect(manifest.quarantined.first?.reasons.isEmpty == false)
    }

    @Test func everyErrorIsReportedNotOnlyTheFirst() throws {
        let text = goodJSON.replacingOccurrences(of: "MSKU1234565", with: "MSKU1234566")
            .replacingOccurrences(of: "\"45R1\"", with: "\"45X1\"").replacingOccurrences(of: "NLRTM", with: "Rotterdam")
        let (_, bag) = try readManifest(text, file: "m.json")
        #expect(Set(bag.errors.compactMap { $0.location?.path }) == ["$.port_of_discharge", "$.containers[0].container_id", "$.containers[0].iso_type"])
    }

    @Test func truncatedJSONSaysWhere() {
        let text = String(goodJSON.prefix(300))
        #expect {
            try readManifest(text, file: "cut.json")
        } throws: { error in
            guard let error = error as? ScanTriageError else { return false }
            return error.code == .invalidInput && error.location?.line != nil && error.reason.hasPrefix("malformed JSON")
        }
    }

    @Test func realHSSubheadingsAreCheckedAgainstTheTable() throws {
        let bag = DiagnosticBag()
        let table = try HSTable.load(try TestData.path("hs/harmonized-system.csv"), diagnostics: bag)
        #expect(table.subheadings.count == 5613)
        let (good, goodBag) = try readManifest(goodJSON, file: "m.json", hs: table)
        #expect(goodBag.errors.isEmpty && good.containers.count == 2)
        let (_, badBag) = try readManifest(goodJSON.replacingOccurrences(of: "080390", with: "080399"), file: "m.json", hs: table)
        #expect(badBag.errors.first?.message.contains("heading 0803 exists") == true)
        let (_, chapterBag) = try readManifest(goodJSON.replacingOccurrences(of: "080390", with: "770000"), file: "m.json")
        #expect(chapterBag.errors.first?.message.contains("77 is reserved") == true)
    }

    @Test func anOversizedFileIsRefusedBeforeItIsRead() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("huge.json")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 200 << 20) // sparse: 200 MiB that were never written
        try handle.close()
        let reader = ManifestReader(maxBytes: 1 << 20)
        #expect(throws: ScanTriageError(.inputTooLarge, "")) { try reader.read(path, diagnostics: DiagnosticBag()) }
    }
}

/// The one reader every input goes through: exact bytes, the limit checked on both sides of it,
/// and located errors for what is not a readable file.
@Test func boundedFileReadsExactlyAndRefusesWhatItShould() throws {
    let folder = try TemporaryFolder()
    let bytes = Data((0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    let path = folder.path("scan.bin")
    try bytes.write(to: URL(fileURLWithPath: path))
    #expect(try BoundedFile.read(path) == bytes)
    #expect(try BoundedFile.read(path, maxBytes: bytes.count) == bytes, "a file exactly at the limit is read")
    #expect(throws: ScanTriageError(.inputTooLarge, "")) { try BoundedFile.read(path, maxBytes: bytes.count - 1) }
    let empty = folder.path("empty")
    FileManager.default.createFile(atPath: empty, contents: Data())
    #expect(try BoundedFile.read(empty) == Data())
    #expect(throws: ScanTriageError(.io, "")) { try BoundedFile.read(folder.path("missing")) }
    let directory = folder.path("dir")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    do {
        _ = try BoundedFile.read(directory)
        Issue.record("a directory was read as a file")
    } catch let error as ScanTriageError {
        #expect(error.code == .io && error.location?.file == directory && error.description.contains("directory"))
    }
}

@Suite struct CSVManifestTests {
    static let header = "manifest_id,port_of_loading,port_of_discharge,container_id,iso_type,tare_kg,hs_code,description,packages,package_kind,gross_kg"

    @Test func rowsOfOneContainerFormOneContainer() throws {
        let text = #"""
        \#(Self.header)
        M1,BRSSZ,NLRTM,MSKU1234565,45R1,4800,080390,"Bananas, fresh",1000,CT,19000
        M1,BRSSZ,NLRTM,MSKU1234565,45R1,4800,080450,"Mangoes ""Tommy""",80,CT,1500
        M1,BRSSZ,NLRTM,CSQU3054383,22G1,2200,,,,,
        """#
        let (manifest, bag) = try readManifest(text, file: "m.csv")
        #expect(bag.errors.isEmpty, "\(bag.errors)")
        #expect(manifest.containers.count == 2)
        #expect(manifest.containers[0].goods.map(\.hsCode) == ["080390", "080450"])
        #expect(manifest.containers[0].goods[1].description == "Mangoes \"Tommy\"")
        #expect(manifest.containers[0].declaredGoodsKg == 20500)
        #expect(manifest.containers[1].empty)
    }

    @Test func brokenQuotingAndRaggedRowsAreLocated() throws {
        let text = #"""
        \#(Self.header)
        M1,BRSSZ,NLRTM,MSKU1234565,45R1,4800,080390,Bananas,1000,CT,19000
        M1,BRSSZ,NLRTM,TCNU7200794,45R1,4800,080390,Bana"nas,1000,CT,19000
        M1,BRSSZ,NLRTM,GYOU4047990,45R1,4800,080390,Bananas,1000
        M1,BRSSZ,NLRTM,CSQU3054383,22G1,2200,080390,Bananas,ten,CT,9000
        """#
        let (manifest, bag) = try readManifest(text, file: "m.csv")
        let places = bag.errors.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0)" }
        #expect(places == ["3:49", "4:1", "5:53"], "\(bag.errors)")
        #expect(bag.errors[2].description == "m.csv:5:53: error: packages \"ten\" is not a number")
        #expect(manifest.containers.map(\.containerID) == ["MSKU1234565"])
        #expect(manifest.quarantined.map(\.containerID) == ["CSQU3054383"])
    }

    /// Rows of one container are its goods lines, however many (each row copied all the
    /// lines before it: 8,000 rows took seconds, growing as the square).
    @Test func manyRowsOfOneContainerAreItsGoodsLines() throws {
        let count = 20_000
        var text = Self.header + "\n"
        for row in 1...count { text += "M1,BRSSZ,NLRTM,MSKU1234565,45R1,4800,080390,Bananas,\(row),CT,1\n" }
        let (manifest, bag) = try readManifest(text, file: "many.csv")
        #expect(bag.errors.isEmpty, "\(bag.errors.prefix(3))")
        #expect(manifest.containers.count == 1 && manifest.containers[0].goods.count == count)
        #expect(manifest.containers[0].goods.last?.packages == count && manifest.containers[0].declaredGoodsKg == Double(count))
    }

    @Test func aMissingHeaderColumnIsSaid() {
        #expect(throws: ScanTriageError.self) { try readManifest("container_id,hs_code\nMSKU1234565,080390\n", file: "h.csv") }
    }

    /// The located check agrees with Foundation's decoder on what is UTF-8 (overlong forms,
    /// surrogates and code points past U+10FFFF included), on 20,000 short byte strings made
    /// mostly of lead and continuation bytes.
    @Test func theUTF8CheckAgreesWithTheDecoder() {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let interesting: [UInt8] = [0x41, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF,
                                    0xF0, 0xF1, 0xF4, 0xF5, 0xFF]
        var disagreements: [[UInt8]] = []
        for _ in 0..<20_000 {
            let bytes = (0..<(1 + Int(next() % 6))).map { _ in next() % 4 == 0 ? next() : interesting[Int(next()) % interesting.count] }
            let data = Data(bytes)
            let decoderSays = String(data: data, encoding: .utf8) != nil
            let checkSays = UTF8Text.problem(in: data, file: "x", format: "text") == nil
            if decoderSays != checkSays { disagreements.append(bytes) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5).map { $0.map { String($0, radix: 16) } })")
    }

    @Test func bytesThatAreNotUTF8AreRejectedWithTheirPlace() throws {
        var data = Data((Self.header + "\nM1,BRSSZ,NLRTM,MSKU1234565,45R1,4800,080390,Bananas").utf8)
        data.append(contentsOf: [0xE9, 0x0A])
        let bag = DiagnosticBag()
        #expect(throws: ScanTriageError.self) { try ManifestReader().read(data, file: "l1.csv", diagnostics: bag) }
        #expect(bag.errors.first?.location?.line == 2 && bag.errors.first?.message.contains("UTF-8") == true)
    }
}

@Suite struct ENSManifestTests {
    /// The UK ICS samples: valid ones read, schema-invalid ones report their bad values where they are.
    @Test func ukSamplesReadAndTheirFaultsAreLocated() throws {
        let files = try TestData.files("manifests/uk-ics-ens-hmrc") { $0.hasSuffix(".xml") && ($0.contains("315") || $0.contains("313")) }
        #expect(files.count >= 12)
        for file in files {
            let bag = DiagnosticBag()
            let manifest = try ManifestReader().read(file, diagnostics: bag)
            #expect(manifest.format == .ensCC315A)
            #expect(!manifest.quarantined.isEmpty || !manifest.containers.isEmpty, "\(file): goods items were found")
            #expect(bag.errors.allSatisfy { $0.location?.line != nil }, "\(file): every error has a line")
        }
        for name in ["CC315A-schemaInvalidSample-v11-2.xml", "CC313A-schemaInvalidSample-v11-2.xml"] {
            let bag = DiagnosticBag()
            _ = try ManifestReader().read(TestData.path("manifests/uk-ics-ens-hmrc/\(name)"), diagnostics: bag)
            let xxx = bag.errors.filter { $0.message.contains("\"XXX\" is not a number") }
            #expect(xxx.map { $0.location?.line } == [179, 20], "\(name): \(xxx)")
            #expect(xxx.map { $0.location?.path?.components(separatedBy: "/").last } == ["NumOfPacGS24", "TotNumOfIteHEA305"])
        }
    }

    @Test func theEnvelopeIsSeenThrough() throws {
        let bag = DiagnosticBag()
        let manifest = try ManifestReader().read(TestData.path("manifests/uk-ics-ens-hmrc/CC315A-schemaValidSampleWithEnvelope-v11-2.xml"), diagnostics: bag)
        #expect(manifest.quarantined.first?.containerID == "ABC123")
        #expect(bag.errors.contains { $0.location?.path?.hasPrefix("/Envelope/Body/CC315A/") == true })
    }

    @Test func ics2GoodsOutsideContainersAreQuarantinedWithTheReason() throws {
        let bag = DiagnosticBag()
        let manifest = try ManifestReader().read(TestData.path("manifests/eu-ics2-phase4/base-example-IE3F26.xml"), diagnostics: bag)
        #expect(manifest.manifestID == "C-ICS00000022")
        #expect(manifest.containers.isEmpty && manifest.quarantined.count == 4)
        #expect(manifest.quarantined.allSatisfy { $0.reasons.contains { $0.message.contains("containerIndicator 0") } })
        #expect(bag.errors.contains { $0.location?.line == 99 && $0.message.contains("must be positive") })
    }

    @Test func aContainerisedDeclarationIsAccepted() throws {
        let xml = """
        <?xml version="1.0"?>
        <ie:CC315A xmlns:ie="http://ics.dgtaxud.ec/CC315A">
          <HEAHEA><RefNumHEA4>REF1</RefNumHEA4><PlaLoaGOOITE334>ECGYE</PlaLoaGOOITE334><PlaUnlGOOITE334>NLRTM</PlaUnlGOOITE334></HEAHEA>
          <GOOITEGDS><IteNumGDS7>1</IteNumGDS7><GooDesGDS23>Bananas</GooDesGDS23><GroMasGDS46>18000</GroMasGDS46>
            <COMCODGODITM><ComNomCMD1>08039010</ComNomCMD1></COMCODGODITM>
            <CONNR2><ConNumNR21>MSKU1234565</ConNumNR21></CONNR2>
            <PACGS2><KinOfPacGS23>CT</KinOfPacGS23><NumOfPacGS24>900</NumOfPacGS24></PACGS2></GOOITEGDS>
          <GOOITEGDS><IteNumGDS7>2</IteNumGDS7><GroMasGDS46>1000</GroMasGDS46>
            <COMCODGODITM><ComNomCMD1>080450</ComNomCMD1></COMCODGODITM>
            <CONNR2><ConNumNR21>MSKU 123456 5</ConNumNR21></CONNR2></GOOITEGDS>
        </ie:CC315A>
        """
        let (manifest, bag) = try readManifest(xml, file: "ens.xml")
        #expect(bag.errors.isEmpty, "\(bag.errors)")
        #expect(manifest.portOfLoading == "ECGYE")
        #expect(manifest.containers.count == 1)
        #expect(manifest.containers[0].goods.map(\.hsCode) == ["080390", "080450"])
        #expect(manifest.containers[0].declaredGoodsKg == 19000 && manifest.containers[0].isoType == nil)
    }

    /// A corrupt byte in an element name crashed the process (Foundation's XML parser traps on a
    /// name that is not UTF-8): the nightly run, or the intake service for every office. Found
    /// by mutating the UK samples; now a located error.
    @Test func aByteThatIsNotUTF8IsALocatedErrorNotACrash() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: TestData.path("manifests/uk-ics-ens-hmrc/CC315A-schemaValidSample-v11-2.xml")))
        let text = String(decoding: data, as: UTF8.self)
        let name = try #require(text.range(of: "<HEAHEA>"))
        let offset = text.utf8.distance(from: text.startIndex, to: name.lowerBound) + 2
        let line = text[..<name.lowerBound].filter { $0 == "\n" }.count + 1
        data[offset] = 0xE7
        #expect {
            try ManifestReader().read(data, file: "ens.xml", diagnostics: DiagnosticBag())
        } throws: { error in
            let error = error as? ScanTriageError
            return error?.location?.line == line && error?.reason.contains("not valid UTF-8 (byte 0xE7") == true
        }
    }

    /// Nesting deeper than any declaration is refused where it happens: 100,000 levels crashed
    /// the process (each level a frame in the search for the message element).
    @Test func deepNestingIsALocatedErrorNotACrash() {
        let depth = 100_000
        let xml = "<?xml version=\"1.0\"?>\n" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        #expect {
            try readManifest(xml, file: "deep.xml")
        } throws: { error in
            let error = error as? ScanTriageError
            return error?.reason.contains("nested more than 64 deep") == true && error?.location?.line == 2
        }
    }

    /// A message with very many goods items is read whole, each item at its own path (placing
    /// each item counted its siblings again: 100,000 items took minutes).
    @Test func aMessageWithManyGoodsItemsIsReadWhole() throws {
        let count = 50_000
        var xml = "<?xml version=\"1.0\"?>\n<CC315A><HEAHEA><RefNumHEA4>R</RefNumHEA4><PlaLoaGOOITE334>ECGYE</PlaLoaGOOITE334></HEAHEA>\n"
        for item in 1...count {
            xml += "<GOOITEGDS><IteNumGDS7>\(item)</IteNumGDS7><GroMasGDS46>10</GroMasGDS46><COMCODGODITM><ComNomCMD1>08039010</ComNomCMD1></COMCODGODITM>"
                + "<CONNR2><ConNumNR21>MSKU1234565</ConNumNR21></CONNR2></GOOITEGDS>\n"
        }
        xml += "</CC315A>"
        let root = try XMLNode.parse(Data(xml.utf8), file: "wide.xml")
        #expect(root.all("GOOITEGDS").count == count)
        #expect(root.all("GOOITEGDS").last?.path == "/CC315A/GOOITEGDS[\(count)]" && root.all("GOOITEGDS").last?.line == count + 2)
        let (manifest, _) = try readManifest(xml, file: "wide.xml")
        #expect(manifest.containers.map(\.containerID) == ["MSKU1234565"] && manifest.containers.first?.goods.count == count)
    }

    /// The check is for documents meant as UTF-8: one in UTF-16 (with its byte-order mark) or
    /// declaring ISO-8859-1 is read as it says.
    @Test func otherDeclaredEncodingsAreStillRead() throws {
        let xml = """
        <?xml version="1.0" encoding="ENCODING"?>
        <CC315A><HEAHEA><RefNumHEA4>REF1</RefNumHEA4><PlaLoaGOOITE334>ECGYE</PlaLoaGOOITE334><PlaUnlGOOITE334>NLRTM</PlaUnlGOOITE334></HEAHEA>
          <GOOITEGDS><IteNumGDS7>1</IteNumGDS7><GooDesGDS23>Pi\u{F1}as</GooDesGDS23><GroMasGDS46>18000</GroMasGDS46>
            <COMCODGODITM><ComNomCMD1>08043000</ComNomCMD1></COMCODGODITM><CONNR2><ConNumNR21>MSKU1234565</ConNumNR21></CONNR2></GOOITEGDS>
        </CC315A>
        """
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(xml.replacingOccurrences(of: "ENCODING", with: "UTF-16").data(using: .utf16LittleEndian)!)
        let latin1 = xml.replacingOccurrences(of: "ENCODING", with: "ISO-8859-1").data(using: .isoLatin1)!
        #expect(String(data: latin1, encoding: .utf8) == nil, "the Latin-1 document is not UTF-8")
        for (data, file) in [(utf16, "utf16.xml"), (latin1, "latin1.xml")] {
            let bag = DiagnosticBag()
            let manifest = try ManifestReader().read(data, file: file, diagnostics: bag)
            #expect(bag.errors.isEmpty, "\(file): \(bag.errors)")
            #expect(manifest.containers.map(\.containerID) == ["MSKU1234565"], "\(file)")
        }
    }

    @Test func malformedXMLGivesALine() {
        #expect {
            try readManifest("<CC315A>\n<HEAHEA>\n</CC315A>", file: "bad.xml")
        } throws: { error in
            (error as? ScanTriageError)?.location?.line != nil
        }
    }
}

@Suite struct CUSCARTests {
    static let message = """
    UNA:+.? '
    UNB+UNOC:3+SENDER+NLCUSTOMS+261128:0300+1'
    UNH+1+CUSCAR:D:95B:UN'
    BGM+85+SSZ-2026-0042+9'
    TDT+20+041E+1++MSK:172:20+++9321483:146::SANTOS TRADER'
    LOC+9+BRSSZ'
    LOC+11+NLRTM'
    CNI+1+BL001'
    GID+1+1080:CT'
    FTX+AAA+++Fresh bananas?, cavendish'
    MEA+WT+G+KGM:20500'
    PIA+5+080390:HS'
    SGP+MSKU1234565'
    EQD+CN+MSKU1234565+45R1:102:5+++5'
    MEA+AAE+T+KGM:4800'
    SEL+SSZ0001234'
    CNI+2+BL002'
    GID+1+10:BG'
    MEA+WT+G+KGM:600'
    PIA+5+0901:HS'
    EQD+CN+CSQU3054384+22G1:102:5'
    UNT+20+1'
    UNZ+1+1'
    """

    @Test func consignmentsAndEquipmentBecomeContainers() throws {
        let (manifest, bag) = try readManifest(Self.message, file: "m.edi")
        #expect(manifest.format == .cuscar && manifest.manifestID == "SSZ-2026-0042")
        #expect(manifest.portOfLoading == "BRSSZ" && manifest.portOfDischarge == "NLRTM")
        #expect(manifest.containers.map(\.containerID) == ["MSKU1234565"])
        let container = manifest.containers[0]
        #expect(container.isoType == "45R1" && container.tareKg == 4800 && container.seals == ["SSZ0001234"])
        #expect(container.goods == [GoodsLine(hsCode: "080390", description: "Fresh bananas, cavendish", packages: 1080, packageKind: "CT", grossKg: 20500)])
        // The second consignment: a bad check digit and a 4-digit commodity code, both located.
        #expect(manifest.quarantined.map(\.containerID) == ["CSQU3054384"])
        #expect(Set(bag.errors.compactMap { $0.location?.line }) == [20, 21])
    }
}

@Suite struct BatchIntakeTests {
    /// A container declared many times: every declaration is quarantined, each naming up to
    /// three of the others and how many more (naming them all made 4,000 repeats take 6 s and
    /// 700 MB, growing as the square).
    @Test func aContainerDeclaredManyTimesNamesAFewOfTheOthers() throws {
        let entry = #"{"container_id": "MSKU1234565", "iso_type": "45R1", "tare_kg": 4800, "empty": true, "goods": []}"#
        let count = 4_000
        let json = #"{"manifest_id": "M", "port_of_loading": "BRSSZ", "port_of_discharge": "NLRTM", "containers": ["#
            + Array(repeating: entry, count: count).joined(separator: ",\n") + "]}"
        let bag = DiagnosticBag()
        let manifest = try ManifestReader().read(Data(json.utf8), file: "m.json", diagnostics: bag)
        let checked = BatchIntake.quarantineDuplicates([manifest], diagnostics: bag)
        #expect(checked[0].containers.isEmpty && checked[0].quarantined.count == count)
        let reason = try #require(checked[0].quarantined.last?.reasons.first?.message)
        #expect(reason.hasSuffix("(also at m.json: $.containers[0]; m.json: $.containers[1]; m.json: $.containers[2] and \(count - 4) more)"), "\(reason)")
    }

    @Test func duplicatesAreQuarantinedAndUnmatchedThingsReported() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path("manifests"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.path("scans"), withIntermediateDirectories: true)
        try Data(goodJSON.utf8).write(to: URL(fileURLWithPath: folder.path("manifests/a.json")))
        let second = goodJSON.replacingOccurrences(of: "CSQU3054383", with: "TCNU7200794")
        try Data(second.utf8).write(to: URL(fileURLWithPath: folder.path("manifests/b.json")))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: folder.path("manifests/readme.txt")))
        // Scans: one matched, one for an undeclared container, one image without sidecar.
        for (name, container) in [("S1", "CSQU3054383"), ("S2", "GYOU4047990")] {
            let sidecar = """
            {"scan_id": "\(name)", "container_id": "\(container)", "port_of_scan": "BRSSZ",
             "scanner": {"id": "X", "energy_mev": 6}, "pixel_pitch_mm": {"x": 5, "y": 5},
             "encoding": {"kind": "transmission", "air": 60000, "dark": 250}, "door_side": "left"}
            """
            try Data(sidecar.utf8).write(to: URL(fileURLWithPath: folder.path("scans/\(name).json")))
            try Data().write(to: URL(fileURLWithPath: folder.path("scans/\(name).png")))
        }
        try Data().write(to: URL(fileURLWithPath: folder.path("scans/S3.jpg")))
        let bag = DiagnosticBag()
        let listing = try BatchIntake.list(folder.url.path, diagnostics: bag)
        #expect(listing.manifestFiles.count == 2 && listing.scans.count == 3)
        let manifests = BatchIntake.readManifests(listing.manifestFiles, reader: ManifestReader(), diagnostics: bag)
        // MSKU1234565 is in both manifests: quarantined in both, each naming the other.
        #expect(manifests.map { $0.containers.map(\.containerID) } == [["CSQU3054383"], ["TCNU7200794"]])
        #expect(manifests.allSatisfy { $0.quarantined.first?.reasons.first?.message.contains("more than once") == true })
        let result = BatchIntake.match(manifests, scans: listing.scans, diagnostics: bag)
        #expect(result.matchedCount == 1)
        #expect(result.unscanned.map(\.containerID) == ["TCNU7200794"])
        #expect(result.unmatchedScans.map { ($0.imagePath as NSString).lastPathComponent } == ["S2.png", "S3.jpg"])
        #expect(bag.errors.contains { $0.message.contains("no sidecar") })
        #expect(bag.warnings.contains { $0.location?.file.hasSuffix("readme.txt") == true })
    }
}
