#if canImport(Glibc)
import Glibc
#endif

/// The frames of a flame graph: stacks merged into rectangles, each a name at a depth
/// covering a span of the cumulative count.
///
/// Stacks are sorted frame by frame (`;` below every other byte) so that all stacks sharing
/// a prefix are adjacent and their common frames merge into one rectangle. `flamegraph.pl`
/// sorts whole lines instead, which splits a frame when a sibling's name extends it (`b` and
/// `b-c` under the same parent); otherwise the layouts are the same.
struct FlameGraphLayout {
    /// One rectangle. The root (depth 0) has an empty name and spans everything.
    struct Frame {
        var depth: Int
        var start: UInt64
        var end: UInt64
        /// Where the name is: `stacks[stackIndex].stack[nameRange]`.
        var stackIndex: Int
        var nameRange: Range<Int>
        /// For a differential graph: the change in samples ending exactly in this frame
        /// (its self time), as flamegraph.pl accumulates it; 0 otherwise.
        var delta: Int64 = 0
    }

    /// The frames wide enough to draw, parents before children.
    private(set) var frames: [Frame] = []
    /// The sum of all counts.
    private(set) var totalCount: UInt64 = 0
    /// The deepest depth among the drawn frames.
    private(set) var maximumDepth = 0
    /// Frames left out for being narrower than the minimum width.
    private(set) var omittedFrameCount = 0
    /// The largest |delta| among drawn frames (differential graphs).
    private(set) var maximumDelta: Int64 = 0

    /// Lays out `stacks`, leaving out frames narrower than `minimumCount` (in counts).
    /// `deltas`, when given, holds one change per stack (a differential graph).
    init(stacks: [FoldedStack], deltas: [Int64]? = nil, minimumCount: (UInt64) -> Double) {
        let order = stacks.indices.sorted { Self.framewisePrecedes(stacks[$0].stack, stacks[$1].stack) }
        var openStack: [Int] = []
        var openRange: [Range<Int>] = []
        var openStart: [UInt64] = []
        var openDelta: [Int64] = []
        var pending: [Frame] = []
        var time: UInt64 = 0
        var ranges: [Range<Int>] = []
        for index in order {
            let bytes = stacks[index].stack
            ranges.removeAll(keepingCapacity: true)
            Self.splitFrames(bytes, into: &ranges)
            var common = 0
            while common < ranges.count, common < openRange.count,
                  Self.equal(stacks[openStack[common]].stack, openRange[common], bytes, ranges[common]) {
                common += 1
            }
            while openRange.count > common {
                pending.append(Frame(depth: openRange.count, start: openStart.removeLast(), end: time,
                                     stackIndex: openStack.removeLast(), nameRange: openRange.removeLast(), delta: openDelta.removeLast()))
            }
            for depth in common..<ranges.count {
                openStack.append(index)
                openRange.append(ranges[depth])
                openStart.append(time)
                openDelta.append(0)
            }
            if let deltas, !openDelta.isEmpty { openDelta[openDelta.count - 1] &+= deltas[index] }
            // Parsed inputs are refused when their total overflows; a differential graph's scaled
            // widths could still round past 2^64-1: saturate, so no frame ends before it starts.
            let (next, overflowed) = time.addingReportingOverflow(stacks[index].count)
            time = overflowed ? .max : next
        }
        while !openRange.isEmpty {
            pending.append(Frame(depth: openRange.count, start: openStart.removeLast(), end: time,
                                 stackIndex: openStack.removeLast(), nameRange: openRange.removeLast(), delta: openDelta.removeLast()))
        }
        totalCount = time
        let threshold = minimumCount(time)
        frames.reserveCapacity(pending.count / 2 + 1)
        frames.append(Frame(depth: 0, start: 0, end: time, stackIndex: -1, nameRange: 0..<0))
        for frame in pending {
            if Double(frame.end - frame.start) < threshold {
                omittedFrameCount += 1
            } else {
                frames.append(frame)
                maximumDepth = max(maximumDepth, frame.depth)
                maximumDelta = max(maximumDelta, frame.delta.magnitude > UInt64(Int64.max) ? Int64.max : Int64(frame.delta.magnitude))
            }
        }
        frames[1...].sort { $0.depth != $1.depth ? $0.depth < $1.depth : $0.start < $1.start }
    }

    private static func equal(_ lhs: [UInt8], _ lhsRange: Range<Int>, _ rhs: [UInt8], _ rhsRange: Range<Int>) -> Bool {
        guard lhsRange.count == rhsRange.count else { return false }
        if lhsRange.isEmpty { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                memcmp(left.baseAddress! + lhsRange.lowerBound, right.baseAddress! + rhsRange.lowerBound, lhsRange.count) == 0
            }
        }
    }

    /// Splits at `;`, dropping trailing empty frames as Perl's `split` does.
    static func splitFrames(_ bytes: [UInt8], into ranges: inout [Range<Int>]) {
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: ";") {
            ranges.append(start..<index)
            start = index + 1
        }
        ranges.append(start..<bytes.count)
        while let last = ranges.last, last.isEmpty { ranges.removeLast() }
    }

    /// Orders stacks frame by frame: `a;b` < `a;b;c` < `a;b-c`.
    static func framewisePrecedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        let count = min(lhs.count, rhs.count)
        var index = 0
        while index < count {
            let left = lhs[index], right = rhs[index]
            if left != right {
                if left == UInt8(ascii: ";") { return true }
                if right == UInt8(ascii: ";") { return false }
                return left < right
            }
            index += 1
        }
        return lhs.count < rhs.count
    }
}
