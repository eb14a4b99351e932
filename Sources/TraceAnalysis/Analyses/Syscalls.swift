/// Count, errors and duration per syscall, per process and per container; the slowest calls
/// with their decoded arguments.
public struct Syscalls: KernelEventHandler {
    struct Key: Hashable {
        var group: Int32
        var syscall: Int32
    }

    struct Totals {
        var statistics = DurationStatistics()
        var errors: UInt64 = 0
    }

    struct Entry {
        var thread: Int32
        var call: SyscallInterval
    }

    public static var tableClasses: [ReportTableClass] {
        let statistics = DurationReporting(options: AnalysisOptions()).statisticColumns
        return [
            ReportTableClass(
                name: "syscalls", title: "Per-syscall statistics",
                columns: [ReportColumn("Syscall", "syscall"), ReportColumn("Errors", "number")] + statistics),
            ReportTableClass(
                name: "syscalls-per-container", title: "Per-container syscall statistics",
                columns: [
                    ReportColumn("Container", "string"), ReportColumn("Syscall", "syscall"),
                    ReportColumn("Errors", "number")
                ] + statistics),
            ReportTableClass(
                name: "syscalls-per-process", title: "Per-process syscall statistics",
                columns: [
                    ReportColumn("Process", "process"), ReportColumn("Container", "string"),
                    ReportColumn("Syscall", "syscall"),
                    ReportColumn("Errors", "number")
                ] + statistics),
            ReportTableClass(
                name: "syscalls-log", title: "Slowest syscalls",
                columns: [
                    ReportColumn("Begin", "timestamp"), ReportColumn("Duration", "duration"),
                    ReportColumn("Syscall", "syscall"),
                    ReportColumn("Return", "number"), ReportColumn("Process", "process"),
                    ReportColumn("Container", "string"),
                    ReportColumn("FD", "fd"), ReportColumn("Count", "number"), ReportColumn("Filename", "path")
                ])
        ]
    }

    let options: AnalysisOptions
    private var perSyscall: [Int32: Totals] = [:]
    private var perContainer: [Key: Totals] = [:]
    private var perProcess: [Key: Totals] = [:]
    private var processContainer: [Int32: Int32] = [:]
    private var distribution: DurationDistribution
    private var log: EventLog<Entry>
    private var begin: UInt64 = 0
    private var end: UInt64 = 0

    public var eventInterests: KernelEventInterests { .syscalls }

    public init(options: AnalysisOptions) {
        self.options = options
        distribution = DurationDistribution(options: options)
        log = EventLog(options: options) { $0.call.duration }
    }

    public mutating func syscallEnded(
        at time: UInt64, cpu: Int, thread: Int32, call: SyscallInterval, state: KernelState
    ) {
        guard options.filter.accepts(duration: call.duration), options.filter.accepts(thread: thread, in: state) else {
            return
        }
        let threadState = state.threads[Int(thread)]
        let failed = call.returnValue < 0 && call.returnValue > -4096
        func add(_ totals: inout Totals) {
            totals.statistics.add(call.duration)
            if failed { totals.errors += 1 }
        }
        add(&perSyscall[call.syscall, default: Totals()])
        add(&perContainer[Key(group: threadState.container, syscall: call.syscall), default: Totals()])
        add(&perProcess[Key(group: threadState.pid, syscall: call.syscall), default: Totals()])
        processContainer[threadState.pid] = threadState.container
        distribution.add(nanoseconds: call.duration)
        log.add(Entry(thread: thread, call: call))
    }

    public mutating func traceEnded(at time: UInt64, state: KernelState) {
        begin = state.firstTimestamp
        end = time
    }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "syscalls", begin: begin, end: end)
        let classes = Self.tableClasses
        let reporting = DurationReporting(options: options)
        func row(_ totals: Totals) -> [ReportValue] {
            [.integer(Int64(totals.errors))] + DurationReporting.cells(totals.statistics)
        }
        if options.showsStatistics {
            report.tables.append(
                ReportTable(
                    classes[0],
                    rows: reporting.limited(
                        perSyscall.sorted { ($0.value.statistics.count, $1.key) > ($1.value.statistics.count, $0.key) }
                    ).map {
                        [.syscall(state.syscallNames[Int($0.key)])] + row($0.value)
                    }))
            report.tables.append(
                ReportTable(
                    classes[1],
                    rows: reporting.limited(
                        perContainer.sorted {
                            ($0.key.group, $1.value.statistics.count, $0.key.syscall) < (
                                $1.key.group, $0.value.statistics.count, $1.key.syscall
                            )
                        }
                    ).map {
                        [
                            .string(state.containers[Int($0.key.group)].name),
                            .syscall(state.syscallNames[Int($0.key.syscall)])
                        ] + row($0.value)
                    }))
            report.tables.append(
                ReportTable(
                    classes[2],
                    rows: reporting.limited(
                        perProcess.sorted {
                            ($0.value.statistics.count, $1.key.group, $1.key.syscall) > (
                                $1.value.statistics.count, $0.key.group, $0.key.syscall
                            )
                        }
                    ).map {
                        [
                            .process(name: state.processName(pid: $0.key.group), pid: $0.key.group, tid: nil),
                            .string(state.containers[Int(processContainer[$0.key.group] ?? 0)].name),
                            .syscall(state.syscallNames[Int($0.key.syscall)])
                        ] + row($0.value)
                    }))
        }
        if options.log {
            report.tables.append(
                ReportTable(
                    classes[3],
                    rows: log.ordered().map { entry in
                        let thread = state.threads[Int(entry.thread)]
                        return [
                            .timestamp(entry.call.begin), .duration(entry.call.duration),
                            .syscall(state.syscallNames[Int(entry.call.syscall)]),
                            .integer(entry.call.returnValue),
                            .process(name: thread.comm, pid: thread.pid, tid: thread.tid),
                            .string(state.containers[Int(thread.container)].name),
                            entry.call.fileDescriptor >= 0 ? .fileDescriptor(entry.call.fileDescriptor) : .empty,
                            entry.call.byteCount >= 0 ? .integer(entry.call.byteCount) : .empty,
                            entry.call.fileName.map { .path($0) } ?? state.fileNames[
                                KernelState.FileKey(pid: thread.pid, fd: entry.call.fileDescriptor)
                            ].map { .path($0) } ?? .empty
                        ]
                    }))
        }
        if options.frequency {
            report.histograms.append(
                reporting.histogram(
                    title: "Syscall duration distribution", values: distribution.log2,
                    linear: distribution.linear(buckets: options.frequencyBuckets)))
        }
        return report
    }
}
