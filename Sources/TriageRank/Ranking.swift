import Foundation
import TriageCompare
import TriageCore

/// What became of a container's scan; its raw value is the `status` column of the ranking.
public enum ContainerStatus: String, Sendable, Codable {
    /// Scanned and analysed against its declaration.
    case scanned
    /// Declared, but no scan arrived: ranked on the declaration alone.
    case unscanned
    /// A scan that no manifest declares: analysed without a declaration.
    case unmatched
    /// A scan that could not be analysed (unreadable, too large, no container found).
    case failed
}

/// One line of the ranking: a container, its score, why, and whether it is within capacity.
public struct RankedContainer: Sendable, Codable {
    public var rank: Int
    public var containerID: String
    public var score: Double
    public var strength: Double
    public var inspect: Bool
    public var scanID: String?
    public var status: ContainerStatus
    public var findings: [Finding]
    public var isoType: String?
    public var hsCode: String?
    public var declaredKg: Double?
    public var imageKg: Double?
    /// True where parts of the load are opaque to the beam, so that `imageKg` is a lower bound
    /// (``Measurements/weightIsALowerBound``); false where the image weighs the whole load;
    /// nil without an image weight.
    public var imageKgIsLowerBound: Bool? = nil
    public var manifestID: String?
    public var portOfLoading: String?
    /// Where and on what the scan was made (its sidecar): a port other than the port of
    /// loading means the container was moved between scan and loading (transshipment), or the
    /// scan is of another container.
    public var portOfScan: String?
    public var scannerID: String?

    public init(containerID: String, score: Double, strength: Double, status: ContainerStatus, findings: [Finding], scanID: String? = nil,
                isoType: String? = nil, hsCode: String? = nil, declaredKg: Double? = nil, imageKg: Double? = nil,
                manifestID: String? = nil, portOfLoading: String? = nil, portOfScan: String? = nil, scannerID: String? = nil) {
        self.rank = 0
        self.containerID = containerID
        self.score = score
        self.strength = strength
        self.inspect = false
        self.scanID = scanID
        self.status = status
        self.findings = findings
        self.isoType = isoType
        self.hsCode = hsCode
        self.declaredKg = declaredKg
        self.imageKg = imageKg
        self.manifestID = manifestID
        self.portOfLoading = portOfLoading
        self.portOfScan = portOfScan
        self.scannerID = scannerID
    }
}

public enum Ranker {
    /// The ranking's order: `a` ranks before `b` (higher score, then strength, then container
    /// number, then scan id).
    public static func precedes(_ a: RankedContainer, _ b: RankedContainer) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.strength != b.strength { return a.strength > b.strength }
        if a.containerID != b.containerID { return a.containerID < b.containerID }
        return (a.scanID ?? "") < (b.scanID ?? "")
    }

    /// One line per container, sorted by score, then strength, then container number (so equal
    /// inputs rank identically), the ranks numbered and the first `capacity` containers marked for
    /// inspection. A container scanned more than once (a rescan, two scan ids) is ranked by its
    /// most suspicious scan that could be analysed (one that could not counts only when none
    /// could); its other scans are named in a note (kind `other_scans`, not scored): an
    /// inspection is of a container, and capacity counts containers.
    public static func rank(_ entries: [RankedContainer], capacity: Capacity) -> [RankedContainer] {
        func failed(_ entry: RankedContainer) -> Bool { entry.status == .failed }
        var kept: [RankedContainer] = []
        var place: [String: Int] = [:]
        var others: [[RankedContainer]] = []
        for entry in entries.sorted(by: { failed($0) != failed($1) ? !failed($0) : precedes($0, $1) }) {
            if let index = place[entry.containerID] {
                others[index].append(entry)
            } else {
                place[entry.containerID] = kept.count
                kept.append(entry)
                others.append([])
            }
        }
        for index in kept.indices where !others[index].isEmpty {
            let named = others[index].map { other in
                (other.scanID ?? "no scan") + (failed(other) ? " (could not be analysed)" : String(format: " (score %.3f)", other.score))
            }
            kept[index].findings.append(Finding(kind: "other_scans", score: 0,
                                                reason: "also scanned: " + named.joined(separator: ", ") + "; ranked by the most suspicious scan",
                                                bbox: nil, massKg: nil))
        }
        var sorted = kept.sorted(by: precedes)
        let k = capacity.containers(of: sorted.count)
        for index in sorted.indices {
            sorted[index].rank = index + 1
            sorted[index].inspect = index < k
        }
        return sorted
    }

    /// `ranking.csv`: rank,container_id,score first (spec §6), then what helps an analyst.
    /// `reasons`: those of the scored findings; where none is scored, those of the findings
    /// reported without a score (a place to look, a degraded scan), so that a line never names
    /// a top finding without saying what it is.
    public static func csv(_ ranking: [RankedContainer]) -> String {
        var lines = ["rank,container_id,score,inspect,status,scan_id,top_finding,reasons,iso_type,hs_code,declared_kg,image_kg,image_kg_is_lower_bound,manifest_id,port_of_loading,port_of_scan,scanner_id"]
        for entry in ranking {
            let scored = entry.findings.filter { $0.score > 0 }
            let reasons = (scored.isEmpty ? entry.findings : scored).map(\.reason).joined(separator: "; ")
            let fields: [String] = [
                String(entry.rank), entry.containerID, String(format: "%.6f", entry.score), entry.inspect ? "yes" : "no",
                entry.status.rawValue, entry.scanID ?? "", entry.findings.first?.kind ?? "", reasons, entry.isoType ?? "",
                entry.hsCode ?? "", entry.declaredKg.map { String(format: "%.0f", $0) } ?? "",
                entry.imageKg.map { String(format: "%.0f", $0) } ?? "", entry.imageKgIsLowerBound.map { $0 ? "yes" : "no" } ?? "",
                entry.manifestID ?? "",
                entry.portOfLoading ?? "", entry.portOfScan ?? "", entry.scannerID ?? "",
            ]
            lines.append(fields.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `ranking.json`: a list of objects with rank, container_id, score and findings (spec §6).
    public static func json(_ ranking: [RankedContainer]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(ranking)
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
