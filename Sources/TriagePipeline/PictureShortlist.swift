import Foundation
import TriageCompare
import TriageRank

/// The report's pictures, made while the batch runs instead of after it. The report shows the
/// first `limit` containers of the ranking with their scan; the ranking is known only at the
/// end, so the shortlist keeps the pictures of the `limit` containers ranked highest so far
/// (by the ranking's own order). A worker asks first whether its container would make it
/// (cheap), renders only then, and offers the picture; pictures pushed out are dropped.
/// Decoding those scans again for the report cost as much as a sixth of the whole batch.
final class PictureShortlist: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    /// Best first; never more than `limit`.
    private var kept: [(entry: RankedContainer, jpeg: Data)] = []

    init(limit: Int) { self.limit = max(0, limit) }

    /// Whether a container ranked like `entry` would be kept now.
    func admits(_ entry: RankedContainer) -> Bool {
        lock.withLock { kept.count < limit || Ranker.precedes(entry, kept[kept.count - 1].entry) }
    }

    func offer(_ entry: RankedContainer, jpeg: Data) {
        lock.withLock {
            let index = kept.firstIndex { Ranker.precedes(entry, $0.entry) } ?? kept.count
            guard index < limit else { return }
            kept.insert((entry, jpeg), at: index)
            if kept.count > limit { kept.removeLast() }
        }
    }

    /// The pictures kept, by scan id.
    var pictures: [String: Data] {
        lock.withLock {
            Dictionary(kept.compactMap { item in item.entry.scanID.map { ($0, item.jpeg) } }, uniquingKeysWith: { first, _ in first })
        }
    }
}
