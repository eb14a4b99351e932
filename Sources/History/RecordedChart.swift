import Presentation
import Reporting
import Recording

/// Builds a `TimeSeriesChart` from a recording: one panel per asked metric, a line per chosen
/// container (and the host where the metric is the host's), limits, and the findings the
/// rolling diagnosis gave in the range as marks.
package struct RecordedChart {
    package let reader: RecordingReader
    package let start: Double
    package let end: Double
    /// Containers to draw, the host among them or not.
    package let containers: [RecordedContainer]
    package let metrics: [ChartMetric]
    package let clock: ChartClock

    package init(
        reader: RecordingReader, start: Double, end: Double, containers: [RecordedContainer], metrics: [ChartMetric],
        clock: ChartClock
    ) {
        self.reader = reader
        self.start = start
        self.end = end
        self.containers = containers
        self.metrics = metrics
        self.clock = clock
    }

    /// Findings repeated by the rolling diagnosis less than this apart are one mark.
    package static let findingRunGapSeconds = 120.0

    package func chart(title: String) throws -> TimeSeriesChart {
        let from = RecordingReader.milliseconds(start), to = RecordingReader.milliseconds(end)
        var samples: [RecordedContainerKey: [RecordedSample]] = [:]
        for container in containers {
            let wanted = metrics.flatMap { container.key.isHost ? $0.hostMetrics : $0.containerMetrics }
            guard !wanted.isEmpty else { continue }
            samples[container.key] = try reader.read { store throws(RecordingError) in
                try store.samples(of: container.key, from: from, to: to, metrics: Array(Set(wanted)).sorted())
            }
        }
        var panels: [ChartPanel] = []
        for metric in metrics {
            if metric.isContainerStarts {
                panels.append(try startsPanel(metric, from: from, to: to))
                continue
            }
            var lines: [ChartLine] = []
            var limits: [ChartLimit] = []
            for container in containers {
                let own = samples[container.key] ?? []
                guard let points = (container.key.isHost ? metric.hostPoints : metric.containerPoints)?(own),
                    !points.isEmpty
                else { continue }
                let label = Self.label(container)
                lines.append(ChartLine(label: label, points: points))
                if let limit = metric.limit?(own, container.key.isHost) {
                    limits.append(
                        ChartLimit(
                            label: "\(label) \(container.key.isHost ? "total" : "limit")", value: limit,
                            lineLabel: label))
                }
            }
            panels.append(
                ChartPanel(title: metric.title, unit: metric.unit, style: metric.style, lines: lines, limits: limits))
        }
        return TimeSeriesChart(
            title: title, startSeconds: start, endSeconds: end, panels: panels, marks: try marks(from: from, to: to),
            clock: clock)
    }

    /// The count of container starts since `start`, one step per start.
    private func startsPanel(_ metric: ChartMetric, from: Int64, to: Int64) throws -> ChartPanel {
        let starts = try reader.read { store throws(RecordingError) in
            try store.events(from: from, to: to, kinds: [.started])
        }
        var points = [ChartPoint(timeSeconds: start, value: 0)]
        for (index, event) in starts.enumerated() {
            points.append(ChartPoint(timeSeconds: Double(event.unixMilliseconds) / 1000, value: Double(index + 1)))
        }
        points.append(ChartPoint(timeSeconds: end, value: Double(starts.count)))
        return ChartPanel(
            title: metric.title, unit: metric.unit, style: .steps,
            lines: [ChartLine(label: "container starts", points: points)])
    }

    /// Findings about the drawn containers (and the host's), each run of repeats one mark; the
    /// recorder's message already names its subject (`container shop: shop is cap throttled...`).
    private func marks(from: Int64, to: Int64) throws -> [ChartMark] {
        let findings = try reader.read { store throws(RecordingError) in try store.findings(from: from, to: to) }
        let drawn = Set(containers.map(\.key))
        var marks: [ChartMark] = []
        var lastIndex: [String: Int] = [:]
        for finding in findings where finding.container.map(drawn.contains) ?? true {
            let time = Double(finding.unixMilliseconds) / 1000
            let identity = "\(finding.ruleID)|\(finding.container?.rawValue ?? "")"
            if let index = lastIndex[identity],
                time - (marks[index].endSeconds ?? marks[index].timeSeconds) <= Self.findingRunGapSeconds
            {
                marks[index].endSeconds = time
                continue
            }
            let windowStart = finding.windowStartUnixMilliseconds.map { max(Double($0) / 1000, start) } ?? time
            marks.append(
                ChartMark(
                    timeSeconds: windowStart, endSeconds: time, severity: Self.severity(finding.severity),
                    text: finding.message))
            lastIndex[identity] = marks.count - 1
        }
        return marks
    }

    package static func severity(_ text: String) -> ChartMark.Severity {
        switch text {
        case "critical": .critical
        case "warning": .warning
        default: .info
        }
    }

    /// `host`, or the container's name.
    package static func label(_ container: RecordedContainer) -> String {
        container.key.isHost ? "host" : container.name
    }
}
