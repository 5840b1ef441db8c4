import Foundation
import TriageKernels
import TriageCore
import TriageDecode

/// A map of attenuation A = -ln(I/I₀) per pixel: at linac energies A ≈ (μ/ρ)·D, so this is an
/// areal-density map up to one nearly material-independent factor.
public struct AttenuationMap: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major attenuation values. Opaque pixels hold ``saturation``.
    public var values: [Float]
    /// Pixels at or below the dark level: no photons got through, so nothing is known there
    /// beyond "at least ``saturation``".
    public let opaqueCount: Int
    /// The largest attenuation this encoding can express; what opaque pixels are set to.
    public let saturation: Float
    /// Attenuation from which the beam left too little to measure (see
    /// ``AttenuationTransform/underPenetrated``): a region whose mean reaches it may hold
    /// anything denser, so it cannot be cleared. Equal to ``saturation`` when not known.
    public let underPenetrated: Float
    /// Smallest and largest attenuation among the pixels that were not opaque (0...0 if none);
    /// computed when asked (one SIMD pass), since the comparator does not need them.
    public var minimum: Float { range.0 }
    public var maximum: Float { range.1 }

    public var range: (Float, Float) {
        values.withUnsafeBufferPointer { KernelDispatch.minMax($0, below: saturation - 1e-4) }
    }

    public init(width: Int, height: Int, values: [Float], opaqueCount: Int, saturation: Float, underPenetrated: Float? = nil) {
        self.width = width
        self.height = height
        self.values = values
        self.opaqueCount = opaqueCount
        self.saturation = saturation
        self.underPenetrated = min(saturation, underPenetrated ?? saturation)
    }

    public var pixelCount: Int { width * height }
    public var opaqueFraction: Double { pixelCount == 0 ? 0 : Double(opaqueCount) / Double(pixelCount) }

    public subscript(x: Int, y: Int) -> Float { values[y * width + x] }

    /// The attenuation a radiograph shows as black by default: the 99.5th percentile of a sample
    /// of about 5,000 pixels (at least 3), so dense loads keep their texture.
    public var radiographBlack: Double {
        let step = max(1, values.count / 5000)
        var sample = stride(from: 0, to: values.count, by: step).map { values[$0] }
        guard !sample.isEmpty else { return 3 }
        return max(3, Double(Selection.select(&sample, min(sample.count - 1, Int(Double(sample.count) * 0.995)))))
    }

    /// A picture for people, dense dark like a radiograph: an 8-bit grey view of the attenuation: 0 white, `maxAttenuation` and more black, log-scaled.
    public func radiograph(maxAttenuation requested: Double? = nil) -> PixelImage<UInt8> {
        let maxAttenuation = requested ?? radiographBlack
        let scale = 255 / log1p(maxAttenuation)
        var table = [UInt8](repeating: 0, count: 1024)
        for index in 0..<1024 {
            let a = Double(index) / 1023 * maxAttenuation
            table[index] = UInt8(max(0, min(255, 255 - log1p(a) * scale)))
        }
        // The table position of each value (the nearest entry), 8 at a time in Float: converting
        // each value through Double cost 0.5 ms for a 900-pixel-wide picture.
        let factor = SIMD8<Float>(repeating: Float(1023 / maxAttenuation))
        let zero = SIMD8<Float>(), last = SIMD8<Float>(repeating: 1023), magic = SIMD8<Float>(repeating: 8_388_608)
        let samples = [UInt8](unsafeUninitializedCapacity: values.count) { out, initialized in
            values.withUnsafeBufferPointer { a in
                table.withUnsafeBufferPointer { table in
                    @inline(__always) func positions(_ v: SIMD8<Float>) -> SIMD8<Int32> {
                        let scaled = v * factor
                        let clamped = scaled.replacing(with: zero, where: scaled .< zero).replacing(with: last, where: scaled .> last)
                        // Adding 2^23 leaves the nearest integer in the low mantissa bits.
                        return unsafeBitCast(clamped + magic, to: SIMD8<Int32>.self) & 0x3FF
                    }
                    guard let base = a.baseAddress else { return }
                    let raw = UnsafeRawPointer(base)
                    var index = 0
                    while index &+ 8 <= a.count {
                        let position = positions(raw.loadUnaligned(fromByteOffset: index &* 4, as: SIMD8<Float>.self))
                        for lane in 0..<8 { out[index &+ lane] = table[Int(position[lane])] }
                        index &+= 8
                    }
                    if index < a.count {
                        var v = SIMD8<Float>()
                        for lane in 0..<(a.count &- index) { v[lane] = a[index &+ lane] }
                        let position = positions(v)
                        for lane in 0..<(a.count &- index) { out[index &+ lane] = table[Int(position[lane])] }
                    }
                }
            }
            initialized = values.count
        }
        return PixelImage(width: width, height: height, samples: samples)
    }

}

/// Turns pixel values into attenuation. The two encodings the interchange contract names (16-bit
/// transmission, 8-bit log) go through the SIMD kernels; any other combination through a lookup
/// table, exact (one `log` per possible code, not per pixel), built only when it is needed.
public struct AttenuationTransform: Sendable {
    public let encoding: PixelEncoding
    public let bitDepth: Int
    /// Codes at or below this are opaque (-1 when none is).
    public let opaqueCode: Int
    public let saturation: Float
    /// Attenuation from which what the beam left is within 3 levels of the encoding's floor: 3
    /// codes above the log floor (a code is 1/scale in A, and lossy JPEG moves codes by 2 or so),
    /// 3 counts above dark; never below 90 % of ``saturation`` (an encoding with only a few
    /// levels would otherwise call ordinary goods under-penetrated). A block whose mean reaches
    /// it is mostly clipped pixels: denser goods would read the same, so it is under-penetrated.
    public let underPenetrated: Float

    /// Fails when the encoding cannot describe an image of this depth (air above the largest
    /// code, say), with a reason naming the field.
    public init(encoding: PixelEncoding, bitDepth: Int) throws {
        guard bitDepth == 8 || bitDepth == 16 else {
            throw ScanTriageError(.invalidSidecar, "scans must be 8 or 16-bit, not \(bitDepth)-bit")
        }
        let maxCode = (1 << bitDepth) - 1
        switch encoding {
        case .transmission(let air, let dark):
            guard air <= Double(maxCode) else {
                throw ScanTriageError(.invalidSidecar,
                                      "encoding.air is \(air) but a \(bitDepth)-bit image has codes up to \(maxCode)")
            }
            // One count above dark is the faintest signal that can be told from no signal:
            // codes less than that are opaque.
            saturation = Float(log(air - dark))
            underPenetrated = Float(max(log((air - dark) / 3), 0.9 * log(air - dark)))
            opaqueCode = Int((dark + 1).rounded(.up)) - 1
        case .log(let zero, let scale, let floor):
            saturation = Float((zero - floor) / scale)
            underPenetrated = Float(max((zero - floor - 3) / scale, 0.9 * (zero - floor) / scale))
            opaqueCode = Int(floor.rounded(.down))
        }
        self.encoding = encoding
        self.bitDepth = bitDepth
    }

    /// A for every possible pixel code (2^bitDepth entries, one `log` each), in double precision,
    /// then rounded. Built on each call: the SIMD paths do not need it.
    public func lookupTable() -> [Float] {
        let maxCode = (1 << bitDepth) - 1
        switch encoding {
        case .transmission(let air, let dark):
            let saturation = log(air - dark)
            return (0...maxCode).map { code in
                let signal = Double(code) - dark
                return Float(signal < 1 ? saturation : -log(signal / (air - dark)))
            }
        case .log(let zero, let scale, let floor):
            let saturation = (zero - floor) / scale
            return (0...maxCode).map { code in Float(Double(code) <= floor ? saturation : (zero - Double(code)) / scale) }
        }
    }

    /// Applies the transform to one-channel pixels of the matching depth. 16-bit transmission
    /// and 8-bit log images, the two the interchange contract names, go through the SIMD kernels
    /// (the AVX2 build where the processor has it: ``KernelDispatch``); other combinations
    /// through the exact lookup table.
    ///
    /// - Parameter rows: transform only the image's first `rows` rows (all when nil): the map
    ///   is then that band, `rows` high, exactly as the same rows of the whole map would be, and
    ///   its ``AttenuationMap/opaqueCount`` counts that band. The comparator reads no lower
    ///   than the container's bottom, and the chassis and wheels below it are a third of a scan.
    public func apply(_ pixels: Pixels, rows: Int? = nil) throws -> AttenuationMap {
        guard pixels.bitDepth == bitDepth, pixels.channels == 1 else {
            throw ScanTriageError(.invalidSidecar,
                                  "the transform is for 1-channel \(bitDepth)-bit pixels, the image is \(pixels.channels)-channel \(pixels.bitDepth)-bit")
        }
        let height = min(pixels.height, max(0, rows ?? pixels.height))
        let count = pixels.width * height
        switch (pixels, encoding) {
        case (.uint16(let image), .transmission(let air, let dark)):
            return kernel(image.width, height) { out in
                image.samples.withUnsafeBufferPointer {
                    KernelDispatch.transmission(UnsafeBufferPointer(rebasing: $0[0..<count]), out, air: Float(air), dark: Float(dark))
                }
            }
        case (.uint8(let image), .log(let zero, let scale, let floor)):
            return kernel(image.width, height) { out in
                image.samples.withUnsafeBufferPointer {
                    KernelDispatch.log(UnsafeBufferPointer(rebasing: $0[0..<count]), out, zero: Float(zero), scale: Float(scale), floor: Float(floor))
                }
            }
        case (.uint8(let image), _): return apply(image.samples[0..<count], width: image.width, height: height)
        case (.uint16(let image), _): return apply(image.samples[0..<count], width: image.width, height: height)
        }
    }

    private func kernel(_ width: Int, _ height: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> Int) -> AttenuationMap {
        var opaque = 0
        let values = [Float](unsafeUninitializedCapacity: width * height) { out, initialized in
            opaque = body(out)
            initialized = width * height
        }
        return AttenuationMap(width: width, height: height, values: values, opaqueCount: opaque, saturation: saturation,
                              underPenetrated: underPenetrated)
    }

    /// The exact lookup-table path (also the reference the kernels are tested against).
    public func applyTable(_ pixels: Pixels) -> AttenuationMap {
        switch pixels {
        case .uint8(let image): apply(image.samples[...], width: image.width, height: image.height)
        case .uint16(let image): apply(image.samples[...], width: image.width, height: image.height)
        }
    }

    private func apply<Sample: FixedWidthInteger & UnsignedInteger>(_ samples: ArraySlice<Sample>, width: Int, height: Int) -> AttenuationMap {
        let count = samples.count
        var opaque = 0
        let table = lookupTable()
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            table.withUnsafeBufferPointer { lut in
                samples.withUnsafeBufferPointer { input in
                    let opaqueCode = self.opaqueCode
                    for index in 0..<count {
                        let code = Int(input[index])
                        let a = lut[code]
                        out[index] = a
                        if code <= opaqueCode { opaque &+= 1 }
                    }
                }
            }
            initialized = count
        }
        return AttenuationMap(width: width, height: height, values: values, opaqueCount: opaque, saturation: saturation,
                              underPenetrated: underPenetrated)
    }
}
