import Recording
import Testing

/// The `--bpf` histograms as stored metrics: slots and sum round-trip through a sample, only
/// counted slots are written, and each metric has a name and a number of its own.
@Suite struct RecordedLatencyHistogramTests {
    @Test(arguments: RecordedLatencyHistogram.Kind.allCases)
    func roundTripsThroughASample(kind: RecordedLatencyHistogram.Kind) throws {
        var slots = [UInt64](repeating: 0, count: 32)
        slots[0] = 4
        slots[10] = 2
        slots[31] = 1
        let histogram = RecordedLatencyHistogram(slots: slots, totalMicroseconds: 5_000)
        var values = RecordedValues([(.cpuUsageMicroseconds, 12)])
        #expect(RecordedLatencyHistogram(kind, in: values) == nil)
        histogram.write(kind, into: &values)
        // The sum and the three counted slots, beside what was there.
        #expect(values.count == 1 + 1 + 3)
        #expect(RecordedLatencyHistogram(kind, in: values) == histogram)
        #expect(histogram.count == 7)
        let other: RecordedLatencyHistogram.Kind = kind == .runQueue ? .blockIO : .runQueue
        #expect(RecordedLatencyHistogram(other, in: values) == nil)
    }

    @Test func metricsAreNamedCountersOutsideEveryOtherRange() throws {
        var numbers = Set<UInt16>()
        for kind in RecordedLatencyHistogram.Kind.allCases {
            for slot in 0..<RecordedMetric.latencySlotCount {
                let metric = try #require(kind.slotMetric(slot))
                #expect(metric.kind == .counter)
                #expect(RecordedMetric(name: metric.name) == metric)
                #expect(numbers.insert(metric.rawValue).inserted)
            }
            #expect(kind.slotMetric(-1) == nil && kind.slotMetric(RecordedMetric.latencySlotCount) == nil)
            #expect(numbers.insert(kind.totalMetric.rawValue).inserted)
            #expect(kind.totalMetric.definition?.unit == "µs")
        }
        #expect(RecordedMetric.runQueueLatencySlot(5)?.name == "runQueueLatencySlot5")
        #expect(RecordedMetric.blockIOLatencySlot(0)?.name == "blockIOLatencySlot0")
        // No clash with the per-CPU numbers (1024-3071) or any other catalog entry.
        let catalog = RecordedMetric.catalog.map(\.metric.rawValue)
        #expect(Set(catalog).count == catalog.count)
        #expect(numbers.allSatisfy { $0 >= 3072 })
    }
}
