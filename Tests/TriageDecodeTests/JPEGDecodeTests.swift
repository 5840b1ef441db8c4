import Foundation
import Testing
import TestSupport
import TriageCore
import TriageDecode

/// libjpeg-turbo's own test images, the jpeg-decoder crash and reference tests.
@Suite struct JPEGDecodeTests {
    @Test(arguments: ["testorig.jpg", "testimgint.jpg", "testimgari.jpg"])
    func libjpegTurboTestImagesDecode(name: String) throws {
        let image = try ImageDecoder().decode(file: TestData.path("jpeg/libjpeg-turbo-testimages/\(name)"))
        #expect(image.pixels.width == 227 && image.pixels.height == 149)
        #expect(image.pixels.bitDepth == 8 && image.pixels.channels == 1)
        #expect(image.info.format == .jpeg && image.info.format.isLossy)
        #expect(image.info.arithmetic == (name == "testimgari.jpg"))
    }

    /// The Huffman and arithmetic-coded versions of the same picture decode to nearly the same pixels.
    @Test func arithmeticAndHuffmanCodingsAgree() throws {
        let decoder = ImageDecoder()
        let huffman = try decoder.decode(file: TestData.path("jpeg/libjpeg-turbo-testimages/testorig.jpg")).pixels.samplesAsUInt16
        let arithmetic = try decoder.decode(file: TestData.path("jpeg/libjpeg-turbo-testimages/testimgari.jpg")).pixels.samplesAsUInt16
        let meanDifference = zip(huffman, arithmetic).map { abs(Int($0) - Int($1)) }.reduce(0, +) / huffman.count
        #expect(meanDifference <= 2)
    }

    @Test func twelveBitJPEGFailsSayingWhy() throws {
        do {
            _ = try ImageDecoder().decode(file: TestData.path("jpeg/libjpeg-turbo-testimages/monkey12.jpg"))
            Issue.record("12-bit JPEG decoded, but libjpeg-turbo 2.1 is built for 8-bit")
        } catch let error as ScanTriageError {
            #expect(error.code == .unsupportedImage)
            #expect(error.reason.contains("precision 12"))
            #expect(error.reason.contains("cannot read"))
        }
    }

    /// Truncation is only a warning to libjpeg, which fills the rest with grey. Here it is an error.
    @Test func truncatedJPEGIsAnError() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestData.path("jpeg/libjpeg-turbo-testimages/testorig.jpg")))
        for cut in [data.count / 3, data.count / 2, data.count - 10] {
            #expect {
                try ImageDecoder().decode(data.prefix(cut))
            } throws: { error in
                guard let error = error as? ScanTriageError else { return false }
                return error.code == .truncatedImage && error.reason.contains("Premature end")
            }
        }
        // Cut inside the header: also an error, never a crash.
        #expect(throws: ScanTriageError.self) { try ImageDecoder().decode(data.prefix(100)) }
    }

    @Test func everyCrashTestFileYieldsAnImageOrAnError() throws {
        let files = try TestData.files("jpeg/jpeg-decoder-crashtest") { $0.hasSuffix(".jpg") }
        #expect(files.count >= 90)
        var decoded = 0
        for file in files {
            do {
                let image = try ImageDecoder().decode(file: file)
                #expect(image.pixels.width > 0 && image.pixels.height > 0)
                decoded += 1
            } catch let error as ScanTriageError {
                #expect(!error.reason.isEmpty, "\(file)")
            }
        }
        #expect(decoded < files.count, "the crash tests are mostly corrupt; something must fail")
    }

    /// The reference tests libjpeg-turbo 2.1 cannot read (as built here, strict about data
    /// warnings) and why.
    static let unreadable: [String: ScanTriageError.Code] = [
        "lossless-dicom/MR4.jpg": .unsupportedImage,      // SOF3 lossless needs libjpeg-turbo 3
        "lossless-dicom/XA1.jpg": .unsupportedImage,
        "extraneous-data.jpg": .corruptImage,             // JWRN_EXTRANEOUS_DATA
        "partial_progressive.jpg": .corruptImage,         // premature end of data segment
        "progressive-missing-dc.jpg": .corruptImage,      // inconsistent progression
    ]

    @Test func referenceJPEGsMatchTheirPNGsWithinJPEGTolerance() throws {
        let base = try TestData.path("jpeg/jpeg-decoder-reftest")
        let files = try TestData.files("jpeg/jpeg-decoder-reftest") { $0.hasSuffix(".jpg") }
        #expect(files.count >= 25)
        let decoder = ImageDecoder()
        var compared = 0
        for file in files {
            let relative = String(file.dropFirst(base.count + 1))
            if let code = Self.unreadable[relative] {
                #expect(throws: ScanTriageError(code, "")) { try decoder.decode(file: file) }
                continue
            }
            let jpeg = try decoder.decode(file: file)
            let pngPath = (file as NSString).deletingPathExtension + ".png"
            guard FileManager.default.fileExists(atPath: pngPath) else { continue }
            let png = try decoder.decode(file: pngPath)
            #expect(jpeg.pixels.width == png.pixels.width && jpeg.pixels.height == png.pixels.height, "\(relative)")
            // Reference PNGs are ImageMagick's RGB; bring 16-bit ones to 8 bits.
            let reference = png.pixels.bitDepth == 16 ? png.pixels.samplesAsUInt16.map { Int($0 >> 8) } : png.pixels.samplesAsUInt16.map(Int.init)
            let ours = jpeg.pixels.samplesAsUInt16.map(Int.init)
            let differences = zip(ours, reference).map { abs($0 - $1) }
            let mean = Double(differences.reduce(0, +)) / Double(max(1, differences.count))
            let tolerance = jpeg.info.colorModel == "cmyk" ? 8.0 : 3.0
            #expect(mean <= tolerance, "\(relative): mean difference \(mean) over \(tolerance)")
            compared += 1
        }
        #expect(compared >= 20)
    }
}
