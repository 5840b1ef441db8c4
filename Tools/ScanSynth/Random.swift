import Foundation

/// A small, fast, seedable generator (SplitMix64), so that every batch is reproducible from its
/// seed on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// A generator for one item of a batch, independent of how many numbers other items drew.
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }

    public mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * normal() }

    /// Poisson-distributed count: exact for small means, normal approximation above 50.
    public mutating func poisson(_ mean: Double) -> Double {
        if mean <= 0 { return 0 }
        if mean > 50 { return max(0, (mean + sqrt(mean) * normal()).rounded()) }
        let limit = exp(-mean)
        var product = unit()
        var count = 0.0
        while product > limit {
            product *= unit()
            count += 1
        }
        return count
    }

    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
