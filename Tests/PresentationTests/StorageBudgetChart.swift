import Presentation

/// The picture of the "Docker operations slowing down" incident (a storage burst budget spent
/// after about 5,000 container starts): IOPS fall to a floor while latency rises, against the
/// count of container starts. Synthetic: a budget drains over the first 40 minutes of an hour.
enum StorageBudgetChart {
    static let start = 1_764_763_200.0  // 2025-12-03 12:00:00 UTC
    static let drainedAt = start + 2400
    static let end = start + 3600

    static func chart(clock: ChartClock = .utc) -> TimeSeriesChart {
        let times = stride(from: start, through: end, by: 30).map { $0 }
        func iops(_ t: Double) -> Double { t < drainedAt ? 3000 : 100 }
        func latency(_ t: Double) -> Double { t < drainedAt ? 0.0008 : 0.0008 + min(t - drainedAt, 600) / 600 * 0.045 }
        let iopsLine = ChartLine(label: "registry", points: times.map { ChartPoint(timeSeconds: $0, value: iops($0)) })
        let latencyLine = ChartLine(
            label: "registry", points: times.map { ChartPoint(timeSeconds: $0, value: latency($0)) })
        // About 2 starts a second: 5,000 by the time the budget is spent.
        let starts = ChartLine(
            label: "container starts",
            points: times.map { ChartPoint(timeSeconds: $0, value: (($0 - start) * 2.1).rounded()) })
        return TimeSeriesChart(
            title: "registry: storage burst budget spent",
            startSeconds: start, endSeconds: end,
            panels: [
                ChartPanel(
                    title: "IOPS", unit: .operationsPerSecond, lines: [iopsLine],
                    limits: [ChartLimit(label: "gp2 baseline", value: 100)]),
                ChartPanel(title: "I/O latency", unit: .seconds, lines: [latencyLine]),
                ChartPanel(title: "container starts", unit: .count, style: .steps, lines: [starts])
            ],
            marks: [
                ChartMark(
                    timeSeconds: drainedAt + 60, endSeconds: end, severity: .critical,
                    text: "registry: IOPS fell to a floor (100 op/s) while latency rose")
            ],
            clock: clock)
    }
}
