import Foundation
import TriageCore
import TriageDecode

/// One scan: its decoded image and the sidecar that says how to read it.
public struct Scan: Sendable {
    /// Where the image came from, as the user named it.
    public var imagePath: String
    public var image: DecodedImage
    public var sidecar: Sidecar

    public init(imagePath: String, image: DecodedImage, sidecar: Sidecar) throws {
        guard image.pixels.channels == 1 else {
            throw ScanTriageError(.invalidSidecar, "a scan must be one channel; decode it as luminance",
                                  at: SourceLocation(file: imagePath))
        }
        self.imagePath = imagePath
        self.image = image
        self.sidecar = sidecar
    }

    /// True when the pixels are not what the scanner measured exactly (lossy JPEG, or 8 bits
    /// for a transmission image, where the quantisation is coarse in dense regions).
    public var isDegraded: Bool {
        image.info.format.isLossy || image.pixels.bitDepth < 16
    }

    /// The attenuation map of the scan, per the sidecar's encoding: of its first `rows` rows
    /// (``AttenuationTransform/apply(_:rows:)``), or of all.
    public func attenuation(rows: Int? = nil) throws -> AttenuationMap {
        try attenuation(of: image.pixels, rows: rows)
    }

    /// The sidecar's transform applied to other pixels of this scan (resampled ones, for a
    /// picture); errors are located at the sidecar.
    public func attenuation(of pixels: Pixels, rows: Int? = nil) throws -> AttenuationMap {
        do {
            let transform = try AttenuationTransform(encoding: sidecar.encoding, bitDepth: pixels.bitDepth)
            return try transform.apply(pixels, rows: rows)
        } catch var error as ScanTriageError {
            error.location = SourceLocation(file: Sidecar.path(forImage: imagePath))
            throw error
        }
    }

    /// Loads an image and its sidecar (`NAME.json` beside `NAME.png`), reporting problems with
    /// the sidecar to `diagnostics` and throwing when the scan cannot be used.
    public static func load(imagePath: String, sidecarPath: String? = nil, decoder: ImageDecoder = ImageDecoder(),
                            diagnostics: any DiagnosticCollector) throws -> Scan {
        let image = try decoder.decode(file: imagePath)
        let path = sidecarPath ?? Sidecar.path(forImage: imagePath)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ScanTriageError(.invalidSidecar, "no sidecar: expected \(path) beside the image",
                                  at: SourceLocation(file: imagePath))
        }
        guard let sidecar = Sidecar.load(path, diagnostics: diagnostics) else {
            throw ScanTriageError(.invalidSidecar, "sidecar is invalid (see the errors above)", at: SourceLocation(file: path))
        }
        return try Scan(imagePath: imagePath, image: image, sidecar: sidecar)
    }
}
