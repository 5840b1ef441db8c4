import Foundation
import TriageCore

/// The known answer for one container of an evaluation set.
public struct TruthEntry: Sendable, Equatable {
    public var containerID: String
    /// `none` for clean containers; otherwise the anomaly kind.
    public var anomaly: String
    public var bbox: [Int]?
    public var isPositive: Bool { anomaly != "none" && !anomaly.isEmpty }

    public init(containerID: String, anomaly: String, bbox: [Int]?) {
        self.containerID = containerID
        self.anomaly = anomaly
        self.bbox = bbox
    }
}

/// One ranked container as the tool handed it back (interchange §6).
public struct RankedEntry: Sendable, Equatable {
    public var rank: Int
    public var containerID: String
    public var score: Double
    public var findingBoxes: [[Int]]

    public init(rank: Int, containerID: String, score: Double, findingBoxes: [[Int]]) {
        self.rank = rank
        self.containerID = containerID
        self.score = score
        self.findingBoxes = findingBoxes
    }
}

/// How good a ranking is against the truth.
public struct EvaluationReport: Sendable, Codable {
    public var containers: Int
    public var positives: Int
    public var capacity: String
    public var inspected: Int
    public var rocAUC: Double
    public var rPrecision: Double
    public var recallAtCapacity: Double
    public var precisionAtCapacity: Double
    /// Recall at capacity per anomaly kind, with the count of each.
    public var recallByKind: [String: Double]
    public var countByKind: [String: Int]
    /// Share of anomalies with a bbox where some finding's bbox overlaps it (nil: no boxes given).
    public var localisation: Double?
    public var localisedOf: Int
    /// The same counting only boxes of at most ten times the anomaly's area: a box over the
    /// whole container (a mass finding's) or over a large opaque part says "somewhere in
    /// here", not where (nil: no boxes given).
    public var tightLocalisation: Double?
    /// Truth containers the ranking left out (ranked last, as if scored lowest).
    public var missingFromRanking: [String]
    /// Ranked containers the truth does not know (ignored).
    public var unknownInRanking: [String]
}

public enum Evaluation {
    /// Reads a truth CSV: `container_id` and `anomaly` required; `bbox_x,bbox_y,bbox_w,bbox_h` optional.
    public static func readTruth(_ path: String, diagnostics: any DiagnosticCollector) throws -> [TruthEntry] {
        let data = try BoundedFile.read(path, maxBytes: 64 << 20)
        guard let table = CSVTable(data, file: path, required: ["container_id", "anomaly"], diagnostics: diagnostics) else {
            throw ScanTriageError(.invalidInput, "truth file unusable", at: SourceLocation(file: path))
        }
        var entries: [TruthEntry] = []
        var seen = Set<String>()
        for row in table.rows {
            let id = ContainerNumber.normalise(table.value(row, "container_id") ?? "")
            guard !id.isEmpty else {
                diagnostics.error("empty container_id", at: table.location(row, "container_id"))
                continue
            }
            if !seen.insert(id).inserted {
                diagnostics.error("container \(id) appears twice", at: table.location(row, "container_id"))
                continue
            }
            var bbox: [Int]?
            if table.index(of: "bbox_x") != nil {
                let parts = ["bbox_x", "bbox_y", "bbox_w", "bbox_h"].map { table.value(row, $0) ?? "" }
                if parts.allSatisfy({ !$0.isEmpty }) {
                    let numbers = parts.compactMap { Int($0) }
                    if numbers.count == 4 { bbox = numbers } else {
                        diagnostics.error("bbox must be four whole numbers", at: table.location(row, "bbox_x"))
                    }
                }
            }
            entries.append(TruthEntry(containerID: id, anomaly: table.value(row, "anomaly") ?? "none", bbox: bbox))
        }
        return entries
    }

    /// Reads `ranking.json` (a list of objects with `container_id`, `score`, optional `rank` and
    /// `findings[].bbox`) or `ranking.csv` (`rank,container_id,score,…`).
    public static func readRanking(_ path: String, diagnostics: any DiagnosticCollector) throws -> [RankedEntry] {
        let data = try BoundedFile.read(path, maxBytes: 256 << 20)
        var entries: [RankedEntry] = []
        if path.lowercased().hasSuffix(".csv") {
            guard let table = CSVTable(data, file: path, required: ["container_id", "score"], diagnostics: diagnostics) else {
                throw ScanTriageError(.invalidInput, "ranking file unusable", at: SourceLocation(file: path))
            }
            for (index, row) in table.rows.enumerated() {
                guard let score = Double(table.value(row, "score") ?? "") else {
                    diagnostics.error("score is not a number", at: table.location(row, "score"))
                    continue
                }
                let rank = table.value(row, "rank").flatMap { Int($0) } ?? index + 1
                entries.append(RankedEntry(rank: rank, containerID: ContainerNumber.normalise(table.value(row, "container_id") ?? ""),
                                           score: score, findingBoxes: []))
            }
        } else {
            let root = try JSONValue.parse(data, file: path)
            guard case .array(let items) = root else {
                throw ScanTriageError(.invalidInput, "expected a JSON array of ranked containers", at: SourceLocation(file: path, path: "$"))
            }
            for (index, item) in items.enumerated() {
                let reader = JSONObjectReader(item, path: "$[\(index)]", file: path, diagnostics: diagnostics)
                guard let id = reader.string("container_id"), let score = reader.number("score") else { continue }
                let rank = reader.number("rank", required: false).map { Int($0) } ?? index + 1
                var boxes: [[Int]] = []
                for (findingIndex, finding) in (reader.array("findings", required: false) ?? []).enumerated() {
                    guard case .object(let fields) = finding, case .array(let box)? = fields["bbox"] else { continue }
                    let numbers = box.compactMap { value -> Int? in
                        if case .number(let n) = value { return Int(n) }
                        return nil
                    }
                    if numbers.count == 4 { boxes.append(numbers) } else {
                        diagnostics.warning("bbox should be [x, y, width, height]",
                                            at: SourceLocation(file: path, path: "$[\(index)].findings[\(findingIndex)].bbox"))
                    }
                }
                entries.append(RankedEntry(rank: rank, containerID: ContainerNumber.normalise(id), score: score, findingBoxes: boxes))
            }
        }
        return entries
    }

    public static func evaluate(truth: [TruthEntry], ranking: [RankedEntry], capacity: Capacity) -> EvaluationReport {
        let truthByID = Dictionary(uniqueKeysWithValues: truth.map { ($0.containerID, $0) })
        let known = ranking.filter { truthByID[$0.containerID] != nil }
        // Order by rank (then score); missing containers go last, in truth order.
        let ordered = known.sorted { ($0.rank, -$0.score) < ($1.rank, -$1.score) }
        let rankedIDs = Set(ordered.map(\.containerID))
        let missing = truth.filter { !rankedIDs.contains($0.containerID) }.map(\.containerID)
        let order = ordered.map(\.containerID) + missing
        let scores = Dictionary(uniqueKeysWithValues: ordered.map { ($0.containerID, $0.score) })
        let positives = truth.filter(\.isPositive)
        let k = capacity.containers(of: truth.count)
        let top = Set(order.prefix(k))
        let topR = Set(order.prefix(positives.count))
        let hits = positives.filter { top.contains($0.containerID) }.count
        var recallByKind: [String: Double] = [:]
        var countByKind: [String: Int] = [:]
        for (kind, group) in Dictionary(grouping: positives, by: \.anomaly) {
            countByKind[kind] = group.count
            recallByKind[kind] = Double(group.filter { top.contains($0.containerID) }.count) / Double(group.count)
        }
        // ROC AUC by Mann–Whitney, ties counted half; unranked containers score below all.
        let negatives = truth.filter { !$0.isPositive }
        var auc = 0.0
        if !positives.isEmpty && !negatives.isEmpty {
            var wins = 0.0
            for p in positives {
                let sp = scores[p.containerID] ?? -Double.infinity
                for n in negatives {
                    let sn = scores[n.containerID] ?? -Double.infinity
                    if sp > sn { wins += 1 } else if sp == sn { wins += 0.5 }
                }
            }
            auc = wins / Double(positives.count * negatives.count)
        }
        // Localisation: anomalies with a box, where a finding's box overlaps it.
        let boxes = Dictionary(uniqueKeysWithValues: ordered.map { ($0.containerID, $0.findingBoxes) })
        let located = positives.filter { $0.bbox != nil }
        var localised = 0, tight = 0
        for entry in located {
            let truthBox = entry.bbox!, found = (boxes[entry.containerID] ?? []).filter { overlaps($0, truthBox) }
            if !found.isEmpty { localised += 1 }
            if found.contains(where: { $0[2] * $0[3] <= 10 * max(1, truthBox[2] * truthBox[3]) }) { tight += 1 }
        }
        let anyBoxes = ranking.contains { !$0.findingBoxes.isEmpty }
        return EvaluationReport(
            containers: truth.count, positives: positives.count, capacity: capacity.description, inspected: k,
            rocAUC: auc,
            rPrecision: positives.isEmpty ? 0 : Double(positives.filter { topR.contains($0.containerID) }.count) / Double(positives.count),
            recallAtCapacity: positives.isEmpty ? 0 : Double(hits) / Double(positives.count),
            precisionAtCapacity: k == 0 ? 0 : Double(hits) / Double(k),
            recallByKind: recallByKind, countByKind: countByKind,
            localisation: (anyBoxes && !located.isEmpty) ? Double(localised) / Double(located.count) : nil,
            localisedOf: located.count,
            tightLocalisation: (anyBoxes && !located.isEmpty) ? Double(tight) / Double(located.count) : nil,
            missingFromRanking: missing,
            unknownInRanking: ranking.filter { truthByID[$0.containerID] == nil }.map(\.containerID))
    }

    /// True when two [x, y, w, h] boxes share at least one pixel.
    public static func overlaps(_ a: [Int], _ b: [Int]) -> Bool {
        a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
    }
}
