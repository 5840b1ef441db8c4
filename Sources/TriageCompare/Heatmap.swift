import Foundation
import TriageDecode
import TriagePhysics

/// Pictures for analysts: the scan as a radiograph (dense is dark) and the same with the
/// findings drawn over it.
public enum Heatmap {
    /// RGB: the radiograph in grey, findings' boxes outlined (red for scored evidence, amber for
    /// cannot-clear), and the container's cargo space in thin blue. Resampled to square pixels
    /// (scanners' pitch often differs along and across), at most `maxWidth` wide.
    public static func overlay(_ map: AttenuationMap, verdict: Verdict, pitchX: Double = 1, pitchY: Double = 1,
                               maxWidth: Int? = nil) -> PixelImage<UInt8> {
        let physicalWidth = Double(map.width) * pitchX, physicalHeight = Double(map.height) * pitchY
        var size = min(pitchX, pitchY)
        if let maxWidth { size = max(size, physicalWidth / Double(maxWidth)) }
        let width = max(1, Int(physicalWidth / size)), height = max(1, Int(physicalHeight / size))
        // Resample first (nearest pixel), then map to grey: only the picture's pixels are mapped.
        let sourceX = (0..<width).map { min(map.width - 1, Int(Double($0) * size / pitchX)) }
        var small = [Float](repeating: 0, count: width * height)
        map.values.withUnsafeBufferPointer { a in
            for y in 0..<height {
                let row = min(map.height - 1, Int(Double(y) * size / pitchY)) * map.width
                for x in 0..<width { small[y * width + x] = a[row + sourceX[x]] }
            }
        }
        let grey = AttenuationMap(width: width, height: height, values: small, opaqueCount: 0, saturation: map.saturation)
            .radiograph(maxAttenuation: map.radiographBlack)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            let v = grey.samples[index]
            rgb[index * 3] = v
            rgb[index * 3 + 1] = v
            rgb[index * 3 + 2] = v
        }
        func paint(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
            let i = (y * width + x) * 3
            rgb[i] = c.0
            rgb[i + 1] = c.1
            rgb[i + 2] = c.2
        }
        func box(_ b: [Int], _ color: (UInt8, UInt8, UInt8), thickness: Int) {
            let x0 = Int(Double(b[0]) * pitchX / size), y0 = Int(Double(b[1]) * pitchY / size)
            let x1 = Int(Double(b[0] + b[2]) * pitchX / size), y1 = Int(Double(b[1] + b[3]) * pitchY / size)
            for t in 0..<thickness {
                for x in max(0, x0 - t)...max(0, min(width - 1, x1 + t)) {
                    for y in [y0 - t, y1 + t] where y >= 0 && y < height { paint(x, y, color) }
                }
                for y in max(0, y0 - t)...max(0, min(height - 1, y1 + t)) {
                    for x in [x0 - t, x1 + t] where x >= 0 && x < width { paint(x, y, color) }
                }
            }
        }
        if let m = verdict.measurements { box(m.geometry.innerBBox, (60, 110, 220), thickness: 1) }
        for finding in verdict.findings.reversed() {
            guard let b = finding.bbox, b.count == 4 else { continue }
            if finding.kind == "mass" || finding.kind == "cargo_profile" || finding.kind == "geometry" { continue }
            let color: (UInt8, UInt8, UInt8) = finding.kind == "cannot_clear" ? (240, 160, 0) : (230, 30, 30)
            box(b, color, thickness: 2)
        }
        return PixelImage(width: width, height: height, channels: 3, samples: rgb)
    }

    /// The overlay as PNG, or as JPEG (quality 90: several times faster to encode and smaller,
    /// which is what a report with dozens of pictures wants).
    public static func render(scan: Scan, verdict: Verdict, maxWidth: Int? = nil, jpeg: Bool = false) throws -> Data {
        let picture = overlay(try scan.attenuation(), verdict: verdict, pitchX: scan.sidecar.pitchX,
                              pitchY: scan.sidecar.pitchY, maxWidth: maxWidth)
        return jpeg ? try ImageEncoder.jpeg(picture, quality: 90) : try ImageEncoder.png(picture)
    }
}
