import ContainerInventory
import Diagnosis
import History
import Recorder
import Recording
import ResourceMetrics
import Synchronization

/// What the agent knows now: the recorder's latest batch (kept as it was written, turned into
/// counters only when a request reads it), the labels of the containers it samples, the
/// newest diagnoses, and the recording the history endpoints read. Written by the recorder's
/// threads, read by request handlers. Idle, publishing costs one copy of the batch: /metrics
/// and the JSON API pay for their own conversions when they are asked.
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
        /// The recorder's newest batches, as written.
        var latestBatch: RecordingBatch?
        var previousBatch: RecordingBatch?
        var facts: [String: TrackedContainerFacts] = [:]
        /// Bumped by every publish; conversions and the exporter catch up to it when read.
        var sequence = 0
        var convertedSequence = 0
        var exportedSequence = 0
        var latest: WindowSample?
        var previous: WindowSample?
        var metadata: [String: RuntimeMetadata] = [:]
        var labels: [String: ContainerLabels] = [:]
        var inventory: [String: InventoryEntry] = [:]
        var windows: [DiagnosedWindow] = []
    }

    /// The exporter behind /metrics.
    package let exporter = PrometheusExporter()
    /// The recording the history and range diagnosis endpoints read; nil when the agent
    /// records nothing (those endpoints then say so).
    package let recording: RecordingReader?
    private let storage = Mutex(Storage())

    /// An empty state serving `recording`'s history.
    package init(recording: RecordingReader? = nil) { self.recording = recording }

    // MARK: - Written by the recorder

    /// Keeps the batch the recorder just wrote; `facts` (nil: unchanged since the last
    /// batch) name and label its containers.
    package func publish(_ batch: RecordingBatch, facts: [TrackedContainerFacts]?) {
        storage.withLock { storage in
            if let facts { storage.facts = Dictionary(facts.map { ($0.key, $0) }, uniquingKeysWith: { _, new in new }) }
            storage.previousBatch = storage.latestBatch
            storage.latestBatch = batch
            storage.sequence += 1
        }
    }

    /// Takes a sample already in counters (a test's, or a converted batch): labels from
    /// `metadata`, the inventory updated. The exporter catches up at the next scrape.
    package func publish(_ sample: WindowSample, metadata: [String: RuntimeMetadata]) {
        storage.withLock { storage in
            storage.latestBatch = nil
            storage.previousBatch = nil
            storage.metadata = metadata
            storage.sequence += 1
            Self.take(sample, into: &storage)
            storage.convertedSequence = storage.sequence
        }
    }

    /// Records a closed window's diagnosis (its verdicts and findings become gauges).
    package func publish(window: ObservationWindow, report: DiagnosisReport, endUnixSeconds: Double) {
        let labels = read { $0.labels }
        exporter.update(report, labels: labels)
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

    /// The exposition text, the exporter first moved to the latest sample.
    package func renderMetrics() -> [UInt8] {
        let pending: (WindowSample, [String: ContainerLabels])? = read { storage in
            guard storage.exportedSequence != storage.sequence, let latest = storage.latest else { return nil }
            storage.exportedSequence = storage.sequence
            return (latest, storage.labels)
        }
        if let (sample, labels) = pending { exporter.update(sample, labels: labels) }
        return exporter.render()
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

    // MARK: - Conversion

    /// Runs `body` on the storage after turning a newer batch into counters.
    private func read<Value>(_ body: (inout Storage) -> Value) -> Value {
        storage.withLock { storage in
            if storage.convertedSequence != storage.sequence, let batch = storage.latestBatch {
                // One batch behind, `latest` already holds the previous batch's counters.
                if storage.convertedSequence != storage.sequence - 1, let previous = storage.previousBatch {
                    storage.latest = WindowSample(recorded: previous, facts: storage.facts)
                }
                Self.take(WindowSample(recorded: batch, facts: storage.facts), into: &storage)
                storage.convertedSequence = storage.sequence
            }
            return body(&storage)
        }
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
                    firstSeenUnixSeconds: sample.unixTimeSeconds, lastSeenUnixSeconds: sample.unixTimeSeconds)
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
