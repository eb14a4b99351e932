/// The per-container latency histograms of `--bpf` (run-queue latency as runqlat computes it,
/// block I/O latency as biolatency does): one counter per log2 slot, and the sum.
///
/// Slot i of a histogram counts the latencies below 2^i µs not counted by slot i - 1 (slot 0:
/// below 1 µs); each is cumulative since the recorder started tracking the container, so the
/// counts of a window are the differences of two samples. Only slots that ever counted are
/// stored (a missing slot is 0).
extension RecordedMetric {
    /// Slots per histogram (`MAX_SLOTS` of the BPF programs).
    public static let latencySlotCount = 32

    /// Run-queue latency slot `slot` (0-31), at 3072 + slot.
    public static func runQueueLatencySlot(_ slot: Int) -> RecordedMetric? {
        (0..<latencySlotCount).contains(slot) ? RecordedMetric(rawValue: UInt16(3072 + slot)) : nil
    }

    /// Block I/O latency slot `slot` (0-31), at 3104 + slot.
    public static func blockIOLatencySlot(_ slot: Int) -> RecordedMetric? {
        (0..<latencySlotCount).contains(slot) ? RecordedMetric(rawValue: UInt16(3104 + slot)) : nil
    }

    /// The sum of the run-queue latencies counted, µs.
    public static let runQueueLatencyTotalMicroseconds = RecordedMetric(rawValue: 3136)
    /// The sum of the block I/O latencies counted, µs.
    public static let blockIOLatencyTotalMicroseconds = RecordedMetric(rawValue: 3137)

    /// The catalog entries of the histograms.
    static let latencyHistogramCatalog: [Definition] =
        (0..<latencySlotCount).flatMap { slot in
            [
                Definition(
                    metric: RecordedMetric(rawValue: UInt16(3072 + slot)), name: "runQueueLatencySlot\(slot)",
                    kind: .counter, unit: "wake-ups",
                    summary: "run-queue latencies below 2^\(slot) µs (and at least 2^\(slot - 1) µs), BPF runqlat"),
                Definition(
                    metric: RecordedMetric(rawValue: UInt16(3104 + slot)), name: "blockIOLatencySlot\(slot)",
                    kind: .counter, unit: "requests",
                    summary: "block I/O latencies below 2^\(slot) µs (and at least 2^\(slot - 1) µs), BPF biolatency")
            ]
        } + [
            Definition(
                metric: runQueueLatencyTotalMicroseconds, name: "runQueueLatencyTotalMicroseconds", kind: .counter,
                unit: "µs", summary: "sum of the run-queue latencies counted, BPF runqlat"),
            Definition(
                metric: blockIOLatencyTotalMicroseconds, name: "blockIOLatencyTotalMicroseconds", kind: .counter,
                unit: "µs", summary: "sum of the block I/O latencies counted, BPF biolatency")
        ]
}
