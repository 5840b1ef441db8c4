import Foundation
import TriageCore

/// Reads a manifest file of any supported format, with a size limit checked before reading.
public struct ManifestReader: Sendable {
    /// 32 MiB: a vessel's whole manifest in JSON is a few megabytes.
    public static let defaultMaxBytes = 32 << 20

    public var maxBytes: Int
    public var validator: ManifestValidator

    public init(maxBytes: Int = defaultMaxBytes, validator: ManifestValidator = ManifestValidator()) {
        self.maxBytes = maxBytes
        self.validator = validator
    }

    /// The manifest extensions a batch's `manifests/` folder may hold.
    public static let extensions: Set<String> = ["json", "csv", "xml", "edi"]

    /// Reads and validates `path`. Throws when the file cannot be read as a manifest at all;
    /// otherwise returns what was accepted and quarantined, with every problem in `diagnostics`.
    public func read(_ path: String, diagnostics: any DiagnosticCollector) throws -> Manifest {
        let data = try BoundedFile.read(path, maxBytes: maxBytes)
        return try read(data, file: path, diagnostics: diagnostics)
    }

    public func read(_ data: Data, file: String, format: ManifestFormat? = nil, diagnostics: any DiagnosticCollector) throws -> Manifest {
        if data.count > maxBytes {
            throw ScanTriageError(.inputTooLarge, "manifest is \(data.count) bytes; the limit is \(maxBytes)", at: SourceLocation(file: file))
        }
        let raw: RawManifest
        switch format ?? Self.guessFormat(file: file, data: data) {
        case .json: raw = try JSONManifestReader.read(data, file: file, diagnostics: diagnostics)
        case .csv: raw = try CSVManifestReader.read(data, file: file, diagnostics: diagnostics)
        case .ensCC315A, .ensIE3F26: raw = try ENSManifestReader.read(data, file: file, diagnostics: diagnostics)
        case .cuscar: raw = try CUSCARManifestReader.read(data, file: file, diagnostics: diagnostics)
        }
        return validator.validate(raw, diagnostics: diagnostics)
    }

    /// By extension, or by the first non-blank byte when the extension says nothing.
    public static func guessFormat(file: String, data: Data) -> ManifestFormat {
        switch (file as NSString).pathExtension.lowercased() {
        case "json": return .json
        case "csv": return .csv
        case "xml": return .ensCC315A
        case "edi", "edifact", "cuscar": return .cuscar
        default:
            let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
            switch first {
            case UInt8(ascii: "{"): return .json
            case UInt8(ascii: "<"): return .ensCC315A
            case UInt8(ascii: "U"): return .cuscar
            default: return .csv
            }
        }
    }
}
