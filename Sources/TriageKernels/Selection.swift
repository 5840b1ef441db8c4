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
