import Foundation

/// A located, non-fatal finding about an input: the counterpart of ``ScanTriageError``.
///
/// Validation collects every diagnostic rather than stopping at the first, so a liaison officer
/// sees all that is wrong with a manifest in one pass.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
    }

    public static func error(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: location)
    }

    public static func warning(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
    }

    /// Compiler style: `file:line:col: error: message` (the JSON path, if any, leads the message).
    public var description: String {
        guard let location else { return "\(severity.rawValue): \(message)" }
        var head = location.file
        if let line = location.line {
            head += ":\(line)"
            if let column = location.column { head += ":\(column)" }
        }
        if let path = location.path { return "\(head): \(severity.rawValue): \(path): \(message)" }
        return "\(head): \(severity.rawValue): \(message)"
    }
}

/// Receives diagnostics as they are found.
public protocol DiagnosticCollector: Sendable {
    func emit(_ diagnostic: Diagnostic)
}

extension DiagnosticCollector {
    public func error(_ message: String, at location: SourceLocation? = nil) {
        emit(.error(message, at: location))
    }

    public func warning(_ message: String, at location: SourceLocation? = nil) {
        emit(.warning(message, at: location))
    }
}

/// Keeps every diagnostic, in order. Thread-safe.
public final class DiagnosticBag: DiagnosticCollector, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Diagnostic] = []

    public init() {}

    public func emit(_ diagnostic: Diagnostic) {
        lock.lock()
        storage.append(diagnostic)
        lock.unlock()
    }

    public var diagnostics: [Diagnostic] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
