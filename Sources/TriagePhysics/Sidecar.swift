import Foundation
import TriageCore

/// How pixel values relate to attenuation (interchange spec §2).
public enum PixelEncoding: Sendable, Equatable, Codable {
    /// P is linear in transmitted intensity: A = -ln((P - dark) / (air - dark)).
    case transmission(air: Double, dark: Double)
    /// P is linear in attenuation: A = (zero - P) / scale. Values at or below `floor` are clipped
    /// (opaque); `floor` defaults to 0, the smallest code.
    case log(zero: Double, scale: Double, floor: Double)
}

extension PixelEncoding {
    /// The attenuation between two neighbouring codes where the air reads: 1 / scale for a log
    /// encoding, 1 / (air − dark) for a linear one (nothing at 16 bits).
    public var quantum: Double {
        switch self {
        case .transmission(let air, let dark): return air > dark ? 1 / (air - dark) : 0
        case .log(_, let scale, _): return scale > 0 ? 1 / scale : 0
        }
    }

    /// The encoding under which what reads attenuation `a` under this one reads 0: the scan's
    /// own air level, when the air in the image reads `a` (the sidecar's air or zero level off:
    /// a drifted source, a stale calibration, another normalisation).
    public func zeroing(_ a: Double) -> PixelEncoding {
        switch self {
        case .transmission(let air, let dark): return .transmission(air: dark + (air - dark) * exp(-a), dark: dark)
        case .log(let zero, let scale, let floor): return .log(zero: zero - a * scale, scale: scale, floor: floor)
        }
    }
}

/// The sidecar metadata of one scan (`SCAN_ID.json`, interchange spec §2).
public struct Sidecar: Sendable, Equatable, Codable {
    public var scanID: String
    public var containerID: String
    public var portOfScan: String
    public var scannerID: String
    public var energyMeV: Double
    /// Pixel pitch in millimetres along the container (x) and vertically (y).
    public var pitchX: Double
    public var pitchY: Double
    public var encoding: PixelEncoding
    public enum DoorSide: String, Sendable, Codable { case left, right }
    public var doorSide: DoorSide
    public var scannedAt: String?

    public init(scanID: String, containerID: String, portOfScan: String, scannerID: String, energyMeV: Double,
                pitchX: Double, pitchY: Double, encoding: PixelEncoding, doorSide: DoorSide, scannedAt: String?) {
        self.scanID = scanID
        self.containerID = containerID
        self.portOfScan = portOfScan
        self.scannerID = scannerID
        self.energyMeV = energyMeV
        self.pitchX = pitchX
        self.pitchY = pitchY
        self.encoding = encoding
        self.doorSide = doorSide
        self.scannedAt = scannedAt
    }

    /// Area of one pixel in cm².
    public var pixelAreaCm2: Double { pitchX * pitchY / 100 }

    /// Parses and validates a sidecar, reporting every problem with its JSON path. Returns nil
    /// when any error was reported.
    public static func parse(_ data: Data, file: String, diagnostics: any DiagnosticCollector) -> Sidecar? {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data, file: file)
        } catch let error as ScanTriageError {
            diagnostics.error(error.reason, at: error.location)
            return nil
        } catch {
            diagnostics.error("\(error)", at: SourceLocation(file: file))
            return nil
        }
        let local = DiagnosticBag()
        let json = JSONObjectReader(root, file: file, diagnostics: local)
        let scanID = json.string("scan_id")
        let containerID = json.string("container_id")
        let port = json.string("port_of_scan", expected: "a UN/LOCODE of 5 letters")
        if let port, let problem = UNLocode.problem(port) {
            local.error(problem, at: json.location("port_of_scan"))
        }
        var scannerID: String?
        var energy: Double?
        if let scanner = json.object("scanner") {
            scannerID = scanner.string("id")
            energy = scanner.number("energy_mev", in: 0.1...50, expected: "the linac energy in MeV")
            if let energy, !(1...15).contains(energy) {
                local.warning("\(energy) MeV is outside the 1 to 15 MeV of cargo linacs; attenuation coefficients are extrapolated",
                              at: scanner.location("energy_mev"))
            }
        }
        var pitchX: Double?
        var pitchY: Double?
        if let pitch = json.object("pixel_pitch_mm") {
            pitchX = pitch.number("x", in: 0.05...100, expected: "the pixel pitch along the container in mm")
            pitchY = pitch.number("y", in: 0.05...100, expected: "the vertical pixel pitch in mm")
        }
        var encoding: PixelEncoding?
        if let enc = json.object("encoding") {
            switch enc.choice("kind", of: ["transmission", "log"]) {
            case "transmission":
                let air = enc.number("air", in: 1...65535, expected: "the pixel value of unattenuated air")
                let dark = enc.number("dark", in: 0...65535, expected: "the pixel value with no beam")
                if let air, let dark {
                    if air <= dark {
                        local.error("air (\(air)) must be above dark (\(dark))", at: enc.location("air"))
                    } else {
                        encoding = .transmission(air: air, dark: dark)
                    }
                }
            case "log":
                let zero = enc.number("zero", in: -1e6...1e6, expected: "the pixel value of zero attenuation")
                let scale = enc.number("scale", in: -1e6...1e6, expected: "pixel values per unit of attenuation")
                let floor = enc.number("floor", required: false, in: 0...65535) ?? 0
                if let scale, scale <= 0 {
                    local.error("scale must be positive (larger A, smaller pixel value)", at: enc.location("scale"))
                } else if let zero, let scale {
                    encoding = .log(zero: zero, scale: scale, floor: floor)
                }
            default:
                break
            }
        }
        let door = json.choice("door_side", of: ["left", "right"])
        let scannedAt = json.string("scanned_at", required: false, expected: "an ISO 8601 time")
        if let scannedAt, (try? Date(scannedAt, strategy: .iso8601)) == nil {
            local.error("\"\(scannedAt)\" is not an ISO 8601 time like 2026-11-28T03:12:00Z", at: json.location("scanned_at"))
        }
        for diagnostic in local.diagnostics { diagnostics.emit(diagnostic) }
        guard !local.hasErrors, let scanID, let containerID, let port, let scannerID, let energy,
              let pitchX, let pitchY, let encoding, let door, let doorSide = DoorSide(rawValue: door) else {
            return nil
        }
        return Sidecar(scanID: scanID, containerID: containerID, portOfScan: port, scannerID: scannerID,
                       energyMeV: energy, pitchX: pitchX, pitchY: pitchY, encoding: encoding,
                       doorSide: doorSide, scannedAt: scannedAt)
    }

    /// Reads and validates the sidecar at `path`.
    public static func load(_ path: String, diagnostics: any DiagnosticCollector) -> Sidecar? {
        do {
            let data = try BoundedFile.read(path, maxBytes: 1 << 20)
            return parse(data, file: path, diagnostics: diagnostics)
        } catch let error as ScanTriageError {
            diagnostics.error(error.reason, at: error.location)
            return nil
        } catch {
            diagnostics.error("\(error)", at: SourceLocation(file: path))
            return nil
        }
    }

    /// The sidecar path for an image: the same name with `.json`.
    public static func path(forImage imagePath: String) -> String {
        let url = URL(fileURLWithPath: imagePath)
        return url.deletingPathExtension().appendingPathExtension("json").path
    }

    /// The sidecar as interchange JSON.
    public func jsonObject() -> [String: Any] {
        var enc: [String: Any]
        switch encoding {
        case .transmission(let air, let dark): enc = ["kind": "transmission", "air": air, "dark": dark]
        case .log(let zero, let scale, let floor):
            enc = ["kind": "log", "zero": zero, "scale": scale]
            if floor != 0 { enc["floor"] = floor }
        }
        var object: [String: Any] = [
            "scan_id": scanID, "container_id": containerID, "port_of_scan": portOfScan,
            "scanner": ["id": scannerID, "energy_mev": energyMeV],
            "pixel_pitch_mm": ["x": pitchX, "y": pitchY],
            "encoding": enc, "door_side": doorSide.rawValue,
        ]
        if let scannedAt { object["scanned_at"] = scannedAt }
        return object
    }
}
