import Diagnosis
import Prometheus
import ResourceMetrics
import Synchronization

/// Keeps a swift-prometheus registry in step with the recorder: each sample it is moved to
/// moves each container's counters forward by what the kernel counted since the sample it saw
/// before (so they equal the kernel's totals, however many samples were skipped) and sets its
/// gauges; every closed window sets the verdict and findings gauges. Reads no file.
package final class PrometheusExporter: Sendable {
    private enum Exported {
        case counter(Counter, lastRaw: UInt64)
        case gauge(Gauge)
    }

    /// A container's series: its metric's index in `ContainerMetric.all`, and the device or
    /// interface for per-device metrics (empty otherwise). An integer and a short string keep
    /// the per-series lookup cheap: a fresh scrape looks up every series of every container.
    private struct SeriesKey: Hashable {
        var metric: Int
        var extraLabel: String
    }

    private struct Series {
        var exported: Exported
        /// The update that last set it: series an update did not set are gone.
        var generation: UInt64
    }

    private struct State {
        var byContainer: [String: [SeriesKey: Series]] = [:]
        var generation: UInt64 = 0
        var labels: [String: ContainerLabels] = [:]
        var verdicts: [String: [String: Gauge]] = [:]
        var findings: [FindingKey: Gauge] = [:]
        var windowEnd: Gauge?
    }

    private struct FindingKey: Hashable {
        var rule: String
        var severity: String
    }

    /// The registry /metrics renders.
    package let registry = PrometheusCollectorRegistry()
    private let state = Mutex(State())

    /// An empty exporter.
    package init() {}

    /// The exposition text of every series.
    package func render() -> [UInt8] { registry.emitToBuffer() }

    /// Moves every container's series to `sample`; drops the series of containers that are gone.
    package func update(_ sample: WindowSample, labels: [String: ContainerLabels]) {
        state.withLock { state in
            state.generation &+= 1
            let generation = state.generation
            var live = Set<String>()
            for container in sample.containers {
                guard let containerLabels = labels[container.key] else { continue }
                live.insert(container.key)
                // A renamed container (or one named late) gets new series under its new labels.
                if let old = state.labels[container.key], old != containerLabels {
                    unregister(state.byContainer[container.key] ?? [:]); state.byContainer[container.key] = nil
                }
                state.labels[container.key] = containerLabels
                // Taken out, so the dictionary is not shared (and copied) while it is updated.
                var series = state.byContainer.removeValue(forKey: container.key) ?? [:]
                func update(_ index: Int, _ extra: (String, String)?, _ value: SeriesValue) {
                    let key = SeriesKey(metric: index, extraLabel: extra?.1 ?? "")
                    let exported = set(series[key]?.exported, metric: ContainerMetric.all[index], to: value) {
                        containerLabels.prometheusLabels + (extra.map { [$0] } ?? [])
                    }
                    series[key] = Series(exported: exported, generation: generation)
                }
                for (index, metric) in ContainerMetric.all.enumerated() {
                    switch metric.reading {
                    case .single(let read):
                        if let value = read(container) { update(index, nil, value) }
                    case .labelled(let read):
                        for (extra, value) in read(container) { update(index, extra, value) }
                    }
                }
                if series.contains(where: { $0.value.generation != generation }) {
                    let gone = series.filter { $0.value.generation != generation }
                    unregister(gone)
                    for key in gone.keys { series[key] = nil }
                }
                state.byContainer[container.key] = series
            }
            for (key, series) in state.byContainer where !live.contains(key) {
                unregister(series)
                state.byContainer[key] = nil
                state.labels[key] = nil
            }
        }
    }

    /// Sets the CPU bottleneck verdict of every diagnosed container (1 for its verdict, 0 for
    /// the others) and the count of active findings by rule and severity.
    package func update(_ report: DiagnosisReport, labels: [String: ContainerLabels]) {
        state.withLock { state in
            var diagnosed = Set<String>()
            for verdict in report.cpuVerdicts {
                let key = verdict.containerKey.description  // series are keyed by the `runtime:id` text
                guard let containerLabels = labels[key] else { continue }
                diagnosed.insert(key)
                var gauges = state.verdicts[key] ?? [:]
                let current = Self.verdictLabel(verdict.outcome)
                for name in Self.verdictNames {
                    let gauge =
                        gauges[name]
                        ?? registry.makeGauge(
                            descriptor: Self.verdictDescriptor,
                            labels: containerLabels.prometheusLabels + [("verdict", name)])
                    gauge.set(to: name == current ? 1.0 : 0.0)
                    gauges[name] = gauge
                }
                state.verdicts[key] = gauges
            }
            for (key, gauges) in state.verdicts where !diagnosed.contains(key) {
                for gauge in gauges.values { registry.unregisterGauge(gauge) }
                state.verdicts[key] = nil
            }
            var counts: [FindingKey: Int] = [:]
            for finding in report.findings {
                counts[FindingKey(rule: "\(finding.rule)", severity: finding.severity.rawValue), default: 0] += 1
            }
            for key in Set(counts.keys).union(state.findings.keys) {
                let gauge =
                    state.findings[key]
                    ?? registry.makeGauge(
                        descriptor: Self.findingsDescriptor, labels: [("rule", key.rule), ("severity", key.severity)])
                gauge.set(to: Double(counts[key] ?? 0))
                state.findings[key] = gauge
            }
            let windowEnd = state.windowEnd ?? registry.makeGauge(descriptor: Self.windowDescriptor)
            windowEnd.set(to: report.durationSeconds)
            state.windowEnd = windowEnd
        }
    }

    /// The bottleneck tree's outcomes as short label values.
    static let verdictNames = ["cap", "share", "physical", "none"]

    static func verdictLabel(_ outcome: CPUVerdict.Outcome) -> String {
        switch outcome {
        case .capThrottled: "cap"
        case .shareThrottled: "share"
        case .physicalCPUThrottled: "physical"
        case .notThrottled: "none"
        }
    }

    private static var verdictDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "periscope_container_cpu_bottleneck", unitName: "",
            helpText:
                "CPU bottleneck verdict of the last diagnosis window (Container Performance Analysis, DockerCon 2017: CPU bottleneck tree): 1 for the container's verdict, 0 for the others; cap = its CFS quota, share = neighbours on contended CPUs, physical = the host's CPUs are full, none = not throttled."
        )
    }
    private static var findingsDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "periscope_findings_active", unitName: "",
            helpText: "Findings of the last diagnosis window, by rule and severity (the rules of periscope diagnose).")
    }
    private static var windowDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "periscope_diagnosis_window_seconds", unitName: "",
            helpText: "Length of the last diagnosis window, in seconds.")
    }

    /// Moves one series to `value`; `labels` are built only for a series made new.
    private func set(
        _ existing: Exported?, metric: ContainerMetric, to value: SeriesValue, labels: () -> [(String, String)]
    ) -> Exported {
        switch value {
        case .level(let level):
            let gauge: Gauge
            if case .gauge(let known) = existing {
                gauge = known
            } else {
                gauge = registry.makeGauge(
                    descriptor: MetricNameDescriptor(metricName: metric.name, unitName: "", helpText: metric.help),
                    labels: labels())
            }
            gauge.set(to: level)
            return .gauge(gauge)
        case .count(let raw), .nanosecondsAsSeconds(let raw), .microsecondsAsSeconds(let raw):
            let counter: Counter
            var last: UInt64 = 0
            if case .counter(let known, let lastRaw) = existing {
                counter = known; last = lastRaw
            } else {
                counter = registry.makeCounter(
                    descriptor: MetricNameDescriptor(metricName: metric.name, unitName: "", helpText: metric.help),
                    labels: labels())
            }
            // The kernel's counters only grow; one that went back (a recreated cgroup under
            // the same path) restarts the exported counter, which Prometheus reads as a reset.
            if raw < last {
                counter.reset()
                last = 0
            }
            let delta = raw - last
            if delta > 0 {
                switch value {
                case .nanosecondsAsSeconds: counter.increment(by: Double(delta) / 1e9)
                case .microsecondsAsSeconds: counter.increment(by: Double(delta) / 1e6)
                default: counter.increment(by: Int64(clamping: delta))
                }
            }
            return .counter(counter, lastRaw: raw)
        }
    }

    private func unregister(_ series: [SeriesKey: Series]) {
        for entry in series.values {
            switch entry.exported {
            case .counter(let counter, _): registry.unregisterCounter(counter)
            case .gauge(let gauge): registry.unregisterGauge(gauge)
            }
        }
    }
}
