import Foundation

/// A scanner that frames the truck tightly: little air above the container's roof, the picture
/// cut below the container (through the chassis, the wheels left out), and little air beyond
/// the doors. The interchange contract says air shows around the container and the chassis
/// and wheels below it; a scanner unlike the four may still frame its pictures so.
public struct Framing: Sendable {
    /// Air kept above the container's top, in mm.
    public var above: Double
    /// Kept below the container's bottom, in mm (its chassis beams are 300 mm deep).
    public var below: Double
    /// Air kept beyond the door end, in mm.
    public var beyondDoors: Double

    public init(above: Double, below: Double, beyondDoors: Double) {
        self.above = above
        self.below = below
        self.beyondDoors = beyondDoors
    }

    public static func draw(_ rng: inout SeededRandom) -> Framing {
        Framing(above: rng.uniform(30, 100), below: rng.uniform(150, 500), beyondDoors: rng.uniform(60, 250))
    }

    /// `field` (row-major on `grid`) cut to this framing around a container whose top and
    /// bottom are at `top` and `bottom` mm from the picture's top and whose door face is at
    /// `doorFace` mm from its left edge (`doorsOnRight`: the doors face the right end). Returns
    /// the cut field, its grid, and where its top-left pixel was in the old picture.
    public func cropped(_ field: [Double], grid: SceneGrid, top: Double, bottom: Double, doorFace: Double,
                        doorsOnRight: Bool) -> (field: [Double], grid: SceneGrid, x: Int, y: Int) {
        let y0 = max(0, grid.row(top - above)), y1 = min(grid.height, grid.row(bottom + below) + 1)
        let x0 = doorsOnRight ? 0 : max(0, grid.column(doorFace - beyondDoors))
        let x1 = doorsOnRight ? min(grid.width, grid.column(doorFace + beyondDoors) + 1) : grid.width
        let cut = SceneGrid(width: x1 - x0, height: y1 - y0, pitchX: grid.pitchX, pitchY: grid.pitchY)
        var out = [Double](repeating: 0, count: cut.width * cut.height)
        for r in 0..<cut.height {
            for c in 0..<cut.width { out[r * cut.width + c] = field[(r + y0) * grid.width + c + x0] }
        }
        return (out, cut, x0, y0)
    }
}
