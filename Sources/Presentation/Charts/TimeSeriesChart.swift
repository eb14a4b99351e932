/// What a chart shows: panels of time series over one time range, with the findings marked on
/// the time axis. A value built by the caller (from the store, from a test); the renderers read
/// nothing else.
public struct TimeSeriesChart: Sendable, Equatable {
    /// The line above the panels.
    public var title: String
    /// Seconds since the Unix epoch of the left edge.
    public var startSeconds: Double
    /// Seconds since the Unix epoch of the right edge.
    public var endSeconds: Double
    /// One panel per metric, top to bottom.
    public var panels: [ChartPanel]
    /// Findings (or any event worth a mark) drawn across every panel at their time.
    public var marks: [ChartMark]
    /// How times on the axis are written.
    public var clock: ChartClock

    /// Creates a value from its fields.
    public init(title: String, startSeconds: Double, endSeconds: Double, panels: [ChartPanel], marks: [ChartMark] = [],
                clock: ChartClock = .utc) {
        self.title = title
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.panels = panels
        self.marks = marks
        self.clock = clock
    }
}

/// One metric: its lines (one per container, or the host), its limits and its unit.
public struct ChartPanel: Sendable, Equatable {
    /// How the panel's lines are drawn.
    public enum Style: String, Sendable, Equatable {
        /// Straight segments between samples (rates, levels).
        case lines
        /// Steps holding each value until the next (counts of events such as container starts).
        case steps
    }

    /// The metric's name, shown at the panel's top left ("IOPS", "I/O latency").
    public var title: String
    /// The unit of every value, which picks the tick labels.
    public var unit: ChartUnit
    /// How the lines are drawn.
    public var style: Style
    /// The series.
    public var lines: [ChartLine]
    /// Horizontal lines at a limit (a CPU cap, a memory limit), dashed.
    public var limits: [ChartLimit]

    /// Creates a value from its fields.
    public init(title: String, unit: ChartUnit, style: Style = .lines, lines: [ChartLine], limits: [ChartLimit] = []) {
        self.title = title
        self.unit = unit
        self.style = style
        self.lines = lines
        self.limits = limits
    }
}

/// One series: a container's (or the host's) values over time.
public struct ChartLine: Sendable, Equatable {
    /// The name on the legend and at the line's end (a container name).
    public var label: String
    /// The samples, oldest first.
    public var points: [ChartPoint]

    /// Creates a value from its fields.
    public init(label: String, points: [ChartPoint]) {
        self.label = label
        self.points = points
    }
}

/// One sample of a series.
public struct ChartPoint: Sendable, Equatable {
    /// Seconds since the Unix epoch.
    public var timeSeconds: Double
    /// The value in the panel's unit.
    public var value: Double

    /// Creates a value from its fields.
    public init(timeSeconds: Double, value: Double) {
        self.timeSeconds = timeSeconds
        self.value = value
    }
}

/// A limit drawn as a dashed horizontal line, in the colour of the line it limits.
public struct ChartLimit: Sendable, Equatable {
    /// What is limited and by what ("shop cap").
    public var label: String
    /// The limit in the panel's unit.
    public var value: Double
    /// The label of the line it belongs to, for its colour; nil draws it grey.
    public var lineLabel: String?

    /// Creates a value from its fields.
    public init(label: String, value: Double, lineLabel: String? = nil) {
        self.label = label
        self.value = value
        self.lineLabel = lineLabel
    }
}

/// A finding (or another moment worth seeing) marked on the time axis of every panel.
public struct ChartMark: Sendable, Equatable {
    /// How loud the mark is drawn.
    public enum Severity: String, Sendable, Equatable {
        case info, warning, critical
    }

    /// Seconds since the Unix epoch.
    public var timeSeconds: Double
    /// The end of the span the mark covers, when it is one (a finding over a window).
    public var endSeconds: Double?
    /// How loud.
    public var severity: Severity
    /// The one line listed under the chart for it.
    public var text: String

    /// Creates a value from its fields.
    public init(timeSeconds: Double, endSeconds: Double? = nil, severity: Severity, text: String) {
        self.timeSeconds = timeSeconds
        self.endSeconds = endSeconds
        self.severity = severity
        self.text = text
    }
}

/// The clock the time axis is written in.
public struct ChartClock: Sendable, Equatable {
    /// Seconds east of UTC (3600 for UTC+01:00).
    public var offsetSeconds: Int
    /// Shown beside the axis ("UTC", "local UTC+01:00").
    public var name: String

    /// Creates a value from its fields.
    public init(offsetSeconds: Int, name: String) {
        self.offsetSeconds = offsetSeconds
        self.name = name
    }

    /// UTC.
    public static let utc = ChartClock(offsetSeconds: 0, name: "UTC")
}
