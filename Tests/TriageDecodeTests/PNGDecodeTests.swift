import Foundation
import Testing
import TestSupport
import TriageCore
import TriageDecode

/// PngSuite and the png crate's regression and fuzz files, through libpng.
@Suite struct PNGDecodeTests {
    static func validSuiteFiles() throws -> [String] {
        try TestData.files("pngsuite", recursive: false) { $0.hasSuffix(".png") && !$0.hasPrefix("x") }
            + TestData.files("pngsuite/extra") { $0.hasSuffix(".png") }
    }

    /// Width and height straight from the IHDR bytes, independently of libpng.
    static func ihdrSize(_ path: String) throws -> (Int, Int) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be32(16), be32(20))
    }

    @Test func everyValidSuiteFileDecodesToItsDeclaredSize() throws {
        let files = try Self.validSuiteFiles()
        #expect(files.count >= 160, "PngSuite should have over 160 valid files, found \(files.count)")
        let decoder = ImageDecoder()
        for file in files {
            let name = (file as NSString).lastPathComponent
            let image = try decoder.decode(file: file)
            let (width, height) = try Self.ihdrSize(file)
            #expect(image.pixels.width == width && image.pixels.height == height, "\(name)")
            // PngSuite names its size-test files sNN…: NxN pixels.
            if name.hasPrefix("s"), let n = Int(name.dropFirst().prefix(2)) {
                #expect(width == n && height == n, "\(name)")
            }
            #expect(image.pixels.channels == 1, "luminance output is one channel: \(name)")
            #expect(image.pixels.bitDepth == (image.info.sourceBitDepth == 16 ? 16 : 8), "\(name)")
        }
    }

    /// Every 16-bit file matches lunapaint's reference decode exactly, channel by channel.
    @Test func sixteenBitFilesMatchTheReferencePixelsExactly() throws {
        let references = try TestData.files("pngsuite/reference-json-16bit") { $0.hasSuffix(".json") && !$0.contains("_to8") }
        #expect(references.count >= 30)
        let native = ImageDecoder(output: .native)
        let luminance = ImageDecoder()
        for reference in references {
            let name = ((reference as NSString).lastPathComponent as NSString).deletingPathExtension
            let rgba = try JSONDecoder().decode([Int].self, from: Data(contentsOf: URL(fileURLWithPath: reference)))
            let png = try TestData.path("pngsuite/\(name).png")
            let decoded = try native.decode(file: png)
            guard case .uint16(let image) = decoded.pixels else {
                Issue.record("\(name): expected 16-bit samples, got \(decoded.pixels.bitDepth)-bit")
                continue
            }
            #expect(rgba.count == image.pixelCount * 4, "\(name)")
            // Which reference channel each of our channels is.
            let map: [Int] = switch image.channels {
            case 1: [0]
            case 2: [0, 3]
            case 3: [0, 1, 2]
            default: [0, 1, 2, 3]
            }
            var mismatches = 0
            for pixel in 0..<image.pixelCount {
                for (channel, source) in map.enumerated() where Int(image.samples[pixel * image.channels + channel]) != rgba[pixel * 4 + source] {
                    mismatches += 1
                }
            }
            #expect(mismatches == 0, "\(name): \(mismatches) samples differ from the reference")

            // Luminance: grey passes through; colour is BT.601 luma of the stored values.
            guard case .uint16(let luma) = try luminance.decode(file: png).pixels else {
                Issue.record("\(name): luminance should stay 16-bit")
                continue
            }
            var lumaMismatches = 0
            for pixel in 0..<luma.pixelCount {
                let r = UInt32(rgba[pixel * 4]), g = UInt32(rgba[pixel * 4 + 1]), b = UInt32(rgba[pixel * 4 + 2])
                let expected = image.channels <= 2 ? r : (9798 * r + 19235 * g + 3735 * b + 16384) >> 15
                if UInt32(luma.samples[pixel]) != expected { lumaMismatches += 1 }
            }
            #expect(lumaMismatches == 0, "\(name): \(lumaMismatches) luminance values differ")
        }
    }

    /// Gamma chunks must not change measured values: the same file with its gAMA chunk removed
    /// decodes to exactly the same samples.
    @Test(arguments: ["g03n0g16", "g25n0g16", "g04n2c08", "g10n3p04"])
    func gammaChunksDoNotChangeValues(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestData.path("pngsuite/\(name).png"))))
        // Walk the chunks and drop gAMA.
        var stripped = Array(bytes[0..<8])
        var offset = 8
        var removed = false
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let end = offset + 12 + length
            if type == "gAMA" { removed = true } else { stripped += bytes[offset..<end] }
            offset = end
        }
        #expect(removed, "\(name) should carry a gAMA chunk")
        let decoder = ImageDecoder(output: .native)
        let withGamma = try decoder.decode(Data(bytes)).pixels
        let without = try decoder.decode(Data(stripped)).pixels
        #expect(withGamma.samplesAsUInt16 == without.samplesAsUInt16, "gamma changed the values of \(name)")
    }

    @Test func subByteGreyIsScaledToFullRange() throws {
        // basn0g01: 1-bit grey, black and white only.
        guard case .uint8(let image) = try ImageDecoder().decode(file: TestData.path("pngsuite/basn0g01.png")).pixels else {
            Issue.record("expected 8-bit output"); return
        }
        #expect(Set(image.samples) == [0, 255])
    }

    @Test func everyCorruptFileIsRejectedWithAReason() throws {
        let corrupt = try TestData.files("pngsuite", recursive: false) { $0.hasPrefix("x") && $0.hasSuffix(".png") }
            + TestData.files("pngsuite/image-png-bugfixes") { $0.hasPrefix("x_") }
        #expect(corrupt.count == 14 + 8)
        for file in corrupt {
            do {
                let image = try ImageDecoder().decode(file: file)
                Issue.record("\(file) decoded to \(image.pixels.width)x\(image.pixels.height) but is corrupt")
            } catch let error as ScanTriageError {
                #expect(!error.reason.isEmpty)
                #expect(error.location?.file == file)
                #expect([.corruptImage, .truncatedImage, .notAnImage].contains(error.code), "\(file): \(error.code)")
            }
        }
    }

    @Test func fuzzSamplesDecodeOrFailWithinTheLimit() throws {
        let samples = try TestData.files("pngsuite/image-png-fuzz-corpus-sample") { $0.hasSuffix(".png") }
        #expect(samples.count == 60)
        let limits = DecodeLimits(maxPixels: 1_000_000)
        for file in samples {
            do {
                let image = try ImageDecoder(limits: limits).decode(file: file)
                #expect(image.pixels.width * image.pixels.height <= limits.maxPixels)
            } catch let error as ScanTriageError {
                #expect(!error.reason.isEmpty, "\(file)")
            }
        }
    }

    /// A header that claims 100,000 x 100,000 pixels is refused before anything is allocated.
    @Test func absurdDimensionsAreRefusedBeforeAllocation() throws {
        let bytes = pngHeader(width: 100_000, height: 100_000, bitDepth: 16, colorType: 0)
            + pngChunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]) + pngChunk("IEND", [])
        #expect {
            try ImageDecoder().decode(Data(bytes))
        } throws: { error in
            guard let error = error as? ScanTriageError else { return false }
            return error.code == .imageTooLarge && error.reason.contains("10000000000 pixels")
        }
        // And a real file over a configured limit.
        let small = DecodeLimits(maxPixels: 1000)
        #expect(throws: ScanTriageError(.imageTooLarge, "")) {
            try ImageDecoder(limits: small).decode(file: TestData.path("pngsuite/basn0g16.png"))
        }
    }

    @Test func truncatedPNGIsReportedAsTruncated() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestData.path("pngsuite/basn0g16.png")))
        for cut in [data.count / 2, data.count - 12, 40] {
            #expect(throws: ScanTriageError(.truncatedImage, "")) {
                try ImageDecoder().decode(data.prefix(cut))
            }
        }
    }

    @Test func emptyAndForeignBytesAreNotImages() {
        #expect(throws: ScanTriageError(.notAnImage, "")) { try ImageDecoder().decode(Data()) }
        #expect(throws: ScanTriageError(.notAnImage, "")) { try ImageDecoder().decode(Data("GIF89a......".utf8)) }
    }

    @Test func headerOnlyInfoAllocatesNoPixels() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestData.path("pngsuite/basi0g16.png")))
        let info = try ImageDecoder().info(data)
        #expect(info.format == .png && info.width == 32 && info.height == 32 && info.interlaced && info.bitDepth == 16)
    }
}
