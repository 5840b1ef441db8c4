import CScanCodec
import Foundation
import TriageCore

/// The container format of an encoded image.
public enum ImageFormat: String, Sendable, Codable {
    case png
    case jpeg

    /// True for formats whose pixels are approximations of what the scanner measured.
    public var isLossy: Bool { self == .jpeg }
}

/// Limits checked against the header before any pixel memory is allocated.
public struct DecodeLimits: Sendable, Equatable {
    /// Width x height above this is refused. 200 Mpx by default: a 45-foot container at 2 mm
    /// pitch is about 7,000 x 1,500 pixels, so this leaves a wide margin.
    public var maxPixels: Int
    /// Width or height above this is refused.
    public var maxDimension: Int
    /// The largest PNG ancillary chunk (after decompression) libpng may allocate.
    public var maxChunkBytes: Int

    public init(maxPixels: Int = 200_000_000, maxDimension: Int = 1_000_000, maxChunkBytes: Int = 8 << 20) {
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
        self.maxChunkBytes = maxChunkBytes
    }

    public static let `default` = DecodeLimits()
}

/// What the header says about an image, as stored.
public struct ImageInfo: Sendable, Equatable, Codable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    /// Bits per sample as stored: 1, 2, 4, 8 or 16 for PNG; the data precision for JPEG.
    public var sourceBitDepth: Int
    /// Channels as stored (a palette image has one).
    public var sourceChannels: Int
    /// A short name of the stored colour model: gray, gray+alpha, rgb, rgba, palette, ycbcr, cmyk…
    public var colorModel: String
    /// Adam7 (PNG) or progressive (JPEG).
    public var interlaced: Bool
    /// Arithmetic-coded JPEG.
    public var arithmetic: Bool
    /// Bits per decoded sample: 8 or 16.
    public var bitDepth: Int
    /// Channels per decoded pixel.
    public var channels: Int
    /// Benign warnings the library raised (metadata only; data warnings are errors).
    public var warnings: [String]
}

/// A decoded image: what the header said, and the pixels.
public struct DecodedImage: Sendable {
    public var info: ImageInfo
    public var pixels: Pixels
}

/// Decodes PNG and JPEG through libpng and libjpeg-turbo.
///
/// What the pixels mean, and what is deliberately *not* done to them, because these are
/// measurements and not photographs:
/// - 16-bit PNG samples stay 16-bit; 1, 2 and 4-bit grey is scaled to 8 bits (libpng's
///   bit replication, so 1-bit white is 255); palettes are expanded to their RGB entries.
/// - gAMA, cHRM, sRGB, iCCP, sBIT, bKGD and tRNS never change a value: no gamma correction, no
///   colour management, no compositing.
/// - In ``Output/luminance`` mode colour becomes one channel, the BT.601 luma of the stored code
///   values (weights 0.299, 0.587, 0.114, summing exactly to one so grey stays grey); alpha is
///   dropped. JPEG colour images give their Y plane, which is the same luma.
/// - Any libjpeg warning about the data (truncation, bad Huffman code, extraneous bytes) is an
///   error: libjpeg would otherwise invent the missing pixels.
public struct ImageDecoder: Sendable {
    public enum Output: Sendable {
        /// One channel of luminance (the default, and what the physics uses).
        case luminance
        /// The stored channels, expanded to 8 or 16 bits.
        case native
    }

    public var limits: DecodeLimits
    public var output: Output

    /// For batch work: keeps freed image-sized buffers in the heap for the next scan instead of
    /// returning them to the system. By default glibc gives large allocations their own mapping
    /// and unmaps them on free, so every scan faulted its ~15 MB of decode and attenuation
    /// buffers in again page by page (4 % of a batch's time in the profile). The peak does not
    /// grow: at most `jobs` scans are in flight. Process-wide; the first call applies it.
    public static func keepLargeBuffers() { _ = keepLargeBuffersOnce }
    private static let keepLargeBuffersOnce: Int32 = scancodec_keep_large_buffers()

    public init(limits: DecodeLimits = .default, output: Output = .luminance) {
        self.limits = limits
        self.output = output
    }

    /// Decodes the file at `path`. Files larger than a limit derived from the pixel limit are
    /// refused before they are read.
    public func decode(file path: String) throws -> DecodedImage {
        let data = try BoundedFile.read(path, maxBytes: maxFileBytes)
        do {
            return try decode(data)
        } catch var error as ScanTriageError {
            error.location = SourceLocation(file: path)
            throw error
        }
    }

    /// The largest file the pixel limit allows (8 bytes a pixel covers any PNG or JPEG of that
    /// size), so files are refused before they are read.
    public var maxFileBytes: Int { max(64 << 20, limits.maxPixels * 8) }

    /// Reads only the header: format, size, depth, channels. Cheap; allocates no pixels.
    public func info(_ data: Data) throws -> ImageInfo {
        try data.withUnsafeBytes { raw in
            let (decoder, info) = try open(raw)
            scancodec_close(decoder)
            return info
        }
    }

    public func decode(_ data: Data) throws -> DecodedImage {
        try data.withUnsafeBytes { raw in
            let (decoder, info) = try open(raw)
            defer { scancodec_close(decoder) }
            let count = info.width * info.height * info.channels
            var result = scancodec_result()
            let pixels: Pixels
            if info.bitDepth == 16 {
                let samples = try [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
                    let status = scancodec_read(decoder, buffer.baseAddress, info.width * info.channels * 2, &result)
                    guard status == 0 else { throw Self.error(from: result) }
                    initialized = count
                }
                pixels = .uint16(PixelImage(width: info.width, height: info.height, channels: info.channels, samples: samples))
            } else {
                let samples = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                    let status = scancodec_read(decoder, buffer.baseAddress, info.width * info.channels, &result)
                    guard status == 0 else { throw Self.error(from: result) }
                    initialized = count
                }
                pixels = .uint8(PixelImage(width: info.width, height: info.height, channels: info.channels, samples: samples))
            }
            var finalInfo = info
            finalInfo.warnings = Self.warnings(from: result)
            return DecodedImage(info: finalInfo, pixels: pixels)
        }
    }

    private func open(_ raw: UnsafeRawBufferPointer) throws -> (OpaquePointer, ImageInfo) {
        let cLimits = scancodec_limits(max_pixels: UInt64(max(0, limits.maxPixels)),
                                       max_dimension: UInt32(clamping: limits.maxDimension),
                                       max_chunk_bytes: UInt64(max(0, limits.maxChunkBytes)))
        var cInfo = scancodec_info()
        var result = scancodec_result()
        let mode = output == .luminance ? SCANCODEC_OUTPUT_LUMINANCE : SCANCODEC_OUTPUT_NATIVE
        let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // An empty buffer has no base address: the C side takes NULL with size 0 as "empty".
        let decoder = scancodec_open(base, raw.count, cLimits, mode, &cInfo, &result)
        guard let decoder else { throw Self.error(from: result) }
        let format: ImageFormat = cInfo.format == Int32(SCANCODEC_FORMAT_PNG.rawValue) ? .png : .jpeg
        let info = ImageInfo(
            format: format,
            width: Int(cInfo.width),
            height: Int(cInfo.height),
            sourceBitDepth: Int(cInfo.source_bit_depth),
            sourceChannels: Int(cInfo.source_channels),
            colorModel: Self.colorModel(format: format, type: Int(cInfo.source_color_type)),
            interlaced: cInfo.interlaced != 0,
            arithmetic: cInfo.arithmetic != 0,
            bitDepth: Int(cInfo.out_bit_depth),
            channels: Int(cInfo.out_channels),
            warnings: Self.warnings(from: result))
        return (decoder, info)
    }

    static func colorModel(format: ImageFormat, type: Int) -> String {
        switch format {
        case .png:
            switch type {
            case 0: return "gray"
            case 2: return "rgb"
            case 3: return "palette"
            case 4: return "gray+alpha"
            case 6: return "rgba"
            default: return "png-type-\(type)"
            }
        case .jpeg:
            // libjpeg's J_COLOR_SPACE
            switch type {
            case 1: return "gray"
            case 2: return "rgb"
            case 3: return "ycbcr"
            case 4: return "cmyk"
            case 5: return "ycck"
            default: return "jpeg-colorspace-\(type)"
            }
        }
    }

    static func message(from result: scancodec_result) -> String {
        withUnsafeBytes(of: result.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    static func warnings(from result: scancodec_result) -> [String] {
        let text = withUnsafeBytes(of: result.warnings) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return text.isEmpty ? [] : text.components(separatedBy: "; ")
    }

    static func error(from result: scancodec_result) -> ScanTriageError {
        let code: ScanTriageError.Code
        switch UInt32(result.status) {
        case SCANCODEC_ERR_NOT_AN_IMAGE.rawValue: code = .notAnImage
        case SCANCODEC_ERR_TRUNCATED.rawValue: code = .truncatedImage
        case SCANCODEC_ERR_TOO_LARGE.rawValue: code = .imageTooLarge
        case SCANCODEC_ERR_UNSUPPORTED.rawValue: code = .unsupportedImage
        case SCANCODEC_ERR_NO_MEMORY.rawValue: code = .outOfMemory
        case SCANCODEC_ERR_ARGUMENT.rawValue: code = .internalError
        default: code = .corruptImage
        }
        let text = message(from: result)
        return ScanTriageError(code, text.isEmpty ? "image could not be decoded (\(code))" : text)
    }
}

/// The versions of the image libraries linked in.
public enum CodecVersions {
    public static var libpng: String { String(cString: scancodec_libpng_version()) }
    public static var libjpegTurbo: String {
        let number = Int(scancodec_libjpeg_version())
        return "\(number / 1_000_000).\(number / 1000 % 1000).\(number % 1000)"
    }
}
