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

    /// Decodes `path` and, if `NAME.json` sits beside it, reads it as the scan's sidecar.
    public static func inspect(_ path: String, decoder: ImageDecoder) -> Inspection {
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
        let bag = DiagnosticBag()
        defer { result.diagnostics = bag.diagnostics }
        guard let sidecar = Sidecar.load(sidecarPath, diagnostics: bag) else { return result }
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
        } catch let error as ScanTriageError {
            bag.error(error.reason, at: error.location ?? SourceLocation(file: sidecarPath))
        } catch {
            bag.error("\(error)", at: SourceLocation(file: sidecarPath))
        }
        return result
    }
}
