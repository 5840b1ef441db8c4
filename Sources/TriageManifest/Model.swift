import TriageCore

/// The formats a manifest may arrive in.
public enum ManifestFormat: String, Sendable, Codable {
    /// Interchange JSON (spec §3).
    case json
    /// Interchange CSV (spec §4).
    case csv
    /// EU/UK ICS entry summary declaration, CC315A (or CC313A).
    case ensCC315A = "ens-cc315a"
    /// EU ICS2 entry summary declaration, IE3F26 (maritime, full dataset).
    case ensIE3F26 = "ens-ie3f26"
    /// UN/EDIFACT CUSCAR.
    case cuscar
}

/// A value as read from a file, with where it was.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// One goods line of a container, as read, before validation.
public struct RawGoods: Sendable {
    public var location: SourceLocation
    public var hsCode: Located<String>?
    public var description: String?
    public var packages: Located<Double>?
    public var packageKind: String?
    public var grossKg: Located<Double>?
    /// Fields the format parser already reported as wrong, so validation does not report
    /// them a second time as missing.
    public var reported: Set<String> = []

    public init(location: SourceLocation) { self.location = location }
}

/// One container entry, as read, before validation. `problems` holds what the format parser
/// already found wrong (a mistyped field, say); any error quarantines the entry.
public struct RawContainer: Sendable {
    public var location: SourceLocation
    public var containerID: Located<String>?
    public var isoType: Located<String>?
    public var tareKg: Located<Double>?
    public var empty: Located<Bool>?
    public var seals: [String] = []
    public var shipper: String?
    public var consignee: String?
    public var goods: [RawGoods] = []
    public var problems: [Diagnostic] = []
    /// The format carries no size/type code (ENS): its absence is a warning, not an error.
    public var isoTypeOptional = false
    /// Why there is no container number, when the format can say more than "missing".
    public var missingIDReason: String?

    public init(location: SourceLocation) { self.location = location }
}

/// A manifest as read, before validation.
public struct RawManifest: Sendable {
    public var file: String
    public var format: ManifestFormat
    public var manifestID: Located<String>?
    public var liaisonOffice: String?
    public var vesselName: String?
    public var vesselIMO: String?
    public var voyage: String?
    public var portOfLoading: Located<String>?
    public var portOfDischarge: Located<String>?
    public var departure: String?
    public var eta: String?
    public var containers: [RawContainer] = []

    public init(file: String, format: ManifestFormat) {
        self.file = file
        self.format = format
    }
}

/// A declared goods line, validated.
public struct GoodsLine: Sendable, Codable, Equatable {
    public var hsCode: String
    public var description: String?
    public var packages: Int?
    public var packageKind: String?
    public var grossKg: Double

    public init(hsCode: String, description: String?, packages: Int?, packageKind: String?, grossKg: Double) {
        self.hsCode = hsCode
        self.description = description
        self.packages = packages
        self.packageKind = packageKind
        self.grossKg = grossKg
    }
}

/// A declared container, validated and accepted.
public struct DeclaredContainer: Sendable, Codable {
    public var containerID: String
    /// Known size/type code, or nil when the format does not carry one.
    public var isoType: String?
    public var seals: [String]
    public var tareKg: Double?
    public var empty: Bool
    public var goods: [GoodsLine]
    public var shipper: String?
    public var consignee: String?
    public var manifestID: String?
    public var portOfLoading: String?
    public var location: SourceLocation

    public init(containerID: String, isoType: String?, seals: [String], tareKg: Double?, empty: Bool, goods: [GoodsLine],
                shipper: String?, consignee: String?, manifestID: String?, portOfLoading: String?, location: SourceLocation) {
        self.containerID = containerID
        self.isoType = isoType
        self.seals = seals
        self.tareKg = tareKg
        self.empty = empty
        self.goods = goods
        self.shipper = shipper
        self.consignee = consignee
        self.manifestID = manifestID
        self.portOfLoading = portOfLoading
        self.location = location
    }

    /// Total declared gross mass of the goods (kg).
    public var declaredGoodsKg: Double { goods.reduce(0) { $0 + $1.grossKg } }

    /// The HS code of the heaviest goods line, which decides what the container should look like.
    public var mainHSCode: String? { goods.max { $0.grossKg < $1.grossKg }?.hsCode }
}

/// A container entry that failed validation: kept, with its reasons, never silently dropped.
public struct QuarantinedEntry: Sendable, Codable {
    /// The container number as written (may be malformed or missing).
    public var containerID: String?
    public var location: SourceLocation
    public var reasons: [Diagnostic]
}

/// A validated manifest: accepted containers and quarantined entries.
public struct Manifest: Sendable, Codable {
    public var file: String
    public var format: ManifestFormat
    public var manifestID: String?
    public var liaisonOffice: String?
    public var vesselName: String?
    public var voyage: String?
    public var portOfLoading: String?
    public var portOfDischarge: String?
    public var departure: String?
    public var eta: String?
    public var containers: [DeclaredContainer]
    public var quarantined: [QuarantinedEntry]
}
