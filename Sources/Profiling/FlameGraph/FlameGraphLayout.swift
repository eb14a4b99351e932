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
        /// The frame's name in the stacks' name table; `rootNameID` for the root.
        package var nameID: UInt32
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

    /// The stacks, which hold the frames' names.
    private let stacks: FlameGraphStacks
    static let rootNameID = UInt32.max

    /// The name of `frame` (empty for the root), valid while this layout exists.
    package func name(of frame: Frame) -> UnsafeBufferPointer<UInt8> {
        frame.nameID == Self.rootNameID
            ? UnsafeBufferPointer(start: nil, count: 0) : stacks.names.bytes(of: frame.nameID)
    }

    /// Lays out `stacks`, leaving out frames narrower than `minimumCount` (in counts).
    /// `deltas`, when given, holds one change per stack (a differential graph).
    package init(stacks: [FoldedStack], deltas: [Int64]? = nil, minimumCount: (UInt64) -> Double) {
        self.init(stacks: FlameGraphStacks(stacks), deltas: deltas, minimumCount: minimumCount)
    }

    /// Lays out `stacks`, leaving out frames narrower than `minimumCount` (in counts).
    /// `deltas`, when given, holds one change per stack (a differential graph).
    package init(stacks: FlameGraphStacks, deltas: [Int64]? = nil, minimumCount: (UInt64) -> Double) {
        self.stacks = stacks
        // The total first, so a frame narrower than the minimum is dropped when it closes
        // instead of being kept until the end (most frames of a large profile are).
        // Parsed inputs are refused when their total overflows; a differential graph's scaled
        // widths could still round past 2^64-1: saturate, so no frame ends before it starts.
        var total: UInt64 = 0
        for count in stacks.counts {
            let (next, overflowed) = total.addingReportingOverflow(count)
            total = overflowed ? .max : next
        }
        let threshold = minimumCount(total)
        let interned = stacks.ordered
        // A frame's name is looked up only when it is drawn: most frames are too narrow.
        var open: [(rank: UInt32, start: UInt64, delta: Int64)] = []
        var time: UInt64 = 0
        var previousIndex = -1
        var previousDepth = 0
        frames.append(Frame(depth: 0, start: 0, end: total, nameID: Self.rootNameID))

        func close() {
            let closing = open.removeLast()
            guard Double(time - closing.start) >= threshold else {
                omittedFrameCount += 1
                return
            }
            frames.append(
                Frame(
                    depth: open.count + 1, start: closing.start, end: time,
                    nameID: interned.nameID(ofRank: closing.rank), delta: closing.delta))
            maximumDepth = max(maximumDepth, open.count + 1)
            maximumDelta = max(
                maximumDelta, closing.delta.magnitude > UInt64(Int64.max) ? Int64.max : Int64(closing.delta.magnitude))
        }

        for index in interned.order {
            // Trailing empty frames are dropped, as Perl's `split` does.
            var depth = interned.frameCount(of: index)
            while depth > 0, interned.isEmptyName(interned.rank(of: index, depth: depth - 1)) { depth -= 1 }
            // The open frames are the previous stack's: a frame stays open while every name up
            // to it is the same. Equal keys are equal names; the first unequal key can still be
            // the same name ending one stack and going on in the other.
            var common = 0
            if previousIndex >= 0 {
                let shared = min(depth, previousDepth)
                common = min(interned.commonKeyCount(index, previousIndex), shared)
                if common < shared,
                    interned.nameID(ofRank: interned.rank(of: index, depth: common))
                        == interned.nameID(ofRank: interned.rank(of: previousIndex, depth: common))
                {
                    common += 1
                }
            }
            while open.count > common { close() }
            for level in common..<depth { open.append((interned.rank(of: index, depth: level), time, 0)) }
            if let deltas, !open.isEmpty { open[open.count - 1].delta &+= deltas[index] }
            let (next, overflowed) = time.addingReportingOverflow(stacks.counts[index])
            time = overflowed ? .max : next
            previousIndex = index
            previousDepth = depth
        }
        while !open.isEmpty { close() }
        totalCount = time
        frames[0].end = time
        frames[1...].sort { $0.depth != $1.depth ? $0.depth < $1.depth : $0.start < $1.start }
    }
}
