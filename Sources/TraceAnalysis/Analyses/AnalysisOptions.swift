/// The output choices every analysis shares.
public struct AnalysisOptions: Sendable {
    public var filter = AnalysisFilter()
    /// Rows per table (and, with `log`, the slowest N events).
    public var top: Int?
    /// `--stats`: count, min, avg, max, stdev and percentiles.
    public var statistics = false
    /// `--freq`: distributions (log2 unless `frequencyBuckets`).
    public var frequency = false
    /// `--freq-resolution N`: N linear buckets between the minimum and maximum.
    public var frequencyBuckets: Int?
    /// `--log`: the individual events (slowest first with `top`).
    public var log = false
    /// `--per-container`: one distribution per container (bcc `runqlat --pidnss`).
    public var perContainer = false
    /// `memtop --count`: what the page tables count.
    public var memoryCount = MemoryCount.pages

    public init() {}

    /// Statistics are shown when nothing else was asked for.
    var showsStatistics: Bool { statistics || (!frequency && !log) }
}

/// What `memtop` counts. A page event of order n allocates or frees 2^n pages; lttng-memtop
/// counts the events (and calls them pages).
public enum MemoryCount: String, Sendable, CaseIterable {
    /// 2^order pages per event: the memory that moved.
    case pages
    /// One per `mm_page_alloc`/`mm_page_free` event, as lttng-memtop counts.
    case events
}

/// Builds the tables and histograms every duration analysis prints.
struct DurationReporting {
    let options: AnalysisOptions

    static let percentiles: [(String, Double)] = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)]

    /// Columns after the key columns: count, min, avg, max, stdev (+ percentiles).
    var statisticColumns: [ReportColumn] {
        [
            ReportColumn("Count", "number"), ReportColumn("Min", "duration"), ReportColumn("Avg", "duration"),
            ReportColumn("Max", "duration"), ReportColumn("Stdev", "duration")
        ]
            + Self.percentiles.map { ReportColumn($0.0, "duration") }
    }

    static func cells(_ statistics: DurationStatistics) -> [ReportValue] {
        guard statistics.count > 0 else {
            return [.integer(0), .empty, .empty, .empty, .empty] + percentiles.map { _ in .empty }
        }
        return [
            .integer(Int64(statistics.count)), .duration(statistics.minimum), .duration(nanoseconds(statistics.mean)),
            .duration(statistics.maximum), .duration(nanoseconds(statistics.standardDeviation))
        ]
            + percentiles.map { .duration(statistics.percentile($0.1)) }
    }

    /// A mean or deviation in whole ns; durations near 2^64 (a corrupt trace) round up to 2^64
    /// as a Double, which no UInt64 holds: clamp instead of trapping.
    static func nanoseconds(_ value: Double) -> UInt64 {
        let rounded = value.rounded()
        return rounded >= 0x1p64 ? .max : rounded > 0 ? UInt64(rounded) : 0
    }

    /// Rows sorted by a key, cut to `--top`.
    func limited<Row>(_ rows: [Row]) -> [Row] {
        guard let top = options.top, top >= 0 else { return rows }
        return Array(rows.prefix(top))
    }

    func histogram(title: String, values: Log2Histogram, linear: LinearHistogram?) -> ReportHistogram {
        if let linear { return ReportHistogram(title: title, unit: "usecs", buckets: .linear(linear)) }
        return ReportHistogram(title: title, unit: "usecs", buckets: .log2(values))
    }
}

/// A distribution of durations in microseconds, log2 and (with `--freq-resolution`) linear.
/// Linear buckets need the range first, so their values are kept until the report.
struct DurationDistribution {
    private(set) var log2 = Log2Histogram()
    private var values: [UInt64] = []
    private let keepsValues: Bool

    init(options: AnalysisOptions) {
        keepsValues = options.frequencyBuckets != nil
    }

    mutating func add(nanoseconds: UInt64) {
        let microseconds = nanoseconds / 1000
        log2.add(microseconds)
        if keepsValues { values.append(microseconds) }
    }

    func linear(buckets: Int?) -> LinearHistogram? {
        guard let buckets, let low = values.min(), let high = values.max() else { return nil }
        var histogram = LinearHistogram(lower: low, upper: high + 1, bucketCount: buckets)
        for value in values { histogram.add(value) }
        return histogram
    }
}

/// Keeps the events for `--log`: all of them in time order, or the slowest `limit` only.
struct EventLog<Entry> {
    private(set) var entries: [Entry] = []
    let limit: Int?
    let enabled: Bool
    let duration: (Entry) -> UInt64

    init(options: AnalysisOptions, duration: @escaping (Entry) -> UInt64) {
        self.enabled = options.log
        self.limit = options.top
        self.duration = duration
    }

    mutating func add(_ entry: Entry) {
        guard enabled else { return }
        entries.append(entry)
        // Trim now and then so memory stays near `limit` for --top.
        if let limit, entries.count >= max(limit * 2, 1024) { trim(to: limit) }
    }

    private mutating func trim(to limit: Int) {
        entries.sort { duration($0) > duration($1) }
        entries.removeLast(max(0, entries.count - limit))
    }

    /// Time order without `--top`, slowest first with it.
    func ordered() -> [Entry] {
        guard let limit else { return entries }
        return Array(entries.sorted { duration($0) > duration($1) }.prefix(limit))
    }
}
