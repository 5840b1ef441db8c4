import Foundation
import Testing
import TestSupport
import TriageCore
import TriageDecode
import TriagePhysics

@Suite struct MaterialTests {
    /// The coefficients compiled in are NIST XCOM's, as in the shared physics table.
    @Test func embeddedCoefficientsMatchTheSharedTable() throws {
        let csv = try String(contentsOfFile: TestData.path("physics/mass_attenuation_1-9MeV.csv"), encoding: .utf8)
        var checked = 0
        for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let material = Material.allCases.first(where: { $0.tableName == fields[0] }),
                  let energy = Double(fields[1]), let xcom = Double(fields[3]), let density = Double(fields[6]) else {
                Issue.record("unknown row: \(line)")
                continue
            }
            let index = try #require(Material.energies.firstIndex(of: energy))
            #expect(material.massAttenuation[index] == xcom, "\(material) at \(energy) MeV")
            #expect(abs(material.massAttenuation(atMeV: energy) - xcom) < 1e-12)
            #expect(material.density == density)
            checked += 1
        }
        #expect(checked == Material.allCases.count * Material.energies.count)
    }

    @Test func interpolationIsMonotoneBetweenTablePointsForLightMaterials() {
        for material in [Material.water, .cellulose, .cocaine, .polyethylene] {
            var previous = Double.infinity
            for step in 0...80 {
                let energy = 1 + Double(step) * 0.1
                let mu = material.massAttenuation(atMeV: energy)
                #expect(mu < previous, "\(material) at \(energy)")
                previous = mu
            }
        }
        // A 6 MeV linac behaves like 2 MeV photons: μ/ρ of water about 0.049 cm²/g.
        let mu = Material.water.massAttenuation(atMeV: Material.effectiveEnergy(endpointMeV: 6))
        #expect(abs(mu - 0.049422) < 1e-9)
    }
}

@Suite struct AttenuationTests {
    static func image16(_ values: [UInt16], width: Int) -> Pixels {
        .uint16(PixelImage(width: width, height: values.count / width, samples: values))
    }

    @Test func transmissionFollowsBeerLambert() throws {
        let air = 60000.0, dark = 250.0
        let attenuations: [Double] = [0, 0.1, 0.5, 1, 2, 4, 8]
        let codes = attenuations.map { UInt16((dark + (air - dark) * exp(-$0)).rounded()) }
        let transform = try AttenuationTransform(encoding: .transmission(air: air, dark: dark), bitDepth: 16)
        let map = try transform.apply(Self.image16(codes + [250, 100], width: 9))
        for (index, expected) in attenuations.enumerated() {
            // Rounding the code to an integer moves A by at most 0.5 / (P - dark).
            let tolerance = 0.5 / (Double(codes[index]) - dark) + 1e-6
            #expect(abs(Double(map.values[index]) - expected) <= tolerance, "A=\(expected)")
        }
        #expect(map.opaqueCount == 2)
        #expect(abs(map.opaqueFraction - 2.0 / 9.0) < 1e-12)
        #expect(map.values[7] == map.saturation && map.values[8] == map.saturation)
        #expect(abs(Double(map.saturation) - log(air - dark)) < 1e-5)
        #expect(map.minimum == 0 && abs(Double(map.maximum) - 8) < 0.02)
    }

    @Test func pixelsBrighterThanAirGiveSmallNegativeAttenuation() throws {
        // Noise around air must average to zero, not be clipped (that would bias the mass up).
        let transform = try AttenuationTransform(encoding: .transmission(air: 1000, dark: 0), bitDepth: 16)
        let map = try transform.apply(Self.image16([990, 1010], width: 2))
        #expect(map.values[0] > 0 && map.values[1] < 0)
        #expect(abs(map.values[0] + map.values[1]) < 1e-3)
    }

    @Test func logEncodingIsLinear() throws {
        let transform = try AttenuationTransform(encoding: .log(zero: 250, scale: 25, floor: 0), bitDepth: 8)
        let map = try transform.apply(.uint8(PixelImage(width: 4, height: 1, samples: [250, 200, 50, 0])))
        #expect(map.values == [0, 2, 8, 10])
        #expect(map.opaqueCount == 1, "code 0 is clipped: opaque")
    }

    /// The comparator transforms only the rows it reads: the band of the first k rows is those
    /// rows of the whole map, bit for bit, on the SIMD paths (16-bit transmission, 8-bit log)
    /// and the table path (8-bit transmission), and its opaque count is the band's.
    @Test func theFirstRowsAloneAreThoseRowsOfTheWholeMap() throws {
        let width = 37, height = 11
        let codes16 = (0..<(width * height)).map { UInt16(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) % 61000 }
        let codes8 = codes16.map { UInt8(truncatingIfNeeded: $0 >> 3) }
        let cases: [(AttenuationTransform, Pixels)] = [
            (try AttenuationTransform(encoding: .transmission(air: 60000, dark: 250.5), bitDepth: 16),
             .uint16(PixelImage(width: width, height: height, samples: codes16))),
            (try AttenuationTransform(encoding: .log(zero: 250, scale: 25, floor: 3), bitDepth: 8),
             .uint8(PixelImage(width: width, height: height, samples: codes8))),
            (try AttenuationTransform(encoding: .transmission(air: 250, dark: 2), bitDepth: 8),
             .uint8(PixelImage(width: width, height: height, samples: codes8))),
        ]
        for (transform, pixels) in cases {
            let whole = try transform.apply(pixels)
            #expect(whole.height == height && whole.opaqueCount > 0)
            for rows in [0, 1, 4, height, height + 5] {
                let band = try transform.apply(pixels, rows: rows)
                let kept = min(rows, height)
                #expect(band.width == width && band.height == kept)
                #expect(band.values == Array(whole.values[0..<(kept * width)]), "\(transform.encoding), \(rows) rows")
                let codes = pixels.samplesAsUInt16[0..<(kept * width)]
                #expect(band.opaqueCount == codes.filter { Int($0) <= transform.opaqueCode }.count, "\(transform.encoding), \(rows) rows")
                if kept == height { #expect(band.opaqueCount == whole.opaqueCount) }
            }
        }
    }

    @Test func encodingThatCannotDescribeTheImageIsRejected() {
        #expect(throws: ScanTriageError(.invalidSidecar, "")) {
            try AttenuationTransform(encoding: .transmission(air: 60000, dark: 250), bitDepth: 8)
        }
        #expect(throws: ScanTriageError(.invalidSidecar, "")) {
            let transform = try AttenuationTransform(encoding: .transmission(air: 200, dark: 5), bitDepth: 8)
            _ = try transform.apply(Self.image16([1, 2], width: 2))
        }
    }
}

@Suite struct SidecarTests {
    static let valid = """
    {
      "scan_id": "SSZ-00042",
      "container_id": "MSKU1234565",
      "port_of_scan": "BRSSZ",
      "scanner": {"id": "SSZ-LINAC-2", "energy_mev": 6.0},
      "pixel_pitch_mm": {"x": 5.0, "y": 4.0},
      "encoding": {"kind": "transmission", "air": 60000, "dark": 250},
      "door_side": "right",
      "scanned_at": "2026-11-28T03:12:00Z"
    }
    """

    @Test func theSpecExampleParses() throws {
        let bag = DiagnosticBag()
        let sidecar = try #require(Sidecar.parse(Data(Self.valid.utf8), file: "s.json", diagnostics: bag))
        #expect(bag.diagnostics.isEmpty)
        #expect(sidecar.scanID == "SSZ-00042" && sidecar.containerID == "MSKU1234565")
        #expect(sidecar.encoding == .transmission(air: 60000, dark: 250))
        #expect(sidecar.pitchX == 5 && sidecar.pitchY == 4 && sidecar.pixelAreaCm2 == 0.2)
        #expect(sidecar.doorSide == .right && sidecar.energyMeV == 6)
    }

    /// Every problem is reported, each at its JSON path.
    @Test func everyProblemIsLocated() throws {
        let broken = """
        {"scan_id": 42, "port_of_scan": "Santos",
         "scanner": {"id": "X", "energy_mev": "six"},
         "pixel_pitch_mm": {"x": -1, "y": 5},
         "encoding": {"kind": "transmission", "air": 200, "dark": 300},
         "door_side": "top", "scanned_at": "yesterday"}
        """
        let bag = DiagnosticBag()
        #expect(Sidecar.parse(Data(broken.utf8), file: "bad.json", diagnostics: bag) == nil)
        let paths = Set(bag.errors.compactMap { $0.location?.path })
        #expect(paths == ["$.scan_id", "$.container_id", "$.port_of_scan", "$.scanner.energy_mev",
                          "$.pixel_pitch_mm.x", "$.encoding.air", "$.door_side", "$.scanned_at"])
        #expect(bag.errors.allSatisfy { $0.location?.file == "bad.json" })
        let scanID = try #require(bag.errors.first { $0.location?.path == "$.scan_id" })
        #expect(scanID.message == "expected a string, found a number 42.0")
        #expect(scanID.description == "bad.json: error: $.scan_id: expected a string, found a number 42.0")
    }

    @Test func malformedJSONGivesLineAndColumn() throws {
        let bag = DiagnosticBag()
        let text = "{\n  \"scan_id\": \"A\",\n  \"container_id\" \"B\"\n}"
        #expect(Sidecar.parse(Data(text.utf8), file: "t.json", diagnostics: bag) == nil)
        let error = try #require(bag.errors.first)
        #expect(error.location?.line == 3, "\(error)")
        #expect(error.message.hasPrefix("malformed JSON"))
    }

    @Test func notUTF8IsSaidPlainly() throws {
        let bag = DiagnosticBag()
        #expect(Sidecar.parse(Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), file: "u.json", diagnostics: bag) == nil)
        #expect(bag.errors.first?.message.contains("UTF-8") == true)
    }

    @Test func logEncodingNeedsAPositiveScale() {
        let text = Self.valid.replacingOccurrences(of: #""kind": "transmission", "air": 60000, "dark": 250"#,
                                                   with: #""kind": "log", "zero": 250, "scale": -3"#)
        let bag = DiagnosticBag()
        #expect(Sidecar.parse(Data(text.utf8), file: "l.json", diagnostics: bag) == nil)
        #expect(bag.errors.map { $0.location?.path } == ["$.encoding.scale"])
    }

    @Test func aScanRoundTripsThroughPNGAndItsSidecar() throws {
        let folder = try TemporaryFolder()
        let width = 64, height = 16
        var samples = [UInt16](repeating: 60000, count: width * height)
        for x in 20..<40 { for y in 4..<12 { samples[y * width + x] = 250 + UInt16((60000.0 - 250) * exp(-2.0)) } }
        samples[0] = 100 // opaque
        let png = try ImageEncoder.png(PixelImage(width: width, height: height, samples: samples))
        try png.write(to: URL(fileURLWithPath: folder.path("S1.png")))
        try Data(Self.valid.utf8).write(to: URL(fileURLWithPath: folder.path("S1.json")))
        let scan = try Scan.load(imagePath: folder.path("S1.png"), diagnostics: DiagnosticBag())
        #expect(!scan.isDegraded)
        let map = try scan.attenuation()
        #expect(abs(Double(map[30, 8]) - 2) < 1e-3)
        #expect(map[60, 2] == 0)
        #expect(map.opaqueCount == 1)
    }
}
