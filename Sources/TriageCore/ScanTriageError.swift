/// A fatal error from ScanTriage: something that stops the processing of one input.
///
/// Like `CertificateError` in swift-certificates, the kind of error is a ``Code`` struct rather
/// than an enum, so that new kinds can be added without breaking callers that switch on it.
/// Equality looks at the code only, so tests can compare against `ScanTriageError.Code`.
public struct ScanTriageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// The reason, in words a user can act on.
    public var reason: String
    /// Where the problem is: file, line, column, field.
    public var location: SourceLocation?

    public init(_ code: Code, _ reason: String, at location: SourceLocation? = nil) {
        self.code = code
        self.reason = reason
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(reason)" }
        return reason
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The kind of a ``ScanTriageError``. Extensible: match on the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case io
            case notAnImage
            case corruptImage
            case truncatedImage
            case imageTooLarge
            case unsupportedImage
            case outOfMemory
            case invalidSidecar
            case invalidInput
            case inputTooLarge
            case internalError
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// A file could not be read or written.
        public static let io = Code(.io)
        /// The bytes are neither PNG nor JPEG.
        public static let notAnImage = Code(.notAnImage)
        /// The image library rejected the data as damaged.
        public static let corruptImage = Code(.corruptImage)
        /// The image data ends before the image does.
        public static let truncatedImage = Code(.truncatedImage)
        /// The header declares more pixels than the configured limit.
        public static let imageTooLarge = Code(.imageTooLarge)
        /// A valid image the linked library cannot read (12-bit or lossless JPEG, for example).
        public static let unsupportedImage = Code(.unsupportedImage)
        /// Memory could not be had.
        public static let outOfMemory = Code(.outOfMemory)
        /// A scan's sidecar metadata is missing, malformed or inconsistent with its image.
        public static let invalidSidecar = Code(.invalidSidecar)
        /// An input file is malformed (details in the diagnostics).
        public static let invalidInput = Code(.invalidInput)
        /// An input is larger than the configured limit and was not read.
        public static let inputTooLarge = Code(.inputTooLarge)
        /// A bug in ScanTriage.
        public static let internalError = Code(.internalError)

        public var description: String { backing.rawValue }
    }
}

/// Where in the input a problem is. Any of the parts may be missing.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The file, as the user named it.
    public var file: String
    /// 1-based line and column, for text formats.
    public var line: Int?
    public var column: Int?
    /// A JSON path (`$.containers[3].goods[0].hs_code`), an XML element path or a field name.
    public var path: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, path: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
    }

    /// `file:line:col` in compiler style, with the path after it when there is one.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let path { text += ": \(path)" }
        return text
    }

    public func with(path: String) -> SourceLocation {
        var copy = self
        copy.path = path
        return copy
    }
}
