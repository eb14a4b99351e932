import Foundation
import Presentation
import Recording
import Reporting

/// `periscope stats CONTAINER --db PATH --since T`: the container's recorded series, one row
/// per sample with the metrics `stats` shows live (as rates), or as JSON.
package struct RecordedStats {
    /// The columns, by chart metric name: the same computation as `chart` draws.
    package static let metricNames = [
        "cpu", "throttled", "memory", "iops", "io-bytes", "network", "pids", "cpu-pressure", "memory-pressure",
        "io-pressure"
    ]

    /// One value of a series.
    package struct Point: Encodable {
        package var unixTimeSeconds: Double
        package var value: Double
    }

    /// One metric over the window, as `chart` would draw it.
    package struct MetricSeries: Encodable {
        /// The chart metric's name (`cpu`, `io-latency`).
        package var metric: String
        /// `ChartUnit`'s name (`cores`, `bytes`, `seconds`).
        package var unit: String
        /// The cap or limit at the last sample that has one.
        package var limit: Double?
        package var points: [Point]
    }

    /// What `--json` prints.
    package struct Report: Encodable {
        package var containerKey: String
        package var name: String
        /// Every name it had while recorded, oldest first.
        package var names: [String]
        package var image: String?
        package var startedUnixTimeSeconds: Double?
        package var stoppedUnixTimeSeconds: Double?
        package var series: [MetricSeries]
    }

    package let reader: RecordingReader
    package let start: Double
    package let end: Double

    package init(reader: RecordingReader, start: Double, end: Double) {
        self.reader = reader
        self.start = start
        self.end = end
    }

    package func report(for container: RecordedContainer) throws -> Report {
        let metrics = Self.metricNames.compactMap(ChartMetric.named)
        let isHost = container.key.isHost
        let wanted = Array(Set(metrics.flatMap { isHost ? $0.hostMetrics : $0.containerMetrics })).sorted()
        let samples = try reader.read { store throws(RecordingError) in
            try store.samples(
                of: container.key, from: RecordingReader.milliseconds(start), to: RecordingReader.milliseconds(end),
                metrics: wanted)
        }
        let series = metrics.compactMap { metric -> MetricSeries? in
            guard let points = (isHost ? metric.hostPoints : metric.containerPoints)?(samples), !points.isEmpty else {
                return nil
            }
            return MetricSeries(
                metric: metric.name, unit: metric.unit.rawValue, limit: metric.limit?(samples, isHost),
                points: points.map { Point(unixTimeSeconds: $0.timeSeconds, value: $0.value) })
        }
        return Report(
            containerKey: container.key.rawValue, name: RecordedChart.label(container), names: container.names,
            image: container.image,
            startedUnixTimeSeconds: container.startedAtUnixMilliseconds.map { Double($0) / 1000 },
            stoppedUnixTimeSeconds: container.stoppedAtUnixMilliseconds.map { Double($0) / 1000 }, series: series)
    }

    /// The table: a heading with the container's identity and limits, then one row per sample time.
    package static func text(_ report: Report) -> String {
        var heading = "CONTAINER \(report.name)  \(report.containerKey)"
        if report.names.count > 1 { heading += "  (also named \(report.names.dropLast().joined(separator: ", ")))" }
        if let image = report.image { heading += "  image \(image)" }
        var lines = [heading]
        if let started = report.startedUnixTimeSeconds {
            lines.append(
                "started \(RecordedTime.text(started))"
                    + (report.stoppedUnixTimeSeconds.map { "  stopped \(RecordedTime.text($0))" } ?? ""))
        }
        let units = Dictionary(
            uniqueKeysWithValues: report.series.map { ($0.metric, ChartUnit(rawValue: $0.unit) ?? .count) })
        let limitText = report.series.compactMap { series in
            series.limit.map { "\(series.metric) \(units[series.metric, default: .count].text($0))" }
        }
        if !limitText.isEmpty { lines.append("limits  " + limitText.joined(separator: "  ")) }
        var byTime: [Double: [String: Double]] = [:]
        for series in report.series {
            for point in series.points { byTime[point.unixTimeSeconds, default: [:]][series.metric] = point.value }
        }
        var table = TextTable(
            columns: [TextTable.Column("TIME")] + report.series.map { TextTable.Column($0.metric.uppercased(), .right) }
        )
        for time in byTime.keys.sorted() {
            let values = byTime[time] ?? [:]
            table.append(
                [RecordedTime.text(time)]
                    + report.series.map { series in
                        values[series.metric].map { units[series.metric, default: .count].text($0) } ?? "-"
                    })
        }
        return lines.joined(separator: "\n") + "\n" + table.render()
    }
}
