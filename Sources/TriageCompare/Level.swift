import Foundation
import TriageKernels
import TriagePhysics

/// A container that stands tilted in its scan: a trailer not level, a chassis lower at one end.
/// Every check reads the container by its rows (the roof, the floor, the layers, the gaps
/// between them, the space above the load) and its columns (the end walls, the stacks, the
/// door zone); tilted, a layer's rows run into the next layer and the floor's into the cargo.
/// Generated scans turned by up to ±1° (`scangen --tilt 1`, seed 7171) ranked at AUC 0.759
/// (R-precision 0.395) where the same scenes level ranked at 0.952 (0.860): turned by 0.5°
/// or 1°, a clean reefer's machinery read 600 kg heavier than clean units, a 45 ft box's
/// cargo weighed half its declaration. Levelled: 0.938 (0.814), localisation 1.000; 0.947
/// (0.814) since compare-67 refines the roof line between its first and last stretches.
///
/// The roof line measures the tilt (``ContainerLocator/roofTilt(_:pitchX:pitchY:)``), and the
/// map is levelled before anything is located in it, by two shears (``levelled(_:)``): each
/// column up or down by the roof's fall there, then each row along by the same angle's share
/// of its height (so that the end walls stand upright). What the map weighs is what the scan
/// weighs (less what the shears move out of the picture, air around the container). The
/// places found are said in the scan's own pixels (``scanBox(_:)``).
public struct Levelling: Sendable, Codable, Equatable {
    /// How far the roof falls per column (rows; positive: lower to the right).
    public var slope: Double
    /// The shear that stands the end walls upright: columns per row (the same angle, in the
    /// other axis's pixels: `slope` × (pitchY / pitchX)²).
    public var shear: Double
    /// The centre the shears turn about (the map's).
    public var centreX: Double, centreY: Double
    /// The roof's highest row in the scan (where the tilt was measured; nil when not from a
    /// roof): the air above it is air in every column, tilted or not.
    public var roofRow: Int? = nil

    public init(slope: Double, shear: Double, centreX: Double, centreY: Double) {
        self.slope = slope
        self.shear = shear
        self.centreX = centreX
        self.centreY = centreY
    }

    /// The angle, in degrees (positive: the right end lower), at pitches `pitchX` × `pitchY`.
    public func degrees(pitchX: Double, pitchY: Double) -> Double {
        atan(slope * pitchY / pitchX) * 180 / .pi
    }

    /// The column shift of row `y` and the row shift of column `x`, in whole pixels.
    func rowShift(_ y: Int) -> Int { Int((shear * (Double(y) - centreY)).rounded()) }
    func columnShift(_ x: Int) -> Int { Int((slope * (Double(x) - centreX)).rounded()) }

    /// Where a pixel of the levelled map lies in the scan.
    public func scanPoint(x: Int, y: Int) -> (x: Int, y: Int) {
        let sx = x - rowShift(y)
        return (sx, y + columnShift(sx))
    }

    /// A box in the levelled map ([x, y, width, height]) as the box in the scan's pixels that
    /// holds it.
    public func scanBox(_ box: [Int]) -> [Int] {
        guard box.count == 4 else { return box }
        let corners = [(box[0], box[1]), (box[0] + box[2], box[1]), (box[0], box[1] + box[3]), (box[0] + box[2], box[1] + box[3])]
            .map { scanPoint(x: $0.0, y: $0.1) }
        let x0 = corners.map(\.x).min()!, x1 = corners.map(\.x).max()!
        let y0 = corners.map(\.y).min()!, y1 = corners.map(\.y).max()!
        return [x0, y0, x1 - x0, y1 - y0]
    }

    /// `map` levelled: each column moved up or down by the roof's fall there, then each row
    /// along by the same angle's share of its height, both by fractions of a pixel (linear
    /// between the two nearest): an edge that runs level in the container runs level in the
    /// map, shared between two rows where it falls between them, as a level scan's edges are.
    /// Moved by whole pixels, the edges stepped a row at every column where the shift changed,
    /// and the tiers of clean timber and the sides of stacks made dense layers and windows at
    /// 1.0 (AUC on generated scenes turned by up to ±1°, ±1.5°, ±3° and on two unseen scanners
    /// at ±1°: 0.943 / 0.963 / 0.992 / 0.875 / 0.897 by whole pixels, 0.938 / 0.982 / 0.998 /
    /// 0.912 / 0.939 so). Each output is a weighted mean of neighbours whose weights sum to
    /// one, so what a column or row weighs is kept (less what moves out of the picture, air),
    /// and the noise is the scan's, smoothed a little where a shift falls between pixels. Air
    /// (0) where the source lies outside the scan.
    public func levelled(_ map: AttenuationMap) -> AttenuationMap {
        let width = map.width, height = map.height
        var columnsMoved = [Float](repeating: 0, count: width * height)
        var out = [Float](repeating: 0, count: width * height)
        map.values.withUnsafeBufferPointer { source in
            columnsMoved.withUnsafeMutableBufferPointer { moved in
                // moved(x, y) = source(x, y + s), s = slope (x - cx): between rows y + ⌊s⌋ and
                // the one below it.
                for x in 0..<width {
                    let exact = slope * (Double(x) - centreX), whole = Int(exact.rounded(.down))
                    let f = Float(exact - Double(whole)), from = max(0, -whole), to = min(height, height - whole - 1)
                    guard from < to else { continue }
                    for y in from..<to {
                        let a = source[(y &+ whole) &* width &+ x], b = source[(y &+ whole &+ 1) &* width &+ x]
                        moved[y &* width &+ x] = a + f * (b - a)
                    }
                }
            }
        }
        var opaque = 0
        columnsMoved.withUnsafeBufferPointer { moved in
            out.withUnsafeMutableBufferPointer { levelled in
                // levelled(x, y) = moved(x - s, y), s = shear (y - cy): between columns x - ⌊s⌋
                // and the one before it.
                for y in 0..<height {
                    let exact = shear * (Double(y) - centreY), whole = Int(exact.rounded(.down))
                    let f = Float(exact - Double(whole)), row = y &* width
                    let from = max(0, whole + 1), to = min(width, width + whole)
                    guard from < to else { continue }
                    for x in from..<to {
                        let a = moved[row &+ x &- whole], b = moved[row &+ x &- whole &- 1]
                        levelled[row &+ x] = a + f * (b - a)
                    }
                }
                for value in levelled where value >= map.saturation { opaque &+= 1 }
            }
        }
        return AttenuationMap(width: width, height: height, values: out, opaqueCount: opaque, saturation: map.saturation,
                              underPenetrated: map.underPenetrated)
    }
}

extension ContainerLocator {
    /// The largest tilt that is levelled: 5°. A roof line steeper than that is no trailer's
    /// (the locator then finds what it finds, or says it found no container).
    public static let largestTilt = 5.0

    /// The smallest tilt that is levelled: 0.03°, and the roof falling at least a row over the
    /// length it was measured on. The 700 generated level scans of seeds 8123, 7171 and the
    /// unseen scanners' 7374 measure 0.011° at most. On the scenes of seed 7171 turned by up to
    /// ±1°, levelled by whole pixels then: AUC 0.925 from 0.2°, 0.931 from 0.1°, 0.943 from
    /// 0.03° (level, 0.952).
    public static let smallestTilt = 0.03

    /// The container's tilt, from its roof line: per column, the first row from the top that is
    /// clearly not air (as ``locate(_:imageHeight:pitchX:pitchY:doorOnRight:declaredType:)``
    /// reads it); in each of 16 stretches of the picture the most common such row; the
    /// container's roof among those stretches (``roofStretches(_:pitchY:half:apart:)``); a
    /// line through them (the median of the slopes between every two of them, four stretches
    /// apart or more, and the median intercept); then a least-squares line through the columns
    /// within 30 mm of that line between the first and the last of those stretches' centres, at
    /// least 4 m of them. Nil when level (under ``smallestTilt``), or when no roof line is found
    /// (the locator then says why).
    public static func roofTilt(_ map: AttenuationMap, pitchX: Double, pitchY: Double) -> Levelling? {
        let width = map.width, height = map.height
        guard width >= 64, height >= 16 else { return nil }
        let rowLimit = height * 7 / 10
        let first = map.values.withUnsafeBufferPointer { KernelDispatch.firstRowAbove($0, width: width, rowLimit: rowLimit, threshold: 0.45) }
        let stretches = 16, window = max(1, Int(30 / pitchY))
        var points: [RoofPoint] = []
        var histogram = [Int](repeating: 0, count: rowLimit + 1)
        for s in 0..<stretches {
            let x0 = width * s / stretches, x1 = width * (s + 1) / stretches
            for y in histogram.indices { histogram[y] = 0 }
            var found = 0
            for x in x0..<x1 where first[x] >= 0 { histogram[Int(first[x])] += 1; found += 1 }
            guard 2 * found >= x1 - x0, let (mode, count) = commonRow(histogram, window: window), 3 * count >= x1 - x0 else { continue }
            points.append(RoofPoint(x: Double(x0 + x1) / 2, y: Double(mode), stretch: s))
        }
        let apart = 4 * Double(width) / Double(stretches) - 1
        let roof = roofStretches(points, pitchY: pitchY, half: Double(width) / Double(stretches) / 2, apart: apart)
        guard roof.count >= 5 else { return nil }
        var slopes: [Double] = []
        for i in roof.indices {
            for j in roof.indices where j > i && roof[j].x - roof[i].x >= apart {
                slopes.append((roof[j].y - roof[i].y) / (roof[j].x - roof[i].x))
            }
        }
        guard !slopes.isEmpty else { return nil }
        let slope = Calibrator.median(slopes)
        let intercept = Calibrator.median(roof.map { $0.y - slope * $0.x })
        // Refined on the columns near that line.
        let tolerance = max(2, 30 / pitchY)
        var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        var lowest = Int.max, highest = Int.min
        // Between the first and last stretches' centres: the half stretch beyond them may be
        // past the container's end, where a cab's roof or fairing can lie within 30 mm of the
        // line (on generated scenes turned by up to ±1°, AUC 0.938 -> 0.947, as the roof ends
        // no longer pull the line).
        for x in Int(roof.first!.x.rounded(.down))..<min(width, Int(roof.last!.x.rounded(.up)) + 1)
            where first[x] >= 0 && abs(Double(first[x]) - (intercept + slope * Double(x))) <= tolerance {
            let fx = Double(x), fy = Double(first[x])
            n += 1; sx += fx; sy += fy; sxx += fx * fx; sxy += fx * fy
            lowest = min(lowest, x); highest = max(highest, x)
        }
        guard n * pitchX >= 4000, n * sxx - sx * sx > 0 else { return nil }
        let fitted = (n * sxy - sx * sy) / (n * sxx - sx * sx)
        var levelling = Levelling(slope: fitted, shear: fitted * (pitchY / pitchX) * (pitchY / pitchX),
                                  centreX: Double(width) / 2, centreY: Double(height) / 2)
        let meanX = sx / n, meanY = sy / n
        levelling.roofRow = max(0, Int((meanY + fitted * (Double(fitted > 0 ? lowest : highest) - meanX)).rounded(.down)))
        let fall = abs(fitted) * Double(highest - lowest)
        let degrees = abs(levelling.degrees(pitchX: pitchX, pitchY: pitchY))
        guard degrees >= smallestTilt, degrees <= largestTilt, fall >= 1 else { return nil }
        return levelling
    }

    /// A stretch's most common roof row, at the stretch's centre column.
    public struct RoofPoint: Sendable {
        public var x: Double, y: Double
        /// Which of the 16 stretches.
        public var stretch: Int

        public init(x: Double, y: Double, stretch: Int) {
            self.x = x
            self.y = y
            self.stretch = stretch
        }
    }

    /// The stretches on the container's roof, from each stretch's roof row (`points`, in
    /// order). Another roof line can stand beside the container's: a tractor unit coupled
    /// ahead of the trailer, whose cab roof or roof fairing reaches within centimetres of the
    /// container's height, or above it (gantry scanners scan the whole truck). On 300
    /// generated scenes (seed 8123) with the tractor in the picture, a line through every
    /// stretch measured 113 of them tilted (up to 1.5°; their containers level; 34 more were
    /// "corrected" in pitch, a cab taken for the container) and ranked at AUC 0.885
    /// (R-precision 0.672) where the same scenes without it ranked at 0.955 (0.885); with what
    /// follows, none, and 0.955 (0.885).
    ///
    /// 1. Of the lines through two stretches four or more apart, the one with the longest run
    ///    of consecutive stretches on it (within two rows, and half a stretch's fall along
    ///    it); a stretch without a roof row ends a run, as the gap between a cab and the
    ///    trailer does. (Counting the stretches on a line wherever they lie, a line slanted
    ///    from the container's roof to a high cab's, 41 rows (0.18 m) lower, held 9 stretches
    ///    to the container's 8; counting runs within 30 mm of the line, 52 scenes stayed
    ///    tilted, by up to 1.3°.)
    /// 2. A step of two rows (and 8 mm) or more between two flat parts of that run (each
    ///    within a row) is two roofs side by side, a fairing's and the container's: the
    ///    longer roof, each with the stretches beside it at its level outside the run, is the
    ///    container's (as long as each other: none is, and the scan is not levelled). A tilt
    ///    falls evenly, a row or less at every stretch where its parts are flat. (On the unseen
    ///    scanners' 9 mm pixels, a 20 ft box's roof and a high cab's 6 rows above it made a run
    ///    of five stretches each, the box's four others beyond it.)
    public static func roofStretches(_ points: [RoofPoint], pitchY: Double, half: Double, apart: Double) -> [RoofPoint] {
        guard points.count >= 5 else { return [] }
        var roof: [RoofPoint] = [], longest = 0
        for i in points.indices {
            for j in points.indices where j > i && points[j].x - points[i].x >= apart {
                let slope = (points[j].y - points[i].y) / (points[j].x - points[i].x)
                let reach = 2 + abs(slope) * half
                var start = 0
                for k in 0...points.count {
                    let on = k < points.count && abs(points[k].y - (points[i].y + slope * (points[k].x - points[i].x))) <= reach
                    let adjacent = k == start || k == points.count || points[k].stretch == points[k - 1].stretch + 1
                    if on && adjacent { continue }
                    if k - start > longest { longest = k - start; roof = Array(points[start..<k]) }
                    start = on ? k : k + 1
                }
            }
        }
        let step = max(2, (8 / pitchY).rounded(.up))
        func flat(_ part: ArraySlice<RoofPoint>) -> Bool { part.map(\.y).max()! - part.map(\.y).min()! <= 1 }
        // A flat part with the consecutive stretches beside it at its level (within a row),
        // beyond the run: the whole of that roof.
        func whole(_ part: ArraySlice<RoofPoint>) -> [RoofPoint] {
            guard var low = points.firstIndex(where: { $0.stretch == part.first!.stretch }),
                  var high = points.firstIndex(where: { $0.stretch == part.last!.stretch }) else { return Array(part) }
            var least = part.map(\.y).min()!, most = part.map(\.y).max()!
            while low > 0, points[low - 1].stretch == points[low].stretch - 1,
                  max(most, points[low - 1].y) - min(least, points[low - 1].y) <= 1 {
                low -= 1
                least = min(least, points[low].y); most = max(most, points[low].y)
            }
            while high < points.count - 1, points[high + 1].stretch == points[high].stretch + 1,
                  max(most, points[high + 1].y) - min(least, points[high + 1].y) <= 1 {
                high += 1
                least = min(least, points[high].y); most = max(most, points[high].y)
            }
            return Array(points[low...high])
        }
        for k in roof.indices.dropFirst() where abs(roof[k].y - roof[k - 1].y) >= step {
            let before = roof[..<k], after = roof[k...]
            if max(before.count, after.count) >= 3, flat(before), flat(after) {
                let first = whole(before), second = whole(after)
                // As long as each other: which is the container's cannot be told; not levelled.
                guard first.count != second.count else { return [] }
                return first.count > second.count ? first : second
            }
        }
        return roof
    }
}
