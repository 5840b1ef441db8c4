/// Order statistics without sorting: the k-th smallest of a buffer in expected linear time
/// (Hoare's selection with a median-of-three pivot; 16 or fewer left are insertion-sorted),
/// reordering the buffer in place. The result is exactly the element a full sort would put at
/// index k, so it stands in for `sorted()[k]` wherever only one rank is wanted (medians,
/// percentiles) and changes no result. (Most calls are small, a median of a few dozen heights
/// or windows: partitioning down to the last element cost about 1 % more of a 16-bit scan's
/// analysis than sorting the last few.)
public enum Selection {
    /// The k-th smallest element (0-based) of `values`, which is partially reordered. NaNs are
    /// not allowed (their order is undefined).
    @inlinable
    public static func select<T: Comparable>(_ values: UnsafeMutableBufferPointer<T>, _ k: Int) -> T {
        precondition(k >= 0 && k < values.count, "rank \(k) outside 0..<\(values.count)")
        var low = 0, high = values.count - 1
        while high > low {
            if high &- low < 16 {
                // A few left: insertion sort them.
                var a = low &+ 1
                while a <= high {
                    let v = values[a]
                    var b = a &- 1
                    while b >= low && values[b] > v { values[b &+ 1] = values[b]; b &-= 1 }
                    values[b &+ 1] = v
                    a &+= 1
                }
                break
            }
            // Median of three as the pivot.
            let mid = low + (high - low) / 2
            if values[mid] < values[low] { values.swapAt(mid, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[mid] { values.swapAt(high, mid) }
            let pivot = values[mid]
            // Hoare partition: [low, j] ≤ pivot ≤ [j + 1, high].
            var i = low - 1, j = high + 1
            while true {
                repeat { i &+= 1 } while values[i] < pivot
                repeat { j &-= 1 } while values[j] > pivot
                if i >= j { break }
                values.swapAt(i, j)
            }
            if k <= j { high = j } else { low = j + 1 }
        }
        return values[k]
    }

    /// The k-th smallest element of an array (reordered in place).
    @inlinable
    public static func select<T: Comparable>(_ values: inout [T], _ k: Int) -> T {
        values.withUnsafeMutableBufferPointer { select($0, k) }
    }

    /// Whether the median absolute deviation of `values` around `median` (the deviations'
    /// element at rank count / 2, as ``select(_:_:)`` gives it) is below `bound`, by counting
    /// instead of selecting: it is exactly when more than count / 2 of the deviations are
    /// below `bound`. Lets a search skip the selection when the spread could not matter anyway.
    @inlinable
    public static func deviation<C: Collection>(of values: C, around median: C.Element, isBelow bound: C.Element) -> Bool
        where C.Element: FloatingPoint {
        var closer = 0
        for value in values where abs(value - median) < bound { closer &+= 1 }
        return closer > values.count / 2
    }
}

/// Robust statistics over sorted runs: a window of columns whose values were each sorted once is
/// kept merged as it slides (one run leaves, one enters) instead of selected from, and the median
/// absolute deviation is read off the merged run by bisection around the median. Both results
/// are exactly what ``Selection/select(_:_:)`` gives on the same values (the k-th smallest), at
/// a fraction of the cost for sliding windows.
public enum SortedRuns {
    /// Slides a window of sorted runs by one: writes `pool` without the elements of `leaving`
    /// (each a member of `pool`; equal values leave one for one) merged with `entering`, into
    /// `output`, which must hold `pool.count − leaving.count + entering.count`. One pass instead
    /// of merging the whole window again. Returns the count written.
    @inlinable
    public static func slide(_ pool: UnsafeBufferPointer<Float>, removing leaving: UnsafeBufferPointer<Float>,
                             adding entering: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) -> Int {
        precondition(output.count >= pool.count - leaving.count + entering.count)
        var i = 0, j = 0, k = 0, o = 0
        while i < pool.count {
            let value = pool[i]
            if j < leaving.count && leaving[j] == value { j &+= 1; i &+= 1; continue }
            while k < entering.count && entering[k] < value { output[o] = entering[k]; k &+= 1; o &+= 1 }
            output[o] = value; i &+= 1; o &+= 1
        }
        precondition(j == leaving.count, "a leaving value was not in the pool")
        while k < entering.count { output[o] = entering[k]; k &+= 1; o &+= 1 }
        return o
    }

    /// The k-th smallest of |x − m| over the sorted run `values` (0-based k): the elements at
    /// or below m give m − x, ascending as one walks down; those above give x − m, ascending
    /// as one walks up; the k-th of the two sequences merged is the answer, found by bisecting
    /// how many of the k + 1 smallest come from below (O(log n), no walk). Float subtraction is
    /// sign-symmetric, so m − x is exactly |x − m|.
    @inlinable
    public static func deviation(_ values: UnsafeBufferPointer<Float>, around m: Float, rank k: Int) -> Float {
        precondition(k >= 0 && k < values.count, "rank \(k) outside 0..<\(values.count)")
        // First index above m: `below` elements at or below it, `values.count − below` above.
        var low = 0, high = values.count
        while low < high {
            let mid = (low &+ high) / 2
            if values[mid] <= m { low = mid &+ 1 } else { high = mid }
        }
        let below = low, above = values.count &- below
        @inline(__always) func down(_ i: Int) -> Float { m - values[below &- 1 &- i] }  // ascending in i
        @inline(__always) func up(_ j: Int) -> Float { values[below &+ j] - m }          // ascending in j
        // Take t = k + 1 values, i from below and t − i from above: the smallest i whose next
        // value from below is not smaller than the last one taken from above.
        let t = k &+ 1
        var lo = max(0, t &- above), hi = min(t, below)
        while lo < hi {
            let i = (lo &+ hi) / 2
            if down(i) < up(t &- i &- 1) { lo = i &+ 1 } else { hi = i }
        }
        let j = t &- lo
        if lo == 0 { return up(j &- 1) }
        if j == 0 { return down(lo &- 1) }
        return max(down(lo &- 1), up(j &- 1))
    }
}
