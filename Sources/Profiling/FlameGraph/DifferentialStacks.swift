/// Two profiles of the same code merged for a differential flame graph, as FlameGraph's
/// `difffolded.pl` and `flamegraph.pl` do: every stack of either profile, its width from the
/// second (or, with `negate`, the first) and its change = second − first (negated with `negate`).
package struct DifferentialStacks: Sendable {
    /// The stacks with the counts that set the widths (stacks absent there have count 0).
    package let stacks: [FoldedStack]
    /// The change of each stack, parallel to `stacks`.
    package let deltas: [Int64]
    /// The totals of the two inputs (after normalizing).
    package let beforeTotal: UInt64
    package let afterTotal: UInt64

    /// `normalize` scales `before` to `after`'s total first (`difffolded.pl -n`), so profiles of
    /// different lengths compare by share. `negate` draws the first profile's widths, with the
    /// colours of the change seen from it (`flamegraph.pl --negate`): red where it was bigger.
    package init(before: FoldedStacks, after: FoldedStacks, normalize: Bool = false, negate: Bool = false) {
        var order: [[UInt8]] = []
        var counts: [[UInt8]: (before: UInt64, after: UInt64)] = [:]
        for stack in before.stacks {
            if counts[stack.stack] == nil { order.append(stack.stack) }
            counts[stack.stack, default: (0, 0)].before &+= stack.count
        }
        for stack in after.stacks {
            if counts[stack.stack] == nil { order.append(stack.stack) }
            counts[stack.stack, default: (0, 0)].after &+= stack.count
        }
        let rawBefore = before.totalCount, rawAfter = after.totalCount
        let scale = normalize && rawBefore > 0 ? Double(rawAfter) / Double(rawBefore) : 1
        var stacks: [FoldedStack] = []
        var deltas: [Int64] = []
        stacks.reserveCapacity(order.count)
        deltas.reserveCapacity(order.count)
        var scaledBeforeTotal: UInt64 = 0
        for key in order {
            let pair = counts[key]!
            // Scaled by a ratio of totals, so at most `after`'s total; the Double may still round to 2^64.
            let scaled = (Double(pair.before) * scale).rounded()
            let first = scaled < 0x1p64 ? UInt64(scaled) : .max
            scaledBeforeTotal &+= first
            let change = Int64(clamping: pair.after) &- Int64(clamping: first)
            stacks.append(FoldedStack(stack: key, count: negate ? first : pair.after))
            deltas.append(negate ? -change : change)
        }
        self.stacks = stacks
        self.deltas = deltas
        beforeTotal = scaledBeforeTotal
        afterTotal = rawAfter
    }
}
