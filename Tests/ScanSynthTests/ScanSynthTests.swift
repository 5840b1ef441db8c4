import Foundation
import ScanSynth
import Testing
import TestSupport
import TriageCore
import TriageDecode
import TriagePhysics

@Suite struct GeneratorTests {
    static func smallSpec(seed: UInt64, containers: Int = 6) -> BatchSpec {
        BatchSpec(name: "t", seed: seed, containers: containers, anomalyRate: 0.5, pitchScale: 3)
    }

    @Test func theSameSeedGivesTheSameBatch() throws {
        let a = try TemporaryFolder(), b = try TemporaryFolder(), c = try TemporaryFolder()
        let truthA = try BatchGenerator.generate(Self.smallSpec(seed: 11), into: a.url)
        let truthB = try BatchGenerator.generate(Self.smallSpec(seed: 11), into: b.url)
        let truthC = try BatchGenerator.generate(Self.smallSpec(seed: 12), into: c.url)
        #expect(truthA.map(\.csvRow) == truthB.map(\.csvRow))
        #expect(truthA.map(\.csvRow) != truthC.map(\.csvRow))
        for record in truthA {
            let ext = record.scanner.hasPrefix("PNG") || record.scanner.hasPrefix("RIG") ? "jpg" : "png"
            let fileA = try Data(contentsOf: a.url.appendingPathComponent("scans/\(record.scanID).\(ext)"))
            let fileB = try Data(contentsOf: b.url.appendingPathComponent("scans/\(record.scanID).\(ext)"))
            #expect(fileA == fileB, "\(record.scanID) differs between two runs with the same seed")
        }
    }

    /// `scangen --hardening H`: the same scenes (the same truth), every scanner's effective mu
    /// falling by H at high attenuation instead of its own 4-9 %: its 16-bit scans read lighter.
    @Test func hardeningOnEveryScannerLightensTheSameScenes() throws {
        let plain = try TemporaryFolder(), hard = try TemporaryFolder()
        var spec = Self.smallSpec(seed: 11)
        let truth = try BatchGenerator.generate(spec, into: plain.url)
        spec.hardening = 0.4
        let hardTruth = try BatchGenerator.generate(spec, into: hard.url)
        #expect(truth.map(\.csvRow) == hardTruth.map(\.csvRow))
        var compared = 0
        for record in truth where record.scanner.hasPrefix("SSZ") || record.scanner.hasPrefix("GYE") {
            let scanner = try #require(ScannerProfile.named(record.scanner))
            func total(_ folder: TemporaryFolder) throws -> Double {
                let image = try ImageDecoder().decode(try Data(contentsOf: folder.url.appendingPathComponent("scans/\(record.scanID).png")))
                return try AttenuationTransform(encoding: scanner.encoding, bitDepth: 16).apply(image.pixels).values.reduce(0) { $0 + Double($1) }
            }
            let a = try total(plain), b = try total(hard)
            #expect(b < a * 0.95, "\(record.scanID): total attenuation \(b) with hardening 0.4, \(a) with the scanner's own")
            compared += 1
        }
        #expect(compared > 0)
    }

    /// What scangen writes is what the interchange contract asks for.
    @Test func aBatchFollowsTheInterchangeLayout() throws {
        let folder = try TemporaryFolder()
        let truth = try BatchGenerator.generate(Self.smallSpec(seed: 3, containers: 10), into: folder.url)
        let manifestData = try Data(contentsOf: folder.url.appendingPathComponent("manifests/t.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let containers = try #require(manifest["containers"] as? [[String: Any]])
        #expect(containers.count == 10)
        for entry in containers {
            let id = try #require(entry["container_id"] as? String)
            #expect(throws: Never.self) { try ContainerNumber(id) }
            #expect(ContainerType.named(entry["iso_type"] as? String ?? "") != nil)
            let empty = try #require(entry["empty"] as? Bool)
            let goods = try #require(entry["goods"] as? [[String: Any]])
            #expect(empty == goods.isEmpty)
            for line in goods { #expect((line["hs_code"] as? String)?.count == 6) }
        }
        let decoder = ImageDecoder()
        for record in truth {
            let scans = try FileManager.default.contentsOfDirectory(atPath: folder.path("scans")).filter { $0.hasPrefix(record.scanID + ".") }
            #expect(scans.count == 2, "image and sidecar for \(record.scanID)")
            let image = try #require(scans.first { !$0.hasSuffix(".json") })
            let bag = DiagnosticBag()
            let scan = try Scan.load(imagePath: folder.path("scans/\(image)"), decoder: decoder, diagnostics: bag)
            #expect(bag.diagnostics.isEmpty, "\(bag.diagnostics)")
            #expect(scan.sidecar.containerID == record.containerID)
            #expect(scan.image.pixels.width == record.imageWidth && scan.image.pixels.height == record.imageHeight)
            if let box = record.bbox {
                #expect(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= record.imageWidth && box[1] + box[3] <= record.imageHeight)
            }
            if [.doorZone, .topOfLoad, .concealedInLoad].contains(record.anomaly) {
                #expect(record.contrabandKg > 5 && record.bbox != nil, "\(record.anomaly) needs contraband and a place")
            }
        }
    }

    /// The scanners and goods kept for generalisation checks are never drawn unless named, and
    /// what they make loads as the others do (ports, encodings and HS codes valid).
    @Test func unseenScannersAndGoodsAreOnlyUsedWhenNamed() throws {
        let folder = try TemporaryFolder()
        let usual = try BatchGenerator.generate(Self.smallSpec(seed: 4, containers: 12), into: folder.url)
        #expect(Set(usual.map(\.scanner)).isDisjoint(with: ScannerProfile.unseen.map(\.id)))
        #expect(Set(usual.map(\.cargo)).isDisjoint(with: CargoKind.unseen.map(\.name)))
        #expect(Set(CargoKind.unseen.map { $0.hsCode.prefix(4) }).isDisjoint(with: CargoKind.catalog.map { $0.hsCode.prefix(4) }))
        let other = try TemporaryFolder()
        var spec = Self.smallSpec(seed: 4, containers: 8)
        spec.scanners = ScannerProfile.unseen
        spec.cargo = CargoKind.unseen
        let truth = try BatchGenerator.generate(spec, into: other.url)
        #expect(Set(truth.map(\.scanner)) == Set(ScannerProfile.unseen.map(\.id)))
        #expect(Set(truth.map(\.cargo)).subtracting(["empty"]).isSubset(of: CargoKind.unseen.map(\.name)))
        for record in truth {
            let image = try #require(try FileManager.default.contentsOfDirectory(atPath: other.path("scans"))
                .first { $0.hasPrefix(record.scanID + ".") && !$0.hasSuffix(".json") })
            let bag = DiagnosticBag()
            let scan = try Scan.load(imagePath: other.path("scans/\(image)"), decoder: ImageDecoder(), diagnostics: bag)
            #expect(bag.diagnostics.isEmpty, "\(bag.diagnostics)")
            #expect(scan.sidecar.scannerID == record.scanner)
        }
    }

    /// A speed error changes how long each scan is, not what its sidecar states; without one,
    /// a batch is the one the seed always gave (the error's draws have a stream of their own).
    @Test func aSpeedErrorStretchesScansTheSidecarsDoNotKnowOf() throws {
        let usual = try TemporaryFolder(), exact = try TemporaryFolder(), sped = try TemporaryFolder()
        let base = try BatchGenerator.generate(Self.smallSpec(seed: 5), into: usual.url)
        var spec = Self.smallSpec(seed: 5)
        spec.speedError = 0
        #expect(try BatchGenerator.generate(spec, into: exact.url).map(\.csvRow) == base.map(\.csvRow))
        spec.speedError = 0.05
        let stretched = try BatchGenerator.generate(spec, into: sped.url)
        #expect(stretched.map(\.containerID) == base.map(\.containerID))
        var ratios: [Double] = []
        for (a, b) in zip(base, stretched) {
            let sidecar = { (folder: TemporaryFolder) in try Data(contentsOf: folder.url.appendingPathComponent("scans/\(a.scanID).json")) }
            #expect(try sidecar(usual) == sidecar(sped), "\(a.scanID): the sidecar states the scanner's pitch")
            ratios.append(Double(a.imageWidth) / Double(b.imageWidth))
        }
        // Narrower where the truck went slower past the scanner (a larger true pitch), wider
        // where faster; 5 % (σ) over six scans.
        #expect(ratios.contains { abs($0 - 1) > 0.01 }, "\(ratios)")
        #expect(ratios.allSatisfy { abs($0 - 1) < 0.2 }, "\(ratios)")
    }

    /// Missed pulses make columns that read no beam, top to bottom; a batch without them is the
    /// one the seed always gave.
    @Test func missedPulsesLeaveColumnsWithoutBeam() throws {
        let usual = try TemporaryFolder(), missed = try TemporaryFolder()
        let base = try BatchGenerator.generate(Self.smallSpec(seed: 6), into: usual.url)
        var spec = Self.smallSpec(seed: 6)
        spec.missedPulseRate = 0.01
        let truth = try BatchGenerator.generate(spec, into: missed.url)
        #expect(truth.map(\.csvRow) == base.map(\.csvRow))
        let decoder = ImageDecoder()
        var darkColumns = 0
        for record in truth {
            let image = try #require(try FileManager.default.contentsOfDirectory(atPath: missed.path("scans"))
                .first { $0.hasPrefix(record.scanID + ".") && !$0.hasSuffix(".json") })
            let map = try Scan.load(imagePath: missed.path("scans/\(image)"), decoder: decoder, diagnostics: DiagnosticBag()).attenuation()
            // No beam: dense (A over 5, a transmission under 1/150) from the top row to the bottom.
            for x in 0..<map.width where (0..<map.height).allSatisfy({ map.values[$0 * map.width + x] > 5 }) { darkColumns += 1 }
        }
        #expect(darkColumns > 0, "no column without beam")
    }

    /// Dead detector channels make rows that read no beam, from one side to the other, at the
    /// same share of the height in every scan; a batch without them is the one the seed gave.
    @Test func deadChannelsLeaveRowsWithoutBeam() throws {
        let usual = try TemporaryFolder(), dead = try TemporaryFolder()
        let base = try BatchGenerator.generate(Self.smallSpec(seed: 7, containers: 4), into: usual.url)
        var spec = Self.smallSpec(seed: 7, containers: 4)
        spec.deadChannels = 2
        let truth = try BatchGenerator.generate(spec, into: dead.url)
        #expect(truth.map(\.csvRow) == base.map(\.csvRow))
        for record in truth {
            let image = try #require(try FileManager.default.contentsOfDirectory(atPath: dead.path("scans"))
                .first { $0.hasPrefix(record.scanID + ".") && !$0.hasSuffix(".json") })
            let map = try Scan.load(imagePath: dead.path("scans/\(image)"), decoder: ImageDecoder(), diagnostics: DiagnosticBag()).attenuation()
            let rows = (0..<map.height).filter { y in (0..<map.width).allSatisfy { map.values[y * map.width + $0] > 5 } }
            #expect((2...4).contains(rows.count), "\(record.scanID): rows without beam \(rows)")
        }
    }

    /// Drifted detector gains make rows read a tenth to three tenths more or less of the beam,
    /// across the whole image; a batch without them is the one the seed gave.
    @Test func gainErrorsShiftWholeRows() throws {
        let usual = try TemporaryFolder(), drifted = try TemporaryFolder()
        let base = try BatchGenerator.generate(Self.smallSpec(seed: 8, containers: 3), into: usual.url)
        var spec = Self.smallSpec(seed: 8, containers: 3)
        spec.gainErrors = 3
        #expect(try BatchGenerator.generate(spec, into: drifted.url).map(\.csvRow) == base.map(\.csvRow))
        let sixteenBit = base.filter { $0.scanner == "SSZ-LINAC-2" || $0.scanner == "GYE-LINAC-1" }
        #expect(!sixteenBit.isEmpty, "no 16-bit scan to look at")
        for record in sixteenBit {
            let maps = try [usual, drifted].map {
                try Scan.load(imagePath: $0.path("scans/\(record.scanID).png"), decoder: ImageDecoder(), diagnostics: DiagnosticBag()).attenuation()
            }
            // In the air at the image's left edge, rows that read 0.1 to 0.36 more or less.
            let shifted = (0..<maps[0].height).filter { y in
                let difference = (0..<8).map { maps[1].values[y * maps[1].width + $0] - maps[0].values[y * maps[0].width + $0] }.reduce(0, +) / 8
                return abs(difference) > 0.07
            }
            #expect(!shifted.isEmpty, "\(record.scanID): no row with a drifted gain")
        }
    }

    /// The goods weigh what the plan says, and the image weighs what the scene holds: the sum of
    /// A/μ over the picture recovers the rendered mass (noise and mild beam hardening aside).
    @Test func theImageWeighsTheScene() throws {
        var rng = SeededRandom(seed: 5)
        let type = ContainerType.named("22G1")!
        let profile = ScannerProfile.named("SSZ-LINAC-2")!.withPitch(scaledBy: 2)
        let (grid, left, top) = SceneBuilder.gridFor(type: type, pitchX: profile.pitchX, pitchY: profile.pitchY, rng: &rng)
        let plan = ScenePlan(type: type, doorOnRight: true, cargo: CargoKind.named("sugar"), goodsMassKg: 12000,
                             anomaly: .none, strength: 0)
        var builder = SceneBuilder(plan: plan, grid: grid, left: left, top: top, rng: rng)
        let scene = builder.build()
        #expect(abs(scene.goodsMassKg - 12000) < 60, "goods rendered at \(scene.goodsMassKg) kg")
        // Sugar (cellulose μ) only: compare measured and true attenuation on the goods.
        let energy = profile.effectiveMeV
        let truth = scene.attenuation(effectiveMeV: energy)
        var measureRNG = SeededRandom(seed: 9)
        let (data, _) = try profile.measure(attenuation: truth, width: grid.width, height: grid.height, rng: &measureRNG)
        let pixels = try ImageDecoder().decode(data).pixels
        let map = try AttenuationTransform(encoding: profile.encoding, bitDepth: 16).apply(pixels)
        // Away from edges (the detector blur averages transmission, not attenuation, so a
        // sharp edge next to a steel sheet reads low: the partial-volume effect).
        var measured = 0.0, actual = 0.0
        for y in 1..<grid.height - 1 {
            for x in 1..<grid.width - 1 {
                let neighbours = [-grid.width - 1, -grid.width, -grid.width + 1, -1, 0, 1, grid.width - 1, grid.width, grid.width + 1]
                    .map { truth[y * grid.width + x + $0] }
                guard neighbours.max()! < 6, neighbours.max()! - neighbours.min()! < 0.2 else { continue }
                measured += Double(map.values[y * grid.width + x])
                actual += truth[y * grid.width + x]
            }
        }
        let ratio = measured / actual
        #expect(ratio > 0.93 && ratio < 1.02, "measured/true attenuation \(ratio)")
    }

    @Test func threatProjectionAddsTheMassItClaims() throws {
        let folder = try TemporaryFolder()
        let width = 300, height = 120
        let samples = [UInt16](repeating: 30000, count: width * height)
        try ImageEncoder.png(PixelImage(width: width, height: height, samples: samples)).write(to: URL(fileURLWithPath: folder.path("c.png")))
        let sidecar = Sidecar(scanID: "C", containerID: "MSKU1234565", portOfScan: "BRSSZ", scannerID: "X", energyMeV: 6,
                              pitchX: 10, pitchY: 10, encoding: .transmission(air: 60000, dark: 250), doorSide: .left, scannedAt: nil)
        try JSONSerialization.data(withJSONObject: sidecar.jsonObject()).write(to: URL(fileURLWithPath: folder.path("c.json")))
        let scan = try Scan.load(imagePath: folder.path("c.png"), diagnostics: DiagnosticBag())
        let result = try ThreatProjection.project(scan: scan, massKg: 30, at: (150, 80))
        #expect(abs(result.massKg - 30) < 1.5)
        let after = try ImageDecoder().decode(result.data).pixels
        let before = try scan.attenuation()
        let afterMap = try AttenuationTransform(encoding: sidecar.encoding, bitDepth: 16).apply(after)
        let mu = Material.cocaine.massAttenuation(atMeV: 2)
        var addedKg = 0.0
        var outside = 0.0
        for y in 0..<height {
            for x in 0..<width {
                let delta = Double(afterMap[x, y] - before[x, y])
                let inBox = x >= result.bbox[0] && x < result.bbox[0] + result.bbox[2] && y >= result.bbox[1] && y < result.bbox[1] + result.bbox[3]
                if inBox { addedKg += delta / mu * sidecar.pixelAreaCm2 / 1000 } else { outside += abs(delta) }
            }
        }
        #expect(abs(addedKg - 30) < 2, "recovered \(addedKg) kg")
        #expect(outside < 0.01, "nothing changes outside the box")
    }
}

/// `scangen --tilt`: the noise-free field turned about its centre by the container's angle in
/// millimetres (at anisotropic pixels, a row is pitchY / pitchX columns long).
@Suite struct TiltTests {
    @Test func aTiltTurnsTheFieldAboutItsCentre() {
        let width = 400, height = 100
        var field = [Double](repeating: 0, count: width * height)
        for y in 19..<22 { for x in 299..<302 { field[y * width + x] = 5 } }
        #expect(Tilt(degrees: 0, width: width, height: height).turned(field) == field, "no turn, the same field")
        let turn = Tilt(degrees: 2, width: width, height: height, pitchX: 5, pitchY: 10)
        let turned = turn.turned(field)
        let peak = turned.indices.max { turned[$0] < turned[$1] }!
        let (px, py) = (peak % width, peak / width)
        let expected = turn.turned(x: 300.5, y: 20.5)
        #expect(abs(Double(px) + 0.5 - expected.x) <= 1 && abs(Double(py) + 0.5 - expected.y) <= 1, "peak at (\(px), \(py)), expected \(expected)")
        // 100.5 columns right of the centre at 5 mm are 502 mm: at 2°, 17.5 mm lower, 1.75 rows
        // of 10 mm (less 0.02 rows for being 29.5 rows above the centre).
        let angle = 2 * Double.pi / 180
        #expect(abs(expected.y - 20.5 - (100.5 * 5 * sin(angle) / 10 + (20.5 - 50) * (cos(angle) - 1))) < 1e-9)
        let box = turn.turned(bbox: [299, 19, 3, 3])
        let inX = px >= box[0] && px < box[0] + box[2], inY = py >= box[1] && py < box[1] + box[3]
        #expect(inX && inY, "\(box)")
        // What the field weighs is kept (the turn keeps areas; bilinear sampling, within 5 %).
        let before: Double = field.reduce(0, +), after: Double = turned.reduce(0, +)
        #expect(abs(after / before - 1) < 0.05, "\(after) against \(before)")
    }
}

/// `scangen --tractor`: the tractor unit stands ahead of the trailer's front, the picture is
/// widened on that side as far as it needs, the trailer's picture is moved, not changed, and
/// the tractor weighs what a 4x2 tractor does.
@Suite struct TractorRenderTests {
    @Test(arguments: [true, false])
    func theTractorStandsAheadOfTheTrailersFront(frontOnLeft: Bool) {
        let grid = SceneGrid(width: 400, height: 100, pitchX: 20, pitchY: 40)  // 8 m by 4 m
        var field = [Double](repeating: 0, count: grid.width * grid.height)
        field[50 * grid.width + 200] = 3  // a mark in the trailer, 3 m behind its front face
        let face = frontOnLeft ? 1000.0 : 7000.0, ground = 100 * 40 - 80.0
        let tractor = Tractor.standard(roofTop: 3800)
        let coupled = tractor.coupled(to: field, grid: grid, face: face, frontOnLeft: frontOnLeft, ground: ground,
                                      trailerBottom: ground - 1300, effectiveMeV: 3)
        let added = Int(((tractor.reach - 1000) / 20).rounded(.up))
        #expect(coupled.grid.width == grid.width + added && coupled.grid.height == grid.height)
        #expect(coupled.shift == (frontOnLeft ? added : 0))
        #expect(coupled.attenuation[50 * coupled.grid.width + 200 + coupled.shift] == 3, "the trailer's picture moved, unchanged")
        // Nothing of the tractor more than 1.5 m behind the trailer's front (its rails run under
        // the fifth wheel), and something ahead of it, up to its bumper.
        let newFace = face + Double(coupled.shift) * 20
        for r in 0..<grid.height {
            for c in 0..<coupled.grid.width {
                let t = (frontOnLeft ? newFace - Double(c) * 20 : Double(c) * 20 - newFace)
                if t < -1560 || t > tractor.cabFront + 120 {
                    let original = frontOnLeft ? c - coupled.shift : c
                    let before = original >= 0 && original < grid.width ? field[r * grid.width + original] : 0
                    #expect(coupled.attenuation[r * coupled.grid.width + c] == before, "tractor at \(t) mm from the front face")
                }
            }
        }
        let layers = tractor.layers(grid: coupled.grid, face: newFace, frontOnLeft: frontOnLeft, ground: ground, trailerBottom: ground - 1300)
        let mass = layers.reduce(0) { $0 + $1.massKg }
        #expect(mass > 5000 && mass < 9000, "\(mass) kg")
    }
}

/// `scangen --tight-framing`: the picture is cut to the framing around the container, each
/// pixel kept where it was relative to the container.
@Suite struct FramingRenderTests {
    @Test(arguments: [true, false])
    func aTightFrameKeepsTheContainerAndCutsTheRest(doorsOnRight: Bool) {
        let grid = SceneGrid(width: 300, height: 200, pitchX: 10, pitchY: 10)  // 3 m by 2 m
        let field = (0..<(300 * 200)).map { Double($0) }
        // A container from x 0.5 to 2.5 m, y 0.4 to 1.4 m.
        let framing = Framing(above: 50, below: 200, beyondDoors: 100)
        let cut = framing.cropped(field, grid: grid, top: 400, bottom: 1400, doorFace: doorsOnRight ? 2500 : 500, doorsOnRight: doorsOnRight)
        #expect(cut.y == 35 && cut.grid.height == 161 - 35, "rows \(cut.y)..<\(cut.y + cut.grid.height)")
        #expect(doorsOnRight ? (cut.x == 0 && cut.grid.width == 261) : (cut.x == 40 && cut.grid.width == 260))
        for (r, c) in [(0, 0), (60, 100), (cut.grid.height - 1, cut.grid.width - 1)] {
            #expect(cut.field[r * cut.grid.width + c] == field[(r + cut.y) * grid.width + c + cut.x])
        }
    }
}


/// A field of attenuation measured by SSZ-LINAC-2 (5 mm pitch both ways) as `change` makes
/// it, read back as an attenuation map; and a map's mean over a rectangle.
private func measuredBySSZ(_ field: [Double], width: Int, height: Int, seed: UInt64,
                           _ change: (inout ScannerProfile) -> Void) throws -> AttenuationMap {
    var scanner = ScannerProfile.named("SSZ-LINAC-2")!
    change(&scanner)
    var rng = SeededRandom(seed: seed)
    let (data, _) = try scanner.measure(attenuation: field, width: width, height: height, rng: &rng)
    let image = try ImageDecoder().decode(data)
    return try AttenuationTransform(encoding: scanner.encoding, bitDepth: 16).apply(image.pixels)
}

private func mean(_ map: AttenuationMap, _ xs: Range<Int>, _ ys: Range<Int>) -> Double {
    var sum = 0.0
    for y in ys { for x in xs { sum += Double(map.values[y * map.width + x]) } }
    return sum / Double(xs.count * ys.count)
}

/// `scangen --scatter`: the scatter from what each slice (column) takes out of the beam reaches
/// that column's detectors only, spread along them: a dense block reads lighter, air columns
/// beside it read as air.
@Suite struct ScatterTests {
    @Test func scatterLightensDenseMatterInItsOwnColumns() throws {
        let width = 120, height = 200
        var field = [Double](repeating: 0, count: width * height)
        for y in 80..<140 { for x in 40..<80 { field[y * width + x] = 6 } }  // a block reading A = 6
        let clean = try measuredBySSZ(field, width: width, height: height, seed: 11) { _ in }
        let scattered = try measuredBySSZ(field, width: width, height: height, seed: 11) { $0.scatter = 0.005 }
        let block = (45..<75, 95..<125)
        #expect(abs(mean(clean, block.0, block.1) - 6) < 0.4, "\(mean(clean, block.0, block.1))")
        #expect(mean(scattered, block.0, block.1) < mean(clean, block.0, block.1) - 0.4, "\(mean(scattered, block.0, block.1))")
        // Air columns beside the block: no scatter from it.
        #expect(abs(mean(scattered, 0..<30, 0..<height) - mean(clean, 0..<30, 0..<height)) < 0.01)
    }
}

/// `scangen --blur`: a Gaussian spread of the transmitted beam in mm, both ways, for checking
/// that the comparator holds on scanners blurrier than scangen's own. A dense block's edge
/// spreads over about the deviation's width in pixels each way; far inside the block and far
/// out in the air it reads as before; and the block reads lighter where the blur mixes it with
/// air (what is blurred is the transmission, and −ln of a mean is below the mean of −ln).
@Suite struct BlurTests {
    @Test func blurSpreadsEdgesByItsWidthInMillimetres() throws {
        let width = 160, height = 200
        var field = [Double](repeating: 0, count: width * height)
        for y in 60..<140 { for x in 60..<100 { field[y * width + x] = 4 } }  // a block reading A = 4
        let sharp = try measuredBySSZ(field, width: width, height: height, seed: 12) { _ in }
        let blurred = try measuredBySSZ(field, width: width, height: height, seed: 12) { $0.blurMM = 15 }  // three pixels
        // Three pixels inside the edge: the sharp scan reads the block, the blurred one much less.
        #expect(abs(mean(sharp, 62..<63, 80..<120) - 4) < 0.2, "\(mean(sharp, 62..<63, 80..<120))")
        #expect(mean(blurred, 62..<63, 80..<120) < 3, "\(mean(blurred, 62..<63, 80..<120))")
        // Three pixels outside it: air in the sharp scan, some of the block in the blurred one.
        #expect(abs(mean(sharp, 57..<58, 80..<120)) < 0.05 && mean(blurred, 57..<58, 80..<120) > 0.1)
        // Far from the edges both read as they are.
        #expect(abs(mean(blurred, 75..<85, 90..<110) - mean(sharp, 75..<85, 90..<110)) < 0.05)
        #expect(abs(mean(blurred, 0..<30, 0..<height) - mean(sharp, 0..<30, 0..<height)) < 0.01)
        // The block as a whole (with its blurred margin) reads lighter.
        #expect(mean(blurred, 40..<120, 40..<160) < mean(sharp, 40..<120, 40..<160) - 0.05)
    }
}
