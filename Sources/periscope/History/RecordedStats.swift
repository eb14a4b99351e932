import Foundation
import Presentation
import Recording
import Reporting

/// `periscope stats CONTAINER --db PATH --since T`: the container's recorded series, one row
/// per sample with the metrics `stats` shows live (as rates), or as JSON.
struct RecordedStats {
    /// The columns, by chart metric name: the same computation as `chart` draws.
    static let metricNames = ["cpu", "throttled", "memory", "iops", "io-bytes", "network", "pids", "cpu-pressure", "memory-pressure", "io-pressure"]

    /// One sample time's values, by metric name (missing where not recorded).
    struct Row: Encodable {
        var unixSeconds: Double
        var time: String
        var values: [String: Double]
    }

    /// What `--json` prints.
    struct Report: Encodable {
        var container: String
        var key: String
        var names: [String]
        var image: String?
        var startedUnixSeconds: Double?
        var stoppedUnixSeconds: Double?
        var units: [String: String]
        var limits: [String: Double]
        var rows: [Row]
    }

    let reader: RecordingReader
    let start: Double
    let end: Double

    func report(for container: RecordedContainer) throws -> Report {
        let metrics = Self.metricNames.compactMap(ChartMetric.named)
        let isHost = container.key.isHost
        let wanted = Array(Set(metrics.flatMap { isHost ? $0.hostMetrics : $0.containerMetrics })).sorted()
        let samples = try reader.read { store throws(RecordingError) in
            try store.samples(of: container.key, from: RecordingReader.milliseconds(start), to: RecordingReader.milliseconds(end), metrics: wanted)
        }
        var byTime: [Double: [String: Double]] = [:]
        var limits: [String: Double] = [:]
        for metric in metrics {
            guard let points = (isHost ? metric.hostPoints : metric.containerPoints)?(samples) else { continue }
            for point in points { byTime[point.timeSeconds, default: [:]][metric.name] = point.value }
            if let limit = metric.limit?(samples, isHost) { limits[metric.name] = limit }
        }
        let rows = byTime.keys.sorted().map { Row(unixSeconds: $0, time: RecordedTime.text($0), values: byTime[$0] ?? [:]) }
        return Report(container: RecordedChart.label(container), key: container.key.rawValue, names: container.names, image: container.image,
                      startedUnixSeconds: container.startedAtUnixMilliseconds.map { Double($0) / 1000 },
                      stoppedUnixSeconds: container.stoppedAtUnixMilliseconds.map { Double($0) / 1000 },
                      units: Dictionary(uniqueKeysWithValues: metrics.map { ($0.name, $0.unit.rawValue) }), limits: limits, rows: rows)
    }

    /// The table: a heading with the container's identity and limits, then one row per sample.
    static func text(_ report: Report) -> String {
        let metrics = metricNames.compactMap(ChartMetric.named).filter { metric in report.rows.contains { $0.values[metric.name] != nil } }
        var heading = "CONTAINER \(report.container)  \(report.key)"
        if report.names.count > 1 { heading += "  (also named \(report.names.dropLast().joined(separator: ", ")))" }
        if let image = report.image { heading += "  image \(image)" }
        var lines = [heading]
        if let started = report.startedUnixSeconds { lines.append("started \(RecordedTime.text(started))" + (report.stoppedUnixSeconds.map { "  stopped \(RecordedTime.text($0))" } ?? "")) }
        let limitText = metrics.compactMap { metric in report.limits[metric.name].map { "\(metric.name) \(metric.unit.text($0))" } }
        if !limitText.isEmpty { lines.append("limits  " + limitText.joined(separator: "  ")) }
        var table = TextTable(columns: [TextTable.Column("TIME")] + metrics.map { TextTable.Column($0.name.uppercased(), .right) })
        for row in report.rows {
            table.append([row.time] + metrics.map { metric in row.values[metric.name].map { metric.unit.text($0) } ?? "-" })
        }
        return lines.joined(separator: "\n") + "\n" + table.render()
    }
}
