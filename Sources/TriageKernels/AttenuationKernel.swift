// The hot kernels of ScanTriage. Each is a small function over unsafe buffers, written with
// Swift SIMD types and wrapping integer arithmetic, beside a plain scalar reference that the tests
// compare it against and the benchmark measures it beside (`scantriage-bench kernels`).
//
// Vectorisation was checked in the generated code: see README "Kernels".

import Foundation

/// Natural logarithm of 8 positive, finite, normal floats, branch- and blend-free: subtracting
/// the bits of √½ splits x into 2^e · m with m in [√½, √2) by integer arithmetic alone (the
/// exponent is the arithmetic shift of the difference, the mantissa its low bits put back over
/// √½), then ln(m) = ln(1 + u) = u·q(u), q a degree-5 minimax polynomial in u = m − 1 (Estrin's
/// scheme), so ln(1) is exactly 0. Absolute error below 3e-7 over the normal range (measured in
/// float, tested).
@inlinable @inline(__always)
public func simdLog(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let shifted = unsafeBitCast(x, to: SIMD8<Int32>.self) &- 0x3F35_04F3
    let exponent = SIMD8<Float>(shifted &>> 23)
    let mantissa = unsafeBitCast((shifted & 0x007F_FFFF) &+ 0x3F35_04F3, to: SIMD8<Float>.self)
    let u = mantissa - 1
    // Estrin's scheme: three independent pairs, then two levels, instead of one chain of six
    // multiply-adds. Measured: no faster than Horner's rule here (the loop is bound by its ~90
    // SSE instructions per 8 pixels, not by the chain's latency); kept for the shorter chain.
    let u2 = u * u
    let p01 = u * -4.9985050886e-01 + 1.0000127821e+00
    let p23 = u * -2.5472476848e-01 + 3.3225872968e-01
    let p45 = u * -1.4319789669e-01 + 2.2330067881e-01
    let q = p01 + u2 * (p23 + u2 * p45)
    return q * u + exponent * 0.693147180559945
}

public enum AttenuationKernel {
    /// Transmission encoding: A = −ln((P − dark)/(air − dark)). A signal P − dark below one
    /// count cannot be told from no signal: such a pixel is opaque and gets the saturation
    /// ln(air − dark), the largest A the encoding can express. Returns the opaque count.
    ///
    /// Scalar reference.
    public static func transmissionScalar(_ input: UnsafeBufferPointer<UInt16>, _ output: UnsafeMutableBufferPointer<Float>,
                                          air: Float, dark: Float) -> Int {
        precondition(output.count >= input.count)
        let saturation = log(air - dark)
        var opaque = 0
        for index in 0..<input.count {
            let signal = Float(input[index]) - dark
            if signal < 1 {
                output[index] = saturation
                opaque &+= 1
            } else {
                output[index] = saturation - log(signal)
            }
        }
        return opaque
    }

    /// SIMD version of ``transmissionScalar(_:_:air:dark:)``, 8 pixels at a time with one
    /// comparison (the opaque count) and one maximum: opaque signals are raised to one count,
    /// whose logarithm is exactly 0, so they come out at the saturation. Agrees with the reference within 2e-5 in A
    /// (the log approximation); the opaque count is exact.
    @inlinable @inline(__always)
    public static func transmissionSIMD(_ input: UnsafeBufferPointer<UInt16>, _ output: UnsafeMutableBufferPointer<Float>,
                                        air: Float, dark: Float) -> Int {
        precondition(output.count >= input.count)
        let count = input.count
        let saturation = log(air - dark)
        let vSaturation = SIMD8<Float>(repeating: saturation)
        let vDark = SIMD8<Float>(repeating: dark)
        let vOne = SIMD8<Float>(repeating: 1)
        var opaqueLanes = SIMD8<Int32>()
        let body = count & ~7
        guard let source = input.baseAddress, let target = output.baseAddress else { return 0 }
        let sourceRaw = UnsafeRawPointer(source)
        let targetRaw = UnsafeMutableRawPointer(target)
        var index = 0
        // Eight pixels: their A, and which are opaque. The body and the last pixels both go
        // through it, so a pixel's A does not depend on where the buffer ends: a band of rows
        // transformed alone equals the same rows of the whole map, bit for bit.
        @inline(__always) func lanes(_ pixels: SIMD8<UInt16>) -> (a: SIMD8<Float>, dead: SIMDMask<SIMD8<Int32>>) {
            let signal = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: pixels)) - vDark
            return (vSaturation - simdLog(lanesMax(signal, vOne)), signal .< vOne)
        }
        while index < body {
            let (a, dead) = lanes(sourceRaw.loadUnaligned(fromByteOffset: index &* 2, as: SIMD8<UInt16>.self))
            // A mask's lanes are −1 where true: subtracting counts the opaque pixels.
            opaqueLanes &-= unsafeBitCast(dead, to: SIMD8<Int32>.self)
            targetRaw.storeBytes(of: a, toByteOffset: index &* 4, as: SIMD8<Float>.self)
            index &+= 8
        }
        var opaque = Int(opaqueLanes.wrappedSum())
        if body < count {
            // The last pixels, lanes past the end padded.
            var pixels = SIMD8<UInt16>()
            for lane in 0..<(count &- body) { pixels[lane] = source[body &+ lane] }
            let (a, dead) = lanes(pixels)
            for lane in 0..<(count &- body) {
                target[body &+ lane] = a[lane]
                if dead[lane] { opaque &+= 1 }
            }
        }
        return opaque
    }

    /// Log encoding, 8-bit: A = (zero − P)/scale, P ≤ floor opaque (A = (zero − floor)/scale).
    /// Scalar reference.
    public static func logScalar(_ input: UnsafeBufferPointer<UInt8>, _ output: UnsafeMutableBufferPointer<Float>,
                                 zero: Float, scale: Float, floor: Float) -> Int {
        let saturation = (zero - floor) / scale
        var opaque = 0
        for index in 0..<input.count {
            let p = Float(input[index])
            if p <= floor {
                output[index] = saturation
                opaque &+= 1
            } else {
                output[index] = (zero - p) / scale
            }
        }
        return opaque
    }

    /// SIMD version of ``logScalar(_:_:zero:scale:floor:)``, 8 at a time: multiplies by 1/scale
    /// instead of dividing (within 1 ulp of the reference), and caps at the saturation instead of
    /// blending (a pixel at or below the floor has A at or above it).
    @inlinable @inline(__always)
    public static func logSIMD(_ input: UnsafeBufferPointer<UInt8>, _ output: UnsafeMutableBufferPointer<Float>,
                               zero: Float, scale: Float, floor: Float) -> Int {
        let count = input.count
        let body = count & ~7
        guard let source = input.baseAddress, let target = output.baseAddress else { return 0 }
        let sourceRaw = UnsafeRawPointer(source)
        let targetRaw = UnsafeMutableRawPointer(target)
        let vZero = SIMD8<Float>(repeating: zero), vInverse = SIMD8<Float>(repeating: 1 / scale)
        let vFloor = SIMD8<Float>(repeating: floor)
        let vSaturation = SIMD8<Float>(repeating: (zero - floor) / scale)
        var opaqueLanes = SIMD8<Int32>()
        var index = 0
        // Eight pixels: their A, and which are opaque (the body and the last pixels alike; see
        // transmissionSIMD).
        @inline(__always) func lanes(_ pixels: SIMD8<UInt8>) -> (a: SIMD8<Float>, dead: SIMDMask<SIMD8<Int32>>) {
            let p = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: pixels))
            return (lanesMin((vZero - p) * vInverse, vSaturation), p .<= vFloor)
        }
        while index < body {
            let (a, dead) = lanes(sourceRaw.loadUnaligned(fromByteOffset: index, as: SIMD8<UInt8>.self))
            opaqueLanes &-= unsafeBitCast(dead, to: SIMD8<Int32>.self)
            targetRaw.storeBytes(of: a, toByteOffset: index &* 4, as: SIMD8<Float>.self)
            index &+= 8
        }
        var opaque = Int(opaqueLanes.wrappedSum())
        if body < count {
            // The last pixels, lanes past the end padded.
            var pixels = SIMD8<UInt8>()
            for lane in 0..<(count &- body) { pixels[lane] = source[body &+ lane] }
            let (a, dead) = lanes(pixels)
            for lane in 0..<(count &- body) {
                target[body &+ lane] = a[lane]
                if dead[lane] { opaque &+= 1 }
            }
        }
        return opaque
    }
}
