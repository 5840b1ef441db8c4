// swift-tools-version:6.0
//
// ScanTriage: rank shipping containers for pre-arrival inspection from X-ray scans made at the
// port of loading and the declarations that travel with them.
//
// The data flow reads in the target names:
//   CScanCodec (libpng, libjpeg-turbo) → TriageDecode → TriagePhysics → … → ScanTriageCLI → scantriage
import PackageDescription

// TriageKernelsAVX2 is compiled for Haswell-class x86-64 (x86-64-v3: AVX2); elsewhere it is
// compiled like the rest and never called. `-O` even in debug builds, so the tests run its
// wide code rather than calls back into the baseline kernels.
#if arch(x86_64)
let avx2Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-O"])]
#else
let avx2Settings: [SwiftSetting] = []
#endif

let package = Package(
    name: "ScanTriage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scantriage", targets: ["scantriage"]),


        .executable(name: "scangen", targets: ["scangen"]),
        .executable(name: "scantriage-bench", targets: ["scantriage-bench"]),
        .library(name: "ScanTriageCLI", targets: ["ScanTriageCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // System libraries, by module map. `apt-get install libpng-dev libjpeg-dev zlib1g-dev`.
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CLibJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The one C shim that owns every setjmp/longjmp of libpng and libjpeg.
        .target(name: "CScanCodec", dependencies: ["CLibPNG", "CLibJPEG"]),

        // Errors, located diagnostics, JSON reading with paths.
        .target(name: "TriageCore"),
        // decode: bytes → pixels (PNG, JPEG), and pixels → PNG/JPEG for thumbnails and samples.
        .target(name: "TriageDecode", dependencies: ["CScanCodec", "TriageCore"]),
        // physics: sidecars, scans, attenuation and areal density.
        .target(name: "TriagePhysics", dependencies: ["TriageDecode", "TriageCore", "TriageKernels", "TriageKernelsAVX2", "CTriageCPU"]),
        // kernels: the hot loops in Swift SIMD, each beside its scalar reference.
        .target(name: "TriageKernels"),
        // The same kernels compiled for x86-64-v3 (AVX2), called only through KernelDispatch
        // (TriagePhysics) where the processor has them (CTriageCPU asks it).
        .target(name: "CTriageCPU"),
        .target(name: "TriageKernelsAVX2", dependencies: ["TriageKernels"], swiftSettings: avx2Settings),
        // manifest: declarations in JSON, CSV, ENS XML and CUSCAR; validation; matching to scans.
        .target(name: "TriageManifest", dependencies: ["TriageCore", "TriagePhysics"]),
        // compare: the container in the scan, its cargo's density, evidence against the declaration.
        .target(name: "TriageCompare", dependencies: ["TriageCore", "TriagePhysics", "TriageKernels", "TriageManifest"]),
        // rank: capacity, ranking and how good a ranking is (evaluation).
        .target(name: "TriageRank", dependencies: ["TriageCore", "TriageCompare"]),
        // store: SQLite (GRDB) with migrations and WAL: inputs, verdicts, runs, outcomes, quarantine.
        .target(name: "TriageStore", dependencies: [
            "TriageCore", "TriageCompare", "TriageManifest",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // pipeline: the nightly batch, from intake to ranking.
        .target(name: "TriagePipeline", dependencies: [
            "TriageCore", "TriageDecode", "TriagePhysics", "TriageManifest", "TriageCompare", "TriageRank", "TriageStore",
            "TriageReport", "CZlib",
        ]),
        // serve: the liaison intake service (Hummingbird) and the submit client.
        .target(name: "TriageServe", dependencies: [
            "TriageCore", "TriageDecode", "TriagePhysics", "TriageManifest", "TriageStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // report: the self-contained HTML report.
        .target(name: "TriageReport", dependencies: ["TriageCore", "TriageDecode", "TriagePhysics", "TriageCompare", "TriageRank"]),
        // The commands, as a library so tests can drive them; the executable only calls main().
        .target(name: "ScanTriageCLI", dependencies: [
            "TriageCore", "TriageDecode", "TriagePhysics", "TriageManifest", "TriageCompare", "TriageRank", "TriagePipeline", "TriageStore", "TriageReport", "TriageServe",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .executableTarget(name: "scantriage", dependencies: [
            "ScanTriageCLI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tools: the synthetic scan generator (a library, so tests can use it) and its command.
        .target(name: "ScanSynth", dependencies: ["TriageCore", "TriageDecode", "TriagePhysics"], path: "Tools/ScanSynth"),
        .executableTarget(name: "scangen", dependencies: [
            "ScanSynth", "TriageCore", "TriageDecode", "TriagePhysics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Tools/scangen"),

        // Benchmarks, each beside a reference measured in the same run.
        .target(name: "CBenchReference", dependencies: ["CLibPNG", "CLibJPEG"], path: "Tools/CBenchReference"),
        // Scalar references the compiler would vectorise, compiled with its vectorisers off.
        .target(name: "ScalarReference", dependencies: ["TriageKernels"], path: "Tools/ScalarReference",
                swiftSettings: [.unsafeFlags(["-Xllvm", "-vectorize-loops=false", "-Xllvm", "-vectorize-slp=false"])]),
        .executableTarget(name: "scantriage-bench", dependencies: [
            "CBenchReference", "ScalarReference", "TriageDecode", "TriagePhysics", "TriageCore", "TriageKernels", "TriageKernelsAVX2", "TriageCompare",
            "TriageManifest", "TriagePipeline", "TriageRank", "TriageStore", "ScanSynth",
        ], path: "Tools/bench"),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TriageDecodeTests", dependencies: ["TriageDecode", "TriageCore", "TestSupport"]),
        .testTarget(name: "TriagePhysicsTests", dependencies: ["TriagePhysics", "TriageDecode", "TriageCore", "TestSupport"]),
        .testTarget(name: "ScanSynthTests", dependencies: ["ScanSynth", "TriagePhysics", "TriageDecode", "TriageCore", "TestSupport"]),
        .testTarget(name: "TriageRankTests", dependencies: ["TriageRank", "TriageCompare", "TriageCore", "TestSupport"]),
        .testTarget(name: "TriageManifestTests", dependencies: ["TriageManifest", "TriageCore", "TriagePhysics", "TestSupport"]),
        .testTarget(name: "TriageKernelsTests", dependencies: ["TriageKernels", "TriageKernelsAVX2", "TriagePhysics", "TriageDecode"]),
        .testTarget(name: "TriageCompareTests", dependencies: ["TriageCompare", "ScanSynth", "TriagePhysics", "TriageDecode", "TriageCore", "TriageManifest", "TestSupport"]),
        .testTarget(name: "ScanTriageCLITests", dependencies: [
            "ScanTriageCLI", "TriageDecode", "TriageStore", "TriagePipeline", "TriageRank", "TriageCompare", "TriageReport", "TestSupport",
            "ScanSynth", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
