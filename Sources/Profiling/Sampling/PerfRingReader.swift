/// Walks the records between `data_tail` and `data_head` of a perf ring buffer's data area.
///
/// The data area is a power-of-two number of bytes and positions grow without wrapping, so a
/// position maps to `position & (size - 1)`. A record may straddle the end of the area: it is
/// then copied into a scratch buffer in its two pieces so callers always see it contiguous.
package struct PerfRingReader {
    private var scratch: [UInt8] = []

    package init() {}

    /// What one pass found.
    package struct Pass: Sendable, Equatable {
        /// The new `data_tail`: everything before it has been consumed.
        package var tail: UInt64
        /// Records handed to the body.
        package var recordCount: Int
        /// Set when a header claimed an impossible size; the rest of the pass was dropped
        /// (tail moved to head) since no later record boundary can be trusted.
        package var isCorrupt: Bool
    }

    /// Calls `body` with each whole record (header included) from `tail` up to `head`.
    /// `data` is the data area; its size must be a power of two.
    package mutating func forEachRecord(
        data: UnsafeRawBufferPointer, head: UInt64, tail: UInt64,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) -> Pass {
        let size = UInt64(data.count)
        precondition(size > 0 && size & (size - 1) == 0, "perf data area must be a power of two")
        let mask = size - 1
        var position = tail
        var count = 0
        // A head behind the tail or more than one buffer ahead means the positions are garbage.
        guard head >= tail, head - tail <= size else {
            return Pass(tail: head, recordCount: 0, isCorrupt: head != tail)
        }
        while head - position >= 8 {
            let start = Int(position & mask)
            let sizeOffset = (start + 6) & Int(mask)
            let secondByte = (start + 7) & Int(mask)
            let recordSize = UInt64(data[sizeOffset]) | UInt64(data[secondByte]) << 8
            guard recordSize >= 8, recordSize <= head - position else {
                return Pass(tail: head, recordCount: count, isCorrupt: true)
            }
            let length = Int(recordSize)
            if start + length <= data.count {
                body(UnsafeRawBufferPointer(rebasing: data[start..<(start + length)]))
            } else {
                let firstPiece = data.count - start
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: data[start..<data.count])
                scratch.append(contentsOf: data[0..<(length - firstPiece)])
                scratch.withUnsafeBytes { body($0) }
            }
            position += recordSize
            count += 1
        }
        return Pass(tail: position, recordCount: count, isCorrupt: false)
    }
}
