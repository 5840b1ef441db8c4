import Foundation
import TriageKernels
import TriagePhysics

/// Where the container is in a scan, in pixels, and where its zones are.
public struct ContainerGeometry: Sendable, Codable {
    /// The container's outline: columns x0..<x1, rows top..<bottom.
    public var x0: Int
    public var x1: Int
    public var top: Int
    public var bottom: Int
    /// The cargo space.
    public var innerX0: Int
    public var innerX1: Int
    public var ceiling: Int
    public var floor: Int
    /// Doors at the right end of the image (else left).
    public var doorOnRight: Bool
    public var type: String
    public var isReefer: Bool
    /// Machinery recess columns (reefers), empty otherwise.
    public var machineryX0: Int
    public var machineryX1: Int
    /// Measured length (mm) and how far it is from the type's.
    public var measuredLengthMM: Double
    public var lengthMismatch: Double
    /// Whether the image shows a refrigeration unit's bulkhead at the front end (absent in
    /// geometries found before compare-23). Without a declared type it makes the type a reefer.
    public var machinerySeen: Bool?
    /// True when the image put the doors at the other end than the sidecar said (a declared
    /// reefer's bulkhead seen at the sidecar's door end): the geometry follows the image.
    public var doorSideFromImage: Bool? = nil

    public var bbox: [Int] { [x0, top, x1 - x0, bottom - top] }
    public var innerBBox: [Int] { [innerX0, ceiling, innerX1 - innerX0, floor - ceiling] }
}

/// Finds the container in a side-view attenuation map: robust to air margins, the chassis and
/// wheels below, noise, either door side and any pixel pitch.
public enum ContainerLocator {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// In a histogram of rows, the first run of `window + 1` consecutive rows that holds the
    /// most, and the most common row within it (its mode, not its start), with the run's count;
    /// nil when the histogram is empty. The roof row of ``locate(_:imageHeight:pitchX:pitchY:doorOnRight:declaredType:)``
    /// and of each stretch of ``roofTilt(_:pitchX:pitchY:)``.
    static func commonRow(_ histogram: [Int], window: Int) -> (row: Int, count: Int)? {
        var best = -1, bestCount = 0
        for y in histogram.indices {
            var count = 0
            for dy in 0...window where y + dy < histogram.count { count += histogram[y + dy] }
            if count > bestCount { bestCount = count; best = y }
        }
        guard best >= 0 else { return nil }
        var mode = best
        for y in best...min(histogram.count - 1, best + window) where histogram[y] > histogram[mode] { mode = y }
        return (mode, bestCount)
    }

    /// The rows of a scan `imageHeight` high that ``locate(_:imageHeight:pitchX:pitchY:doorOnRight:declaredType:)``
    /// reads when the type is declared: only rows that can hold the roof matter, the upper 70 %
    /// and the roof tolerance below. (With the type to infer, it reads every row.)
    public static func rowsRead(imageHeight height: Int, pitchY: Double) -> Int {
        min(height, height * 7 / 10 + max(3, Int(80 / pitchY)) + 1)
    }

    /// - Parameters:
    ///   - map: the scan's attenuation, or its first rows: at least ``rowsRead(imageHeight:pitchY:)``
    ///     of them with a declared type, all of them without.
    ///   - imageHeight: the scan's height, when `map` holds only its first rows.
    ///   - declaredType: the manifest's size/type code, when it has one.
    public static func locate(_ map: AttenuationMap, imageHeight: Int? = nil, pitchX: Double, pitchY: Double, doorOnRight: Bool,
                              declaredType: ContainerType?) throws -> ContainerGeometry {
        let width = map.width, height = imageHeight ?? map.height
        precondition(map.height >= (declaredType == nil ? height : rowsRead(imageHeight: height, pitchY: pitchY)),
                     "the map holds \(map.height) of the scan's \(height) rows, fewer than the locator reads")
        // 1. Per column, the first row from the top that is clearly not air: the roof line of
        //    the container, or something lower (chassis) where there is no container.
        let tolerance = max(3, Int(80 / pitchY))
        let rowLimit = rowsRead(imageHeight: height, pitchY: pitchY)
        // A dark frame along the top (a dead detector row, an export's border): leading rows
        // dense from edge to edge with air below them. Air shows above a container, so that is
        // no roof: the search starts below it. (One dark row at the top was taken for the roof
        // and the whole analysis laid out from there.)
        let frameEnd = map.values.withUnsafeBufferPointer { a -> Int in
            func denseShare(_ y: Int) -> Double {
                var dense = 0
                for x in 0..<width where a[y * width + x] > 0.45 { dense += 1 }
                return Double(dense) / Double(width)
            }
            var y = 0
            while y < rowLimit / 10, denseShare(y) >= 0.9 { y += 1 }
            return y > 0 && y < rowLimit / 10 && denseShare(y) <= 0.1 ? y : 0
        }
        let firstDense = map.values.withUnsafeBufferPointer { a in
            // A roof sheet may be a single row thick; noise never reaches 0.45 in air.
            KernelDispatch.firstRowAbove(UnsafeBufferPointer(rebasing: a[(frameEnd * width)...]), width: width,
                                         rowLimit: rowLimit - frameEnd, threshold: 0.45).map { $0 < 0 ? -1 : Int($0) + frameEnd }
        }
        // 2. The roof row: the most common first-dense row among columns in the upper 70 %.
        var histogram = [Int](repeating: 0, count: height)
        for y in firstDense where y >= 0 && y < height * 7 / 10 { histogram[y] += 1 }
        let (bestRow, bestCount) = commonRow(histogram, window: max(1, Int(30 / pitchY))) ?? (-1, 0)
        guard bestRow >= 0, Double(bestCount) * pitchX > 2000 else {
            throw Failure(description: "no container roof found (no straight dense edge over 2 m in the upper part of the image)")
        }
        let roofRow = bestRow
        // 3. The longest run of columns whose first dense row is at the roof (small gaps allowed).
        //    Something above the roof (a bar, a tarpaulin's pole, with air between) hides the
        //    roof from the first-dense search over its width; where the roof is still dense
        //    under it, those columns carry the run on, but a run still starts and ends at the
        //    roof: before, such a thing cut the container short (a 22G1 measured 2.8 m of its
        //    6.1 m, its cargo weighed at half the declared mass). Only with air between: the
        //    wheels of a scan turned upside down stand on the chassis, and must still cut it.
        var runs: [(Int, Int)] = []
        var start = -1, lastGood = -10, lastCarried = -10
        let gap = max(2, Int(40 / pitchX))
        let roofRows = max(0, roofRow - tolerance)...min(map.height - 1, roofRow + tolerance)
        func roofUnder(_ x: Int) -> Bool {
            roofRows.contains { map.values[$0 * width + x] > 0.45 }
                && (firstDense[x] + 1..<roofRows.lowerBound).contains { map.values[$0 * width + x] <= 0.45 }
        }
        for x in 0..<width {
            let good = firstDense[x] >= 0 && abs(firstDense[x] - roofRow) <= tolerance
            if good {
                if start < 0 || x - lastCarried > gap { if start >= 0 { runs.append((start, lastGood + 1)) }; start = x }
                lastGood = x
                lastCarried = x
            } else if start >= 0, x - lastCarried <= gap, firstDense[x] >= 0, firstDense[x] < roofRow - tolerance, roofUnder(x) {
                lastCarried = x
            }
        }
        if start >= 0 { runs.append((start, lastGood + 1)) }
        guard let run = runs.max(by: { $0.1 - $0.0 < $1.1 - $1.0 }) else {
            throw Failure(description: "no container outline found")
        }
        let measuredLength = Double(run.1 - run.0) * pitchX
        // The first clearly dense row is the roof sheet; the top rails above it are fainter.
        // Walk up while the row, over the container's columns, is still above air.
        // The mean of rows `rows` over the container's columns. Only the rows the walk can reach
        // are read, unless the type must be inferred from the whole profile (a full pass over
        // the map cost 0.3 ms a scan for the ~20 rows the walk uses).
        func rowProfile(_ rows: Range<Int>) -> [Float] {
            map.values.withUnsafeBufferPointer { all in
                let band = UnsafeBufferPointer(rebasing: all[(rows.lowerBound * width)..<(rows.upperBound * width)])
                return KernelDispatch.rowMeans(band, width: width, height: rows.count, columns: run.0..<run.1)
            }
        }
        let reach = Int(80 / pitchY) + 1
        let walked = declaredType == nil ? 0..<height : max(0, bestRow - reach - 1)..<bestRow
        let profile = rowProfile(walked)
        var refinedTop = bestRow
        while refinedTop > 0 && profile[refinedTop - 1 - walked.lowerBound] > 0.08 && bestRow - refinedTop < reach { refinedTop -= 1 }
        // 4. The type: as declared, or the nearest known length, and the height whose bottom
        //    edge (floor, bottom rails) the row profile supports best.
        var type: ContainerType
        if let declaredType {
            type = declaredType
        } else {
            type = inferType(rows: profile, roofRow: refinedTop, pitchY: pitchY, measuredLength: measuredLength)
        }
        // 5. A reefer's bulkhead at the front end: what the image says, whatever was declared;
        //    an inferred dry type becomes the reefer of that size.
        // Whether a bulkhead stands at the front end of a container whose doors are on `right`.
        func bulkhead(doorsOnRight right: Bool) -> Bool? {
            bulkheadContrast(map, x0: run.0, x1: run.1, top: refinedTop, height: Int((type.height / pitchY).rounded()),
                             doorOnRight: right, pitchX: pitchX).map { line in
                line.at >= bulkheadLine && line.at >= 2.5 * max(line.elsewhere, 0.5)
            }
        }
        let machinerySeen = bulkhead(doorsOnRight: doorOnRight)
        if declaredType == nil, machinerySeen == true, !type.isReefer,
           let reefer = ContainerType.named(String(type.code.prefix(2)) + "R1") {
            type = reefer
        }
        // A declared reefer whose bulkhead stands at the end the sidecar gives the doors: the
        // sidecar's door side is wrong (or the image was exported mirrored). Laid out as the
        // sidecar said, the machinery recess was read as load and the door zone looked for at
        // the front wall (a generated reefer's door-zone bags went unseen). The image decides,
        // and the verdict says so.
        if declaredType?.isReefer == true, machinerySeen != true, bulkhead(doorsOnRight: !doorOnRight) == true {
            var turned = try locate(map, imageHeight: imageHeight, pitchX: pitchX, pitchY: pitchY, doorOnRight: !doorOnRight,
                                    declaredType: declaredType)
            turned.doorSideFromImage = true
            return turned
        }
        let x0 = run.0, x1 = run.1
        let top = refinedTop
        // The container must reach its floor inside the image: a scan cut off above it (or a
        // strip of image with a straight edge that is no container) has no cargo space to
        // measure, and every box below would lie outside the pixels.
        let typeBottom = top + Int((type.height / pitchY).rounded())
        let floorRow = typeBottom - Int((150 / pitchY).rounded())
        guard floorRow <= height else {
            throw Failure(description: String(format: "the image ends %.2f m below the container's roof; a %@ is %.2f m high, so its floor is not in the scan (cut off, or no container)",
                                              Double(height - top) * pitchY / 1000, type.code, type.height / 1000))
        }
        let bottom = min(height, typeBottom)
        let innerOffsetTop = type.height - type.innerHeight - 150
        // 40 mm below the roof's inner edge: the roof sheet's corrugation and the detector's blur
        // reach a little into the cargo space.
        let ceiling = top + Int(((innerOffsetTop + 40) / pitchY).rounded())
        let floor = floorRow
        // End walls: the front wall's corrugation and corner posts (and a reefer's machinery and
        // bulkhead); at the doors, the door leaves, locking bars, header and sill reach about 180 mm in.
        // The corner posts reach about 150 mm in from each end.
        let frontWall = type.isReefer ? 60 + type.machineryDepth + 20 : 170.0
        let doorWall = 180.0
        let frontCols = Int((frontWall / pitchX).rounded()), doorCols = Int((doorWall / pitchX).rounded())
        let innerX0 = doorOnRight ? x0 + frontCols : x0 + doorCols
        let innerX1 = doorOnRight ? x1 - doorCols : x1 - frontCols
        // The machinery recess, from 90 mm (clear of the front wall, whose position is known to
        // a few centimetres) to the bulkhead.
        let machineryCols = Int(((40 + type.machineryDepth) / pitchX).rounded())
        let wallCols = Int((90 / pitchX).rounded())
        let machineryX0 = type.isReefer ? (doorOnRight ? x0 + wallCols : x1 - machineryCols) : 0
        let machineryX1 = type.isReefer ? (doorOnRight ? x0 + machineryCols : x1 - wallCols) : 0
        // At least a metre of cargo space between the end walls (the outline is over 2 m, but a
        // reefer's machinery and the doors take up to 2.3 m of it).
        guard Double(innerX1 - innerX0) * pitchX >= 1000 else {
            throw Failure(description: String(format: "the container's outline is %.1f m long; within it, a %@ leaves %.1f m of cargo space between its end walls (cut off at the side, or no container)",
                                              measuredLength / 1000, type.code, max(0, Double(innerX1 - innerX0) * pitchX) / 1000))
        }
        return ContainerGeometry(x0: x0, x1: x1, top: top, bottom: bottom, innerX0: innerX0, innerX1: innerX1,
                                 ceiling: ceiling, floor: max(ceiling + 1, floor), doorOnRight: doorOnRight, type: type.code,
                                 isReefer: type.isReefer, machineryX0: machineryX0, machineryX1: machineryX1,
                                 measuredLengthMM: measuredLength,
                                 lengthMismatch: (measuredLength - type.length) / type.length, machinerySeen: machinerySeen)
    }

    /// Columns that read dense where the image shows air above the container, from the top of
    /// the image down to 100 mm above the roof (in nine of ten of the rows that are air over
    /// most of the width), in runs at most 50 mm wide: a linac pulse that did not fire, or a
    /// dead detector channel of a scanner that sweeps the detector. Such a column reads dense
    /// over the whole height: it cut the roof's run (a 12.2 m container was measured 8.3 m
    /// long, its doors and the bags behind them left out) and stood in the load as a thin
    /// dense wall. Something above the roof (a bar, a hook) leaves air between it and the top
    /// of the image, and is not a dead column.
    public static func deadColumns(_ map: AttenuationMap, roof: Int, pitchX: Double, pitchY: Double) -> [Range<Int>] {
        let width = map.width
        let last = airBandEnd(map, roof: roof, pitchY: pitchY)
        guard last >= 4, width >= 8 else { return [] }
        var dense = [Int32](repeating: 0, count: width)
        var airRows = 0
        map.values.withUnsafeBufferPointer { all in dense.withUnsafeMutableBufferPointer { tally in
            for y in 0..<last {
                let row = UnsafeBufferPointer(rebasing: all[(y * width)..<((y + 1) * width)])
                // A dark frame row, or something across the whole image: not air.
                guard RangeKernel.countAboveSIMD(row, threshold: 0.45) * 2 < width else { continue }
                airRows += 1
                _ = RangeKernel.countAboveSIMD(row, threshold: 0.45, tally: tally)
            }
        } }
        guard airRows >= 4 else { return [] }
        let widest = max(3, Int((50 / pitchX).rounded()))
        return Measurer.runs((0..<width).filter { Int(dense[$0]) * 10 >= airRows * 9 }).map { $0.first..<($0.last + 1) }
            .filter { $0.count <= widest }
    }

    /// The rows of faulty detector channels, looked for in the outer 3 % of columns at each
    /// side (at least 4), where the image shows air beside the container; a container cut at a
    /// side of the image leaves nothing to look in there, and nothing is found.
    ///
    /// `dead`: rows that read dense across the air at both sides of the image, with air above
    /// and below them there, in runs at most 50 mm tall (a JPEG's ringing included): a dead
    /// detector channel. Such a row crosses the container too: one a third of the way down made
    /// every clean sample container a "dense region" at score 0.99, and one in the air above
    /// the container would be taken for its roof.
    ///
    /// `drifted`: rows whose detector channel reads a share of the beam other than its
    /// neighbours' (its calibrated gain has drifted). In the air at the sides of the image
    /// every row should read the air's attenuation, and a channel reading
    /// g times the beam reads −ln g more (0.7: +0.36) wherever the beam goes, container and
    /// load alike. A run of such rows in the empty space above a load reads as a thin object
    /// held up there: generated scenes with four such runs of 1-8 rows (0.7-0.9 or 1.1-1.3,
    /// at the same height in every scan) put 13 clean loads of fruit and fish among the first
    /// 35 of 200 for "2 kg in the door zone, held up off the floor". Per row, the mean
    /// attenuation of each side's band where all of it is air (under 0.45), the two sides'
    /// mean where both are and agree within 0.05 (one where only one is); a row is drifted
    /// where that differs from the median of the rows measured within 100 mm of it (at least
    /// 8 rows each way: a channel, or a board of them, not the beam's own profile along the
    /// detector) by more than 0.05, five times the channels' own residue after calibration
    /// (0.4-1 %; at 0.03 a few scans of the four scanners, 2 of 52 for GYE-LINAC-1, and 159 of
    /// 200 of the noisier unseen ones had a row so read), and more than one and a half codes of
    /// the encoding (`quantum`, its attenuation step: 8-bit log images are a code apart, 0.056
    /// at 18 codes to the unit, wherever the air sits near a code's edge: at 0.05 alone 36 of
    /// 98 UNS-LOG-2 scans had a row "drifted", with the codes 5).
    /// `offset`: what to take off the row (its excess over that median), in
    /// attenuation. Rows the sides do not show as air (the chassis, a tractor, a container
    /// cut at the image's edge) cannot be measured and are left as read.
    public static func detectorRows(_ map: AttenuationMap, pitchY: Double, quantum: Double = 0) -> (dead: [Range<Int>], drifted: [(row: Int, offset: Float)]) {
        let width = map.width, height = map.height
        let band = max(4, width * 3 / 100)
        guard width >= 4 * band, height >= 8 else { return ([], []) }
        // Per row, the share of dense pixels in the left and in the right band, and, where a
        // band is all air, its mean.
        var left = [Float](repeating: 0, count: height), right = [Float](repeating: 0, count: height)
        var leftMean = [Float](repeating: .nan, count: height), rightMean = leftMean
        map.values.withUnsafeBufferPointer { all in
            for y in 0..<height {
                let l = UnsafeBufferPointer(rebasing: all[(y * width)..<(y * width + band)])
                let r = UnsafeBufferPointer(rebasing: all[((y + 1) * width - band)..<((y + 1) * width)])
                let lc = RangeKernel.countAboveSIMD(l, threshold: 0.45), rc = RangeKernel.countAboveSIMD(r, threshold: 0.45)
                left[y] = Float(lc) / Float(band)
                right[y] = Float(rc) / Float(band)
                if lc == 0 { leftMean[y] = RangeKernel.sumSIMD(l) / Float(band) }
                if rc == 0 { rightMean[y] = RangeKernel.sumSIMD(r) / Float(band) }
            }
        }
        let tallest = max(3, Int((50 / pitchY).rounded()))
        func air(_ y: Int) -> Bool { left[y] <= 0.1 && right[y] <= 0.1 }
        let dead = Measurer.runs((0..<height).filter { left[$0] >= 0.9 && right[$0] >= 0.9 }).map { $0.first..<($0.last + 1) }
            .filter { $0.count <= tallest && $0.lowerBound >= 1 && $0.upperBound < height && air($0.lowerBound - 1) && air($0.upperBound) }
        // Each row's air, where the sides show it.
        var offsets = [Float](repeating: .nan, count: height)
        var measured: [Float] = []
        for y in 0..<height {
            let l = leftMean[y], r = rightMean[y]
            if !l.isNaN && !r.isNaN {
                guard abs(l - r) <= 0.05 else { continue }
                offsets[y] = (l + r) / 2
            } else if !l.isNaN {
                offsets[y] = l
            } else if !r.isNaN {
                offsets[y] = r
            } else {
                continue
            }
            measured.append(offsets[y])
        }
        guard measured.count >= 16 else { return (dead, []) }
        // Most rows are where the median of all is: only those off it by more than half the
        // threshold are compared with their own neighbourhood (a row not measured, NaN, is
        // off nothing).
        let overall = Selection.select(&measured, measured.count / 2)
        let threshold = Float(max(0.05, 1.5 * quantum))
        let reach = max(8, Int((100 / pitchY).rounded()))
        // One offset a row: the rows of a run may have drifted by different factors.
        var drifted: [(row: Int, offset: Float)] = []
        var near: [Float] = []
        for y in 0..<height where abs(offsets[y] - overall) > threshold / 2 {
            near.removeAll(keepingCapacity: true)
            for other in max(0, y - reach)..<min(height, y + reach + 1) where !offsets[other].isNaN { near.append(offsets[other]) }
            guard near.count >= reach else { continue }
            let local = Selection.select(&near, near.count / 2)
            if abs(offsets[y] - local) > threshold { drifted.append((y, offsets[y] - local)) }
        }
        return (dead, drifted)
    }

    /// `map` with each of `rows` read less its offset (opaque pixels stay opaque).
    public static func correcting(_ map: AttenuationMap, rows: [(row: Int, offset: Float)]) -> AttenuationMap {
        guard !rows.isEmpty else { return map }
        var corrected = map
        let opaque = map.saturation - 1e-4
        corrected.values.withUnsafeMutableBufferPointer { all in
            for (row, offset) in rows {
                for index in (row * map.width)..<((row + 1) * map.width) where all[index] < opaque {
                    all[index] -= offset
                }
            }
        }
        return corrected
    }

    /// `map` with the rows of `runs` read linearly between the rows above and below them.
    public static func interpolating(_ map: AttenuationMap, rows runs: [Range<Int>]) -> AttenuationMap {
        interpolating(map, runs: runs, lines: map.height, length: map.width) { row, x in row * map.width + x }
    }

    /// `map` with the columns of `runs` read linearly between the columns on either side.
    public static func interpolating(_ map: AttenuationMap, columns runs: [Range<Int>]) -> AttenuationMap {
        interpolating(map, runs: runs, lines: map.width, length: map.height) { column, y in y * map.width + column }
    }

    /// `map` with the lines (rows or columns, `lines` of them, each `length` long; `index` gives
    /// a pixel's place from its line and its place along it) of `runs` read linearly between
    /// the lines on either side of each run; the one side's where a run reaches an edge.
    static func interpolating(_ map: AttenuationMap, runs: [Range<Int>], lines: Int, length: Int,
                              index: (_ line: Int, _ along: Int) -> Int) -> AttenuationMap {
        guard !runs.isEmpty else { return map }
        var repaired = map
        repaired.values.withUnsafeMutableBufferPointer { all in
            for run in runs {
                let before = run.lowerBound - 1, after = run.upperBound
                guard before >= 0 || after < lines else { continue }
                for along in 0..<length {
                    let a = before >= 0 ? all[index(before, along)] : all[index(after, along)]
                    let b = after < lines ? all[index(after, along)] : a
                    for line in run { all[index(line, along)] = a + (b - a) * Float(line - before) / Float(after - before) }
                }
            }
        }
        return repaired
    }

    /// The coarsest vertical pitch (mm) at which ``heightRatio(_:geometry:type:pitchY:)`` is
    /// trusted: coarser, the chassis' flange under the bottom rails blurs into air.
    public static let finestBottomLinePitch = 10.0

    /// How much taller the container reads than its type at the sidecar's vertical pitch (1.03:
    /// 3 % taller, the pitch stated 3 % small), from the lines at its bottom; nil when they are
    /// not found. Below the cargo space two thin lines run the container's whole length, each
    /// dense (A over 3 in 90 % of the cargo space's columns) over rows that read as air at
    /// their median (under 2.5: the gap under the floor, crossed only by the cross members, and
    /// the chassis' beam webs): the floor, and 100-140 mm under it the chassis' top flange under
    /// the bottom rails, which ends about 19 mm below the type's height and has 150 mm and more
    /// of the beams' webs under it (the floor has the bottom line within 140 mm; at a 9 mm pitch
    /// a floor over 60 mm of air-like rows was once taken for the bottom line).
    /// Measured on generated scans: at the bottom line every scan of every type and scanner
    /// (the floor 87 mm above it in reefers, 135 mm in dry boxes; a pallet deck or a reefer's
    /// T-floor makes another pair higher up, the chassis' bottom flange another 280 mm and
    /// more lower). The lowest line over 150 mm of air-like rows with another 60-180 mm above it
    /// is taken for the bottom line, looked for from 88 % to 109 % of the type's height below
    /// the roof. Trusted at ``finestBottomLinePitch`` or finer.
    public static func heightRatio(_ map: AttenuationMap, geometry g: ContainerGeometry, type: ContainerType, pitchY: Double) -> Double? {
        let bottomLine = type.height + 19
        let below = max(3, Int((60 / pitchY).rounded())), farBelow = max(below + 2, Int((150 / pitchY).rounded()))
        let first = g.top + Int(type.height * 0.88 / pitchY), last = g.top + Int(bottomLine * 1.09 / pitchY)
        guard first > g.top, last + farBelow < map.height, g.innerX1 - g.innerX0 >= 80 else { return nil }
        let width = map.width
        // Per row, over every eighth column: the share above 3, and whether the median is under
        // 2.5 (fewer than half above it).
        var dense = [Float](repeating: 0, count: last + farBelow + 1)
        var airLike = [Bool](repeating: false, count: last + farBelow + 1)
        map.values.withUnsafeBufferPointer { all in
            for y in first...(last + farBelow) {
                var count = 0, above = 0, samples = 0
                for x in Swift.stride(from: g.innerX0, to: g.innerX1, by: 8) {
                    let a = all[y &* width &+ x]
                    samples &+= 1
                    if a > 3 { count &+= 1 }
                    if a >= 2.5 { above &+= 1 }
                }
                dense[y] = Float(count) / Float(samples)
                airLike[y] = 2 * above < samples
            }
        }
        // Lines over air-like rows: 60 mm of them under the floor, 150 mm and more under the
        // chassis' top flange (its beams' webs; the floor has the bottom line 100-140 mm under it).
        var lines: [(mm: Double, overChassis: Bool)] = []
        for y in first..<last where dense[y] >= 0.9 && dense[y + 1] < 0.9 && ((y + 2)...(y + below)).allSatisfy({ airLike[$0] }) {
            lines.append((Double(y + 1 - g.top) * pitchY, ((y + 2)...(y + farBelow)).allSatisfy { airLike[$0] }))
        }
        for line in lines.reversed() where line.overChassis && lines.contains(where: { (60...180).contains(line.mm - $0.mm) }) {
            return line.mm / bottomLine
        }
        return nil
    }

    /// What the air above the container reads: the median over the rows from the image's top
    /// to 100 mm above the roof (at most 16 of them, spread out) of each row's median (every
    /// eighth pixel), leaving out rows that are not air (a dark frame, a dead detector row,
    /// something over the whole width); nil with fewer than four such rows. 0 when the
    /// sidecar's air (or zero) level is the scan's own.
    public static func airLevel(_ map: AttenuationMap, roof: Int, pitchY: Double, brightest: Float? = nil) -> Double? {
        // Rows read as air: those under the largest correction, or within 0.2 of the image's
        // brightest 1 % (air further off is found, to be refused).
        let limit = max(maxAirCorrection, (brightest ?? 0) + 0.2)
        let last = airBandEnd(map, roof: roof, pitchY: pitchY)
        guard last >= 4 else { return nil }
        var medians: [Float] = [], row: [Float] = []
        map.values.withUnsafeBufferPointer { all in
            for y in Swift.stride(from: 0, to: last, by: max(1, last / 16)) {
                row.removeAll(keepingCapacity: true)
                for x in Swift.stride(from: 0, to: map.width, by: 8) { row.append(all[y * map.width + x]) }
                let median = Selection.select(&row, row.count / 2)
                if median < limit { medians.append(median) }
            }
        }
        guard medians.count >= 4 else { return nil }
        return Double(Selection.select(&medians, medians.count / 2))
    }

    /// The attenuation the brightest 1 % of the image reads at the sidecar's encoding (every
    /// pixel of a grid of about 20,000): air, around 0, in every scan that shows the air
    /// around its container.
    public static func brightestLevel(_ map: AttenuationMap) -> Float? {
        let step = max(1, Int((Double(map.values.count) / 20_000).squareRoot()))
        var samples: [Float] = []
        samples.reserveCapacity((map.width / step + 1) * (map.height / step + 1))
        map.values.withUnsafeBufferPointer { all in
            for y in Swift.stride(from: step / 2, to: map.height, by: step) {
                for x in Swift.stride(from: step / 2, to: map.width, by: step) { samples.append(all[y * map.width + x]) }
            }
        }
        guard samples.count >= 100 else { return nil }
        return Selection.select(&samples, samples.count / 100)
    }

    /// What the image's edges read, where a scan shows the air around its container: the
    /// lower of the median attenuation of its top 3 % of rows and that of the outer 2 % of
    /// columns at both ends (beyond the container's ends, over the chassis and wheels). One of
    /// the two may be dense in a scan that is right (a dark frame along the top; an image
    /// cropped to the container's ends), hardly both. Nil also when that level is not above
    /// `threshold`: a median is above it exactly when at most half the samples (those up to
    /// the median's rank) are not, which is counted before anything is selected (the same
    /// result; most scans' edges read air, and two selections among 9,000 samples were 3 % of
    /// a 16-bit scan's analysis).
    public static func edgesLevel(_ map: AttenuationMap, above threshold: Float = -.infinity) -> Float? {
        let rows = max(3, map.height * 3 / 100), columns = max(3, map.width / 50)
        guard map.width > 4 * columns, map.height > 4 * rows else { return nil }
        var top: [Float] = [], ends: [Float] = []
        // About 3,000 samples of the top and 6,000 of the ends.
        let stepX = max(1, map.width / 400), stepY = max(1, map.height / 400)
        map.values.withUnsafeBufferPointer { all in
            for y in Swift.stride(from: 0, to: rows, by: max(1, rows / 8)) {
                for x in Swift.stride(from: 0, to: map.width, by: stepX) { top.append(all[y * map.width + x]) }
            }
            for y in Swift.stride(from: 0, to: map.height, by: stepY) {
                for x in Swift.stride(from: 0, to: columns, by: max(1, columns / 8)) {
                    ends.append(all[y * map.width + x]); ends.append(all[y * map.width + map.width - 1 - x])
                }
            }
        }
        guard !top.isEmpty, !ends.isEmpty else { return nil }
        for samples in [top, ends] {
            let above = samples.withUnsafeBufferPointer { RangeKernel.countAboveSIMD($0, threshold: threshold) }
            guard samples.count - above <= samples.count / 2 else { return nil }
        }
        return min(Selection.select(&top, top.count / 2), Selection.select(&ends, ends.count / 2))
    }

    /// Refuses a scan that is not in its sidecar's encoding. Air reads 0 at the sidecar's
    /// encoding and is the brightest thing in a scan (the brightest 1 % of generated scans of
    /// six scanners read -0.11 to 0): an image whose brightest 1 % reads beyond what the air
    /// level correction puts right (``maxAirCorrection``), or whose edges read far denser than
    /// its brightest part (an inverted image: the air dark, dense matter bright), is not.
    public static func refuseForeignEncoding(_ map: AttenuationMap, brightest: Float?, encoding: PixelEncoding) throws {
        guard let brightest else { return }
        if let edges = edgesLevel(map, above: max(maxAirCorrection, brightest + 0.5)), edges > maxAirCorrection, brightest < edges - 0.5 {
            throw Failure(description: foreignEncodingWords(brightest, edges: edges, encoding: encoding))
        }
        if brightest > maxAirCorrection {
            throw Failure(description: foreignEncodingWords(brightest, edges: nil, encoding: encoding))
        }
    }

    /// The largest air level (attenuation) put right by reading the scan at its own air level.
    public static let maxAirCorrection: Float = 0.45

    /// Why a scan is not analysed when its brightest 1 % reads `level` (and its edges `edges`),
    /// with the pixel value that reads as air, to put its sidecar right.
    public static func foreignEncodingWords(_ level: Float, edges: Float?, encoding: PixelEncoding) -> String {
        // The encoding as the sidecar states it, and the pixel value that reads attenuation a.
        let (stated, pixel): (String, (Double) -> Double) = switch encoding {
        case .transmission(let air, let dark): (String(format: "transmission, air %.0f, dark %.0f", air, dark), { dark + (air - dark) * exp(-$0) })
        case .log(let zero, let scale, _): (String(format: "log, zero %.0f, scale %g", zero, scale), { zero - $0 * scale })
        }
        func value(_ a: Float) -> String { String(format: "pixel value %.0f", pixel(Double(a))) }
        if let edges {
            return String(format: "the image's edges, where the air around a container shows, read an attenuation of %.2f (%@) at the sidecar's encoding (%@), and its brightest 1 %% %.2f (%@); not analysed: the image looks inverted (dense matter bright, as a viewer may export it), its encoding is not the sidecar's, or it is cropped to the container with no air around it",
                          edges, value(edges), stated, level, value(level))
        }
        return String(format: "no part of the image reads as air at the sidecar's encoding (%@): its brightest 1 %% reads an attenuation of %.2f (%@), where air reads 0; not analysed: the encoding is not this image's (counts of a detector with fewer bits against a 16-bit air level, a stale calibration) or the image shows no air around its container",
                      stated, level, value(level))
    }

    /// The rows that show air above the container: from the image's top to 100 mm above the roof.
    static func airBandEnd(_ map: AttenuationMap, roof: Int, pitchY: Double) -> Int {
        min(map.height, roof - max(3, Int((100 / pitchY).rounded())))
    }

    /// Refuses a scan that is not the right way up: upside down (rows from the bottom up, or
    /// turned half a turn) or on its side (turned a quarter turn, or its rows and columns
    /// swapped), when turned back its container's outline fits the declared type (within 6 %)
    /// where as it is the outline was far off. Analysed as they were, such scans got verdicts
    /// laid out on the wrong lines: upside down, the chassis was taken for the roof and the
    /// wheels cut the outline to 45 % of the container (the samples' door-zone bags at 0.91
    /// scored 0); on its side, the container's end wall was taken for a 2.6 m long roof.
    /// Called only when the outline is more than 25 % off the declared length.
    public static func refuseMisoriented(_ map: AttenuationMap, found: ContainerGeometry, pitchX: Double, pitchY: Double,
                                         doorOnRight: Bool, declaredType: ContainerType?) throws {
        let width = map.width, height = map.height
        // The map read another way: pixel (x, y) of the result is pixel `source(x, y)` of the map.
        func reread(width w: Int, height h: Int, _ source: (Int, Int) -> Int) -> AttenuationMap {
            let values = [Float](unsafeUninitializedCapacity: map.values.count) { out, initialized in
                map.values.withUnsafeBufferPointer { all in
                    for y in 0..<h { for x in 0..<w { out[y * w + x] = all[source(x, y)] } }
                }
                initialized = map.values.count
            }
            return AttenuationMap(width: w, height: h, values: values, opaqueCount: map.opaqueCount,
                                  saturation: map.saturation, underPenetrated: map.underPenetrated)
        }
        // Turned over; and on its side three ways, with the sidecar's pitch describing the image
        // as it was turned or as it is. One reading at a time (each is a copy of the map).
        let upsideDown: (Int, Int) -> Int = { x, y in (height - 1 - y) * width + x }
        let sides: [(Int, Int) -> Int] = [{ x, y in x * width + y }, { x, y in (height - 1 - x) * width + y },
                                          { x, y in x * width + (width - 1 - y) }]
        let readings = [("upside down", upsideDown, false, pitchX, pitchY)]
            + sides.map { ("on its side", $0, true, pitchY, pitchX) } + sides.map { ("on its side", $0, true, pitchX, pitchY) }
        for (how, source, turnedOnItsSide, otherPitchX, otherPitchY) in readings {
            let other = turnedOnItsSide ? reread(width: height, height: width, source) : reread(width: width, height: height, source)
            guard let fit = try? locate(other, pitchX: otherPitchX, pitchY: otherPitchY, doorOnRight: doorOnRight, declaredType: declaredType),
                  abs(fit.lengthMismatch) <= 0.06 else { continue }
            throw Failure(description: String(format: "the image looks %@: the container's outline measures %.1f m as it is and %.1f m turned the right way, and a %@ is %.1f m long (rows must run from the top of the container down, columns along it)",
                                              how, found.measuredLengthMM / 1000, fit.measuredLengthMM / 1000, found.type,
                                              found.measuredLengthMM / (1 + found.lengthMismatch) / 1000))
        }
    }

    /// How much the bulkhead's line must weigh (attenuation × mm across, so that it does not
    /// depend on the pixel pitch) in every band; it must also be 2.5 times the strongest line
    /// elsewhere 0.25–1 m from the front. A bulkhead is seen edge-on (its skins run the whole
    /// width along the beam). Measured on 1,020 generated scans at 0.7×, 1× and 1.6× the
    /// scanners' pitch and the 10 samples at 2.5×: reefers 8.3 and more (17.5 and more but at
    /// 2.5×) and at least 3.1 times the rest; dry boxes 7.4 and less, or not standing out (but
    /// one piece of scrap, 38 at 13 times: called a reefer). These are the generator's
    /// bulkheads: a scanner that does not resolve a real one's thin skins sees a weaker line, and
    /// then simply no bulkhead (nothing is concluded from its absence).
    static let bulkheadLine: Float = 6

    /// The line a reefer's bulkhead makes 500 mm in from the front end (the machinery recess's
    /// 440 mm and the front wall): per column, the excess over the columns beside it summed
    /// across the line, in mm, weakest over four bands of the middle 60 % of the height (a lump
    /// of cargo does not span the height); at the bulkhead (±60 mm) and the strongest elsewhere
    /// 0.25–1 m from the front. Nil when the map does not hold those rows or columns.
    static func bulkheadContrast(_ map: AttenuationMap, x0: Int, x1: Int, top: Int, height: Int, doorOnRight: Bool, pitchX: Double) -> (at: Float, elsewhere: Float)? {
        let span = Int(1000 / pitchX)
        let first = doorOnRight ? x0 : max(x0, x1 - span), last = doorOnRight ? min(x1, x0 + span) : x1
        let near = max(2, Int(30 / pitchX)), far = near + max(2, Int(40 / pitchX))
        let expected = Int(500 / pitchX), reach = max(2, Int(60 / pitchX)), wall = Int(250 / pitchX)
        // Columns counted from the front end.
        let count = last - first
        guard expected + 3 * reach + far < count, wall - far >= 0 else { return nil }
        func fromFront(_ i: Int) -> Int { doorOnRight ? i : count - 1 - i }
        var strength = [Float](repeating: .infinity, count: count)
        for band in 0..<4 {
            let rows = (top + height / 5 + band * height * 3 / 20)..<(top + height / 5 + (band + 1) * height * 3 / 20)
            guard !rows.isEmpty, rows.upperBound <= map.height else { return nil }
            // Each column's mean over the band's rows, summed row by row (along the memory, the
            // same sums in the same order as column by column, which read a cache line a pixel).
            var sums = [Float](repeating: 0, count: count)
            map.values.withUnsafeBufferPointer { all in sums.withUnsafeMutableBufferPointer { sums in
                for y in rows {
                    let row = y &* map.width &+ first
                    for i in 0..<count { sums[i] += all[row &+ i] }
                }
            } }
            let columns = (0..<count).map { k in sums[fromFront(k)] / Float(rows.count) }
            for i in wall..<(count - far) {
                let background = max(columns[(i - far)...(i - near)].min()!, columns[(i + near)...(i + far)].min()!)
                var excess: Float = 0
                for j in (i - near + 1)...(i + near - 1) { excess += max(0, columns[j] - background) }
                strength[i] = min(strength[i], excess * Float(pitchX))
            }
        }
        var at: Float = 0, elsewhere: Float = 0
        for i in wall..<(count - far) {
            if abs(i - expected) <= reach { at = max(at, strength[i]) } else if abs(i - expected) > 3 * reach { elsewhere = max(elsewhere, strength[i]) }
        }
        return (at, elsewhere)
    }

    /// The nearest known length, and the height whose bottom the row profile supports: at a
    /// container's bottom the bottom rails sit on the chassis' top flange (a thin, very dense
    /// band) with the floor 120-150 mm above it; 305 mm lower (a high cube's bottom, or the
    /// chassis' own bottom flange under a standard box) the band above is only chassis web.
    /// A 45 ft box (13.7 m, within 4 %) is one, not a 40 ft box 12.5 % too long (its card said
    /// "a 45G1 is 12.2 m" and its reefer unit was judged as a 40 ft's).
    static func inferType(rows: [Float], roofRow: Int, pitchY: Double, measuredLength: Double) -> ContainerType {
        let forty = abs(measuredLength - 12192) < abs(measuredLength - 6058)
        let fortyFive = abs(measuredLength / 13716 - 1) <= 0.04
        // How far a row stands out above the rows 2-4 away on both sides (a thin dense line).
        func contrast(_ r: Int) -> Float {
            let near = max(2, Int(15 / pitchY)), far = near + 2
            guard r - far >= 0, r + far < rows.count else { return 0 }
            let above = rows[(r - far)...(r - near)].min()!, below = rows[(r + near)...(r + far)].min()!
            return rows[r] - max(above, below)
        }
        func line(_ centreMM: Double) -> Float {
            let centre = roofRow + Int(centreMM / pitchY), reach = max(1, Int(45 / pitchY))
            return ((centre - reach)...(centre + reach)).map(contrast).max() ?? 0
        }
        func support(_ heightMM: Double) -> Float { line(heightMM) + line(heightMM - 140) }
        let high = support(2896) > support(2591)
        let code = fortyFive ? (high ? "L5G1" : "L2G1") : forty ? (high ? "45G1" : "42G1") : (high ? "25G1" : "22G1")
        return ContainerType.named(code)!
    }
}
