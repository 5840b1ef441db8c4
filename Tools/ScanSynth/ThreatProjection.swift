import Foundation
import TriageCore
import TriageDecode
import TriagePhysics

/// Threat image projection: a contraband signature inserted into an existing clean scan, so a
/// customs user can measure detection on their own images. Transmission multiplies, so the
/// signature's transmission exp(-μD) multiplies the measured intensity (log images: adds).
public enum ThreatProjection {
    public struct Result: Sendable {
        public var data: Data
        public var ext: String
        public var bbox: [Int]
        public var massKg: Double
    }

    /// Inserts `massKg` of pressed bricks as sports bags centred at `at` (scan pixels) or, when
    /// nil, just inside the door end at mid-height of the container.
    public static func project(scan: Scan, massKg: Double, at: (Int, Int)?, jpegQuality: Int = 92) throws -> Result {
        let map = try scan.attenuation()
        let sidecar = scan.sidecar
        let grid = SceneGrid(width: map.width, height: map.height, pitchX: sidecar.pitchX, pitchY: sidecar.pitchY)
        let centre = at ?? automaticPlace(map: map, doorOnRight: sidecar.doorSide == .right, grid: grid)
        var layer = DensityLayer(.cocaine, grid: grid)
        let bags = max(1, Int((massKg / 28).rounded(.up)))
        let rx = 300.0 * 0.55, ry = 150.0
        let area = 2.0 / 3.0 * Double.pi * (rx / 10) * (ry / 10)
        var boxes: [[Double]] = []
        for bag in 0..<bags {
            let cx = Double(centre.0) * grid.pitchX
            let cy = Double(centre.1) * grid.pitchY - Double(bag) * ry * 1.8
            layer.addEllipsoid(cx: cx, cy: cy, rx: rx, ry: ry, centreAreal: massKg / Double(bags) * 1000 / area)
            boxes.append([cx - rx, cx + rx, cy - ry, cy + ry])
        }
        let mu = Material.cocaine.massAttenuation(atMeV: Material.effectiveEnergy(endpointMeV: sidecar.energyMeV))
        let bbox = grid.bbox(x0: boxes.map { $0[0] }.min()!, x1: boxes.map { $0[1] }.max()!,
                             y0: boxes.map { $0[2] }.min()!, y1: boxes.map { $0[3] }.max()!)
        // Transmission multiplies by exp(−μD); a log encoding subtracts scale·μD.
        let attenuate: (Double, Double) -> Double
        switch sidecar.encoding {
        case .transmission(_, let dark): attenuate = { p, a in dark + (p - dark) * exp(-a) }
        case .log(_, let scale, _): attenuate = { p, a in p - scale * a }
        }
        func inserted<Sample: FixedWidthInteger & UnsignedInteger & Sendable>(_ image: PixelImage<Sample>) -> PixelImage<Sample> {
            var copy = image
            for i in copy.samples.indices where layer.density[i] > 0 {
                let value = attenuate(Double(copy.samples[i]), mu * Double(layer.density[i]))
                copy.samples[i] = Sample(max(0, min(Double(Sample.max), value.rounded())))
            }
            return copy
        }
        let data: Data, ext: String
        switch scan.image.pixels {
        case .uint16(let image):
            (data, ext) = (try ImageEncoder.png(inserted(image)), "png")
        case .uint8(let image) where scan.image.info.format == .jpeg:
            (data, ext) = (try ImageEncoder.jpeg(inserted(image), quality: jpegQuality), "jpg")
        case .uint8(let image):
            (data, ext) = (try ImageEncoder.png(inserted(image)), "png")
        }
        return Result(data: data, ext: ext, bbox: bbox, massKg: layer.massKg)
    }

    /// Columns whose mean attenuation exceeds 0.3 are the container; the bag goes 0.4 m inside
    /// the door end, at 60 % of the container's height from its top.
    static func automaticPlace(map: AttenuationMap, doorOnRight: Bool, grid: SceneGrid) -> (Int, Int) {
        var columns: [Int] = []
        for x in 0..<map.width {
            var sum: Float = 0
            for y in 0..<map.height { sum += map.values[y * map.width + x] }
            if sum / Float(map.height) > 0.3 { columns.append(x) }
        }
        guard let first = columns.first, let last = columns.last else { return (map.width / 2, map.height / 2) }
        var rows: [Int] = []
        for y in 0..<map.height {
            var sum: Float = 0
            for x in first...last { sum += map.values[y * map.width + x] }
            if sum / Float(last - first + 1) > 0.3 { rows.append(y) }
        }
        let inset = Int(400 / grid.pitchX)
        let x = doorOnRight ? last - inset : first + inset
        let top = rows.first ?? 0, bottom = rows.last ?? map.height - 1
        return (x, top + (bottom - top) * 6 / 10)
    }
}
