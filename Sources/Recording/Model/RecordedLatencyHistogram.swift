/// A container's cumulative latency histogram as a sample stores it (`RecordedMetric`'s
/// `runQueueLatencySlot`, `blockIOLatencySlot` and the totals): log2 slots of microseconds.
public struct RecordedLatencyHistogram: Sendable, Equatable {
    /// Which latency.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// From a task becoming runnable to it running (BPF runqlat).
        case runQueue
        /// From a block request's issue to its completion (BPF biolatency).
        case blockIO

        /// The metric of slot `slot`.
        public func slotMetric(_ slot: Int) -> RecordedMetric? {
            self == .runQueue ? .runQueueLatencySlot(slot) : .blockIOLatencySlot(slot)
        }

        /// The metric of the sum.
        public var totalMetric: RecordedMetric {
            self == .runQueue ? .runQueueLatencyTotalMicroseconds : .blockIOLatencyTotalMicroseconds
        }
    }

    /// Counts per slot (`RecordedMetric.latencySlotCount`): slot i counts latencies in
    /// [2^(i-1), 2^i) µs, slot 0 those below 1 µs; the last slot also holds everything above.
    public var slots: [UInt64]
    /// The sum of the latencies counted, µs.
    public var totalMicroseconds: UInt64

    /// A histogram from its slots (padded or cut to `latencySlotCount`) and sum.
    public init(slots: [UInt64], totalMicroseconds: UInt64) {
        var padded = Array(slots.prefix(RecordedMetric.latencySlotCount))
        padded += Array(repeating: 0, count: RecordedMetric.latencySlotCount - padded.count)
        self.slots = padded
        self.totalMicroseconds = totalMicroseconds
    }

    /// The latencies counted.
    public var count: UInt64 { slots.reduce(0, &+) }

    /// Reads the histogram of `kind` from a sample; nil when the sample has none.
    public init?(_ kind: Kind, in values: RecordedValues) {
        guard let total = values[kind.totalMetric] else { return nil }
        var slots = [UInt64](repeating: 0, count: RecordedMetric.latencySlotCount)
        for (metric, value) in zip(values.metrics, values.integers) {
            let raw = Int(metric.rawValue)
            let first = Int(kind.slotMetric(0)!.rawValue)
            if raw >= first && raw < first + RecordedMetric.latencySlotCount {
                slots[raw - first] = UInt64(max(value, 0))
            }
        }
        self.init(slots: slots, totalMicroseconds: UInt64(max(total, 0)))
    }

    /// Writes it into a sample as `kind`: the sum, and the slots that counted something.
    public func write(_ kind: Kind, into values: inout RecordedValues) {
        // A sample without the sum has none of the slots either (they are written together):
        // append without the linear look-up of each metric, as the recorder fills its samples.
        let fresh = values[kind.totalMetric] == nil
        for (slot, count) in slots.enumerated() where count > 0 {
            guard let metric = kind.slotMetric(slot), let value = Int64(exactly: count) else { continue }
            if fresh { values.appendUnchecked(metric, value) } else { values[metric] = value }
        }
        values.set(kind.totalMetric, totalMicroseconds)
    }
}
