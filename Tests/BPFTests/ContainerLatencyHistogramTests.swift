import Testing

@testable import BPF

/// The continuous mode's pieces that need no kernel: the `--bpf` list, the map value with its
/// sum, and cumulative histograms that only grow.
@Suite struct ContainerLatencyHistogramTests {
    @Test func bpfListParsesAndRefusesUnknownNames() throws {
        #expect(try ContinuousLatencyKind.parseList("runqlat,biolatency") == [.runQueue, .blockIO])
        #expect(try ContinuousLatencyKind.parseList(" biolatency , runqlat,runqlat") == [.blockIO, .runQueue])
        #expect(try ContinuousLatencyKind.parseList("none") == [])
        for bad in ["", ",", "runqlat,offcputime", "RUNQLAT", "none,runqlat"] {
            #expect(throws: ContinuousLatencyListError.self, "\(bad)") { try ContinuousLatencyKind.parseList(bad) }
        }
        let error = ContinuousLatencyListError(name: "offcputime")
        #expect(error.description.contains("runqlat, biolatency"))
        #expect(error.description.contains("'offcputime'"))
    }

    @Test func mapValueHoldsSlotsThenTheSumInNanoseconds() throws {
        var bytes = [UInt8](repeating: 0, count: KernelLatencyHistogram.valueByteCount)
        func put(_ value: UInt64, at offset: Int) {
            for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        }
        put(7, at: 0)
        put(3, at: 11 * 8)
        put(1 << 40, at: 31 * 8)
        put(123_456_789_012, at: 32 * 8)
        let histogram = try #require(KernelLatencyHistogram(mapValue: bytes))
        #expect(histogram.slots.count == 32)
        #expect(histogram.slots[0] == 7 && histogram.slots[11] == 3 && histogram.slots[31] == 1 << 40)
        #expect(histogram.totalNanoseconds == 123_456_789_012)
        // The old value layout (slots only) or any other size is not read as a histogram.
        #expect(KernelLatencyHistogram(mapValue: Array(bytes.prefix(32 * 8))) == nil)
        #expect(KernelLatencyHistogram(mapValue: bytes + [0]) == nil)
    }

    @Test func cumulativeHistogramAddsIntervals() {
        var cumulative = CumulativeLatencyHistogram()
        #expect(cumulative.count == 0)
        var first = [UInt64](repeating: 0, count: 32)
        first[3] = 2
        cumulative.add(KernelLatencyHistogram(slots: first, totalNanoseconds: 9_000))
        var second = [UInt64](repeating: 0, count: 32)
        second[3] = 1
        second[12] = 4
        cumulative.add(KernelLatencyHistogram(slots: second, totalNanoseconds: 10_000_000))
        #expect(cumulative.slots[3] == 3)
        #expect(cumulative.slots[12] == 4)
        #expect(cumulative.count == 7)
        #expect(cumulative.totalNanoseconds == 10_009_000)
    }
}
