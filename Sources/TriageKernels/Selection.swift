/// Order statistics without sorting: the k-th smallest of a buffer in expected linear time
/// (Hoare's selection with a median-of-three pivot), reordering the buffer in place. The result
/// is exactly the element a full sort would put at index k, so it stands in for `sorted()[k]`
/// wherever only one rank is wanted (medians, percentiles) and changes no result.
public enum Selection {
    /// The k-th smallest element (0-based) of `values`, which is partially reordered. NaNs are
    /// not allowed (their order is undefined).
    @inlinable
    public static func select<T: Comparable>(_ values: UnsafeMutableBufferPointer<T>, _ k: Int) -> T {
        precondition(k >= 0 && k < values.count, "rank \(k) outside 0..<\(values.count)")
        var low = 0, high = values.count - 1
        while high > low {
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
}

/// Robust statistics over sorted runs: a window of columns whose values were each sorted once is
/// merged instead of selected from, and the median absolute deviation is read off the merged run
/// by walking outward from the median. Both results are exactly what ``Selection/select(_:_:)``
/// gives on the same values (the k-th smallest), at a fraction of the cost for sliding windows.
public enum SortedRuns {
    /// Merges the sorted runs `a` and `b` into `output`, which must hold `a.count + b.count`.
    @inlinable
    public static func merge(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count >= a.count + b.count)
        var i = 0, j = 0, o = 0
        while i < a.count && j < b.count {
            if b[j] < a[i] { output[o] = b[j]; j &+= 1 } else { output[o] = a[i]; i &+= 1 }
            o &+= 1
        }
        while i < a.count { output[o] = a[i]; i &+= 1; o &+= 1 }
        while j < b.count { output[o] = b[j]; j &+= 1; o &+= 1 }
    }

    /// The k-th smallest of |x − m| over the sorted run `values` (0-based k): the elements at
    /// or below m give m − x, ascending as one walks down; those above give x − m, ascending
    /// as one walks up; the k-th of the two merged is the answer. Float subtraction is
    /// sign-symmetric, so m − x is exactly |x − m|.
    @inlinable
    public static func deviation(_ values: UnsafeBufferPointer<Float>, around m: Float, rank k: Int) -> Float {
        precondition(k >= 0 && k < values.count, "rank \(k) outside 0..<\(values.count)")
        // First index above m.
        var low = 0, high = values.count
        while low < high {
            let mid = (low &+ high) / 2
            if values[mid] <= m { low = mid &+ 1 } else { high = mid }
        }
        var down = low &- 1, up = low
        var result: Float = 0
        for _ in 0...k {
            if down >= 0 && (up >= values.count || m - values[down] <= values[up] - m) {
                result = m - values[down]; down &-= 1
            } else {
                result = values[up] - m; up &+= 1
            }
        }
        return result
    }
}
