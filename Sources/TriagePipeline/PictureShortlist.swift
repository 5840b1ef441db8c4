import Foundation
import TriageCompare
import TriageRank

/// The report's pictures, made while the batch runs instead of after it. The report shows the
/// first `limit` containers of the ranking with their scan; the ranking is known only at the
/// end, so the shortlist keeps the pictures of the `limit` containers ranked highest so far
/// (by the ranking's own order). A worker asks first whether its container would make it
/// (cheap), makes the picture's preview only then, and offers it; what is pushed out is
/// dropped. Decoding those scans again for the report cost as much as a sixth of the batch.
///
/// A preview (the scan small, in grey, ~0.3 MB) is kept as it is while the previews kept stay
/// within `previewBudget` bytes, and drawn and encoded (JPEG, ~60 KB) only for those still
/// kept at the end (``finish()``): most previews made early in a run are pushed out later,
/// and encoding was the larger part of a picture's cost. Past the budget a preview is encoded
/// when it is offered, so memory stays bounded however large the batch.
final class PictureShortlist: @unchecked Sendable {
    enum Picture {
        case preview(Heatmap.Preview, Verdict)
        case jpeg(Data)
    }

    private let lock = NSLock()
    private let limit: Int
    private let previewBudget: Int
    /// Best first; never more than `limit`.
    private var kept: [(entry: RankedContainer, picture: Picture)] = []
    private var previewBytes = 0

    init(limit: Int, previewBudget: Int = 16 << 20) {
        self.limit = max(0, limit)
        self.previewBudget = previewBudget
    }

    /// Whether a container ranked like `entry` would be kept now.
    func admits(_ entry: RankedContainer) -> Bool {
        lock.withLock { kept.count < limit || (!kept.isEmpty && Ranker.precedes(entry, kept[kept.count - 1].entry)) }
    }

    /// Offers a preview; it is encoded at once when the previews kept would exceed the budget.
    func offer(_ entry: RankedContainer, preview: Heatmap.Preview, verdict: Verdict) {
        // Checked and kept in one step, so the budget holds with several workers offering.
        let kept = lock.withLock { () -> Bool in
            guard previewBytes + preview.grey.samples.count <= previewBudget else { return false }
            insertLocked(entry, .preview(preview, verdict))
            return true
        }
        if !kept, let jpeg = try? Heatmap.render(preview, verdict: verdict, jpeg: true) {
            offer(entry, jpeg: jpeg)
        }
    }

    func offer(_ entry: RankedContainer, jpeg: Data) { lock.withLock { insertLocked(entry, .jpeg(jpeg)) } }

    /// Inserts in ranking order and drops what falls past the limit; the caller holds the lock.
    private func insertLocked(_ entry: RankedContainer, _ picture: Picture) {
        let index = kept.firstIndex { Ranker.precedes(entry, $0.entry) } ?? kept.count
        guard index < limit else { return }
        kept.insert((entry, picture), at: index)
        if case .preview(let preview, _) = picture { previewBytes += preview.grey.samples.count }
        if kept.count > limit, case .preview(let preview, _) = kept.removeLast().picture {
            previewBytes -= preview.grey.samples.count
        }
    }

    /// Draws and encodes the previews still kept (on all cores) and returns every picture, by
    /// scan id.
    func finish() -> [String: Data] {
        let items = lock.withLock { kept }
        nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<Data?>.allocate(capacity: items.count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            switch items[index].picture {
            case .jpeg(let data): slots[index] = data
            case .preview(let preview, let verdict): slots[index] = try? Heatmap.render(preview, verdict: verdict, jpeg: true)
            }
        }
        var pictures: [String: Data] = [:]
        for (index, item) in items.enumerated() {
            guard let scanID = item.entry.scanID, pictures[scanID] == nil, let data = slots[index] else { continue }
            pictures[scanID] = data
        }
        return pictures
    }
}
