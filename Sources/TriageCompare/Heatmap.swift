import Foundation
import TriageDecode
import TriagePhysics

/// Pictures for analysts: the scan as a radiograph (dense is dark) and the same with the
/// findings drawn over it.
public enum Heatmap {
    /// 8-bit grey view of the attenuation: 0 white, `maxAttenuation` and more black, log-scaled.
    public static func radiograph(_ map: AttenuationMap, maxAttenuation: Double = 7) -> PixelImage<UInt8> {
        let scale = 255 / log1p(maxAttenuation)
        var table = [UInt8](repeating: 0, count: 1024)
        for index in 0..<1024 {
            let a = Double(index) / 1023 * maxAttenuation
            table[index] = UInt8(max(0, min(255, 255 - log1p(a) * scale)))
        }
        let samples = map.values.map { a -> UInt8 in
            let position = Int(Double(max(0, a)) / maxAttenuation * 1023)
            return table[min(1023, position)]
        }
        return PixelImage(width: map.width, height: map.height, samples: samples)
    }

    /// RGB: the radiograph in grey, findings' boxes outlined (red for scored evidence, amber for
    /// cannot-clear), and the container's cargo space in thin blue.
    public static func overlay(_ map: AttenuationMap, verdict: Verdict, maxWidth: Int? = nil) -> PixelImage<UInt8> {
        let grey = radiograph(map)
        let step = maxWidth.map { max(1, (map.width + $0 - 1) / $0) } ?? 1
        let width = (map.width + step - 1) / step, height = (map.height + step - 1) / step
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let v = grey.samples[min(map.height - 1, y * step) * map.width + min(map.width - 1, x * step)]
                rgb[(y * width + x) * 3] = v
                rgb[(y * width + x) * 3 + 1] = v
                rgb[(y * width + x) * 3 + 2] = v
            }
        }
        func box(_ b: [Int], _ color: (UInt8, UInt8, UInt8), thickness: Int) {
            let x0 = b[0] / step, y0 = b[1] / step, x1 = (b[0] + b[2]) / step, y1 = (b[1] + b[3]) / step
            for t in 0..<thickness {
                for x in max(0, x0 - t)...min(width - 1, x1 + t) {
                    for y in [y0 - t, y1 + t] where y >= 0 && y < height { paint(x, y, color) }
                }
                for y in max(0, y0 - t)...min(height - 1, y1 + t) {
                    for x in [x0 - t, x1 + t] where x >= 0 && x < width { paint(x, y, color) }
                }
            }
        }
        func paint(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
            let i = (y * width + x) * 3
            rgb[i] = c.0
            rgb[i + 1] = c.1
            rgb[i + 2] = c.2
        }
        if let m = verdict.measurements { box(m.geometry.innerBBox, (60, 110, 220), thickness: 1) }
        for finding in verdict.findings.reversed() {
            guard let b = finding.bbox, b.count == 4 else { continue }
            let color: (UInt8, UInt8, UInt8) = finding.kind == "cannot_clear" ? (240, 160, 0) : (230, 30, 30)
            if finding.kind == "mass" || finding.kind == "cargo_profile" { continue }
            box(b, color, thickness: max(2, 3 / step + 1))
        }
        return PixelImage(width: width, height: height, channels: 3, samples: rgb)
    }

    /// The overlay as PNG.
    public static func render(scan: Scan, verdict: Verdict, maxWidth: Int? = nil) throws -> Data {
        try ImageEncoder.png(overlay(try scan.attenuation(), verdict: verdict, maxWidth: maxWidth))
    }
}
