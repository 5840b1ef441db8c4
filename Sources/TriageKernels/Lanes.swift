/// Lane-wise minimum and maximum, always inlined. The standard library's `pointwiseMin` and
/// `pointwiseMax` are generic and, in these loops, were compiled to calls (seen in the
/// disassembly), which cost more than the arithmetic around them.
@inlinable @inline(__always)
func lanesMin(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .< a) }

@inlinable @inline(__always)
func lanesMax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }
