/// One cell of a result table, typed as LAMI 1.0 types cells so the same report renders as
/// text, JSON and LAMI.
public enum ReportValue: Sendable, Equatable {
    case integer(Int64)
    case number(Double)
    /// 0...1; printed as a percentage.
    case ratio(Double)
    case timestamp(UInt64)
    /// Nanoseconds.
    case duration(UInt64)
    case size(UInt64)
    case string(String)
    case process(name: String, pid: Int32?, tid: Int32?)
    case cpu(Int)
    case irq(hard: Bool, number: Int, name: String)
    case syscall(String)
    case disk(String)
    case fileDescriptor(Int64)
    case path(String)
    case empty
}

/// A column: its title, LAMI class and, for `number` columns, the unit of the count (durations
/// are always nanoseconds, sizes bytes, as LAMI defines them).
public struct ReportColumn: Sendable, Equatable {
    public var title: String
    /// LAMI data class: `number`, `ratio`, `duration`, `timestamp`, `size`, `string`, `process`,
    /// `cpu`, `irq`, `syscall`, `disk`, `fd`, `path`, `unknown`.
    public var lamiClass: String
    public var unit: String?

    public init(_ title: String, _ lamiClass: String, unit: String? = nil) {
        self.title = title
        self.lamiClass = lamiClass
        self.unit = unit
    }
}

/// The shape of a table an analysis can produce (what `--lami --metadata` declares).
public struct ReportTableClass: Sendable, Equatable {
    public var name: String
    public var title: String
    public var columns: [ReportColumn]

    public init(name: String, title: String, columns: [ReportColumn]) {
        self.name = name
        self.title = title
        self.columns = columns
    }
}

/// A filled table.
public struct ReportTable: Sendable, Equatable {
    public var tableClass: ReportTableClass
    /// Overrides the class title (per-group tables: "Syscalls of nginx (1234)").
    public var title: String
    public var rows: [[ReportValue]]

    public init(_ tableClass: ReportTableClass, title: String? = nil, rows: [[ReportValue]] = []) {
        self.tableClass = tableClass
        self.title = title ?? tableClass.title
        self.rows = rows
    }
}

/// A distribution shown with `--freq`.
public struct ReportHistogram: Sendable, Equatable {
    public enum Buckets: Sendable, Equatable {
        case log2(Log2Histogram)
        case linear(LinearHistogram)
    }

    public var title: String
    /// Unit the values were divided by before bucketing (`usecs`), and its size in ns.
    public var unit: String
    public var buckets: Buckets

    public init(title: String, unit: String, buckets: Buckets) {
        self.title = title
        self.unit = unit
        self.buckets = buckets
    }
}

/// The result of one analysis over one trace.
public struct AnalysisReport: Sendable, Equatable {
    public var analysis: String
    public var begin: UInt64
    public var end: UInt64
    public var tables: [ReportTable] = []
    public var histograms: [ReportHistogram] = []
    /// Lines said before the tables (events lost, missing event classes).
    public var notes: [String] = []
    public var eventCount: UInt64 = 0
    public var lostEvents: UInt64 = 0

    public init(analysis: String, begin: UInt64, end: UInt64) {
        self.analysis = analysis
        self.begin = begin
        self.end = end
    }

    /// The table of a class, for tests and callers.
    public func table(_ name: String) -> ReportTable? { tables.first { $0.tableClass.name == name } }
}
