import Foundation
import TriageCore
import TriageStore

/// `SHA256SUMS` of a batch (sha256sum format, paths relative to the batch): which files do not
/// match and must be quarantined, and which files are listed but missing.
public enum Checksums {
    public struct Result: Sendable {
        /// Paths (relative to the batch) whose content does not match, with the reason.
        public var mismatched: [String: String] = [:]
        public var checked = 0
        /// The listed digest (lower-case hex) of each deferred file, by path relative to the
        /// batch: whoever reads the file checks it (``mismatch(path:expected:actual:)``).
        public var deferred: [String: String] = [:]
    }

    /// The reason a file whose content does not match is quarantined.
    public static func mismatch(expected: String, actual: String) -> String {
        "content does not match SHA256SUMS (expected \(expected.prefix(12))…, got \(actual.prefix(12))…): quarantined"
    }

    /// Checks the listed files now, except those `defer` picks (scan images in the batch: the
    /// analysis reads and hashes each anyway, on every core, and compares it there; checking
    /// them here read and hashed every image twice, the first time on one core before any
    /// analysis started). A deferred file must still exist.
    public static func verify(batch root: String, deferring: (String) -> Bool = { _ in false },
                              diagnostics: any DiagnosticCollector) -> Result {
        let sumsPath = (root as NSString).appendingPathComponent("SHA256SUMS")
        var result = Result()
        guard FileManager.default.fileExists(atPath: sumsPath) else { return result }
        let text: String
        do {
            text = String(decoding: try BoundedFile.read(sumsPath, maxBytes: 16 << 20), as: UTF8.self)
        } catch {
            diagnostics.error("\(error)", at: SourceLocation(file: sumsPath))
            return result
        }
        var listed = Set<String>()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let location = SourceLocation(file: sumsPath, line: index + 1, column: 1)
            let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].count == 64, parts[0].allSatisfy(\.isHexDigit) else {
                diagnostics.error("expected \"<64 hex digits>  <path>\"", at: location)
                continue
            }
            var path = String(parts[1]).trimmingCharacters(in: .whitespaces)
            if path.hasPrefix("*") { path.removeFirst() }
            if path.hasPrefix("./") { path.removeFirst(2) }
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                diagnostics.error("path \(path) leaves the batch folder", at: location)
                continue
            }
            listed.insert(path)
            let full = (root as NSString).appendingPathComponent(path)
            if deferring(path) {
                guard FileManager.default.fileExists(atPath: full) else {
                    diagnostics.error("\(path) is listed but missing from the batch", at: location)
                    continue
                }
                result.deferred[path] = parts[0].lowercased()
                continue
            }
            guard let actual = Hashing.sha256(file: full) else {
                let why = FileManager.default.fileExists(atPath: full) ? "cannot be read" : "missing from the batch"
                diagnostics.error("\(path) is listed but \(why)", at: location)
                continue
            }
            result.checked += 1
            if actual != parts[0].lowercased() {
                let reason = mismatch(expected: String(parts[0]), actual: actual)
                result.mismatched[path] = reason
                diagnostics.error(reason, at: SourceLocation(file: full))
            }
        }
        // Files the sums do not cover are still read, with a warning.
        for folder in ["manifests", "scans"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: (root as NSString).appendingPathComponent(folder))) ?? []
            for name in names.sorted() where !name.hasPrefix(".") && !listed.contains("\(folder)/\(name)") {
                diagnostics.warning("not covered by SHA256SUMS", at: SourceLocation(file: (root as NSString).appendingPathComponent("\(folder)/\(name)")))
            }
        }
        return result
    }
}
