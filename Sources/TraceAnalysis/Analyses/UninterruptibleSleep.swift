/// Uninterruptible sleeps (D state) per thread and container, with durations and the waker:
/// what the Red Hat container performance posts found with a `ps` loop, from the scheduler's own events.
public struct UninterruptibleSleep: KernelEventHandler {
    struct Entry {
        var begin: UInt64
        var end: UInt64
        var thread: Int32
        var waker: Int32
        var duration: UInt64 { end - begin }
    }

    public static var tableClasses: [ReportTableClass] {
        let statistics = DurationReporting(options: AnalysisOptions()).statisticColumns
        return [
            ReportTableClass(
                name: "dstate-per-thread", title: "D-state sleeps per thread",
                columns: [
                    ReportColumn("Process", "process"), ReportColumn("Container", "string"),
                    ReportColumn("Total", "duration")
                ] + statistics),
            ReportTableClass(
                name: "dstate-per-container", title: "D-state sleeps per container",
                columns: [
                    ReportColumn("Container", "string"), ReportColumn("Total", "duration")
                ] + statistics),
            ReportTableClass(
                name: "dstate-log", title: "D-state sleeps",
                columns: [
                    ReportColumn("Begin", "timestamp"), ReportColumn("End", "timestamp"),
                    ReportColumn("Duration", "duration"),
                    ReportColumn("Process", "process"), ReportColumn("Container", "string"),
                    ReportColumn("Waker", "process")
                ])
        ]
    }

    let options: AnalysisOptions
    private var perThread: [Int32: DurationStatistics] = [:]
    private var perContainer: [Int32: DurationStatistics] = [:]
    private var distribution: DurationDistribution
    private var log: EventLog<Entry>
    private var begin: UInt64 = 0
    private var end: UInt64 = 0

    /// Scheduling only: the replay skips syscalls, interrupts, block and page events.
    public var eventInterests: KernelEventInterests { [] }

    public init(options: AnalysisOptions) {
        self.options = options
        distribution = DurationDistribution(options: options)
        log = EventLog(options: options) { $0.duration }
    }

    public mutating func uninterruptibleSleepEnded(
        at time: UInt64, thread: Int32, since: UInt64, waker: Int32, state: KernelState
    ) {
        let duration = time - since
        guard options.filter.accepts(duration: duration), options.filter.accepts(thread: thread, in: state) else {
            return
        }
        perThread[thread, default: DurationStatistics()].add(duration)
        perContainer[state.threads[Int(thread)].container, default: DurationStatistics()].add(duration)
        distribution.add(nanoseconds: duration)
        log.add(Entry(begin: since, end: time, thread: thread, waker: waker))
    }

    public mutating func traceEnded(at time: UInt64, state: KernelState) {
        begin = state.firstTimestamp
        end = time
    }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "dstate", begin: begin, end: end)
        let classes = Self.tableClasses
        let reporting = DurationReporting(options: options)
        func process(_ index: Int32) -> ReportValue {
            guard index >= 0 else { return .empty }
            let thread = state.threads[Int(index)]
            return .process(name: thread.comm, pid: thread.pid, tid: thread.tid)
        }
        if options.showsStatistics {
            report.tables.append(
                ReportTable(
                    classes[0],
                    rows: reporting.limited(perThread.sorted { ($0.value.total, $1.key) > ($1.value.total, $0.key) })
                        .map {
                            [process($0.key), .string(state.container(of: $0.key).name), .duration($0.value.total)]
                                + DurationReporting.cells($0.value)
                        }))
            report.tables.append(
                ReportTable(
                    classes[1],
                    rows: perContainer.sorted { ($0.value.total, $1.key) > ($1.value.total, $0.key) }.map {
                        [.string(state.containers[Int($0.key)].name), .duration($0.value.total)]
                            + DurationReporting.cells($0.value)
                    }))
        }
        if options.log {
            report.tables.append(
                ReportTable(
                    classes[2],
                    rows: log.ordered().map {
                        [
                            .timestamp($0.begin), .timestamp($0.end), .duration($0.duration), process($0.thread),
                            .string(state.container(of: $0.thread).name), process($0.waker)
                        ]
                    }))
        }
        if options.frequency {
            report.histograms.append(
                reporting.histogram(
                    title: "D-state duration distribution", values: distribution.log2,
                    linear: distribution.linear(buckets: options.frequencyBuckets)))
        }
        return report
    }
}
