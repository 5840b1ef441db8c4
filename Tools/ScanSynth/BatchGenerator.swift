import Foundation
import TriageCore
import TriagePhysics

/// One container of a synthetic batch, with its truth.
public struct TruthRecord: Sendable, Codable {
    public var scanID: String
    public var containerID: String
    public var anomaly: AnomalyKind
    public var strength: Double
    public var contrabandKg: Double
    public var bbox: [Int]?
    public var cargo: String
    public var isoType: String
    public var scanner: String
    public var goodsMassKg: Double
    public var declaredGoodsKg: Double
    public var declaredEmpty: Bool
    public var imageWidth: Int
    public var imageHeight: Int

    public static let csvHeader = "scan_id,container_id,anomaly,strength,contraband_kg,bbox_x,bbox_y,bbox_w,bbox_h,cargo,iso_type,scanner,goods_mass_kg,declared_goods_kg,declared_empty,image_width,image_height"

    public var csvRow: String {
        let box = bbox.map { $0.map(String.init) } ?? ["", "", "", ""]
        return [scanID, containerID, anomaly.rawValue, String(format: "%.3f", strength), String(format: "%.1f", contrabandKg)]
            .joined(separator: ",") + "," + box.joined(separator: ",") + ","
            + [cargo, isoType, scanner, String(format: "%.0f", goodsMassKg), String(format: "%.0f", declaredGoodsKg),
               declaredEmpty ? "true" : "false", String(imageWidth), String(imageHeight)].joined(separator: ",")
    }
}

/// What a batch should contain.
public struct BatchSpec: Sendable {
    public var name: String
    public var seed: UInt64
    public var containers: Int
    /// Share of containers with an anomaly.
    public var anomalyRate: Double
    /// Share of containers that are empty (and declared so).
    public var emptyRate: Double
    public var anomalyKinds: [AnomalyKind]
    public var cargo: [CargoKind]
    public var scanners: [ScannerProfile]
    /// Multiplies every scanner's pitch (coarser, smaller samples).
    public var pitchScale: Double
    /// Relative spread of the truck's speed past a drive-through scanner that the sidecar does
    /// not know of: each scan's true horizontal pitch is the stated one times 1 + this × N(0, 1)
    /// (within three spreads), while its sidecar states the scanner's nominal pitch. 0: exact.
    public var speedError: Double = 0
    /// Linac pulses that did not fire, per column of a scan (e.g. 0.001): each scan gets a
    /// Poisson number of them (this rate times its width), in runs of one to three columns
    /// that read no beam from top to bottom. 0: none.
    public var missedPulseRate: Double = 0
    /// Dead detector channels: this many rows, at the same height in every scan of the batch
    /// (drawn once from the seed), in runs of one or two, read no beam. 0: none.
    public var deadChannels: Int = 0
    /// Detector channels whose gain has drifted: this many runs of 1 to 8 rows, at the same
    /// height in every scan (drawn once from the seed), reading 0.7-0.9 or 1.1-1.3 times the
    /// beam. 0: none.
    public var gainErrors: Int = 0
    /// The container on its chassis stands tilted (a trailer not level, a chassis lower at one
    /// end): each scan is turned by an angle drawn uniformly within ± this many degrees, the
    /// noise-free attenuation turned before the scanner measures it. 0: level.
    public var tiltDegrees: Double = 0
    /// Share of scans that show the tractor unit coupled ahead of the trailer (``Tractor``), as
    /// gantry scanners that scan the whole truck do. 0: none (the trailer alone).
    public var tractorRate: Double = 0
    /// Share of scans framed tightly (``Framing``): little air above the roof and beyond the
    /// doors, the picture cut through the chassis. 0: none.
    public var tightFraming: Double = 0
    /// Scatter reaching the detectors (``ScannerProfile/scatter``) on every scanner. 0: none.
    public var scatter: Double = 0
    /// Extra blur (``ScannerProfile/blurMM``) on every scanner. 0: none.
    public var blurMM: Double = 0
    /// Beam hardening (``ScannerProfile/hardening``) on every scanner instead of its own. Nil: its own.
    public var hardening: Double? = nil
    public var portOfLoading: String
    public var day: String

    public init(name: String, seed: UInt64, containers: Int, anomalyRate: Double = 0.2, emptyRate: Double = 0.06,
                anomalyKinds: [AnomalyKind] = AnomalyKind.allCases.filter(\.isAnomaly),
                cargo: [CargoKind] = CargoKind.catalog, scanners: [ScannerProfile] = ScannerProfile.builtIn,
                pitchScale: Double = 1, portOfLoading: String = "BRSSZ", day: String = "2026-11-28") {
        self.name = name
        self.seed = seed
        self.containers = containers
        self.anomalyRate = anomalyRate
        self.emptyRate = emptyRate
        self.anomalyKinds = anomalyKinds
        self.cargo = cargo
        self.scanners = scanners
        self.pitchScale = pitchScale
        self.portOfLoading = portOfLoading
        self.day = day
    }
}

/// Writes a transmission batch in the interchange layout, with the truth beside it.
public enum BatchGenerator {
    static let owners = ["MSKU", "MAEU", "CMAU", "HLXU", "MSCU", "TGHU", "SEGU", "TCNU", "CGMU", "OOLU", "HASU", "SUDU"]

    /// Generates the batch into `folder` (manifests/, scans/) and returns the truth records.
    public static func generate(_ spec: BatchSpec, into folder: URL) throws -> [TruthRecord] {
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("manifests"), withIntermediateDirectories: true)
        try manager.createDirectory(at: folder.appendingPathComponent("scans"), withIntermediateDirectories: true)
        var truth: [TruthRecord] = []
        var manifestContainers: [[String: Any]] = []
        var usedIDs = Set<String>()
        // Where the dead channels are, as shares of a scan's height: the same detector rows in
        // every scan.
        var channels: [(share: Double, rows: Int)] = []
        if spec.deadChannels > 0 {
            var draw = SeededRandom(seed: spec.seed ^ 0xDEAD_C4A7)
            for _ in 0..<spec.deadChannels { channels.append((draw.uniform(0.03, 0.97), 1 + Int(draw.next() % 2))) }
        }
        var drifted: [(share: Double, rows: Int, factor: Double)] = []
        if spec.gainErrors > 0 {
            var draw = SeededRandom(seed: spec.seed ^ 0x6A1_E660)
            for _ in 0..<spec.gainErrors {
                let factor = draw.chance(0.5) ? draw.uniform(0.7, 0.9) : draw.uniform(1.1, 1.3)
                drifted.append((draw.uniform(0.03, 0.97), 1 + Int(draw.next() % 8), factor))
            }
        }
        for index in 0..<spec.containers {
            var rng = SeededRandom(seed: spec.seed, stream: UInt64(index))
            // Identity.
            var id: ContainerNumber
            repeat {
                id = ContainerNumber.make(owner: String(rng.pick(owners).prefix(3)), serial: Int(rng.next() % 1_000_000))
            } while usedIDs.contains(id.value)
            usedIDs.insert(id.value)
            var scanner = rng.pick(spec.scanners).withPitch(scaledBy: spec.pitchScale)
            scanner.scatter = spec.scatter
            scanner.blurMM = spec.blurMM
            if let hardening = spec.hardening { scanner.hardening = hardening }
            // The pitch the scan is made at; the sidecar states the scanner's. Drawn from a
            // stream of its own, so that batches without a speed error are unchanged.
            var truePitchX = scanner.pitchX
            if spec.speedError > 0 {
                var speed = SeededRandom(seed: spec.seed ^ 0x5EED_0F_5EED, stream: UInt64(index))
                truePitchX *= 1 + spec.speedError * max(-3, min(3, speed.normal()))
            }
            // What is in it.
            var anomaly: AnomalyKind = .none
            let empty = rng.chance(spec.emptyRate)
            if rng.chance(spec.anomalyRate), !spec.anomalyKinds.isEmpty { anomaly = rng.pick(spec.anomalyKinds) }
            var cargo: CargoKind? = empty ? nil : rng.pick(spec.cargo)
            if anomaly == .declaredEmptyLoaded { cargo = rng.pick(spec.cargo.filter { $0.packing != .scrap }) }
            if empty && (anomaly == .concealedInLoad || anomaly == .massUnderdeclared) { anomaly = rng.chance(0.5) ? .doorZone : .topOfLoad }
            let reefer = (cargo?.needsReefer ?? false) || anomaly == .reeferMachinery || (cargo == nil && rng.chance(0.3))
            let types = reefer ? ["22R1", "45R1", "42R1"] : ["22G1", "42G1", "45G1"]
            let type = ContainerType.named(rng.pick(types))!
            let is40 = type.length > 9000
            var goodsMass = 0.0
            if let cargo {
                let range = is40 ? cargo.mass40 : cargo.mass20
                goodsMass = min(type.maxPayloadKg * 0.97, rng.uniform(range.lowerBound, range.upperBound))
            }
            if anomaly == .declaredEmptyLoaded { goodsMass *= rng.uniform(0.12, 0.4) }
            let strength = rng.unit()
            var declaredGoods = goodsMass * (1 + 0.025 * rng.normal())
            if anomaly == .massUnderdeclared {
                // The box carries far more than declared: 12 % (hard) to 40 % (obvious) more.
                let ratio = 1.12 + 0.28 * strength
                goodsMass = min(type.maxPayloadKg, goodsMass * ratio)
                declaredGoods = goodsMass / ratio * (1 + 0.02 * rng.normal())
            }
            declaredGoods = min(declaredGoods, type.maxPayloadKg)
            let declaredEmpty = cargo == nil || anomaly == .declaredEmptyLoaded
            // The picture.
            let (sceneGrid, left, top) = SceneBuilder.gridFor(type: type, pitchX: truePitchX, pitchY: scanner.pitchY, rng: &rng)
            var grid = sceneGrid
            let plan = ScenePlan(type: type, doorOnRight: rng.chance(0.5), cargo: cargo, goodsMassKg: goodsMass,
                                 anomaly: anomaly, strength: strength)
            var builder = SceneBuilder(plan: plan, grid: grid, left: left, top: top, rng: rng)
            let scene = builder.build()
            var attenuation = scene.attenuation(effectiveMeV: scanner.effectiveMeV)
            // Tilt from a stream of its own, so that batches without it are unchanged.
            var anomalyBBox = scene.anomalyBBox
            var containerLeft = left  // mm, as the picture is widened or cut
            // The tractor from a stream of its own, so that batches without it are unchanged;
            // before the tilt (the whole truck stands tilted).
            if spec.tractorRate > 0 {
                var unit = SeededRandom(seed: spec.seed ^ 0x7AC_7012, stream: UInt64(index))
                if unit.unit() < spec.tractorRate {
                    let ground = Double(grid.height) * grid.pitchY - 80
                    let tractor = Tractor.draw(&unit, trailerTop: ground - top)
                    let frontOnLeft = plan.doorOnRight
                    let coupled = tractor.coupled(to: attenuation, grid: grid, face: frontOnLeft ? left : left + type.length,
                                                  frontOnLeft: frontOnLeft, ground: ground, trailerBottom: top + type.height,
                                                  effectiveMeV: scanner.effectiveMeV)
                    attenuation = coupled.attenuation
                    grid = coupled.grid
                    anomalyBBox = anomalyBBox.map { [$0[0] + coupled.shift, $0[1], $0[2], $0[3]] }
                    containerLeft += Double(coupled.shift) * grid.pitchX
                }
            }
            // Tight framing from a stream of its own, so that batches without it are unchanged.
            if spec.tightFraming > 0 {
                var frame = SeededRandom(seed: spec.seed ^ 0xF4A_3E0, stream: UInt64(index))
                if frame.unit() < spec.tightFraming {
                    let framing = Framing.draw(&frame)
                    let cut = framing.cropped(attenuation, grid: grid, top: top, bottom: top + type.height,
                                              doorFace: plan.doorOnRight ? containerLeft + type.length : containerLeft,
                                              doorsOnRight: plan.doorOnRight)
                    attenuation = cut.field
                    grid = cut.grid
                    anomalyBBox = anomalyBBox.map { [$0[0] - cut.x, $0[1] - cut.y, $0[2], $0[3]] }
                }
            }
            if spec.tiltDegrees > 0 {
                var tilt = SeededRandom(seed: spec.seed ^ 0x711_7ED, stream: UInt64(index))
                let turn = Tilt(degrees: tilt.uniform(-spec.tiltDegrees, spec.tiltDegrees), width: grid.width, height: grid.height,
                                pitchX: truePitchX, pitchY: scanner.pitchY)
                attenuation = turn.turned(attenuation)
                anomalyBBox = anomalyBBox.map(turn.turned(bbox:))
            }
            // Missed pulses from a stream of their own, so that batches without them are unchanged.
            var missed = Set<Int>()
            if spec.missedPulseRate > 0 {
                var pulses = SeededRandom(seed: spec.seed ^ 0xDEAD_C01, stream: UInt64(index))
                let expected = spec.missedPulseRate * Double(grid.width)
                // Poisson by counting exponential gaps.
                var count = 0, total = 0.0
                while true {
                    total += -log(max(1e-12, pulses.unit()))
                    if total > expected { break }
                    count += 1
                }
                for _ in 0..<count {
                    let start = Int(pulses.next() % UInt64(grid.width)), length = 1 + Int(pulses.next() % 3)
                    for x in start..<min(grid.width, start + length) { missed.insert(x) }
                }
            }
            var deadRows = Set<Int>()
            for (share, rows) in channels { for y in 0..<rows { deadRows.insert(Int(share * Double(grid.height)) + y) } }
            var gainRows: [Int: Double] = [:]
            for (share, rows, factor) in drifted { for y in 0..<rows { gainRows[Int(share * Double(grid.height)) + y] = factor } }
            let (data, ext) = try scanner.measure(attenuation: attenuation, width: grid.width, height: grid.height, rng: &rng,
                                                  missedPulses: missed, deadChannels: deadRows, gainErrors: gainRows)
            let scanID = "\(scanner.port.suffix(3))-\(spec.name)-\(String(format: "%04d", index + 1))"
            try data.write(to: folder.appendingPathComponent("scans/\(scanID).\(ext)"))
            let sidecar = Sidecar(scanID: scanID, containerID: id.value, portOfScan: scanner.port, scannerID: scanner.id,
                                  energyMeV: scanner.energyMeV, pitchX: scanner.pitchX, pitchY: scanner.pitchY,
                                  encoding: scanner.encoding, doorSide: plan.doorOnRight ? .right : .left,
                                  scannedAt: "\(spec.day)T\(String(format: "%02d:%02d", index / 60 % 24, index % 60)):00Z")
            try JSONSerialization.data(withJSONObject: sidecar.jsonObject(), options: [.prettyPrinted, .sortedKeys])
                .write(to: folder.appendingPathComponent("scans/\(scanID).json"))
            // The declaration.
            var entry: [String: Any] = [
                "container_id": id.value, "iso_type": type.code, "seals": ["\(scanner.port.suffix(3))\(1_000_000 + index)"],
                "tare_kg": (type.tareKg * (1 + 0.01 * rng.normal())).rounded(), "empty": declaredEmpty,
                "shipper": "Exporter \(index % 17 + 1) Ltda", "consignee": "Importer \(index % 13 + 1) BV",
            ]
            if !declaredEmpty, let cargo {
                let packages = cargo.packageKg > 0 ? max(1, Int((declaredGoods / cargo.packageKg).rounded())) : 1
                entry["goods"] = [["hs_code": cargo.hsCode, "description": cargo.description, "packages": packages,
                                   "package_kind": cargo.packageKind, "gross_kg": (declaredGoods / 10).rounded() * 10]]
            } else {
                entry["goods"] = [[String: Any]]()
            }
            manifestContainers.append(entry)
            truth.append(TruthRecord(scanID: scanID, containerID: id.value, anomaly: anomaly, strength: strength,
                                     contrabandKg: scene.contrabandKg, bbox: anomalyBBox, cargo: cargo?.name ?? "empty",
                                     isoType: type.code, scanner: scanner.id, goodsMassKg: scene.goodsMassKg,
                                     declaredGoodsKg: declaredEmpty ? 0 : (declaredGoods / 10).rounded() * 10,
                                     declaredEmpty: declaredEmpty, imageWidth: grid.width, imageHeight: grid.height))
        }
        let manifest: [String: Any] = [
            "manifest_id": "\(spec.portOfLoading)-\(spec.day)-\(spec.name)",
            "liaison_office": "LO-\(spec.portOfLoading)",
            "vessel": ["name": "SYNTHETIC TRADER", "imo": "9321483", "voyage": "ST\(spec.seed % 1000)"],
            "port_of_loading": spec.portOfLoading, "port_of_discharge": "NLRTM",
            "departure": spec.day, "eta": "2026-12-12",
            "containers": manifestContainers,
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
            .write(to: folder.appendingPathComponent("manifests/\(spec.name).json"))
        return truth
    }

    /// `truth.csv`: one row per container.
    public static func writeTruth(_ records: [TruthRecord], to url: URL) throws {
        let text = ([TruthRecord.csvHeader] + records.map(\.csvRow)).joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: url)
    }

    /// `outcomes.csv` (interchange §5) as inspections would have found them.
    public static func writeOutcomes(_ records: [TruthRecord], to url: URL) throws {
        let rows = records.map { "\($0.containerID),\($0.anomaly.isAnomaly ? "hit" : "clean")" }
        try Data((["container_id,outcome"] + rows).joined(separator: "\n").appending("\n").utf8).write(to: url)
    }
}
