/// The gap line's kernels (see the comparator's `Measurer.gapLine`): rows of an attenuation map
/// binned across, and the thin lighter lines between two dense ones found in them.
public enum GapKernel {
    /// One row of bins: the mean of each `width` (2, 4 or 8) pixels, capped at `limit`.
    @inlinable @inline(__always)
    public static func binRow(_ pixels: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, bins: Int, width: Int, limit: Float) {
        switch width {
        case 2:
            for b in 0..<bins { out[b] = min(limit, (pixels[2 &* b] + pixels[2 &* b &+ 1]) * 0.5) }
        case 4:
            for b in 0..<bins {
                let p = pixels + 4 &* b
                out[b] = min(limit, ((p[0] + p[1]) + (p[2] + p[3])) * 0.25)
            }
        default:
            for b in 0..<bins {
                let p = pixels + 8 &* b
                out[b] = min(limit, (((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]))) * 0.125)
            }
        }
    }

    /// Row `row` of the binned map: each bin's lowest of the three rows around it, how much
    /// lighter that is than the lower of the cells `d` rows above and below, and whether it is a
    /// gap cell (at most four fifths of that, and 0.15 less). True when the row has any. Eight
    /// bins at a time (SIMD8), the last ones one by one: the same values as
    /// ``cellsScalar(_:row:bins:from:d:low:contrast:gap:)``, bit for bit. The flags are Int32, a
    /// comparison's own lane width: as bytes, the baseline build narrowed each step's eight
    /// lanes through a call to the standard library's generic conversion, and ran slower than the
    /// reference the compiler vectorised by itself (1.9 against 2.3 Gpx/s).
    @inlinable @inline(__always)
    public static func cellsSIMD(_ m: UnsafePointer<Float>, row r: Int, bins: Int, d: Int, low: UnsafeMutablePointer<Float>,
                         contrast: UnsafeMutablePointer<Float>, gap: UnsafeMutablePointer<Int32>) -> Bool {
        typealias V = SIMD8<Float>
        let above = UnsafeRawPointer(m + (r &- 1) &* bins), here = UnsafeRawPointer(m + r &* bins)
        let below = UnsafeRawPointer(m + (r &+ 1) &* bins)
        let far = UnsafeRawPointer(m + (r &- d) &* bins), farBelow = UnsafeRawPointer(m + (r &+ d) &* bins)
        let lows = UnsafeMutableRawPointer(low), depths = UnsafeMutableRawPointer(contrast), gaps = UnsafeMutableRawPointer(gap)
        let floor = V(repeating: 0.15), share = V(repeating: 0.2)
        var any = SIMD8<Int32>()
        let body = bins & ~7
        var b = 0
        while b < body {
            let offset = b &* 4
            let a = above.loadUnaligned(fromByteOffset: offset, as: V.self), h = here.loadUnaligned(fromByteOffset: offset, as: V.self)
            let c = below.loadUnaligned(fromByteOffset: offset, as: V.self)
            var lowest = a.replacing(with: h, where: h .< a)
            lowest = lowest.replacing(with: c, where: c .< lowest)
            let up = far.loadUnaligned(fromByteOffset: offset, as: V.self), down = farBelow.loadUnaligned(fromByteOffset: offset, as: V.self)
            let around = up.replacing(with: down, where: down .< up)
            let depth = around - lowest
            let part = share * around
            let isGap = depth .>= part.replacing(with: floor, where: floor .> part)
            let lanes = unsafeBitCast(isGap, to: SIMD8<Int32>.self)
            lows.storeBytes(of: lowest, toByteOffset: offset, as: V.self)
            depths.storeBytes(of: depth, toByteOffset: offset, as: V.self)
            gaps.storeBytes(of: lanes & 1, toByteOffset: offset, as: SIMD8<Int32>.self)
            any |= lanes
            b &+= 8
        }
        let tail = cellsScalar(m, row: r, bins: bins, from: body, d: d, low: low, contrast: contrast, gap: gap)
        return any != SIMD8<Int32>() || tail
    }

    /// ``cellsSIMD(_:row:bins:d:low:contrast:gap:)`` one bin at a time, from bin `start`: the
    /// reference it is tested against, and its last bins (-O vectorises it: see
    /// `Tools/ScalarReference`).
    @inlinable @inline(__always)
    public static func cellsScalar(_ m: UnsafePointer<Float>, row r: Int, bins: Int, from start: Int = 0, d: Int, low: UnsafeMutablePointer<Float>,
                               contrast: UnsafeMutablePointer<Float>, gap: UnsafeMutablePointer<Int32>) -> Bool {
        let above = m + (r &- 1) &* bins, here = m + r &* bins, below = m + (r &+ 1) &* bins
        let far = m + (r &- d) &* bins, farBelow = m + (r &+ d) &* bins
        var count: Int32 = 0
        for b in start..<bins {
            let lowest = min(min(above[b], here[b]), below[b])
            let around = min(far[b], farBelow[b])
            let isGap: Int32 = around - lowest >= max(0.15, 0.2 * around) ? 1 : 0
            low[b] = lowest
            contrast[b] = around - lowest
            gap[b] = isGap
            count |= isGap
        }
        return count != 0
    }
}
