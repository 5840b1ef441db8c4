import CScanCodec
import Foundation
import TriageCore

/// Encodes PNG (through libpng) and JPEG (through libjpeg-turbo): thumbnails, heatmaps and the
/// synthetic scans of `scangen`.
public enum ImageEncoder {
    /// A PNG of 8-bit grey or RGB samples (`channels` 1 or 3).
    public static func png(_ image: PixelImage<UInt8>, compressionLevel: Int = 6) throws -> Data {
        try image.samples.withUnsafeBytes { raw in
            try encodePNG(raw.baseAddress!, image.width, image.height, image.channels, 8, compressionLevel)
        }
    }

    /// A PNG of 16-bit grey or RGB samples.
    public static func png(_ image: PixelImage<UInt16>, compressionLevel: Int = 6) throws -> Data {
        try image.samples.withUnsafeBytes { raw in
            try encodePNG(raw.baseAddress!, image.width, image.height, image.channels, 16, compressionLevel)
        }
    }

    /// A baseline (or progressive) JPEG of 8-bit grey or RGB samples.
    public static func jpeg(_ image: PixelImage<UInt8>, quality: Int = 90, progressive: Bool = false) throws -> Data {
        try image.samples.withUnsafeBufferPointer { buffer in
            var out: UnsafeMutablePointer<UInt8>?
            var size = 0
            var result = scancodec_result()
            let status = scancodec_jpeg_encode(buffer.baseAddress, UInt32(image.width), UInt32(image.height),
                                               image.width * image.channels, Int32(image.channels),
                                               Int32(quality), progressive ? 1 : 0, &out, &size, &result)
            return try take(status: status, result: result, out: out, size: size)
        }
    }

    private static func encodePNG(_ base: UnsafeRawPointer, _ width: Int, _ height: Int, _ channels: Int,
                                  _ depth: Int, _ level: Int) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var result = scancodec_result()
        let status = scancodec_png_encode(base, UInt32(width), UInt32(height), width * channels * depth / 8,
                                          Int32(channels), Int32(depth), Int32(level), &out, &size, &result)
        return try take(status: status, result: result, out: out, size: size)
    }

    private static func take(status: Int32, result: scancodec_result, out: UnsafeMutablePointer<UInt8>?,
                             size: Int) throws -> Data {
        guard status == 0, let out else { throw ImageDecoder.error(from: result) }
        return Data(bytesNoCopy: out, count: size, deallocator: .custom { pointer, _ in scancodec_free(pointer) })
    }
}
