import Foundation
import TriageDecode
import TriagePhysics

/// Pictures for analysts: the scan as a radiograph (dense is dark) and the same with the
/// findings drawn over it.
public enum Heatmap {
    /// A scan made small for a picture: the radiograph in grey at square pixels, and how to place
    /// scan-pixel boxes on it. About 0.3 MB at 900 pixels wide; the batch keeps one for each
    /// container that may make the report's pictures, so the report need not decode it again.
    public struct Preview: Sendable {
        public var grey: PixelImage<UInt8>
        /// Millimetres per picture pixel, and the scan's pitch.
        public var size: Double
        public var pitchX: Double
        public var pitchY: Double

        public init(grey: PixelImage<UInt8>, size: Double, pitchX: Double, pitchY: Double) {
            self.grey = grey
            self.size = size
            self.pitchX = pitchX
            self.pitchY = pitchY
        }
    }

    /// The preview of a scan, at most `maxWidth` pixels wide, resampled to square pixels
    /// (scanners' pitch often differs along and across). The pixels are resampled first (nearest
    /// pixel) and only the picture's own pixels are transformed: the transform works pixel by
    /// pixel, so this is exactly the resampled attenuation map, at a small part of its cost. The
    /// grey scale's black is the picture's own 99.5th percentile.
    public static func preview(of scan: Scan, maxWidth: Int? = nil) throws -> Preview {
        let pixels = scan.image.pixels
        let pitchX = scan.sidecar.pitchX, pitchY = scan.sidecar.pitchY
        let physicalWidth = Double(pixels.width) * pitchX, physicalHeight = Double(pixels.height) * pitchY
        var size = min(pitchX, pitchY)
        if let maxWidth { size = max(size, physicalWidth / Double(maxWidth)) }
        let width = max(1, Int(physicalWidth / size)), height = max(1, Int(physicalHeight / size))
        let sourceX = (0..<width).map { min(pixels.width - 1, Int(Double($0) * size / pitchX)) }
        let sourceRow = (0..<height).map { min(pixels.height - 1, Int(Double($0) * size / pitchY)) * pixels.width }
        func resample<Sample>(_ image: PixelImage<Sample>) -> PixelImage<Sample> {
            let samples = [Sample](unsafeUninitializedCapacity: width * height) { out, initialized in
                image.samples.withUnsafeBufferPointer { source in
                    var index = 0
                    for row in sourceRow { for x in sourceX { out[index] = source[row &+ x]; index &+= 1 } }
                }
                initialized = width * height
            }
            return PixelImage(width: width, height: height, samples: samples)
        }
        let small: Pixels
        switch pixels {
        case .uint8(let image): small = .uint8(resample(image))
        case .uint16(let image): small = .uint16(resample(image))
        }
        let map = try scan.attenuation(of: small)
        return Preview(grey: map.radiograph(maxAttenuation: map.radiographBlack), size: size, pitchX: pitchX, pitchY: pitchY)
    }

    /// RGB: the preview in grey, tinted orange-red where the load is denser than its own
    /// context (``AnomalyMap``: the more, the stronger), findings' boxes outlined (red for
    /// scored evidence, amber for cannot-clear and for places reported but not scored), and the
    /// container's cargo space in thin blue.
    public static func overlay(_ preview: Preview, verdict: Verdict) -> PixelImage<UInt8> {
        let width = preview.grey.width, height = preview.grey.height
        let size = preview.size, pitchX = preview.pitchX, pitchY = preview.pitchY
        var rgb = [UInt8](unsafeUninitializedCapacity: width * height * 3) { out, initialized in
            preview.grey.samples.withUnsafeBufferPointer { grey in
                for index in 0..<(width * height) {
                    let v = grey[index]
                    out[index &* 3] = v
                    out[index &* 3 &+ 1] = v
                    out[index &* 3 &+ 2] = v
                }
            }
            initialized = width * height * 3
        }
        func paint(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
            let i = (y * width + x) * 3
            rgb[i] = c.0
            rgb[i + 1] = c.1
            rgb[i + 2] = c.2
        }
        // A box in scan pixels, `[x, y, width, height]`, as the picture's corners (not clipped;
        // adjacent boxes share their edge).
        func corners(_ b: [Int]) -> (x0: Int, y0: Int, x1: Int, y1: Int) {
            (Int(Double(b[0]) * pitchX / size), Int(Double(b[1]) * pitchY / size),
             Int(Double(b[0] + b[2]) * pitchX / size), Int(Double(b[1] + b[3]) * pitchY / size))
        }
        func box(_ b: [Int], _ color: (UInt8, UInt8, UInt8), thickness: Int) {
            let (x0, y0, x1, y1) = corners(b)
            // Clipped to the picture (a box partly or wholly outside it draws what is inside).
            for t in 0..<thickness {
                let left = max(0, x0 - t), right = min(width - 1, x1 + t)
                let upper = max(0, y0 - t), lower = min(height - 1, y1 + t)
                if left <= right {
                    for x in left...right {
                        for y in [y0 - t, y1 + t] where y >= 0 && y < height { paint(x, y, color) }
                    }
                }
                if upper <= lower {
                    for y in upper...lower {
                        for x in [x0 - t, x1 + t] where x >= 0 && x < width { paint(x, y, color) }
                    }
                }
            }
        }
        // Where the load is denser than its own context, tinted: faint at z 3, strongest from
        // about 10 (``AnomalyMap``), under the boxes.
        if let m = verdict.measurements, let heat = m.anomalyMap {
            for k in heat.blocks.indices {
                let (measuredBox, z) = heat.block(k)
                let b = m.levelling.map { $0.scanBox(measuredBox) } ?? measuredBox
                let alpha = min(0.6, 0.2 + 0.06 * Double(z - AnomalyMap.threshold))
                let c = corners(b)
                let x0 = max(0, c.x0), y0 = max(0, c.y0), x1 = min(width, c.x1), y1 = min(height, c.y1)
                guard x0 < x1, y0 < y1 else { continue }
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let i = (y * width + x) * 3
                        rgb[i] = UInt8((Double(rgb[i]) * (1 - alpha) + 255 * alpha).rounded())
                        rgb[i + 1] = UInt8((Double(rgb[i + 1]) * (1 - alpha) + 60 * alpha).rounded())
                        rgb[i + 2] = UInt8((Double(rgb[i + 2]) * (1 - alpha)).rounded())
                    }
                }
            }
        }
        if let m = verdict.measurements { box(m.geometry.innerBBox, (60, 110, 220), thickness: 1) }
        for finding in verdict.findings.reversed() {
            guard let b = finding.bbox, b.count == 4 else { continue }
            if finding.kind == "mass" || finding.kind == "cargo_profile" || finding.kind == "geometry" { continue }
            let color: (UInt8, UInt8, UInt8) = finding.kind == "cannot_clear" || finding.score == 0 ? (240, 160, 0) : (230, 30, 30)
            box(b, color, thickness: 2)
        }
        return PixelImage(width: width, height: height, channels: 3, samples: rgb)
    }

    /// The overlay as PNG, or as JPEG (quality 90: several times faster to encode and smaller,
    /// which is what a report with dozens of pictures wants).
    public static func render(_ preview: Preview, verdict: Verdict, jpeg: Bool = false) throws -> Data {
        let picture = overlay(preview, verdict: verdict)
        return jpeg ? try ImageEncoder.jpeg(picture, quality: 90) : try ImageEncoder.png(picture)
    }

    public static func render(scan: Scan, verdict: Verdict, maxWidth: Int? = nil, jpeg: Bool = false) throws -> Data {
        try render(preview(of: scan, maxWidth: maxWidth), verdict: verdict, jpeg: jpeg)
    }
}
