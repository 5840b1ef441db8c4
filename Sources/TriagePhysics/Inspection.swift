import Foundation
import TriageCore
import TriageDecode

/// What `scantriage inspect` says of one file: the image as stored and, when a sidecar is
/// beside it, the attenuation it encodes.
public struct Inspection: Sendable, Codable {
    public var file: String
    public var image: ImageInfo?
    /// Set when the scan's sidecar was found and valid.
    public var scan: ScanSummary?
    /// Why the image could not be decoded, when it could not.
    public var error: String?
    public var errorCode: String?
    /// Problems with the sidecar, located (the image itself may still be fine).
    public var diagnostics: [Diagnostic]

    /// What the beam saw of the container's cargo space (when the caller asked and the
    /// container was found): how much of it cannot be cleared, and why.
    public var cargoSpace: CargoSpace?

    public struct CargoSpace: Sendable, Codable {
        /// The size/type code (as declared, or inferred from the image).
        public var containerType: String
        /// Share of the cargo space opaque or beyond what the scan penetrates.
        public var cannotClear: Double
        /// The attenuation at which the scan ran out of photons, when it did.
        public var photonCeiling: Double?

        public init(containerType: String, cannotClear: Double, photonCeiling: Double?) {
            self.containerType = containerType
            self.cannotClear = cannotClear
            self.photonCeiling = photonCeiling
        }
    }

    public struct ScanSummary: Sendable, Codable {
        public var scanID: String
        public var containerID: String
        public var encoding: String
        public var attenuationMin: Double
        public var attenuationMax: Double
        public var saturation: Double
        public var opaqueFraction: Double
        public var degraded: Bool
    }

    public var succeeded: Bool { error == nil && !diagnostics.contains { $0.severity == .error } }

    /// Decodes `path` and, if `NAME.json` sits beside it, reads it as the scan's sidecar; with a
    /// valid sidecar, `cargoSpace` (when given) looks at the container in the scan. Its failure
    /// (no container found) is a warning: the file itself is fine.
    public static func inspect(_ path: String, decoder: ImageDecoder,
                               cargoSpace: ((Scan) throws -> CargoSpace)? = nil) -> Inspection {
        var result = Inspection(file: path, diagnostics: [])
        let image: DecodedImage
        do {
            image = try decoder.decode(file: path)
        } catch let error as ScanTriageError {
            result.error = error.reason
            result.errorCode = error.code.description
            return result
        } catch {
            result.error = "\(error)"
            result.errorCode = ScanTriageError.Code.internalError.description
            return result
        }
        result.image = image.info
        let sidecarPath = Sidecar.path(forImage: path)
        guard FileManager.default.fileExists(atPath: sidecarPath) else { return result }
        // The sidecar's problems go with the result (returned below, not from a `defer`: a
        // struct is copied out before a deferred assignment runs).
        let bag = DiagnosticBag()
        if let sidecar = Sidecar.load(sidecarPath, diagnostics: bag) {
            do {
                let scan = try Scan(imagePath: path, image: image, sidecar: sidecar)
                let map = try scan.attenuation()
                let encoding: String
                switch sidecar.encoding {
                case .transmission: encoding = "transmission"
                case .log: encoding = "log"
                }
                let (low, high) = map.range
                result.scan = ScanSummary(scanID: sidecar.scanID, containerID: sidecar.containerID, encoding: encoding,
                                          attenuationMin: Double(low), attenuationMax: Double(high),
                                          saturation: Double(map.saturation), opaqueFraction: map.opaqueFraction,
                                          degraded: scan.isDegraded)
                if let cargoSpace {
                    do {
                        result.cargoSpace = try cargoSpace(scan)
                    } catch let error as ScanTriageError {
                        bag.warning("cargo space not examined: \(error.reason)", at: SourceLocation(file: path))
                    } catch {
                        bag.warning("cargo space not examined: \(error)", at: SourceLocation(file: path))
                    }
                }
            } catch let error as ScanTriageError {
                bag.error(error.reason, at: error.location ?? SourceLocation(file: sidecarPath))
            } catch {
                bag.error("\(error)", at: SourceLocation(file: sidecarPath))
            }
        }
        result.diagnostics = bag.diagnostics
        return result
    }
}
