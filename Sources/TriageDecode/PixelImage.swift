/// A row-major image of unsigned integer samples, `channels` interleaved per pixel.
public struct PixelImage<Sample: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var samples: [Sample]

    public init(width: Int, height: Int, channels: Int = 1, samples: [Sample]) {
        precondition(width >= 0 && height >= 0 && channels >= 1, "bad image shape")
        precondition(samples.count == width * height * channels, "sample count does not match shape")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    public var pixelCount: Int { width * height }

    /// The bits a sample holds: 8 or 16.
    public static var bitDepth: Int { Sample.bitWidth }

    /// The largest value a sample can take.
    public static var maxValue: Sample { Sample.max }

    public subscript(x: Int, y: Int, channel: Int = 0) -> Sample {
        get { samples[(y * width + x) * channels + channel] }
        set { samples[(y * width + x) * channels + channel] = newValue }
    }
}

/// Decoded pixels: 8-bit or 16-bit samples.
public enum Pixels: Sendable, Equatable {
    case uint8(PixelImage<UInt8>)
    case uint16(PixelImage<UInt16>)

    public var width: Int {
        switch self {
        case .uint8(let image): image.width
        case .uint16(let image): image.width
        }
    }

    public var height: Int {
        switch self {
        case .uint8(let image): image.height
        case .uint16(let image): image.height
        }
    }

    public var channels: Int {
        switch self {
        case .uint8(let image): image.channels
        case .uint16(let image): image.channels
        }
    }

    public var bitDepth: Int {
        switch self {
        case .uint8: 8
        case .uint16: 16
        }
    }

    /// Every sample widened to `UInt16` (8-bit values kept as they are, not scaled).
    public var samplesAsUInt16: [UInt16] {
        switch self {
        case .uint8(let image): image.samples.map(UInt16.init)
        case .uint16(let image): image.samples
        }
    }
}
