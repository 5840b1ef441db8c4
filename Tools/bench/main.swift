// scantriage-bench: decode throughput of ScanTriage beside the bare libpng / libjpeg-turbo decode
// of the same bytes, measured in the same run, interleaved, so that a noisy shared machine
// affects both alike. Quote the ratios, not the absolute figures.
//
//   swift run -c release scantriage-bench [--rounds N] [FILE.png|FILE.jpg ...]
//   swift run -c release scantriage-bench kernels | analysis [--scanner ID] [--rounds N] | batch FOLDER [--jobs 1,2] [--rounds N]
//
// Without files it makes two scan-sized images (16-bit PNG, 8-bit JPEG) in memory.
import CBenchReference
import Foundation
import TriageCore
import TriageDecode
import TriagePhysics

struct Input {
    var name: String
    var data: Data
    var width: Int
    var height: Int
    var bitDepth: Int
    var format: ImageFormat
    var pixels: Int { width * height }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// A scan-like 16-bit image: air above, a dense band with structure, noise everywhere.
func syntheticScan(width: Int, height: Int) -> PixelImage<UInt16> {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func noise() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) - 0.5
    }
    var samples = [UInt16](repeating: 0, count: width * height)
    for y in 0..<height {
        for x in 0..<width {
            let inContainer = y > height / 10 && y < height * 8 / 10 && x > width / 20 && x < width * 19 / 20
            var a = inContainer ? 1.5 + 0.8 * sin(Double(x) / 37) * cos(Double(y) / 23) : 0.02
            if x % 41 < 3 && inContainer { a += 0.6 }
            let signal = 250 + 59_750 * exp(-a)
            samples[y * width + x] = UInt16(max(0, min(65535, signal + noise() * 2 * sqrt(signal) * 4)))
        }
    }
    return PixelImage(width: width, height: height, samples: samples)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

let usage = """
    usage: scantriage-bench [--rounds N] [FILE.png|FILE.jpg ...]   decode beside bare libpng / libjpeg-turbo
           scantriage-bench kernels [--rounds N]                   each SIMD kernel beside its scalar reference
           scantriage-bench analysis [--scanner ID] [--rounds N]   analysis time per scan as a share of its decode
           scantriage-bench batch FOLDER [--jobs 1,2] [--rounds N] the nightly batch beside the bare decode
    """
var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
    print(usage)
    exit(0)
}
if let mode = arguments.first, ["kernels", "analysis", "batch"].contains(mode) {
    arguments.removeFirst()
    // An error is said and the tool exits 1 (thrown at the top level it was a crash with a
    // backtrace: a folder that is not there, an unknown --scanner).
    do {
        switch mode {
        case "kernels": try kernelBenchmark(arguments)
        case "analysis": try analysisBenchmark(arguments)
        default: try await batchBenchmark(arguments)
        }
    } catch {
        FileHandle.standardError.write(Data("scantriage-bench \(mode): \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
var rounds = 7
if let index = arguments.firstIndex(of: "--rounds"), index + 1 < arguments.count, let n = Int(arguments[index + 1]) {
    rounds = max(1, n)
    arguments.removeSubrange(index...index + 1)
}

var inputs: [Input] = []
let decoder = ImageDecoder()
if arguments.isEmpty {
    let scan = syntheticScan(width: 3000, height: 1100)
    let png = try ImageEncoder.png(scan)
    inputs.append(Input(name: "synthetic 16-bit PNG 3000x1100", data: png, width: 3000, height: 1100, bitDepth: 16, format: .png))
    let eight = PixelImage<UInt8>(width: 3000, height: 1100, samples: scan.samples.map { UInt8($0 >> 8) })
    let jpeg = try ImageEncoder.jpeg(eight, quality: 90)
    inputs.append(Input(name: "synthetic 8-bit JPEG 3000x1100 q90", data: jpeg, width: 3000, height: 1100, bitDepth: 8, format: .jpeg))
} else {
    if let option = arguments.first(where: { $0.hasPrefix("-") }) {
        FileHandle.standardError.write(Data("scantriage-bench: unknown option \(option)\n\(usage)\n".utf8))
        exit(64)
    }
    for path in arguments {
        do {
            let data = try BoundedFile.read(path)
            let info = try decoder.info(data)
            guard info.channels == 1 else { print("skipping \(path): not greyscale"); continue }
            inputs.append(Input(name: path, data: data, width: info.width, height: info.height, bitDepth: info.bitDepth, format: info.format))
        } catch {
            FileHandle.standardError.write(Data("scantriage-bench: \(path): \(error)\n".utf8))
            exit(1)
        }
    }
}

print("scantriage-bench: decode, \(rounds) rounds, libpng \(CodecVersions.libpng), libjpeg-turbo \(CodecVersions.libjpegTurbo)")
print("input                                   | bare C Mpx/s | ScanTriage Mpx/s | Swift/C | attenuation Mpx/s")
for input in inputs {
    var buffer = [UInt8](repeating: 0, count: input.pixels * input.bitDepth / 8)
    let repeats = max(1, 20_000_000 / input.pixels)
    var cRates: [Double] = []
    var swiftRates: [Double] = []
    var attenuationRates: [Double] = []
    var transform: AttenuationTransform?
    if input.format == .png {
        transform = try AttenuationTransform(encoding: .transmission(air: 60000, dark: 250), bitDepth: input.bitDepth)
    } else {
        transform = try AttenuationTransform(encoding: .log(zero: 250, scale: 25, floor: 0), bitDepth: input.bitDepth)
    }
    for round in 0..<rounds {
        // Alternate which goes first, so neither always gets the warm cache.
        for order in (round % 2 == 0 ? [0, 1] : [1, 0]) {
            let start = now()
            for _ in 0..<repeats {
                if order == 0 {
                    let status = input.data.withUnsafeBytes { raw in
                        buffer.withUnsafeMutableBytes { out in
                            input.format == .png
                                ? cbenchref_png_decode(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count, out.baseAddress!, out.count)
                                : cbenchref_jpeg_decode(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), raw.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count)
                        }
                    }
                    precondition(status == 0, "reference decode failed on \(input.name)")
                } else {
                    let image = try decoder.decode(input.data)
                    precondition(image.pixels.width == input.width)
                }
            }
            let seconds = Double(now() - start) / 1e9
            let rate = Double(input.pixels * repeats) / seconds / 1e6
            if order == 0 { cRates.append(rate) } else { swiftRates.append(rate) }
        }
        let pixels = try decoder.decode(input.data).pixels
        let start = now()
        for _ in 0..<repeats { _ = try transform!.apply(pixels) }
        attenuationRates.append(Double(input.pixels * repeats) / (Double(now() - start) / 1e9) / 1e6)
    }
    let c = median(cRates), swift = median(swiftRates)
    let name = input.name.count > 40 ? "…" + input.name.suffix(39) : input.name.padding(toLength: 40, withPad: " ", startingAt: 0)
    print(name + String(format: "| %12.1f | %16.1f | %7.3f | %17.1f", c, swift, swift / c, median(attenuationRates)))
}
print(String(format: "peak memory: %.1f MB", peakMemoryMB()))
