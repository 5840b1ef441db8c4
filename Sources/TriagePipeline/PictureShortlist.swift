import Foundation
import TriageCompare
import TriageCore
import TriageRank

/// The report's pictures, made while the batch runs instead of after it. The report shows the
/// first `limit` containers of the ranking with their scan; the ranking is known only at the
/// end, so the shortlist keeps the pictures of the `limit` containers ranked highest so far
/// (by the ranking's own order). A worker asks first whether its container would make it
/// (cheap), makes the picture's preview only then, and offers it; what is pushed out is
/// dropped. Decoding those scans again for the report cost as much as a sixth of the batch.
///
/// A preview (the scan small, in grey, ~0.3 MB) is kept as it is while the pictures kept in
/// memory stay within `memoryBudget` bytes, and drawn and encoded (JPEG, ~60 KB) only for
/// those still kept at the end (``finish()``): most previews made early in a run are pushed
/// out later, and encoding was the larger part of a picture's cost. Past the budget a preview
/// is encoded when it is offered and the JPEG set aside in a ``ScratchFile``, read back only as
/// the report writes its card: memory stays within the budget (give or take the pictures of
/// the workers offering at that moment) however many containers the report pictures. 8 MB
/// holds most of the 30 previews of a 200-scan batch at half pitch (9 MB); with 16 MB, and
/// every JPEG past it in memory, a 1,000-scan batch (110 pictures) peaked 13 MB higher than a
/// 200-scan one; encoding every preview when offered (no budget) cost 2 % of a batch's time
/// (encodings of pictures later pushed out).
final class PictureShortlist: @unchecked Sendable {
    enum Picture {
        case preview(Heatmap.Preview, Verdict)
        case jpeg(HeldData)

        /// The memory it takes.
        var bytes: Int {
            switch self {
            case .preview(let preview, _): return preview.grey.samples.count
            case .jpeg(.memory(let data)): return data.count
            case .jpeg(.setAside): return 0
            }
        }
    }

    private let lock = NSLock()
    private let limit: Int
    private let memoryBudget: Int
    /// Best first; never more than `limit`.
    private var kept: [(entry: RankedContainer, picture: Picture)] = []
    private var bytesKept = 0
    /// Made when a first picture goes past the budget; nil when it could not be made (the
    /// pictures are then kept in memory: the budget is a bound on memory, not on correctness).
    private var scratch: ScratchFile?
    private var scratchTried = false

    init(limit: Int, memoryBudget: Int = 8 << 20) {
        self.limit = max(0, limit)
        self.memoryBudget = memoryBudget
    }

    /// Whether a container ranked like `entry` would be kept now.
    func admits(_ entry: RankedContainer) -> Bool {
        lock.withLock { kept.count < limit || (!kept.isEmpty && Ranker.precedes(entry, kept[kept.count - 1].entry)) }
    }

    /// Offers a preview; it is encoded at once when it would not fit in the budget.
    func offer(_ entry: RankedContainer, preview: Heatmap.Preview, verdict: Verdict) {
        // Checked and kept in one step, so the budget holds with several workers offering.
        let kept = lock.withLock { () -> Bool in
            guard bytesKept + preview.grey.samples.count <= memoryBudget else { return false }
            insertLocked(entry, .preview(preview, verdict))
            return true
        }
        if !kept, let jpeg = try? Heatmap.render(preview, verdict: verdict, jpeg: true) {
            offer(entry, jpeg: jpeg)
        }
    }

    /// Offers a picture already encoded: kept in memory within the budget, else set aside.
    func offer(_ entry: RankedContainer, jpeg: Data) {
        let scratch = lock.withLock { () -> ScratchFile? in
            guard bytesKept + jpeg.count > memoryBudget else { return nil }
            if !scratchTried {
                scratchTried = true
                self.scratch = try? ScratchFile()
            }
            return self.scratch
        }
        if let scratch, let slice = try? scratch.append(jpeg) {
            lock.withLock { insertLocked(entry, .jpeg(.setAside(scratch, slice))) }
        } else {
            lock.withLock { insertLocked(entry, .jpeg(.memory(jpeg))) }
        }
    }

    /// Inserts in ranking order and drops what falls past the limit; the caller holds the lock.
    private func insertLocked(_ entry: RankedContainer, _ picture: Picture) {
        let index = kept.firstIndex { Ranker.precedes(entry, $0.entry) } ?? kept.count
        guard index < limit else { return }
        kept.insert((entry, picture), at: index)
        bytesKept += picture.bytes
        if kept.count > limit { bytesKept -= kept.removeLast().picture.bytes }
    }

    /// Draws and encodes the previews still kept (on all cores) and returns every picture, by
    /// scan id; those set aside are read back when used.
    func finish() -> [String: HeldData] {
        let items = lock.withLock { kept }
        nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<HeldData?>.allocate(capacity: items.count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            switch items[index].picture {
            case .jpeg(let held): slots[index] = held
            case .preview(let preview, let verdict): slots[index] = (try? Heatmap.render(preview, verdict: verdict, jpeg: true)).map(HeldData.memory)
            }
        }
        var pictures: [String: HeldData] = [:]
        for (index, item) in items.enumerated() {
            guard let scanID = item.entry.scanID, pictures[scanID] == nil, let held = slots[index] else { continue }
            pictures[scanID] = held
        }
        return pictures
    }
}
