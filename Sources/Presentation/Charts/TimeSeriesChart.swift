/// What a chart shows: panels of time series over one time range, with the findings marked on
/// the time axis. A value built by the caller (from the store, from a test); the renderers read
/// nothing else.
package struct TimeSeriesChart: Sendable, Equatable {
    /// The line above the panels.
    package var title: String
    /// Seconds since the Unix epoch of the left edge.
    package var startSeconds: Double
    /// Seconds since the Unix epoch of the right edge.
    package var endSeconds: Double
    /// One panel per metric, top to bottom.
    package var panels: [ChartPanel]
    /// Findings (or any event worth a mark) drawn across every panel at their time.
    package var marks: [ChartMark]
    /// How times on the axis are written.
    package var clock: ChartClock

    /// Creates a value from its fields.
    package init(
        title: String, startSeconds: Double, endSeconds: Double, panels: [ChartPanel], marks: [ChartMark] = [],
        clock: ChartClock = .utc
    ) {
        self.title = title
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.panels = panels
        self.marks = marks
        self.clock = clock
    }
}

/// One metric: its lines (one per container, or the host), its limits and its unit.
package struct ChartPanel: Sendable, Equatable {
    /// How the panel's lines are drawn.
    package enum Style: String, Sendable, Equatable {
        /// Straight segments between samples (rates, levels).
        case lines
        /// Steps holding each value until the next (counts of events such as container starts).
        case steps
    }

    /// The metric's name, shown at the panel's top left ("IOPS", "I/O latency").
    package var title: String
    /// The unit of every value, which picks the tick labels.
    package var unit: ChartUnit
    /// How the lines are drawn.
    package var style: Style
    /// The series.
    package var lines: [ChartLine]
    /// Horizontal lines at a limit (a CPU cap, a memory limit), dashed.
    package var limits: [ChartLimit]

    /// Creates a value from its fields.
    package init(title: String, unit: ChartUnit, style: Style = .lines, lines: [ChartLine], limits: [ChartLimit] = []) {
        self.title = title
        self.unit = unit
        self.style = style
        self.lines = lines
        self.limits = limits
    }
}

/// One series: a container's (or the host's) values over time.
package struct ChartLine: Sendable, Equatable {
    /// The name on the legend and at the line's end (a container name).
    package var label: String
    /// The samples, oldest first.
    package var points: [ChartPoint]

    /// Creates a value from its fields.
    package init(label: String, points: [ChartPoint]) {
        self.label = label
        self.points = points
    }
}

/// One sample of a series.
package struct ChartPoint: Sendable, Equatable {
    /// Seconds since the Unix epoch.
    package var timeSeconds: Double
    /// The value in the panel's unit.
    package var value: Double

    /// Creates a value from its fields.
    package init(timeSeconds: Double, value: Double) {
        self.timeSeconds = timeSeconds
        self.value = value
    }
}

/// A limit drawn as a dashed horizontal line, in the colour of the line it limits.
package struct ChartLimit: Sendable, Equatable {
    /// What is limited and by what ("shop cap").
    package var label: String
    /// The limit in the panel's unit.
    package var value: Double
    /// The label of the line it belongs to, for its colour; nil draws it grey.
    package var lineLabel: String?

    /// Creates a value from its fields.
    package init(label: String, value: Double, lineLabel: String? = nil) {
        self.label = label
        self.value = value
        self.lineLabel = lineLabel
    }
}

/// A finding (or another moment worth seeing) marked on the time axis of every panel.
package struct ChartMark: Sendable, Equatable {
    /// How loud the mark is drawn.
    package enum Severity: String, Sendable, Equatable {
        case info, warning, critical
    }

    /// Seconds since the Unix epoch.
    package var timeSeconds: Double
    /// The end of the span the mark covers, when it is one (a finding over a window).
    package var endSeconds: Double?
    /// How loud.
    package var severity: Severity
    /// The one line listed under the chart for it.
    package var text: String

    /// Creates a value from its fields.
    package init(timeSeconds: Double, endSeconds: Double? = nil, severity: Severity, text: String) {
        self.timeSeconds = timeSeconds
        self.endSeconds = endSeconds
        self.severity = severity
        self.text = text
    }
}

/// The clock the time axis is written in.
package struct ChartClock: Sendable, Equatable {
    /// Seconds east of UTC (3600 for UTC+01:00).
    package var offsetSeconds: Int
    /// Shown beside the axis ("UTC", "local UTC+01:00").
    package var name: String

    /// Creates a value from its fields.
    package init(offsetSeconds: Int, name: String) {
        self.offsetSeconds = offsetSeconds
        self.name = name
    }

    /// UTC.
    package static let utc = ChartClock(offsetSeconds: 0, name: "UTC")
}
