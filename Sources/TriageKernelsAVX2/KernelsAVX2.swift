// The hot kernels (attenuation, block statistics, row means, roof line, min/max, gap cells,
// residuals) compiled a second time,
// for x86-64-v3 processors (AVX2).
//
// Nothing is written here twice: the kernels in TriageKernels are `@inlinable` and
// `@inline(__always)`, and each function below is a call to one of them, so its body is
// compiled into this module with this module's code generation (`-target-cpu haswell`,
// Package.swift): a SIMD8<Float> is one YMM register instead of two XMM halves. Swift does not
// contract a * b + c into a fused multiply-add, so the instructions do the same arithmetic in
// the same order and the results are bit-identical to the baseline build (tested); checked in
// the disassembly: vmulps/vaddps/vpaddd on YMM registers, no calls in the loop.
//
// Call it only through `KernelDispatch` (TriagePhysics), which asks the processor first: even
// this module's simplest instruction is VEX-encoded and faults on an older one. (Tests and the
// benchmark call it directly, guarded by `KernelDispatch.avx2`, to compare the two builds.)
import TriageKernels

public enum KernelsAVX2 {
    /// ``AttenuationKernel/transmissionSIMD(_:_:air:dark:)`` for AVX2 processors.
    public static func transmission(_ input: UnsafeBufferPointer<UInt16>, _ output: UnsafeMutableBufferPointer<Float>,
                                    air: Float, dark: Float) -> Int {
        AttenuationKernel.transmissionSIMD(input, output, air: air, dark: dark)
    }

    /// ``AttenuationKernel/logSIMD(_:_:zero:scale:floor:)`` for AVX2 processors.
    public static func log(_ input: UnsafeBufferPointer<UInt8>, _ output: UnsafeMutableBufferPointer<Float>,
                           zero: Float, scale: Float, floor: Float) -> Int {
        AttenuationKernel.logSIMD(input, output, zero: zero, scale: scale, floor: floor)
    }
}

extension KernelsAVX2 {
    /// ``BlockKernel/statisticsSIMD(_:width:height:rowStride:blockWidth:blockHeight:ceiling:)``
    /// for AVX2 processors.
    public static func blockStatistics(_ image: UnsafeBufferPointer<Float>, width: Int, height: Int, rowStride: Int? = nil,
                                       blockWidth: Int, blockHeight: Int, ceiling: Float = .infinity) -> BlockGrid {
        BlockKernel.statisticsBody(image, width: width, height: height, rowStride: rowStride,
                                   blockWidth: blockWidth, blockHeight: blockHeight, ceiling: ceiling, wide: true)
    }

    /// ``BlockKernel/rowMeansSIMD(_:width:height:columns:)`` for AVX2 processors.
    public static func rowMeans(_ image: UnsafeBufferPointer<Float>, width: Int, height: Int, columns: Range<Int>) -> [Float] {
        BlockKernel.rowMeansSIMD(image, width: width, height: height, columns: columns)
    }

    /// ``GapKernel/cellsSIMD(_:row:bins:d:low:contrast:gap:)`` for AVX2 processors.
    public static func gapCells(_ m: UnsafePointer<Float>, row r: Int, bins: Int, d: Int, low: UnsafeMutablePointer<Float>,
                                contrast: UnsafeMutablePointer<Float>, gap: UnsafeMutablePointer<Int32>) -> Bool {
        GapKernel.cellsSIMD(m, row: r, bins: bins, d: d, low: low, contrast: contrast, gap: gap)
    }

    /// ``CompareKernel/residualsSIMD(measured:expected:spread:minimumSpread:threshold:z:)`` for
    /// AVX2 processors.
    public static func residuals(measured: UnsafeBufferPointer<Float>, expected: UnsafeBufferPointer<Float>,
                                 spread: UnsafeBufferPointer<Float>, minimumSpread: Float, threshold: Float,
                                 z: UnsafeMutableBufferPointer<Float>) -> Int {
        CompareKernel.residualsSIMD(measured: measured, expected: expected, spread: spread, minimumSpread: minimumSpread,
                                    threshold: threshold, z: z)
    }

    /// ``RangeKernel/minMaxSIMD(_:below:)`` for AVX2 processors.
    public static func minMax(_ values: UnsafeBufferPointer<Float>, below ceiling: Float) -> (Float, Float) {
        RangeKernel.minMaxSIMD(values, below: ceiling)
    }

    /// ``RangeKernel/firstRowAboveSIMD(_:width:rowLimit:threshold:)`` for AVX2 processors.
    public static func firstRowAbove(_ image: UnsafeBufferPointer<Float>, width: Int, rowLimit: Int, threshold: Float) -> [Int32] {
        RangeKernel.firstRowAboveSIMD(image, width: width, rowLimit: rowLimit, threshold: threshold)
    }
}
