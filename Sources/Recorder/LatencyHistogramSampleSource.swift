import BPF
import ContainerInventory
import Recording
import Synchronization

/// The `--bpf` histograms as a sample source: every sample drains the kernel's maps and writes
/// each sampled container's cumulative run-queue and block I/O histograms (and the host's)
/// into its entry; a container that is no longer sampled is forgotten.
package final class LatencyHistogramSampleSource: RecorderSampleSource {
    private let histograms: Mutex<ContainerLatencyHistograms>
    /// The histograms loaded.
    package let kinds: [ContinuousLatencyKind]

    /// Takes over `histograms` (loaded and attached): closed by `close()`.
    package init(_ histograms: consuming sending ContainerLatencyHistograms) {
        kinds = histograms.kinds
        self.histograms = Mutex(histograms)
    }

    package func contribute(to batch: inout RecordingBatch) -> [String] {
        histograms.withLock { histograms in
            var problems: [String] = []
            do { try histograms.read() } catch { problems.append("BPF latency histograms unreadable: \(error)") }
            var live = Set<ContainerKey>()
            live.reserveCapacity(batch.samples.count)
            for index in batch.samples.indices {
                let key = Self.containerKey(batch.samples[index].container)
                live.insert(key)
                for kind in kinds {
                    guard let histogram = histograms.histogram(kind, of: key) else { continue }
                    RecordedLatencyHistogram(
                        slots: histogram.slots, totalMicroseconds: histogram.totalNanoseconds / 1000
                    )
                    .write(Self.recordedKind(kind), into: &batch.samples[index].values)
                }
            }
            histograms.forget(allBut: live)
            return problems
        }
    }

    package func close() { histograms.withLock { $0.close() } }

    static func recordedKind(_ kind: ContinuousLatencyKind) -> RecordedLatencyHistogram.Kind {
        switch kind {
        case .runQueue: .runQueue
        case .blockIO: .blockIO
        }
    }

    /// The inventory's key of a recorded container (`runtime:id`; `host:host` is the host).
    static func containerKey(_ recorded: RecordedContainerKey) -> ContainerKey {
        if recorded.isHost { return .host }
        return ContainerKey(runtime: ContainerRuntime(rawValue: recorded.runtime) ?? .host, id: recorded.id)
    }
}
