/// One `struct latency_slots` of runqlat.bpf.c or biolatency.bpf.c: the log2 slot counts
/// (slot i counts latencies in [2^(i-1), 2^i - 1] units, slot 0 those below 1 unit) and the
/// exact sum of the latencies they count, in nanoseconds.
package struct KernelLatencyHistogram: Sendable, Equatable {
    /// `MAX_SLOTS` of the programs; the last slot also holds every latency above it.
    package static let slotCount = 32
    /// The map value's size: the slots, then `total_ns`.
    static let valueByteCount = (slotCount + 1) * 8

    /// Counts per log2 slot (`slotCount` of them).
    package var slots: [UInt64]
    /// The sum of the latencies counted, in nanoseconds.
    package var totalNanoseconds: UInt64

    package init(slots: [UInt64], totalNanoseconds: UInt64) {
        self.slots = slots
        self.totalNanoseconds = totalNanoseconds
    }

    /// Decodes a map value; nil when its size is not the programs'.
    init?(mapValue value: [UInt8]) {
        guard value.count == Self.valueByteCount else { return nil }
        slots = MapBytes.slots(value, count: Self.slotCount)
        totalNanoseconds = MapBytes.integer(value, at: Self.slotCount * 8, bytes: 8)
    }
}
