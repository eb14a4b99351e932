import ContainerInventory
import Diagnosis
import ResourceMetrics
import Synchronization

/// What the agent knows now: the latest sample of every container with its labels, recent
/// rates per container, recent diagnoses, and the Prometheus registry. Written by the
/// recorder's thread, read by request handlers.
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

    /// One container's rates over one interval.
    package struct HistoryPoint: Sendable, Codable {
        package var unixTimeSeconds: Double
        package var rates: CgroupRates
        package var averageDStateThreads: Double
    }

    /// A closed diagnosis window and what the diagnoser made of it.
    package struct DiagnosedWindow: Sendable {
        package var startUnixSeconds: Double
        package var endUnixSeconds: Double
        package var report: DiagnosisReport
        /// What was observed, kept for the newest `observationsKept` windows only (about 10 KB
        /// per container per window), so they can be diagnosed again with other thresholds.
        package var observation: ObservationWindow?
    }

    /// How many of the newest windows keep their observations.
    package static let observationsKept = 6

    private struct Storage {
        var latest: WindowSample?
        var previous: WindowSample?
        var labels: [String: ContainerLabels] = [:]
        var inventory: [String: InventoryEntry] = [:]
        var history: [String: [HistoryPoint]] = [:]
        var windows: [DiagnosedWindow] = []
    }

    /// The exporter behind /metrics.
    package let exporter = PrometheusExporter()
    /// How long history points and diagnosed windows are kept.
    package let historySeconds: Double
    private let storage = Mutex(Storage())

    /// An empty state keeping `historySeconds` of history.
    package init(historySeconds: Double) { self.historySeconds = historySeconds }

    // MARK: - Written by the recorder

    /// Takes one sample: labels from `metadata`, rates against the previous sample, counters to the exporter.
    package func publish(_ sample: WindowSample, metadata: [String: RuntimeMetadata]) {
        let labels = Dictionary(
            uniqueKeysWithValues: sample.containers.map { container in
                (
                    container.key,
                    ContainerLabels(
                        key: container.key, id: container.cgroupPath ?? container.key,
                        name: metadata[container.key]?.name ?? container.displayName,
                        image: metadata[container.key]?.image ?? "")
                )
            })
        exporter.update(sample, labels: labels)
        storage.withLock { storage in
            let previousByKey = Dictionary(
                uniqueKeysWithValues: (storage.latest?.containers ?? []).map { ($0.key, $0) })
            let oldest = sample.unixTimeSeconds - historySeconds
            for container in sample.containers {
                let entryLabels = labels[container.key]!
                var entry =
                    storage.inventory[container.key]
                    ?? InventoryEntry(
                        labels: entryLabels, runtime: container.runtime, processCount: 0,
                        sharesHostNetwork: container.sharesHostNetwork,
                        firstSeenUnixSeconds: sample.unixTimeSeconds, lastSeenUnixSeconds: sample.unixTimeSeconds)
                entry.labels = entryLabels
                entry.processCount = container.processCount
                entry.lastSeenUnixSeconds = sample.unixTimeSeconds
                if let runtimeMetadata = metadata[container.key] {
                    entry.podName = runtimeMetadata.podName
                    entry.podNamespace = runtimeMetadata.podNamespace
                    entry.podContainerName = runtimeMetadata.kubernetesContainerName
                }
                storage.inventory[container.key] = entry
                if let latest = storage.latest, let old = previousByKey[container.key]?.counters,
                    let new = container.counters,
                    let rates = CgroupRates(
                        old: CounterSample(takenAt: latest.takenAt, counters: old),
                        new: CounterSample(takenAt: sample.takenAt, counters: new), hostCPUCount: sample.hostCPUCount)
                {
                    var points = storage.history[container.key, default: []]
                    points.append(
                        HistoryPoint(
                            unixTimeSeconds: sample.unixTimeSeconds, rates: rates,
                            averageDStateThreads: container.averageDStateThreads))
                    if let first = points.firstIndex(where: { $0.unixTimeSeconds >= oldest }), first > 0 {
                        points.removeFirst(first)
                    }
                    storage.history[container.key] = points
                }
            }
            let live = Set(sample.containers.map(\.key))
            for key in storage.inventory.keys where !live.contains(key) { storage.inventory[key] = nil }
            for (key, points) in storage.history
            where !live.contains(key) && (points.last?.unixTimeSeconds ?? 0) < oldest {
                storage.history[key] = nil
            }
            storage.labels.merge(labels) { _, new in new }
            for key in storage.labels.keys where !live.contains(key) && storage.history[key] == nil {
                storage.labels[key] = nil
            }
            storage.previous = storage.latest
            storage.latest = sample
        }
    }

    /// Records a closed window's diagnosis (its verdicts and findings become gauges).
    package func publish(window: ObservationWindow, report: DiagnosisReport, endUnixSeconds: Double) {
        let labels = storage.withLock { $0.labels }
        exporter.update(report, labels: labels)
        storage.withLock { storage in
            storage.windows.append(
                DiagnosedWindow(
                    startUnixSeconds: endUnixSeconds - window.durationSeconds, endUnixSeconds: endUnixSeconds,
                    report: report, observation: window))
            let oldest = endUnixSeconds - historySeconds
            storage.windows.removeAll { $0.endUnixSeconds < oldest }
            for index in storage.windows.indices.dropLast(Self.observationsKept) {
                storage.windows[index].observation = nil
            }
        }
    }

    // MARK: - Read by handlers

    /// Every live container, by name.
    package var inventory: [InventoryEntry] {
        storage.withLock { Array($0.inventory.values) }.sorted {
            ($0.labels.name, $0.labels.key) < ($1.labels.name, $1.labels.key)
        }
    }

    /// The latest sample and the one before (rates need both); nil before the first sample.
    package var latestSamples: (latest: WindowSample, previous: WindowSample?)? {
        storage.withLock { storage in storage.latest.map { ($0, storage.previous) } }
    }

    /// The labels of a container seen recently (live or still in history).
    package func labels(of key: String) -> ContainerLabels? { storage.withLock { $0.labels[key] } }

    /// Every container with history, with its labels.
    package var containersWithHistory: [ContainerLabels] {
        storage.withLock { storage in storage.history.keys.compactMap { storage.labels[$0] } }
    }

    /// `key`'s points between `since` and `until` (seconds since 1970).
    package func history(of key: String, since: Double, until: Double) -> [HistoryPoint] {
        storage.withLock {
            ($0.history[key] ?? []).filter { $0.unixTimeSeconds >= since && $0.unixTimeSeconds <= until }
        }
    }

    /// The diagnosed windows that lie within `since`...`until`, oldest first.
    package func windows(since: Double, until: Double) -> [DiagnosedWindow] {
        storage.withLock {
            $0.windows.filter { $0.startUnixSeconds >= since - 0.5 && $0.endUnixSeconds <= until + 0.5 }
        }
    }

    /// The newest diagnosed window.
    package var latestWindow: DiagnosedWindow? { storage.withLock { $0.windows.last } }
}
