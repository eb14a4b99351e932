#if canImport(Glibc)
import Glibc
#endif

/// The frames of a flame graph: stacks merged into rectangles, each a name at a depth
/// covering a span of the cumulative count.
///
/// Siblings are ordered as `flamegraph.pl` orders them: it sorts whole `stack count` lines,
/// so a frame compares as its name followed by `;` when the stack goes on and by a space when
/// it ends there (`runc:[2:INIT];...` sorts before `runc;...`, but `runc 5` before both).
/// Stacks sharing a prefix stay adjacent so their common frames merge into one rectangle;
/// flamegraph.pl instead splits a frame that both ends stacks and has children when a
/// sibling's name extends it (`b 1`, `b-c;y 1`, `b;x 1`): here that frame is drawn once, where
/// flamegraph.pl draws its first part.
package struct FlameGraphLayout {
    /// One rectangle. The root (depth 0) has an empty name and spans everything.
    package struct Frame {
        package var depth: Int
        package var start: UInt64
        package var end: UInt64
        /// Where the name is: `stacks[stackIndex].stack[nameRange]`.
        package var stackIndex: Int
        package var nameRange: Range<Int>
        /// For a differential graph: the change in samples ending exactly in this frame
        /// (its self time), as flamegraph.pl accumulates it; 0 otherwise.
        package var delta: Int64 = 0
    }

    /// The frames wide enough to draw, parents before children.
    package private(set) var frames: [Frame] = []
    /// The sum of all counts.
    package private(set) var totalCount: UInt64 = 0
    /// The deepest depth among the drawn frames.
    package private(set) var maximumDepth = 0
    /// Frames left out for being narrower than the minimum width.
    package private(set) var omittedFrameCount = 0
    /// The largest |delta| among drawn frames (differential graphs).
    package private(set) var maximumDelta: Int64 = 0

    /// Lays out `stacks`, leaving out frames narrower than `minimumCount` (in counts).
    /// `deltas`, when given, holds one change per stack (a differential graph).
    package init(stacks: [FoldedStack], deltas: [Int64]? = nil, minimumCount: (UInt64) -> Double) {
        // The total first, so a frame narrower than the minimum is dropped when it closes
        // instead of being kept until the end (most frames of a large profile are).
        // Parsed inputs are refused when their total overflows; a differential graph's scaled
        // widths could still round past 2^64-1: saturate, so no frame ends before it starts.
        var total: UInt64 = 0
        for stack in stacks {
            let (next, overflowed) = total.addingReportingOverflow(stack.count)
            total = overflowed ? .max : next
        }
        let threshold = minimumCount(total)
        let order = FlameGraphOrder.sorted(stacks)
        var openStack: [Int] = []
        var openRange: [Range<Int>] = []
        var openStart: [UInt64] = []
        var openDelta: [Int64] = []
        var time: UInt64 = 0
        var ranges: [Range<Int>] = []
        var previousRanges: [Range<Int>] = []
        var previousIndex = -1
        frames.append(Frame(depth: 0, start: 0, end: total, stackIndex: -1, nameRange: 0..<0))

        func close() {
            let frame = Frame(
                depth: openRange.count, start: openStart.removeLast(), end: time,
                stackIndex: openStack.removeLast(), nameRange: openRange.removeLast(), delta: openDelta.removeLast())
            if Double(frame.end - frame.start) < threshold {
                omittedFrameCount += 1
            } else {
                frames.append(frame)
                maximumDepth = max(maximumDepth, frame.depth)
                maximumDelta = max(
                    maximumDelta, frame.delta.magnitude > UInt64(Int64.max) ? Int64.max : Int64(frame.delta.magnitude))
            }
        }

        for index in order {
            let bytes = stacks[index].stack
            ranges.removeAll(keepingCapacity: true)
            Self.splitFrames(bytes, into: &ranges)
            // The open frames are the previous stack's: a frame stays open when it has the same
            // range there and no byte differs up to its end.
            var common = 0
            if previousIndex >= 0 {
                let differsAt = Self.firstDifference(stacks[previousIndex].stack, bytes)
                while common < ranges.count, common < previousRanges.count, ranges[common] == previousRanges[common],
                    ranges[common].upperBound <= differsAt
                {
                    common += 1
                }
            }
            while openRange.count > common { close() }
            for depth in common..<ranges.count {
                openStack.append(index)
                openRange.append(ranges[depth])
                openStart.append(time)
                openDelta.append(0)
            }
            if let deltas, !openDelta.isEmpty { openDelta[openDelta.count - 1] &+= deltas[index] }
            let (next, overflowed) = time.addingReportingOverflow(stacks[index].count)
            time = overflowed ? .max : next
            swap(&ranges, &previousRanges)
            previousIndex = index
        }
        while !openRange.isEmpty { close() }
        totalCount = time
        frames[0].end = time
        frames[1...].sort { $0.depth != $1.depth ? $0.depth < $1.depth : $0.start < $1.start }
    }

    /// The index of the first byte where `lhs` and `rhs` differ, or the shorter one's length.
    private static func firstDifference(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        lhs.withUnsafeBufferPointer { left in
            rhs.withUnsafeBufferPointer { right in
                let count = min(left.count, right.count)
                var index = 0
                while index + 8 <= count {
                    let a = UnsafeRawPointer(left.baseAddress! + index).loadUnaligned(as: UInt64.self)
                    let b = UnsafeRawPointer(right.baseAddress! + index).loadUnaligned(as: UInt64.self)
                    if a != b { return index + (UInt64(littleEndian: a ^ b).trailingZeroBitCount >> 3) }
                    index += 8
                }
                while index < count, left[index] == right[index] { index += 1 }
                return index
            }
        }
    }

    /// Splits at `;`, dropping trailing empty frames as Perl's `split` does.
    static func splitFrames(_ bytes: [UInt8], into ranges: inout [Range<Int>]) {
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            for index in 0..<buffer.count where buffer[index] == UInt8(ascii: ";") {
                ranges.append(start..<index)
                start = index + 1
            }
            ranges.append(start..<buffer.count)
        }
        while let last = ranges.last, last.isEmpty { ranges.removeLast() }
    }
}
