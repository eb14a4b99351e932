/// A container's histogram since it was first seen: the kernel's drained intervals added up,
/// so every count only grows (what a Prometheus histogram's buckets must do).
package struct CumulativeLatencyHistogram: Sendable, Equatable {
    /// Counts per log2 slot of microseconds (`KernelLatencyHistogram.slotCount`).
    package private(set) var slots = [UInt64](repeating: 0, count: KernelLatencyHistogram.slotCount)
    /// The sum of the latencies counted, ns.
    package private(set) var totalNanoseconds: UInt64 = 0

    package init() {}

    /// Adds one drained interval (counts wrap rather than trap: they would need 584 years).
    package mutating func add(_ interval: KernelLatencyHistogram) {
        for index in slots.indices where index < interval.slots.count { slots[index] &+= interval.slots[index] }
        totalNanoseconds &+= interval.totalNanoseconds
    }

    /// The latencies counted.
    package var count: UInt64 { slots.reduce(0, &+) }
}
