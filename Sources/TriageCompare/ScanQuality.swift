import Foundation

/// What the analysis put right in a batch's scans, scanner by scanner: a sidecar whose pitch or
/// air level is off, or a scanner that drops pulses or detector channels, shows on most of that
/// scanner's scans, and the liaison office can only fix it if someone tells it. Each scan's
/// card says what was done to it; this says it once per scanner, with how often and how much.
public enum ScanQuality {
    /// One line per scanner and kind of mending: the scanner, whether it concerns at least a
    /// fifth of that scanner's scans (a warning then, a note otherwise), and the words.
    public struct Line: Sendable, Equatable {
        public var scanner: String
        public var mostScans: Bool
        public var words: String
    }

    public static func summary(_ measurements: [Measurements]) -> [Line] {
        var lines: [Line] = []
        for (scanner, scans) in Dictionary(grouping: measurements, by: \.scannerID).sorted(by: { $0.key < $1.key }) {
            let total = scans.count
            func line(_ values: [Double], _ words: (String) -> String) {
                guard !values.isEmpty else { return }
                lines.append(Line(scanner: scanner, mostScans: 5 * values.count >= total,
                                  words: "scanner \(scanner): \(values.count) of \(total) scan\(total == 1 ? "" : "s") " + words(spread(values))))
            }
            line(scans.compactMap(\.pitchCorrection)) {
                "measured at the horizontal pitch that makes the container its type's length (the sidecar's pitch \($0)): the truck's speed reading, or the x pitch the sidecar states, is off"
            }
            line(scans.compactMap(\.heightCorrection)) {
                "measured at the vertical pitch that puts the container's bottom line where its type's is (the sidecar's y pitch \($0)): the y pitch the sidecar states is off"
            }
            line(scans.compactMap(\.airCorrection).map { exp($0) - 1 }) {
                "read at their own air level, seen above the container (the sidecar's air level \($0)): the sidecar's air (or zero) level is stale"
            }
            line(scans.compactMap { $0.deadColumns.map { Double($0.reduce(0) { $0 + $1[1] }) } }) { _ in
                "had columns with no beam (missed source pulses), read from their neighbours"
            }
            line(scans.compactMap { $0.deadRows.map { Double($0.reduce(0) { $0 + $1[1] }) } }) { _ in
                "had dead detector rows, read from the rows above and below"
            }
            line(scans.compactMap { $0.driftedRows.map { Double($0.count) } }) { _ in
                "had detector rows whose gain had drifted (they read more or less of the beam than their neighbours in the air beside the container), read at their neighbours' level: the detector wants calibrating"
            }
            // A trailer that is not level tilts one scan; most of a scanner's scans leaning the
            // same way is the scanner (its detector line or its lane not level).
            let tilts = scans.compactMap { m in m.levelling.map { $0.degrees(pitchX: m.pitchX, pitchY: m.pitchY) } }
            line(tilts) { _ in
                "showed the container tilted and were measured levelled (\(degrees(tilts)), positive: the right end lower): trailers not level, or, where most lean the same way, the scanner's detector line or lane"
            }
        }
        return lines
    }

    /// "+0.42° at the median, -0.85° to +0.97°": angles.
    static func degrees(_ values: [Double]) -> String {
        let sorted = values.sorted()
        let median = sorted[sorted.count / 2]
        if sorted.count == 1 { return String(format: "%+.2f°", median) }
        return String(format: "%+.2f° at the median, %+.2f° to %+.2f°", median, sorted.first!, sorted.last!)
    }

    /// "+3.1 % off at the median, +1.2 to +11.8 %": relative values as per cent.
    static func spread(_ values: [Double]) -> String {
        let sorted = values.sorted()
        let median = sorted[sorted.count / 2]
        if sorted.count == 1 { return String(format: "%+.1f %% off", median * 100) }
        return String(format: "%+.1f %% off at the median, %+.1f to %+.1f %%", median * 100, sorted.first! * 100, sorted.last! * 100)
    }
}
