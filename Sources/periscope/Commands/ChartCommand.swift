import ArgumentParser
import Foundation
import History
import Presentation
import Recording
import Reporting

struct ChartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart",
        abstract: "Draw recorded time series as an SVG chart or a self-contained HTML page.",
        discussion: """
            Reads a recording made by `periscope record` and draws one panel per metric, \
            every chosen container as a labelled line (legend and end label), limits (a CPU \
            cap, a memory limit) as dashed lines in the line's colour, and the findings the \
            recorder's rolling diagnosis gave as numbered marks on the time axis, listed under \
            the chart. The time axis is in local time (--utc for UTC). The HTML page embeds \
            the SVG and shows every line's value under the pointer; it fetches nothing.

            Without containers, every container seen in the window and the host are drawn. \
            The host has the whole-disk IOPS and latency, load, the container runtime's API \
            latency and container starts; `host` names it among containers.

            Metrics: \(ChartMetric.catalog.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).

            Examples:
              periscope chart --db /var/lib/periscope/recording.db --since -2h -o cpu.svg
              periscope chart --db rec.db shop web --metric cpu,throttled,memory --since 03:00 --until 03:30 -o incident.html
              periscope chart --db rec.db host --metric iops,io-latency,starts --since -1d -o storage.svg
            """
    )

    @OptionGroup var range: RecordingRangeOptions

    @Argument(
        help:
            "Containers to draw (name, earlier name, id prefix, or host); every container seen and the host when none is given."
    )
    var containers: [String] = []

    @Option(help: ArgumentHelp("Metrics, one panel each, comma-separated: \(ChartMetric.names).", valueName: "names"))
    var metric: String = "cpu,memory"

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Write to FILE: .html or .htm gives the HTML page, anything else SVG. Default: SVG on standard output.",
            valueName: "FILE"))
    var output: String?

    @Flag(help: "Write times on the axis in UTC instead of local time.")
    var utc = false

    @Option(help: ArgumentHelp("The picture's width in pixels (400-4000).", valueName: "pixels"))
    var width: Int = 1000

    /// At most this many containers get a line when none is named: more would not be readable.
    static let defaultLineLimit = 10

    func validate() throws {
        if range.db == nil {
            throw ValidationError("chart reads a recording: give --db PATH (made by periscope record)")
        }
        if range.since == nil {
            throw ValidationError("give --since: the start of the window to draw (\(TimeText.forms))")
        }
        _ = try metrics()
        if !(400...4000).contains(width) { throw ValidationError("--width must be between 400 and 4000 pixels") }
    }

    /// The asked metrics, in the order given.
    func metrics() throws -> [ChartMetric] {
        let names = metric.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names.isEmpty { throw ValidationError("--metric needs at least one of: \(ChartMetric.names)") }
        return try names.map { name in
            guard let found = ChartMetric.named(name) else {
                throw ValidationError("unknown metric '\(name)': choose from \(ChartMetric.names)")
            }
            return found
        }
    }

    func run() throws {
        guard let path = range.db else { return }
        let (start, end) = try range.range()
        let reader = try RecordingReader(path: path)
        try reader.requireSamples(from: start, to: end)
        let seen = try reader.containers(from: start, to: end)
        let chosen: [RecordedContainer]
        if containers.isEmpty {
            let others = seen.filter { !$0.key.isHost }
            if others.count > Self.defaultLineLimit {
                printStandardError(
                    "periscope chart: \(others.count) containers in the window; drawing the first \(Self.defaultLineLimit) seen (name others to choose)"
                )
            }
            chosen = seen.filter(\.key.isHost) + others.prefix(Self.defaultLineLimit)
        } else {
            chosen = try reader.resolve(containers, among: seen)
        }
        let chosenMetrics = try metrics()
        let clock = utc ? ChartClock.utc : Self.localClock(at: start)
        let names = chosen.map(RecordedChart.label).joined(separator: ", ")
        let title = "\(chosenMetrics.map(\.title).joined(separator: ", ")): \(names)"
        let chart = try RecordedChart(
            reader: reader, start: start, end: end, containers: chosen, metrics: chosenMetrics, clock: clock
        ).chart(title: title)
        if chart.panels.allSatisfy({ $0.lines.isEmpty }) {
            throw UserFacingError(
                "no \(chosenMetrics.map(\.name).joined(separator: ", ")) samples for \(names) between \(RecordedTime.text(start)) and \(RecordedTime.text(end)) in \(path)"
            )
        }
        let isHTML = output.map { $0.hasSuffix(".html") || $0.hasSuffix(".htm") } ?? false
        let text =
            isHTML ? HTMLChartPage.render(chart, width: Double(width)) : SVGChart.render(chart, width: Double(width))
        if let output {
            try writeOutputFile(Array(text.utf8), to: output)
        } else {
            try writeStandardOutput(Array(text.utf8))
        }
    }

    /// The local clock as it was at `unixSeconds` (one offset for the whole chart).
    static func localClock(at unixSeconds: Double) -> ChartClock {
        let offset = TimeText.Clock.system.utcOffsetSeconds(unixSeconds)
        if offset == 0 { return ChartClock(offsetSeconds: 0, name: "local, UTC") }
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600, minutes = abs(offset) % 3600 / 60
        return ChartClock(
            offsetSeconds: offset,
            name: "local, UTC\(sign)\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes)")
    }
}
