import Recording
import Synchronization
import Testing

@testable import Recorder

/// A sample source plugged into the recorder (how `--bpf` histograms reach the store): its
/// values land in the batch's entries, its problems become events, its CPU is reported, and
/// the recorder closes it when it stops.
@Suite struct RecorderSampleSourceTests {
    final class CollectingSink: RecordingSink {
        var batches: [RecordingBatch] = []
        func append(_ batch: RecordingBatch) throws { batches.append(batch) }
    }

    /// Writes a growing run-queue histogram into the host's entry; fails its second read.
    final class CountingSource: RecorderSampleSource {
        let reads = Atomic<Int>(0)
        let closes = Atomic<Int>(0)

        func contribute(to batch: inout RecordingBatch) -> [String] {
            let read = reads.add(1, ordering: .relaxed).newValue
            if read == 2 { return ["source unreadable"] }
            guard let index = batch.samples.firstIndex(where: { $0.container.isHost }) else { return [] }
            RecordedLatencyHistogram(slots: [0, UInt64(read)], totalMicroseconds: UInt64(read))
                .write(.runQueue, into: &batch.samples[index].values)
            return []
        }

        func close() { closes.add(1, ordering: .relaxed) }
    }

    @Test func sourceValuesReachTheBatchAndTheSourceIsClosedOnStop() throws {
        var options = RecorderOptions()
        options.diagnoseEverySeconds = 0
        options.probesDockerEngine = false
        options.followsDockerEvents = false
        options.inventory.queryRuntimes = false
        let source = CountingSource()
        options.sampleSources = [source]
        let sink = CollectingSink()
        let recorder = Recorder(options: options, sink: sink)
        let first = try recorder.sample()
        let host = try #require(first.samples.first { $0.container.isHost })
        #expect(RecordedLatencyHistogram(.runQueue, in: host.values)?.slots[1] == 1)
        #expect(recorder.lastStatus.sourcesCPUNanoseconds != nil)
        let second = try recorder.sample()
        #expect(second.events.contains { $0.kind == .recorder && $0.message == "source unreadable" })
        let third = try recorder.sample()
        let thirdHost = try #require(third.samples.first { $0.container.isHost })
        #expect(RecordedLatencyHistogram(.runQueue, in: thirdHost.values)?.totalMicroseconds == 3)
        #expect(source.closes.load(ordering: .relaxed) == 0)
        recorder.stop()
        recorder.stop()
        #expect(source.closes.load(ordering: .relaxed) == 1)
    }
}
