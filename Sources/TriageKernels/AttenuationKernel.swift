// The hot kernels of ScanTriage. Each is a small function over unsafe buffers, written with
// Swift SIMD types and wrapping integer arithmetic, beside a plain scalar reference that the tests
// compare it against and the benchmark measures it beside (`scantriage-bench kernels`).
//
// Vectorisation was checked in the generated code: see README "Kernels".

import Foundation

/// Natural logarithm of 8 positive, finite, normal floats: exponent from the bits, mantissa
/// folded into [√½, √2), then ln(1 + u) as a degree-8 least-squares polynomial in u = m − 1
/// (no division; Horner's rule). Absolute error of the polynomial below 4e-8 on that interval,
/// so relative error below 2e-7 over the normal range.
@inline(__always)
public func simdLog(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    var exponent = SIMD8<Int32>(truncatingIfNeeded: bits &>> 23) &- 127
    var mantissa = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD8<Float>.self)
    // Fold [√2, 2) down to [√½, 1).
    let high = mantissa .> 1.41421356
    mantissa.replace(with: mantissa * 0.5, where: high)
    exponent.replace(with: exponent &+ 1, where: high)
    let u = mantissa - 1
    var p = SIMD8<Float>(repeating: -9.8424722447e-02)
    p = p * u + 1.6366073273e-01
    p = p * u - 1.7405955722e-01
    p = p * u + 1.9882779668e-01
    p = p * u - 2.4952122248e-01
    p = p * u + 3.3335710502e-01
    p = p * u - 5.0000945469e-01
    p = p * u + 9.9999985709e-01
    p = p * u + 2.8618280275e-08
    return p + SIMD8<Float>(exponent) * 0.693147180559945
}

public enum AttenuationKernel {
    /// Transmission encoding: A = −ln((P − dark)/(air − dark)), P ≤ dark opaque (A = the
    /// saturation ln(air − dark)); A is capped at the saturation. Returns the opaque count.
    ///
    /// Scalar reference.
    public static func transmissionScalar(_ input: UnsafeBufferPointer<UInt16>, _ output: UnsafeMutableBufferPointer<Float>,
                                          air: Float, dark: Float) -> Int {
        precondition(output.count >= input.count)
        let saturation = log(air - dark)
        var opaque = 0
        for index in 0..<input.count {
            let signal = Float(input[index]) - dark
            if signal <= 0 {
                output[index] = saturation
                opaque &+= 1
            } else {
                output[index] = min(saturation, saturation - log(signal))
            }
        }
        return opaque
    }

    /// SIMD version of ``transmissionScalar(_:_:air:dark:)``: 8 pixels at a time.
    /// Agrees with the reference within 2e-5 in A (the log approximation).
    public static func transmissionSIMD(_ input: UnsafeBufferPointer<UInt16>, _ output: UnsafeMutableBufferPointer<Float>,
                                        air: Float, dark: Float) -> Int {
        precondition(output.count >= input.count)
        let count = input.count
        let saturation = log(air - dark)
        let vSaturation = SIMD8<Float>(repeating: saturation)
        let vDark = SIMD8<Float>(repeating: dark)
        var opaqueLanes = SIMD8<Int32>()
        let body = count & ~7
        guard let source = input.baseAddress, let target = output.baseAddress else { return 0 }
        let sourceRaw = UnsafeRawPointer(source)
        let targetRaw = UnsafeMutableRawPointer(target)
        var index = 0
        while index < body {
            let pixels = sourceRaw.loadUnaligned(fromByteOffset: index &* 2, as: SIMD8<UInt16>.self)
            let signal = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: pixels)) - vDark
            let dead = signal .<= 0
            // Keep the log's argument positive; the result is replaced where dead anyway.
            let safe = signal.replacing(with: 1, where: dead)
            var a = vSaturation - simdLog(safe)
            a = a.replacing(with: vSaturation, where: dead .| (a .> vSaturation))
            targetRaw.storeBytes(of: a, toByteOffset: index &* 4, as: SIMD8<Float>.self)
            opaqueLanes &+= SIMD8<Int32>(repeating: 0).replacing(with: 1, where: dead)
            index &+= 8
        }
        var opaque = Int(opaqueLanes.wrappedSum())
        if body < count {
            let tail = UnsafeBufferPointer(rebasing: input[body..<count])
            let tailOut = UnsafeMutableBufferPointer(rebasing: output[body..<count])
            opaque &+= transmissionScalar(tail, tailOut, air: air, dark: dark)
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

    /// SIMD version of ``logScalar(_:_:zero:scale:floor:)``: exact (same arithmetic), 8 at a time.
    public static func logSIMD(_ input: UnsafeBufferPointer<UInt8>, _ output: UnsafeMutableBufferPointer<Float>,
                               zero: Float, scale: Float, floor: Float) -> Int {
        let count = input.count
        let body = count & ~7
        guard let source = input.baseAddress, let target = output.baseAddress else { return 0 }
        let sourceRaw = UnsafeRawPointer(source)
        let targetRaw = UnsafeMutableRawPointer(target)
        let vZero = SIMD8<Float>(repeating: zero), vScale = SIMD8<Float>(repeating: scale)
        let vFloor = SIMD8<Float>(repeating: floor)
        let vSaturation = SIMD8<Float>(repeating: (zero - floor) / scale)
        var opaqueLanes = SIMD8<Int32>()
        var index = 0
        while index < body {
            let pixels = sourceRaw.loadUnaligned(fromByteOffset: index, as: SIMD8<UInt8>.self)
            let p = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: pixels))
            let dead = p .<= vFloor
            let a = ((vZero - p) / vScale).replacing(with: vSaturation, where: dead)
            targetRaw.storeBytes(of: a, toByteOffset: index &* 4, as: SIMD8<Float>.self)
            opaqueLanes &+= SIMD8<Int32>(repeating: 0).replacing(with: 1, where: dead)
            index &+= 8
        }
        var opaque = Int(opaqueLanes.wrappedSum())
        if body < count {
            opaque &+= logScalar(UnsafeBufferPointer(rebasing: input[body..<count]),
                                 UnsafeMutableBufferPointer(rebasing: output[body..<count]),
                                 zero: zero, scale: scale, floor: floor)
        }
        return opaque
    }
}
