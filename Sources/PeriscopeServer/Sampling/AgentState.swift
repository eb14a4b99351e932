import ContainerInventory
import Diagnosis
import History
import Recorder
import Recording
import ResourceMetrics
import Synchronization

/// What the agent knows now: the recorder's latest batch in counters, the labels of the
/// containers it samples, the newest diagnoses, and the recording the history endpoints read.
/// Written by the recorder's threads, read by request handlers. Everything moves lazily: the
/// recorder's thread only keeps each batch (and the one before it), the first read after a
/// batch turns it into counters, and the first scrape after it moves the Prometheus registry
/// to it and renders it (later scrapes of the same batch get the same bytes). With nobody
/// reading, a batch costs the agent nothing beyond the recorder's own work.
package final class AgentState: Sendable {
    /// A container as the inventory endpoint lists it.
    package struct InventoryEntry: Sendable, Codable, Equatable {
        package var labels: ContainerLabels
        package var runtime: String
        package var processCount: Int
        package var sharesHostNetwork: Bool
        package var firstSeenUnixSeconds: Double
        package var lastSeenUnixSeconds: Double
        /// Kubernetes pod, namespace and container name, when the runtime said.
        package var podName: String?
        package var podNamespace: String?
        package var podContainerName: String?
    }

    /// A closed diagnosis window and what the diagnoser made of it.
    package struct DiagnosedWindow: Sendable {
        package var startUnixSeconds: Double
        package var endUnixSeconds: Double
        package var report: DiagnosisReport
        /// What was observed, so the window can be diagnosed again with other thresholds.
        package var observation: ObservationWindow?
    }

    /// How many of the newest rolling windows are kept in memory (with their observations,
    /// about 10 KB per container each); older ones are diagnosed again from the recording.
    package static let observationsKept = 6

    private struct Storage {
        var facts: [String: TrackedContainerFacts] = [:]
        var latest: WindowSample?
        var previous: WindowSample?
        var metadata: [String: RuntimeMetadata] = [:]
        var labels: [String: ContainerLabels] = [:]
        var inventory: [String: InventoryEntry] = [:]
        var windows: [DiagnosedWindow] = []
        /// The recorder's latest batch, for the `--bpf` histograms (moved at the next scrape too).
        var latestBatch: RecordingBatch?
        /// Whether `latestBatch` is not yet `latest` (turned into counters at the next read).
        var latestBatchPending = false
        /// The batch before `latestBatch` when it was not turned into counters either: rates
        /// need the two newest samples, and batches before those are never read.
        var previousBatch: RecordingBatch?
        /// When each tracked container was first in a batch (s since 1970), noted as it comes
        /// (`facts` change with every container that appears), not when a read converts it.
        var firstSeen: [String: Double] = [:]
        /// Bumped with every sample taken: the exporter is behind when it moved to an older one.
        var sampleGeneration = 0
    }

    /// The exporter behind /metrics.
    package let exporter = PrometheusExporter()
    /// The `--bpf` latency histograms, rendered after the registry's families.
    package let latencyHistograms = LatencyHistogramExporter()
    /// The recording the history and range diagnosis endpoints read; nil when the agent
    /// records nothing (those endpoints then say so).
    package let recording: RecordingReader?
    private let storage = Mutex(Storage())
    /// The last exposition text rendered, the sample the exporter was moved to, and the
    /// diagnosis update it shows. Locked by a scrape for its whole update and render.
    private let rendered = Mutex<(bytes: [UInt8], sampleGeneration: Int, reportGeneration: Int)?>(nil)
    /// Bumped after every diagnosis given to the exporter: a scrape renders again when it moved.
    private let reportGeneration = Atomic<Int>(0)

    /// An empty state serving `recording`'s history.
    package init(recording: RecordingReader? = nil) { self.recording = recording }

    // MARK: - Written by the recorder

    /// Takes the batch the recorder just wrote, on the recorder's thread: it becomes the latest
    /// sample at the next read (its counters) and the next scrape (the exporter). `facts` (nil:
    /// unchanged since the last batch) name and label its containers.
    package func publish(_ batch: RecordingBatch, facts: [TrackedContainerFacts]?) {
        storage.withLock { storage in
            if let facts {
                storage.facts = Dictionary(facts.map { ($0.key, $0) }, uniquingKeysWith: { _, new in new })
                let seenAt = Double(batch.unixMilliseconds) / 1000
                for key in storage.facts.keys where storage.firstSeen[key] == nil { storage.firstSeen[key] = seenAt }
                storage.firstSeen = storage.firstSeen.filter { storage.facts[$0.key] != nil }
            }
            storage.previousBatch = storage.latestBatchPending ? storage.latestBatch : nil
            storage.latestBatch = batch
            storage.latestBatchPending = true
            storage.sampleGeneration += 1
        }
    }

    /// Takes a sample already in counters (a test's): labels from `metadata`, the inventory
    /// updated, the exporter moved at the next scrape.
    package func publish(_ sample: WindowSample, metadata: [String: RuntimeMetadata]) {
        storage.withLock { storage in
            storage.metadata = metadata
            Self.take(sample, into: &storage)
            storage.sampleGeneration += 1
        }
    }

    /// Records a closed window's diagnosis (its verdicts and findings become gauges).
    package func publish(window: ObservationWindow, report: DiagnosisReport, endUnixSeconds: Double) {
        let labels = read { $0.labels }
        exporter.update(report, labels: labels)
        reportGeneration.add(1, ordering: .releasing)
        storage.withLock { storage in
            storage.windows.append(
                DiagnosedWindow(
                    startUnixSeconds: endUnixSeconds - window.durationSeconds, endUnixSeconds: endUnixSeconds,
                    report: report, observation: window))
            if storage.windows.count > Self.observationsKept {
                storage.windows.removeFirst(storage.windows.count - Self.observationsKept)
            }
        }
    }

    // MARK: - Read by handlers

    /// The exposition text of the latest sample and diagnosis: the first scrape after either
    /// moves the exporter to the latest sample (counters forward by what the kernel counted
    /// since the sample it last saw, however many batches ago) and renders; the scrapes after
    /// it get the same bytes.
    package func renderMetrics() -> [UInt8] {
        rendered.withLock { rendered in
            let (sampleGeneration, latest, latestBatch, labels) = read {
                ($0.sampleGeneration, $0.latest, $0.latestBatch, $0.labels)
            }
            let reportGeneration = reportGeneration.load(ordering: .acquiring)
            if let rendered, rendered.sampleGeneration == sampleGeneration,
                rendered.reportGeneration == reportGeneration
            {
                return rendered.bytes
            }
            if rendered?.sampleGeneration != sampleGeneration {
                if let latest { exporter.update(latest, labels: labels) }
                if let latestBatch { latencyHistograms.update(latestBatch, labels: labels) }
            }
            let bytes = exporter.render() + latencyHistograms.render()
            rendered = (bytes, sampleGeneration, reportGeneration)
            return bytes
        }
    }

    /// Every live container, by name.
    package var inventory: [InventoryEntry] {
        read { Array($0.inventory.values) }.sorted {
            ($0.labels.name, $0.labels.key) < ($1.labels.name, $1.labels.key)
        }
    }

    /// The latest sample and the one before (rates need both); nil before the first sample.
    package var latestSamples: (latest: WindowSample, previous: WindowSample?)? {
        read { storage in storage.latest.map { ($0, storage.previous) } }
    }

    /// The labels of a live container.
    package func labels(of key: String) -> ContainerLabels? { read { $0.labels[key] } }

    /// The newest diagnosed windows kept in memory that lie within `since`...`until`, oldest first.
    package func windows(since: Double, until: Double) -> [DiagnosedWindow] {
        storage.withLock {
            $0.windows.filter { $0.startUnixSeconds >= since - 0.5 && $0.endUnixSeconds <= until + 0.5 }
        }
    }

    /// The newest diagnosed window.
    package var latestWindow: DiagnosedWindow? { storage.withLock { $0.windows.last } }

    // MARK: - Storage

    /// Reads the storage with the latest batch in counters.
    private func read<Value>(_ body: (Storage) -> Value) -> Value {
        storage.withLock { storage in
            Self.convertPendingBatches(&storage)
            return body(storage)
        }
    }

    /// Turns the batches published since the last read into the latest sample and the one
    /// before it, as if each had been taken when it came.
    private static func convertPendingBatches(_ storage: inout Storage) {
        guard storage.latestBatchPending, let latestBatch = storage.latestBatch else { return }
        if let previousBatch = storage.previousBatch {
            take(WindowSample(recorded: previousBatch, facts: storage.facts), into: &storage)
        }
        take(WindowSample(recorded: latestBatch, facts: storage.facts), into: &storage)
        storage.previousBatch = nil
        storage.latestBatchPending = false
    }

    /// Makes `sample` the latest: labels, inventory entries, and the previous sample.
    private static func take(_ sample: WindowSample, into storage: inout Storage) {
        var labels: [String: ContainerLabels] = [:]
        labels.reserveCapacity(sample.containers.count)
        for container in sample.containers {
            let metadata = storage.metadata[container.key]
            let image = metadata?.image ?? storage.facts[container.key]?.image ?? ""
            let entryLabels = ContainerLabels(
                key: container.key, id: container.cgroupPath ?? container.key,
                name: metadata?.name ?? container.displayName, image: image)
            labels[container.key] = entryLabels
            var entry =
                storage.inventory[container.key]
                ?? InventoryEntry(
                    labels: entryLabels, runtime: container.runtime, processCount: 0,
                    sharesHostNetwork: container.sharesHostNetwork,
                    firstSeenUnixSeconds: storage.firstSeen[container.key] ?? sample.unixTimeSeconds,
                    lastSeenUnixSeconds: sample.unixTimeSeconds)
            entry.labels = entryLabels
            entry.processCount = container.processCount
            entry.lastSeenUnixSeconds = sample.unixTimeSeconds
            if let metadata {
                entry.podName = metadata.podName
                entry.podNamespace = metadata.podNamespace
                entry.podContainerName = metadata.kubernetesContainerName
            }
            storage.inventory[container.key] = entry
        }
        for key in storage.inventory.keys where labels[key] == nil { storage.inventory[key] = nil }
        storage.labels = labels
        storage.previous = storage.latest
        storage.latest = sample
    }
}
