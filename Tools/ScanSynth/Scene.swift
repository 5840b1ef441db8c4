import Foundation
import TriagePhysics

/// A side view on a pixel grid. Positions are millimetres from the image's top-left corner; each
/// layer holds the areal density D (g/cm²) of one material along the beam, so that mass is
/// exact (Σ D × pixel area) and attenuation is Σ (μ/ρ)·D at the beam's effective energy.
public struct SceneGrid: Sendable {
    public let width: Int
    public let height: Int
    public let pitchX: Double
    public let pitchY: Double

    public init(width: Int, height: Int, pitchX: Double, pitchY: Double) {
        self.width = width
        self.height = height
        self.pitchX = pitchX
        self.pitchY = pitchY
    }

    /// cm² per pixel.
    public var pixelArea: Double { pitchX * pitchY / 100 }

    public func column(_ x: Double) -> Int { Int((x / pitchX).rounded(.down)) }
    public func row(_ y: Double) -> Int { Int((y / pitchY).rounded(.down)) }

    /// A pixel-space box [x, y, width, height] covering the millimetre rectangle.
    public func bbox(x0: Double, x1: Double, y0: Double, y1: Double) -> [Int] {
        let left = max(0, column(x0)), right = min(width - 1, column(x1 - 0.001))
        let top = max(0, row(y0)), bottom = min(height - 1, row(y1 - 0.001))
        return [left, top, max(1, right - left + 1), max(1, bottom - top + 1)]
    }
}

/// The areal density of one material over the grid.
public struct DensityLayer: Sendable {
    public let material: Material
    public let grid: SceneGrid
    public var density: [Float]

    public init(_ material: Material, grid: SceneGrid) {
        self.material = material
        self.grid = grid
        density = [Float](repeating: 0, count: grid.width * grid.height)
    }

    /// Total mass in kg.
    public var massKg: Double {
        var sum = 0.0
        for value in density { sum += Double(value) }
        return sum * grid.pixelArea / 1000
    }

    /// Overlap of [a0, a1) with pixel `index` of size `pitch`, as a fraction of the pixel.
    @inline(__always)
    static func coverage(_ a0: Double, _ a1: Double, _ index: Int, _ pitch: Double) -> Double {
        let low = Double(index) * pitch, high = low + pitch
        return max(0, min(a1, high) - max(a0, low)) / pitch
    }

    /// Adds `d(x, y)` g/cm² over a rectangle, with partial coverage at the edges so thin sheets
    /// (a 2 mm roof on a 5 mm pixel) keep their mass.
    public mutating func addBox(x0: Double, x1: Double, y0: Double, y1: Double, areal: Double) {
        addBox(x0: x0, x1: x1, y0: y0, y1: y1) { _, _ in areal }
    }

    public mutating func addBox(x0: Double, x1: Double, y0: Double, y1: Double, areal: (Double, Double) -> Double) {
        guard x1 > x0, y1 > y0 else { return }
        let g = grid
        let c0 = max(0, g.column(x0)), c1 = min(g.width - 1, g.column(x1))
        let r0 = max(0, g.row(y0)), r1 = min(g.height - 1, g.row(y1))
        guard c0 <= c1, r0 <= r1 else { return }
        for r in r0...r1 {
            let fy = Self.coverage(y0, y1, r, g.pitchY)
            if fy <= 0 { continue }
            let yc = (Double(r) + 0.5) * g.pitchY
            for c in c0...c1 {
                let fx = Self.coverage(x0, x1, c, g.pitchX)
                if fx <= 0 { continue }
                let xc = (Double(c) + 0.5) * g.pitchX
                density[r * g.width + c] += Float(areal(min(max(xc, x0), x1), min(max(yc, y0), y1)) * fx * fy)
            }
        }
    }

    /// An ellipsoidal body seen from the side: D falls off as the chord through it.
    public mutating func addEllipsoid(cx: Double, cy: Double, rx: Double, ry: Double, centreAreal: Double) {
        addBox(x0: cx - rx, x1: cx + rx, y0: cy - ry, y1: cy + ry) { x, y in
            let u = (x - cx) / rx, v = (y - cy) / ry
            let q = 1 - u * u - v * v
            return q > 0 ? centreAreal * sqrt(q) : 0
        }
    }

    /// A disk (or ring, with `inner`) of uniform D, supersampled 3x3 at its edge.
    public mutating func addDisk(cx: Double, cy: Double, radius: Double, inner: Double = 0, areal: Double) {
        let g = grid
        let c0 = max(0, g.column(cx - radius)), c1 = min(g.width - 1, g.column(cx + radius))
        let r0 = max(0, g.row(cy - radius)), r1 = min(g.height - 1, g.row(cy + radius))
        guard c0 <= c1, r0 <= r1 else { return }
        for r in r0...r1 {
            for c in c0...c1 {
                var inside = 0
                for sy in 0..<3 {
                    for sx in 0..<3 {
                        let x = (Double(c) + (Double(sx) + 0.5) / 3) * g.pitchX - cx
                        let y = (Double(r) + (Double(sy) + 0.5) / 3) * g.pitchY - cy
                        let d2 = x * x + y * y
                        if d2 <= radius * radius && d2 >= inner * inner { inside += 1 }
                    }
                }
                if inside > 0 { density[r * g.width + c] += Float(areal * Double(inside) / 9) }
            }
        }
    }

    /// Multiplies every value by `factor` (to hit a target mass).
    public mutating func scale(by factor: Double) {
        let f = Float(factor)
        for index in density.indices { density[index] *= f }
    }

    /// Scales the values inside a pixel rectangle by `factor` (to carve out replaced cargo).
    public mutating func scale(bbox: [Int], by factor: Double) {
        let f = Float(factor)
        for r in bbox[1]..<min(grid.height, bbox[1] + bbox[3]) {
            for c in bbox[0]..<min(grid.width, bbox[0] + bbox[2]) { density[r * grid.width + c] *= f }
        }
    }
}
