import Reporting

/// Tick times for the time axis: round steps of the clock (every 10 s, 5 min, 1 h, 1 day) that
/// give about `targetCount` labels, aligned to the clock's midnight, labelled `HH:MM` or
/// `HH:MM:SS`, with the date written at the first tick and where the day changes.
package struct TimeTicks: Sendable, Equatable {
    /// One tick.
    package struct Tick: Sendable, Equatable {
        /// Seconds since the Unix epoch.
        package var timeSeconds: Double
        /// The label under the axis.
        package var label: String
        /// The date ("2026-12-03") when this tick starts the axis or a new day.
        package var dateLabel: String?
    }

    /// The ticks, in time order.
    package var ticks: [Tick]
    /// Seconds between ticks.
    package var stepSeconds: Double

    private static let steps: [Double] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800
    ]

    /// Ticks over `start...end` (Unix seconds) written in `clock`.
    package init(start: Double, end: Double, clock: ChartClock, targetCount: Int = 8) {
        let span = max(end - start, 1)
        let step = Self.steps.first { span / $0 <= Double(targetCount) } ?? Self.steps[Self.steps.count - 1]
        stepSeconds = step
        let offset = Double(clock.offsetSeconds)
        var local = ((start + offset) / step).rounded(.up) * step
        var ticks: [Tick] = []
        var previousDay: Int64?
        while local <= end + offset + 1e-6 {
            let civil = CivilTime(localSeconds: local)
            let day = civil.dayNumber
            let label = step < 60 || civil.second != 0 ? civil.hourMinuteSecond : civil.hourMinute
            ticks.append(
                Tick(timeSeconds: local - offset, label: label, dateLabel: previousDay == day ? nil : civil.date))
            previousDay = day
            local += step
        }
        self.ticks = ticks
    }
}
