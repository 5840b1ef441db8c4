import Foundation
import TriageDecode
import TriagePhysics

/// A linac portal scanner at a port of loading, and how its images come out.
public struct ScannerProfile: Sendable, Hashable {
    public var id: String
    public var port: String
    public var energyMeV: Double
    public var pitchX: Double
    public var pitchY: Double
    public enum Output: Sendable, Hashable { case transmission16, log8JPEG(quality: Int) }
    public var output: Output
    /// Pixel values of air and of no beam (transmission), or zero/scale (log).
    public var air: Double
    public var dark: Double
    public var zero: Double
    public var scale: Double
    /// Detected photons per pixel in air: sets the Poisson noise.
    public var flux: Double
    /// Pulse-to-pulse source flicker left after air normalisation (per column, relative).
    public var flicker: Double
    /// Detector gain residue after calibration (per row, relative).
    public var gainResidue: Double
    /// Electronic noise in pixel counts.
    public var electronicNoise: Double
    /// Beam hardening: the effective μ falls by this fraction at high attenuation.
    public var hardening: Double
    /// Scatter: the share of what the irradiated slice takes out of the beam that reaches the
    /// detector line as scatter, spread along it (±0.6 m, a triangle). 0: none.
    public var scatter: Double = 0
    /// Blur beyond the detector response every scanner has (a larger focal spot, scintillator
    /// light spreading into the next channels): a Gaussian of this standard deviation in mm,
    /// both ways. 0: none.
    public var blurMM: Double = 0

    public static let builtIn: [ScannerProfile] = [
        ScannerProfile(id: "SSZ-LINAC-2", port: "BRSSZ", energyMeV: 6, pitchX: 5, pitchY: 5, output: .transmission16,
                       air: 60000, dark: 250, zero: 0, scale: 0, flux: 40000, flicker: 0.008, gainResidue: 0.004,
                       electronicNoise: 6, hardening: 0.05),
        ScannerProfile(id: "GYE-LINAC-1", port: "ECGYE", energyMeV: 9, pitchX: 6, pitchY: 4.5, output: .transmission16,
                       air: 52000, dark: 800, zero: 0, scale: 0, flux: 60000, flicker: 0.012, gainResidue: 0.005,
                       electronicNoise: 10, hardening: 0.07),
        ScannerProfile(id: "PNG-LINAC-3", port: "BRPNG", energyMeV: 4, pitchX: 4.5, pitchY: 5.5, output: .log8JPEG(quality: 90),
                       air: 0, dark: 0, zero: 250, scale: 22, flux: 25000, flicker: 0.01, gainResidue: 0.006,
                       electronicNoise: 0, hardening: 0.04),
        ScannerProfile(id: "RIG-LINAC-1", port: "BRRIG", energyMeV: 6, pitchX: 7, pitchY: 6, output: .log8JPEG(quality: 80),
                       air: 0, dark: 0, zero: 245, scale: 21, flux: 9000, flicker: 0.015, gainResidue: 0.008,
                       electronicNoise: 0, hardening: 0.05),
    ]

    /// Scanners unlike the built-in four, never drawn by default and never calibrated on: for
    /// measuring how the comparator generalises to a scanner it has not seen. A 7.5 MeV
    /// betatron with fine columns and coarse rows, a high dark level and a noisy, flickering
    /// beam; and a 5 MeV linac exporting coarse 8-bit log JPEGs at quality 70.
    public static let unseen: [ScannerProfile] = [
        ScannerProfile(id: "UNS-BETA-1", port: "PECLL", energyMeV: 7.5, pitchX: 3.5, pitchY: 8, output: .transmission16,
                       air: 30000, dark: 2000, zero: 0, scale: 0, flux: 15000, flicker: 0.02, gainResidue: 0.01,
                       electronicNoise: 20, hardening: 0.09),
        ScannerProfile(id: "UNS-LOG-2", port: "COCTG", energyMeV: 5, pitchX: 9, pitchY: 9, output: .log8JPEG(quality: 70),
                       air: 0, dark: 0, zero: 240, scale: 18, flux: 12000, flicker: 0.012, gainResidue: 0.01,
                       electronicNoise: 0, hardening: 0.06),
    ]

    public static func named(_ id: String) -> ScannerProfile? { (builtIn + unseen).first { $0.id == id } }

    public func withPitch(scaledBy factor: Double) -> ScannerProfile {
        var copy = self
        copy.pitchX *= factor
        copy.pitchY *= factor
        return copy
    }

    public var effectiveMeV: Double { Material.effectiveEnergy(endpointMeV: energyMeV) }

    public var encoding: PixelEncoding {
        switch output {
        case .transmission16: .transmission(air: air, dark: dark)
        case .log8JPEG: .log(zero: zero, scale: scale, floor: 0)
        }
    }

    /// Measures an attenuation map: beam hardening, detector blur, source flicker, gain residue,
    /// photon noise, electronics; then encodes it as the scanner would. The columns of
    /// `missedPulses` got no beam (a linac pulse that did not fire); the rows of `deadChannels`
    /// read none (dead detector channels); those of `gainErrors` read their factor times the
    /// beam (channels whose calibrated gain has drifted).
    public func measure(attenuation: [Double], width: Int, height: Int, rng: inout SeededRandom,
                        missedPulses: Set<Int> = [], deadChannels: Set<Int> = [],
                        gainErrors: [Int: Double] = [:]) throws -> (data: Data, ext: String) {
        var flickers = [Double](repeating: 1, count: width)
        for x in 0..<width { flickers[x] = 1 + flicker * rng.normal() }
        for x in missedPulses where x >= 0 && x < width { flickers[x] = 0 }
        var gains = [Double](repeating: 1, count: height)
        for y in 0..<height { gains[y] = 1 + gainResidue * rng.normal() }
        for (y, factor) in gainErrors where y >= 0 && y < height { gains[y] *= factor }
        for y in deadChannels where y >= 0 && y < height { gains[y] = 0 }
        // Transmitted fraction after hardening, blurred by a [1 2 1]/4 detector response in both axes.
        var fraction = [Double](repeating: 0, count: width * height)
        for index in fraction.indices {
            let a = attenuation[index]
            fraction[index] = exp(-a * (1 - hardening * a / (a + 5)))
        }
        var blurred = fraction
        for y in 0..<height {
            for x in 1..<max(1, width - 1) {
                let i = y * width + x
                blurred[i] = (fraction[i - 1] + 2 * fraction[i] + fraction[i + 1]) / 4
            }
        }
        for y in 1..<max(1, height - 1) {
            for x in 0..<width {
                let i = y * width + x
                fraction[i] = (blurred[i - width] + 2 * blurred[i] + blurred[i + width]) / 4
            }
        }
        if blurMM > 0 {
            // Separable Gaussian, its radius three deviations, renormalised at the image's edges.
            func blur(step: Int, count: Int, lines: Int, lineStep: Int, sigma: Double) {
                let radius = Int((3 * sigma).rounded(.up))
                guard radius > 0 else { return }
                let weights = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
                var line = [Double](repeating: 0, count: count)
                for l in 0..<lines {
                    let base = l * lineStep
                    for k in 0..<count { line[k] = fraction[base + k * step] }
                    for k in 0..<count {
                        var sum = 0.0, weight = 0.0
                        for d in max(-radius, -k)...min(radius, count - 1 - k) {
                            sum += weights[d + radius] * line[k + d]; weight += weights[d + radius]
                        }
                        fraction[base + k * step] = sum / weight
                    }
                }
            }
            blur(step: 1, count: width, lines: height, lineStep: width, sigma: blurMM / pitchX)
            blur(step: width, count: height, lines: width, lineStep: 1, sigma: blurMM / pitchY)
        }
        if scatter > 0 {
            // A line scanner irradiates one slice (a column) at a time: its scatter reaches
            // that column's detectors only, spread along them (two boxes of ±0.3 m: a triangle).
            let reach = max(1, Int(300 / pitchY))
            var taken = [Double](repeating: 0, count: height), spread = taken
            var sums = [Double](repeating: 0, count: height + 1)
            func box(_ input: [Double], into output: inout [Double]) {
                for y in 0..<height { sums[y + 1] = sums[y] + input[y] }
                for y in 0..<height {
                    let lo = max(0, y - reach), hi = min(height, y + reach + 1)
                    output[y] = (sums[hi] - sums[lo]) / Double(2 * reach + 1)
                }
            }
            for x in 0..<width {
                for y in 0..<height { taken[y] = 1 - fraction[y * width + x] }
                box(taken, into: &spread)
                box(spread, into: &taken)
                for y in 0..<height { fraction[y * width + x] += scatter * taken[y] }
            }
        }
        switch output {
        case .transmission16:
            var samples = [UInt16](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    let i = y * width + x
                    let photons = rng.poisson(flux * fraction[i] * flickers[x] * gains[y])
                    let value = dark + (air - dark) * photons / flux + electronicNoise * rng.normal()
                    samples[i] = UInt16(max(0, min(65535, value.rounded())))
                }
            }
            return (try ImageEncoder.png(PixelImage(width: width, height: height, samples: samples)), "png")
        case .log8JPEG(let quality):
            var samples = [UInt8](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    let i = y * width + x
                    let photons = max(0.5, rng.poisson(flux * fraction[i] * flickers[x] * gains[y]))
                    let a = -log(photons / flux)
                    samples[i] = UInt8(max(0, min(255, (zero - scale * a).rounded())))
                }
            }
            return (try ImageEncoder.jpeg(PixelImage(width: width, height: height, samples: samples), quality: quality), "jpg")
        }
    }
}
