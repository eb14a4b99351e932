/// Folded stacks as a flame graph reads them: each frame name interned once, a stack kept as
/// its run of 4-byte name ids beside its count.
///
/// Read from a file line by line, a stack's text is never kept: 200,000 unique stacks held as
/// `FoldedStack`s are 200,000 arrays (43 MB for a 34 MB file) before the layout starts, and the
/// layout needs only the names of the frames it draws.
package final class FlameGraphStacks {
    private let order = FlameGraphOrder()
    /// Each stack's count, in the order the stacks were added.
    package private(set) var counts: [UInt64] = []
    /// Lines of a read file that were not `stack count` (blank lines are not counted).
    package private(set) var ignoredLineCount = 0

    package init() {}

    package convenience init(_ stacks: [FoldedStack]) {
        self.init()
        counts.reserveCapacity(stacks.count)
        for stack in stacks { stack.stack.withUnsafeBytes { append(stack: $0, count: stack.count) } }
    }

    /// Reads a folded-stacks file (`-` for standard input), as `FoldedStacks.read` does.
    package static func read(path: String) throws(ProfilingInputError) -> FlameGraphStacks {
        let stacks = FlameGraphStacks()
        stacks.ignoredLineCount = try FoldedStacksParser.read(path: path) { stacks.append(stack: $0, count: $1) }
        return stacks
    }

    /// The number of stacks.
    package var count: Int { counts.count }

    /// Adds a stack (frame names joined by `;`, root first). Stacks are added before the first
    /// layout is made of them.
    package func append(stack: UnsafeRawBufferPointer, count: UInt64) {
        order.append(stack)
        counts.append(count)
    }

    /// The distinct frame names.
    var names: FrameNameTable { order.names }

    /// The stacks in layout order, ranked at the first call.
    var ordered: FlameGraphOrder {
        order.finish()
        return order
    }
}
