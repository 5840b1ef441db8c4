import CTriageCPU
import Foundation
import TriageKernels
import TriageKernelsAVX2

/// Which build of the SIMD kernels this process runs, and the one place that chooses: the AVX2
/// one (TriageKernelsAVX2, compiled for x86-64-v3) when the processor has that level, the
/// baseline x86-64 (SSE2) one otherwise. Both do the same operations in the same order, so
/// their results are identical (tested). Set `SCANTRIAGE_BASELINE_KERNELS=1` to run the
/// baseline on any processor (to compare the two, or to rule the wider build out when chasing
/// a difference).
///
/// This module is compiled for the baseline, so the test and the baseline calls below are safe
/// on any processor; callers use these functions, never TriageKernelsAVX2 directly.
public enum KernelDispatch {
    /// True when the AVX2 build of the kernels is in use.
    public static let avx2: Bool = ctriagecpu_has_x86_64_v3() != 0
        && ProcessInfo.processInfo.environment["SCANTRIAGE_BASELINE_KERNELS"] == nil
    /// What the process runs, for logs and benchmarks.
    public static var description: String { avx2 ? "AVX2 (x86-64-v3)" : "baseline (SSE2)" }

    /// ``AttenuationKernel/transmissionSIMD(_:_:air:dark:)`` in the chosen build.
    public static func transmission(_ input: UnsafeBufferPointer<UInt16>, _ output: UnsafeMutableBufferPointer<Float>,
                                    air: Float, dark: Float) -> Int {
        avx2 ? KernelsAVX2.transmission(input, output, air: air, dark: dark)
            : AttenuationKernel.transmissionSIMD(input, output, air: air, dark: dark)
    }

    /// ``AttenuationKernel/logSIMD(_:_:zero:scale:floor:)`` in the chosen build.
    public static func log(_ input: UnsafeBufferPointer<UInt8>, _ output: UnsafeMutableBufferPointer<Float>,
                           zero: Float, scale: Float, floor: Float) -> Int {
        avx2 ? KernelsAVX2.log(input, output, zero: zero, scale: scale, floor: floor)
            : AttenuationKernel.logSIMD(input, output, zero: zero, scale: scale, floor: floor)
    }

    /// ``BlockKernel/statisticsSIMD(_:width:height:rowStride:blockWidth:blockHeight:ceiling:)``
    /// in the chosen build.
    public static func blockStatistics(_ image: UnsafeBufferPointer<Float>, width: Int, height: Int, rowStride: Int? = nil,
                                       blockWidth: Int, blockHeight: Int, ceiling: Float = .infinity) -> BlockGrid {
        avx2 ? KernelsAVX2.blockStatistics(image, width: width, height: height, rowStride: rowStride,
                                           blockWidth: blockWidth, blockHeight: blockHeight, ceiling: ceiling)
            : BlockKernel.statisticsSIMD(image, width: width, height: height, rowStride: rowStride,
                                         blockWidth: blockWidth, blockHeight: blockHeight, ceiling: ceiling)
    }

    /// ``BlockKernel/rowMeansSIMD(_:width:height:columns:)`` in the chosen build.
    public static func rowMeans(_ image: UnsafeBufferPointer<Float>, width: Int, height: Int, columns: Range<Int>) -> [Float] {
        avx2 ? KernelsAVX2.rowMeans(image, width: width, height: height, columns: columns)
            : BlockKernel.rowMeansSIMD(image, width: width, height: height, columns: columns)
    }

    /// ``GapKernel/cellsSIMD(_:row:bins:d:low:contrast:gap:)`` in the chosen build.
    public static func gapCells(_ m: UnsafePointer<Float>, row r: Int, bins: Int, d: Int, low: UnsafeMutablePointer<Float>,
                                contrast: UnsafeMutablePointer<Float>, gap: UnsafeMutablePointer<Int32>) -> Bool {
        avx2 ? KernelsAVX2.gapCells(m, row: r, bins: bins, d: d, low: low, contrast: contrast, gap: gap)
            : GapKernel.cellsSIMD(m, row: r, bins: bins, d: d, low: low, contrast: contrast, gap: gap)
    }

    /// ``CompareKernel/residualsSIMD(measured:expected:spread:minimumSpread:threshold:z:)`` in the
    /// chosen build.
    public static func residuals(measured: UnsafeBufferPointer<Float>, expected: UnsafeBufferPointer<Float>,
                                 spread: UnsafeBufferPointer<Float>, minimumSpread: Float, threshold: Float,
                                 z: UnsafeMutableBufferPointer<Float>) -> Int {
        avx2 ? KernelsAVX2.residuals(measured: measured, expected: expected, spread: spread, minimumSpread: minimumSpread, threshold: threshold, z: z)
            : CompareKernel.residualsSIMD(measured: measured, expected: expected, spread: spread, minimumSpread: minimumSpread, threshold: threshold, z: z)
    }

    /// ``RangeKernel/minMaxSIMD(_:below:)`` in the chosen build.
    public static func minMax(_ values: UnsafeBufferPointer<Float>, below ceiling: Float) -> (Float, Float) {
        avx2 ? KernelsAVX2.minMax(values, below: ceiling) : RangeKernel.minMaxSIMD(values, below: ceiling)
    }

    /// ``RangeKernel/firstRowAboveSIMD(_:width:rowLimit:threshold:)`` in the chosen build.
    public static func firstRowAbove(_ image: UnsafeBufferPointer<Float>, width: Int, rowLimit: Int, threshold: Float) -> [Int32] {
        avx2 ? KernelsAVX2.firstRowAbove(image, width: width, rowLimit: rowLimit, threshold: threshold)
            : RangeKernel.firstRowAboveSIMD(image, width: width, rowLimit: rowLimit, threshold: threshold)
    }
}
