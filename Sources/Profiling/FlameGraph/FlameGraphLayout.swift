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
        let endings = StackEndings(stacks)
        let order = stacks.indices.sorted {
            Self.flamegraphPrecedes(stacks[$0].stack, stacks[$1].stack, endings: endings)
        }
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
                Self.equal(stacks[openStack[common]].stack, openRange[common], bytes, ranges[common])
            {
                common += 1
            }
            while openRange.count > common {
                pending.append(
                    Frame(
                        depth: openRange.count, start: openStart.removeLast(), end: time,
                        stackIndex: openStack.removeLast(), nameRange: openRange.removeLast(),
                        delta: openDelta.removeLast()))
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
            pending.append(
                Frame(
                    depth: openRange.count, start: openStart.removeLast(), end: time,
                    stackIndex: openStack.removeLast(), nameRange: openRange.removeLast(), delta: openDelta.removeLast()
                ))
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
                maximumDelta = max(
                    maximumDelta, frame.delta.magnitude > UInt64(Int64.max) ? Int64.max : Int64(frame.delta.magnitude))
            }
        }
        frames[1...].sort { $0.depth != $1.depth ? $0.depth < $1.depth : $0.start < $1.start }
    }

    private static func equal(_ lhs: [UInt8], _ lhsRange: Range<Int>, _ rhs: [UInt8], _ rhsRange: Range<Int>) -> Bool {
        guard lhsRange.count == rhsRange.count else { return false }
        if lhsRange.isEmpty { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                memcmp(
                    left.baseAddress! + lhsRange.lowerBound, right.baseAddress! + rhsRange.lowerBound, lhsRange.count)
                    == 0
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

    /// Orders stacks as flamegraph.pl's line sort orders their frames: at the first frame whose
    /// names differ, each name is followed by a space if some stack ends at that frame
    /// (`endings`), by `;` otherwise; a stack that ends where the other goes on comes first.
    static func flamegraphPrecedes(_ lhs: [UInt8], _ rhs: [UInt8], endings: StackEndings) -> Bool {
        let semicolon = UInt8(ascii: ";"), space = UInt8(ascii: " ")
        let count = min(lhs.count, rhs.count)
        var index = 0
        while index < count, lhs[index] == rhs[index] { index += 1 }
        if index == count {
            if lhs.count == rhs.count { return false }
            // The shorter stack ends here, its last name followed by a space in its line.
            let next = lhs.count < rhs.count ? rhs[index] : lhs[index]
            let shorterFirst = next == semicolon || next >= space
            return lhs.count < rhs.count ? shorterFirst : !shorterFirst
        }
        let left = lhs[index], right = rhs[index]
        if left != semicolon && right != semicolon { return left < right }
        // One name ends here and is a prefix of the other: its separator meets the other's next byte.
        let shorterIsLeft = left == semicolon
        let next = shorterIsLeft ? right : left
        let endsHere = endings.contains((shorterIsLeft ? lhs : rhs)[..<index])
        let separator = endsHere ? space : semicolon
        let shorterFirst = separator == next || separator < next
        return shorterIsLeft ? shorterFirst : !shorterFirst
    }
}

/// Which byte strings are whole stacks, answered without copying the prefix asked about (the
/// sort asks for each pair of siblings where one name extends the other, `leaf1`/`leaf10`).
struct StackEndings {
    private var indicesByHash: [Int: [Int]] = [:]
    private let stacks: [FoldedStack]

    init(_ stacks: [FoldedStack]) {
        self.stacks = stacks
        for (index, stack) in stacks.enumerated() {
            indicesByHash[Self.hash(stack.stack[...]), default: []].append(index)
        }
    }

    func contains(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let candidates = indicesByHash[Self.hash(bytes)] else { return false }
        return candidates.contains { stacks[$0].stack.elementsEqual(bytes) }
    }

    private static func hash(_ bytes: ArraySlice<UInt8>) -> Int {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }
}
