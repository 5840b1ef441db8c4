// The scalar references of the two kernels whose reference loops the compiler vectorises by
// itself at -O (packed SSE minps/divps in their code: `objdump -d` on the benchmark), compiled
// here a second time with LLVM's loop and SLP vectorisers off (Package.swift), so that
// `scantriage-bench kernels` measures each SIMD kernel against scalar code, as it does every
// other kernel (whose references -O leaves scalar), and prints the vectorised reference beside
// it too. Nothing is written twice: each function below is a call to the reference in
// TriageKernels, which is `@inlinable @inline(__always)` so that its body is compiled here.
// For the benchmark only; the tests compare the kernels with the references as built.
import TriageKernels

public enum StrictScalar {
    /// ``GapKernel/cellsScalar(_:row:bins:from:d:low:contrast:gap:)``, not vectorised.
    public static func gapCells(_ m: UnsafePointer<Float>, row r: Int, bins: Int, d: Int, low: UnsafeMutablePointer<Float>,
                                contrast: UnsafeMutablePointer<Float>, gap: UnsafeMutablePointer<Int32>) -> Bool {
        GapKernel.cellsScalar(m, row: r, bins: bins, d: d, low: low, contrast: contrast, gap: gap)
    }

    /// ``CompareKernel/residualsScalar(measured:expected:spread:minimumSpread:threshold:z:)``, not
    /// vectorised.
    public static func residuals(measured: UnsafeBufferPointer<Float>, expected: UnsafeBufferPointer<Float>,
                                 spread: UnsafeBufferPointer<Float>, minimumSpread: Float, threshold: Float,
                                 z: UnsafeMutableBufferPointer<Float>) -> Int {
        CompareKernel.residualsScalar(measured: measured, expected: expected, spread: spread, minimumSpread: minimumSpread,
                                      threshold: threshold, z: z)
    }
}
