/// Wake-up to run latency (run-queue latency) per thread, process, container and priority.
public struct SchedLatency: KernelEventHandler {
    struct Entry {
        var wakeup: UInt64
        var switchIn: UInt64
        var thread: Int32
        var waker: Int32
        var priority: Int32
        var cpu: Int
        var latency: UInt64 { switchIn - wakeup }
    }

    public static var tableClasses: [ReportTableClass] {
        let statistics = DurationReporting(options: AnalysisOptions()).statisticColumns
        return [
            ReportTableClass(name: "sched-stats", title: "Scheduling latency stats", columns: statistics),
            ReportTableClass(
                name: "sched-per-container", title: "Scheduling latency stats per container",
                columns: [ReportColumn("Container", "string")] + statistics),
            ReportTableClass(
                name: "sched-per-process", title: "Scheduling latency stats per process",
                columns: [ReportColumn("Process", "process"), ReportColumn("Container", "string")] + statistics),
            ReportTableClass(
                name: "sched-per-priority", title: "Scheduling latency stats per priority",
                columns: [ReportColumn("Priority", "number")] + statistics),
            ReportTableClass(
                name: "sched-log", title: "Scheduling latency log",
                columns: [
                    ReportColumn("Wakeup", "timestamp"), ReportColumn("Switch", "timestamp"),
                    ReportColumn("Latency", "duration"),
                    ReportColumn("Priority", "number"), ReportColumn("CPU", "cpu"), ReportColumn("Wakee", "process"),
                    ReportColumn("Container", "string"), ReportColumn("Waker", "process")
                ])
        ]
    }

    let options: AnalysisOptions
    private var all = DurationStatistics()
    private var perContainer: [Int32: DurationStatistics] = [:]
    private var perProcess: [Int32: (statistics: DurationStatistics, container: Int32)] = [:]
    private var perPriority: [Int32: DurationStatistics] = [:]
    private var distribution: DurationDistribution
    private var containerDistributions: [Int32: DurationDistribution] = [:]
    private var log: EventLog<Entry>
    private var begin: UInt64 = 0
    private var end: UInt64 = 0
    /// Wake-ups stamped after the switch that ran their thread: left out, and reported.
    private var wakeupsAfterSwitch = 0

    /// Scheduling only: the replay skips syscalls, interrupts, block and page events.
    public var eventInterests: KernelEventInterests { [] }

    public init(options: AnalysisOptions) {
        self.options = options
        distribution = DurationDistribution(options: options)
        log = EventLog(options: options) { $0.latency }
    }

    public mutating func scheduled(
        at time: UInt64, cpu: Int, thread: Int32, wakeupTime: UInt64, waker: Int32, state: KernelState
    ) {
        // Sources deliver times in order, but a corrupt wake-up can still name a later time.
        guard time >= wakeupTime else {
            wakeupsAfterSwitch += 1
            return
        }
        let latency = time - wakeupTime
        guard options.filter.accepts(duration: latency), options.filter.accepts(thread: thread, in: state) else {
            return
        }
        let threadState = state.threads[Int(thread)]
        if threadState.tid == 0 { return }
        all.add(latency)
        perContainer[threadState.container, default: DurationStatistics()].add(latency)
        perProcess[threadState.pid, default: (DurationStatistics(), threadState.container)].statistics.add(latency)
        perPriority[threadState.priority, default: DurationStatistics()].add(latency)
        distribution.add(nanoseconds: latency)
        if options.perContainer {
            containerDistributions[threadState.container, default: DurationDistribution(options: options)].add(
                nanoseconds: latency)
        }
        log.add(
            Entry(
                wakeup: wakeupTime, switchIn: time, thread: thread, waker: waker, priority: threadState.priority,
                cpu: cpu))
    }

    public mutating func traceBegan(state: KernelState) {}

    public mutating func traceEnded(at time: UInt64, state: KernelState) {
        end = time
        begin = state.firstTimestamp
    }

    /// Overall statistics, for tests and callers.
    public var statistics: DurationStatistics { all }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "schedlat", begin: begin, end: end)
        if wakeupsAfterSwitch > 0 {
            report.notes.append(
                "note: \(wakeupsAfterSwitch) wake-ups were stamped after the switch that ran their thread (corrupt times): left out"
            )
        }
        let classes = Self.tableClasses
        let reporting = DurationReporting(options: options)
        if options.showsStatistics {
            report.tables.append(ReportTable(classes[0], rows: [DurationReporting.cells(all)]))
            report.tables.append(
                ReportTable(
                    classes[1],
                    rows: perContainer.sorted { ($0.value.maximum, $1.key) > ($1.value.maximum, $0.key) }.map {
                        index, statistics in
                        [.string(state.containers[Int(index)].name)] + DurationReporting.cells(statistics)
                    }))
            report.tables.append(
                ReportTable(
                    classes[2],
                    rows: reporting.limited(
                        perProcess.sorted {
                            ($0.value.statistics.maximum, $1.key) > ($1.value.statistics.maximum, $0.key)
                        }
                    ).map { pid, entry in
                        [
                            .process(name: state.processName(pid: pid), pid: pid, tid: nil),
                            .string(state.containers[Int(entry.container)].name)
                        ]
                            + DurationReporting.cells(entry.statistics)
                    }))
            report.tables.append(
                ReportTable(
                    classes[3],
                    rows: perPriority.sorted { $0.key < $1.key }.map { priority, statistics in
                        [.integer(Int64(priority))] + DurationReporting.cells(statistics)
                    }))
        }
        if options.log {
            report.tables.append(
                ReportTable(
                    classes[4],
                    rows: log.ordered().map { entry in
                        let wakee = state.threads[Int(entry.thread)]
                        let waker: ReportValue =
                            entry.waker >= 0
                            ? .process(
                                name: state.threads[Int(entry.waker)].comm, pid: state.threads[Int(entry.waker)].pid,
                                tid: state.threads[Int(entry.waker)].tid) : .empty
                        return [
                            .timestamp(entry.wakeup), .timestamp(entry.switchIn), .duration(entry.latency),
                            .integer(Int64(entry.priority)),
                            .cpu(entry.cpu), .process(name: wakee.comm, pid: wakee.pid, tid: wakee.tid),
                            .string(state.containers[Int(wakee.container)].name), waker
                        ]
                    }))
        }
        if options.frequency {
            report.histograms.append(
                reporting.histogram(
                    title: "Scheduling latency distribution", values: distribution.log2,
                    linear: distribution.linear(buckets: options.frequencyBuckets)))
            for (index, containerDistribution) in containerDistributions.sorted(by: { $0.key < $1.key }) {
                let container = state.containers[Int(index)]
                report.histograms.append(
                    reporting.histogram(
                        title: "container = \(container.name) (pidns \(container.pidNamespace))",
                        values: containerDistribution.log2,
                        linear: containerDistribution.linear(buckets: options.frequencyBuckets)))
            }
        }
        return report
    }
}
