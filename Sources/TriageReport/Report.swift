import Foundation
import TriageCompare
import TriageCore
import TriageDecode
import TriagePhysics
import TriageRank

/// `report.html`: one self-contained file (styles, script and pictures inside) that an analyst
/// opens offline: a summary, the sortable ranking, and for the containers to inspect the scan
/// with the findings drawn on it, the reasons and the declaration beside them; then what could
/// not be used (quarantined inputs, scans without a declaration).
public struct ReportBuilder {
    public struct Input {
        public var title: String
        public var ranking: [RankedContainer]
        public var verdicts: [String: Verdict]
        public var images: [String: String]
        /// Pictures already made (JPEG, by scan id, in memory or set aside on disk), used
        /// instead of decoding those scans again.
        public var pictures: [String: HeldData] = [:]
        /// Problems in the inputs as the run reported them (`file:line:col: error|warning: …`),
        /// errors first: the analyst reads them here, not only on a terminal at night.
        public var problems: [String] = []
        public var quarantined: [(file: String, reason: String)]
        public var unmatchedScans: [String]
        public var profileID: String
        /// Where the profile comes from when it is not a calibration of the user's own
        /// (``ComparatorProfiles/provenance``).
        public var profileProvenance: String? = nil
        public var capacity: String
        public var analysed: Int
        public var reused: Int
        public var seconds: Double

        public init(title: String, ranking: [RankedContainer], verdicts: [String: Verdict], images: [String: String],
                    quarantined: [(file: String, reason: String)], unmatchedScans: [String], profileID: String, capacity: String,
                    analysed: Int, reused: Int, seconds: Double) {
            self.title = title
            self.ranking = ranking
            self.verdicts = verdicts
            self.images = images
            self.quarantined = quarantined
            self.unmatchedScans = unmatchedScans
            self.profileID = profileID
            self.capacity = capacity
            self.analysed = analysed
            self.reused = reused
            self.seconds = seconds
        }
    }

    /// Containers beyond the capacity that still get a picture.
    public var extraPictures = 10
    public var decoder = ImageDecoder()

    public init() {}

    /// The report as one string (what tests read).
    public func html(_ input: Input, generatedAt: String) -> String {
        var html = ""
        write(input, generatedAt: generatedAt) { html += $0 }
        return html
    }

    /// Writes the report to `path` as it is made (``StreamedOutputFile``): a row, a card, a
    /// picture's base64 at a time, so its size in memory does not grow with the containers it
    /// pictures.
    public func write(_ input: Input, generatedAt: String, to path: String) throws {
        let file = try StreamedOutputFile(path: path)
        try write(input, generatedAt: generatedAt, to: file.write)
        try file.commit()
    }

    /// The report's text, handed to `emit` in pieces, in order.
    public func write(_ input: Input, generatedAt: String, to emit: (String) throws -> Void) rethrows {
        let inspect = input.ranking.filter(\.inspect)
        // Scans that could not be analysed (a truncated image, no container floor in it): said
        // among the problems; the tile points there.
        let failed = input.ranking.filter { $0.status == .failed }.count
        let picturedIDs = input.ranking.prefix(inspect.count + extraPictures).compactMap(\.scanID)
        let pictured = Set(picturedIDs)
        let drawn = self.pictures(for: picturedIDs, input: input)
        try emit("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(input.title))</title>
        <style>\(Self.style)</style></head><body>
        <header><h1>\(escape(input.title))</h1>
        <p class="meta">Generated \(escape(generatedAt)) · profile <code>\(escape(input.profileID))</code>\(input.profileProvenance.map { " (\(escape($0)))" } ?? "") · capacity \(escape(input.capacity))</p></header>
        <section class="summary">
          <div><b>\(input.ranking.count)</b> containers ranked</div>
          <div class="hot"><b>\(inspect.count)</b> to inspect</div>
          <div><b>\(input.ranking.filter { $0.status == .unscanned }.count)</b> without a scan</div>
          <div><b>\(input.unmatchedScans.count)</b> scans without a declaration</div>
          <div class="\(input.quarantined.isEmpty ? "" : "warn")"><b>\(input.quarantined.count)</b> quarantined inputs</div>
          <div><b>\(input.ranking.filter { $0.findings.contains { $0.kind == "cannot_clear" } }.count)</b> cannot be cleared</div>
          <div class="\(failed == 0 ? "" : "warn")"><b>\(failed)</b> \(failed == 0 ? "could not be analysed" : "<a href=\"#problems\">could not be analysed</a>")</div>
        </section>
        <p class="meta">\(input.analysed) scans analysed, \(input.reused) reused from the store, in \(String(format: "%.1f", input.seconds)) s.
        Score (0 to 1): the share of containers inspected clean in calibration whose evidence is weaker (a container that cannot be cleared, or has no scan, ranks above five in six of them). Click a column to sort.</p>
        <h2>Ranking</h2>
        <table id="ranking"><thead><tr>
          <th data-type="n">Rank</th><th>Container</th><th data-type="n">Score</th><th>Inspect</th><th>Status</th>
          <th>Main reason</th><th>Type</th><th>HS</th><th data-type="n">Declared kg</th><th data-type="n">Image kg</th><th>Manifest</th>
        </tr></thead><tbody>

        """)
        for entry in input.ranking {
            let top = entry.findings.first { $0.score > 0 }
            let anchor = entry.scanID.flatMap { pictured.contains($0) ? "#c-\($0)" : nil }
            let id = anchor.map { "<a href=\"\($0)\">\(escape(entry.containerID))</a>" } ?? escape(entry.containerID)
            try emit("""
            <tr class="\(entry.inspect ? "inspect" : "")"><td>\(entry.rank)</td><td>\(id)</td>
            <td>\(String(format: "%.3f", entry.score))</td><td>\(entry.inspect ? "yes" : "")</td><td>\(escape(entry.status.rawValue))</td>
            <td>\(escape(top?.reason ?? entry.findings.first?.reason ?? ""))</td><td>\(escape(entry.isoType ?? ""))</td>
            <td>\(escape(entry.hsCode ?? ""))</td><td>\(entry.declaredKg.map { String(format: "%.0f", $0) } ?? "")</td>
            <td>\(entry.imageKg.map { String(format: "%.0f", $0) } ?? "")</td><td>\(escape(entry.manifestID ?? ""))</td></tr>

            """)
        }
        try emit("</tbody></table>\n<h2>Containers to inspect</h2>\n")
        if !pictured.isEmpty { try emit(Self.legend) }
        for entry in input.ranking where entry.scanID.map(pictured.contains) ?? false {
            // Each picture is read back and turned into base64 only as its card is written.
            let picture = entry.scanID.flatMap { scanID in
                input.pictures[scanID].map { held in
                    do { return Picture.jpeg(try held.load()) } catch { return .missing("\(error)") }
                } ?? drawn[scanID]
            }
            try emit(card(entry, input: input, picture: picture))
        }
        try emit("<h2>Quarantined inputs</h2>\n")
        if input.quarantined.isEmpty {
            try emit("<p>None.</p>\n")
        } else {
            try emit("<table><thead><tr><th>File</th><th>Why</th></tr></thead><tbody>\n")
            for item in input.quarantined { try emit("<tr><td><code>\(escape(item.file))</code></td><td>\(escape(item.reason))</td></tr>\n") }
            try emit("</tbody></table>\n")
        }
        try emit("<h2 id=\"problems\">Problems in the inputs</h2>\n")
        try emit(input.problems.isEmpty ? "<p>None.</p>\n"
            : "<ul>" + input.problems.map { "<li><code>\(escape($0))</code></li>" }.joined() + "</ul>\n")
        try emit("<h2>Scans without a declaration</h2>\n")
        try emit(input.unmatchedScans.isEmpty ? "<p>None.</p>\n"
            : "<ul>" + input.unmatchedScans.map { "<li><code>\(escape($0))</code></li>" }.joined() + "</ul>\n")
        try emit("<script>\(Self.script)</script></body></html>\n")
    }

    /// A scan's picture (JPEG), or why it has none.
    enum Picture { case jpeg(Data), missing(String) }

    /// The pictures of the scans the batch did not picture while it ran, rendered here on all
    /// cores, each from its scan decoded again (what a resumed run's reused verdicts need); a
    /// scan that cannot be drawn (its image gone since, or unreadable) says why.
    func pictures(for scanIDs: [String], input: Input) -> [String: Picture] {
        let work: [(path: String, verdict: Verdict)?] = scanIDs.map { scanID in
            guard input.pictures[scanID] == nil, let verdict = input.verdicts[scanID], let path = input.images[scanID] else { return nil }
            return (path, verdict)
        }
        // Each iteration writes only its own slot.
        nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<Picture?>.allocate(capacity: scanIDs.count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let decoder = self.decoder
        DispatchQueue.concurrentPerform(iterations: scanIDs.count) { index in
            guard let job = work[index] else { return }
            do {
                slots[index] = .jpeg(try Self.thumbnail(path: job.path, verdict: job.verdict, decoder: decoder))
            } catch {
                slots[index] = .missing("\(error)")
            }
        }
        var result: [String: Picture] = [:]
        for (index, scanID) in scanIDs.enumerated() {
            if let picture = slots[index] { result[scanID] = picture }
        }
        return result
    }

    func card(_ entry: RankedContainer, input: Input, picture: Picture?) -> String {
        guard let scanID = entry.scanID else { return "" }
        let shown: String
        switch picture {
        case .jpeg(let jpeg): shown = "<img alt=\"scan \(escape(scanID)) with findings outlined\" src=\"data:image/jpeg;base64,\(jpeg.base64EncodedString())\">"
        case .missing(let why): shown = "<p class=\"meta\">(no picture: \(escape(why)))</p>"
        case nil: shown = "<p class=\"meta\">(no picture)</p>"
        }
        let findings = entry.findings.map { finding -> String in
            let place = finding.bbox.map { " <span class=\"meta\">at x \($0[0]), y \($0[1]), \($0[2])×\($0[3]) px</span>" } ?? ""
            return "<li><b>\(escape(finding.kind.replacingOccurrences(of: "_", with: " ")))</b> (\(String(format: "%.2f", finding.score))): \(escape(finding.reason))\(place)</li>"
        }.joined()
        return """
        <article id="c-\(escape(scanID))" class="\(entry.inspect ? "inspect" : "")">
          <h3>#\(entry.rank) \(escape(entry.containerID)) <span class="score">\(String(format: "%.3f", entry.score))</span></h3>
          <div class="card">\(shown)
            <dl>
              <dt>Scan</dt><dd>\(escape(scanID))</dd>
              <dt>Type</dt><dd>\(escape(entry.isoType ?? "?"))</dd>
              <dt>Goods (HS)</dt><dd>\(escape(entry.hsCode ?? "none declared"))</dd>
              <dt>Declared</dt><dd>\(entry.declaredKg.map { String(format: "%.0f kg", $0) } ?? "—")</dd>
              <dt>In the image</dt><dd>\(imageMass(entry))</dd>
              <dt>Manifest</dt><dd>\(escape(entry.manifestID ?? "—"))</dd>
              <dt>Port of loading</dt><dd>\(escape(entry.portOfLoading ?? "—"))</dd>
              <dt>Scanned at</dt><dd>\(escape(scannedAt(entry)))</dd>
            </dl>
          </div>
          <ul class="findings">\(findings.isEmpty ? "<li>nothing unusual found</li>" : findings)</ul>
        </article>

        """
    }

    /// The cargo's weight in the image; where parts of the load are opaque to the beam, what
    /// they hold is more than it reads: a lower bound, said so (``Measurements/weightIsALowerBound``).
    func imageMass(_ entry: RankedContainer) -> String {
        guard let kg = entry.imageKg else { return "—" }
        let weight = String(format: "%.0f kg", kg)
        return entry.imageKgIsLowerBound == true ? "at least \(weight) (parts are opaque)" : weight
    }

    /// The port and scanner of the scan; a port other than the port of loading is said.
    func scannedAt(_ entry: RankedContainer) -> String {
        guard let port = entry.portOfScan else { return "—" }
        let scanner = entry.scannerID.map { ", \($0)" } ?? ""
        guard let loading = entry.portOfLoading, loading != port else { return port + scanner }
        return "\(port)\(scanner) (not the port of loading \(loading): moved after the scan, or another container's scan)"
    }

    static func thumbnail(path: String, verdict: Verdict, decoder: ImageDecoder) throws -> Data {
        let image = try decoder.decode(file: path)
        let sidecar = Sidecar.load(Sidecar.path(forImage: path), diagnostics: DiagnosticBag())
        guard let sidecar else { throw ScanTriageError(.invalidSidecar, "no sidecar") }
        let scan = try Scan(imagePath: path, image: image, sidecar: sidecar)
        return try Heatmap.render(scan: scan, verdict: verdict, maxWidth: 900, jpeg: true)
    }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// How to read the pictures, once above them.
    static let legend = """
    <p class="meta legend">Each scan is a radiograph: dense is dark. <span class="key" style="border-color:#e61e1e"></span>red boxes:
    evidence that raises the score; <span class="key" style="border-color:#f0a000"></span>amber: cannot be cleared, or a place
    to look that is not scored; <span class="key tint"></span>orange tint: the load denser than its own surroundings, block by
    block (the stronger, the more); <span class="key" style="border-color:#3c6edc"></span>thin blue: the cargo space.</p>

    """

    static let style = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1c2430;background:#fafbfc}
    h1{margin:0 0 4px;font-size:22px}h2{margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
    .meta{color:#57606a;font-size:12px}code{font-size:12px}
    .summary{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
    .summary div{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px}
    .summary b{font-size:20px;display:block}.summary .hot{border-color:#cf222e}.summary .warn{border-color:#bf8700}
    table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
    th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
    th{background:#f0f3f6;cursor:pointer;user-select:none;position:sticky;top:0}
    tr.inspect td{background:#fff1f0}tr.inspect td:first-child{border-left:3px solid #cf222e}
    article{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:16px 0;padding:12px}
    article.inspect{border-left:4px solid #cf222e}article h3{margin:0 0 8px}
    .score{float:right;font-weight:normal;color:#57606a}
    .card{display:flex;gap:16px;flex-wrap:wrap}.card img{max-width:900px;width:100%;border:1px solid #d0d7de}
    dl{display:grid;grid-template-columns:auto auto;gap:2px 10px;margin:0;font-size:13px;max-width:380px}dt{color:#57606a}
    .findings{margin:8px 0 0 0}
    .key{display:inline-block;width:14px;height:10px;border:2px solid;margin:0 4px 0 8px;vertical-align:middle}
    .key.tint{border:none;background:rgba(255,60,0,.45);width:18px;height:14px}
    """

    static let script = """
    document.querySelectorAll('#ranking th').forEach(function(th,i){th.addEventListener('click',function(){
      var tb=th.closest('table').tBodies[0],rows=Array.from(tb.rows),num=th.dataset.type==='n',asc=th.dataset.asc!=='1';
      rows.sort(function(a,b){var x=a.cells[i].textContent,y=b.cells[i].textContent;
        if(num){x=parseFloat(x)||0;y=parseFloat(y)||0;return asc?x-y:y-x}return asc?x.localeCompare(y):y.localeCompare(x)});
      th.dataset.asc=asc?'1':'0';rows.forEach(function(r){tb.appendChild(r)});});});
    """
}
