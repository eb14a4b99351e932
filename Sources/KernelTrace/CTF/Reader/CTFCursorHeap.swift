/// A binary min-heap of stream cursors (by their index in file order) ordered by their pending
/// event's timestamp, ties by file order, so equal timestamps come out deterministically. The
/// timestamps are kept in the heap so a comparison touches no cursor; the entries live in a
/// buffer of their own (`deallocate()` when done), so a sift pays no uniqueness or bounds check
/// (an array's were a tenth of the merge, which sifts once per event).
struct CTFCursorHeap {
    private struct Entry {
        var timestamp: UInt64
        var order: Int
    }

    private let items: UnsafeMutablePointer<Entry>
    private var count: Int

    init(timestamps: [UInt64]) {
        items = .allocate(capacity: max(timestamps.count, 1))
        count = timestamps.count
        for (order, timestamp) in timestamps.enumerated() {
            (items + order).initialize(to: Entry(timestamp: timestamp, order: order))
        }
        for index in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    func deallocate() { items.deallocate() }

    /// The file-order index of the cursor with the earliest pending event.
    var top: Int? { count > 0 ? items[0].order : nil }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        let left = items[a], right = items[b]
        if left.timestamp != right.timestamp { return left.timestamp < right.timestamp }
        return left.order < right.order
    }

    /// The top cursor advanced to an event at `timestamp`.
    mutating func topChanged(timestamp: UInt64) {
        items[0].timestamp = timestamp
        siftDown(0)
    }

    mutating func removeTop() {
        count -= 1
        items[0] = items[count]
        if count > 0 { siftDown(0) }
    }

    private func siftDown(_ start: Int) {
        var index = start
        while true {
            let left = 2 &* index &+ 1, right = left &+ 1
            var smallest = index
            if left < count && less(left, smallest) { smallest = left }
            if right < count && less(right, smallest) { smallest = right }
            if smallest == index { return }
            swap(&items[index], &items[smallest])
            index = smallest
        }
    }
}
