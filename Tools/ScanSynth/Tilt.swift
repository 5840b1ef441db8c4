import Foundation

/// A scan's picture turned by a small angle about its centre: the container on its chassis
/// standing tilted, as a trailer that is not level shows it (positive: the right end lower,
/// rows counting down). The angle is the container's, in millimetres: at pixels `pitchX` ×
/// `pitchY` mm, a row is `pitchY / pitchX` columns long.
public struct Tilt: Sendable {
    public let radians: Double
    public let width: Int, height: Int
    /// pitchY / pitchX.
    let aspect: Double

    public init(degrees: Double, width: Int, height: Int, pitchX: Double = 1, pitchY: Double = 1) {
        radians = degrees * .pi / 180
        self.width = width
        self.height = height
        aspect = pitchY / pitchX
    }

    var centre: (x: Double, y: Double) { (Double(width) / 2, Double(height) / 2) }

    /// Where a point of the level picture lies in the turned one.
    public func turned(x: Double, y: Double) -> (x: Double, y: Double) {
        let (cx, cy) = centre, c = cos(radians), s = sin(radians)
        return (cx + c * (x - cx) - s * aspect * (y - cy), cy + s / aspect * (x - cx) + c * (y - cy))
    }

    /// `values` (row-major, `width` × `height`) turned, bilinear, with air (0) where the turned
    /// picture shows what lay outside the level one. For noise-free attenuation: the scanner
    /// measures the turned field, so its noise is not smoothed.
    public func turned(_ values: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: values.count)
        let (cx, cy) = centre, c = cos(radians), s = sin(radians)
        for y in 0..<height {
            for x in 0..<width {
                // The level picture's point that lands here (the inverse turn).
                let dx = Double(x) - cx, dy = Double(y) - cy
                let sx = cx + c * dx + s * aspect * dy, sy = cy - s / aspect * dx + c * dy
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Double(x0), fy = sy - Double(y0)
                func at(_ xx: Int, _ yy: Int) -> Double {
                    xx >= 0 && xx < width && yy >= 0 && yy < height ? values[yy * width + xx] : 0
                }
                out[y * width + x] = (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy)
                    + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy
            }
        }
        return out
    }

    /// A box of the level picture ([x, y, width, height]) as the box that holds it turned.
    public func turned(bbox b: [Int]) -> [Int] {
        guard b.count == 4 else { return b }
        let corners = [(b[0], b[1]), (b[0] + b[2], b[1]), (b[0], b[1] + b[3]), (b[0] + b[2], b[1] + b[3])]
            .map { turned(x: Double($0.0), y: Double($0.1)) }
        let x0 = Int(corners.map(\.x).min()!.rounded(.down)), x1 = Int(corners.map(\.x).max()!.rounded(.up))
        let y0 = Int(corners.map(\.y).min()!.rounded(.down)), y1 = Int(corners.map(\.y).max()!.rounded(.up))
        return [x0, y0, x1 - x0, y1 - y0]
    }
}
