/// CPU time per thread, process, container and CPU, with migrations and priorities ("LTTng: the road to container awareness" (FOSDEM 2018)'s
/// per-TID, per-CPU and per-container usage tables).
public struct CPUTop: KernelEventHandler {
    public static let tableClasses = [
        ReportTableClass(
            name: "per-tid", title: "Per-TID Usage",
            columns: [
                ReportColumn("Usage", "ratio"), ReportColumn("Process", "process"), ReportColumn("Container", "string"),
                ReportColumn("Migrations", "number"), ReportColumn("Priorities", "string")
            ]),
        ReportTableClass(
            name: "per-process", title: "Per-Process Usage",
            columns: [
                ReportColumn("Usage", "ratio"), ReportColumn("Process", "process"), ReportColumn("Container", "string"),
                ReportColumn("Threads", "number")
            ]),
        ReportTableClass(
            name: "per-container", title: "Per-Container Usage",
            columns: [
                ReportColumn("Usage", "ratio"), ReportColumn("Container", "string"), ReportColumn("Type", "string"),
                ReportColumn("CPU time", "duration")
            ]),
        ReportTableClass(
            name: "per-cpu", title: "Per-CPU Usage",
            columns: [ReportColumn("Usage", "ratio"), ReportColumn("CPU", "cpu")])
    ]

    let options: AnalysisOptions
    /// Per thread index: CPU time, migrations, priorities seen (a few at most).
    private var cpuTime: ContiguousArray<UInt64> = []
    private var migrations: ContiguousArray<UInt32> = []
    private var priorities: [Int32: [Int32]] = [:]
    private var lastPriority: ContiguousArray<Int32> = []
    private var cpuBusy: ContiguousArray<UInt64> = []
    private var begin: UInt64 = 0
    private var end: UInt64 = 0

    /// Scheduling only: the replay skips syscalls, interrupts, block and page events.
    public var eventInterests: KernelEventInterests { [] }

    public init(options: AnalysisOptions) {
        self.options = options
    }

    public mutating func traceBegan(state: KernelState) {
        cpuBusy = ContiguousArray(repeating: 0, count: max(state.cpuCount, 1))
    }

    @inline(__always)
    private mutating func charge(_ thread: Int32, cpu: Int, from start: UInt64, to stop: UInt64, state: KernelState) {
        guard thread >= 0, stop > start else { return }
        if begin == 0 || start < begin { begin = start }
        let index = Int(thread)
        if index >= cpuTime.count {
            let add = max(index + 1, cpuTime.count * 2, 256) - cpuTime.count
            cpuTime.append(contentsOf: repeatElement(0, count: add))
            migrations.append(contentsOf: repeatElement(0, count: add))
        }
        cpuTime[index] &+= stop - start
        if cpu >= 0, state.tid(of: thread) != 0 {
            if cpu >= cpuBusy.count { cpuBusy.append(contentsOf: repeatElement(0, count: cpu + 1 - cpuBusy.count)) }
            cpuBusy[cpu] &+= stop - start
        }
    }

    public mutating func switched(
        at time: UInt64, cpu: Int, previous: Int32, ranSince: UInt64, previousState: Int64, next: Int32,
        state: KernelState
    ) {
        charge(previous, cpu: cpu, from: ranSince, to: time, state: state)
        if begin == 0 { begin = time }
        guard next >= 0 else { return }
        let priority = state.priority(of: next)
        // Priorities rarely change: look at the set only when this one differs from the last seen.
        let index = Int(next)
        if index >= lastPriority.count {
            lastPriority.append(
                contentsOf: repeatElement(
                    Int32.min, count: max(index + 1, lastPriority.count * 2, 256) - lastPriority.count))
        }
        if lastPriority[index] != priority {
            lastPriority[index] = priority
            if priorities[next]?.contains(priority) != true { priorities[next, default: []].append(priority) }
        }
    }

    public mutating func stillRunning(at time: UInt64, cpu: Int, thread: Int32, since: UInt64, state: KernelState) {
        charge(thread, cpu: cpu, from: since, to: time, state: state)
    }

    public mutating func migrated(at time: UInt64, thread: Int32, to cpu: Int, state: KernelState) {
        let index = Int(thread)
        if index >= migrations.count {
            let add = max(index + 1, migrations.count * 2, 256) - migrations.count
            cpuTime.append(contentsOf: repeatElement(0, count: add))
            migrations.append(contentsOf: repeatElement(0, count: add))
        }
        migrations[index] += 1
    }

    public mutating func traceEnded(at time: UInt64, state: KernelState) {
        end = time
        if begin == 0 { begin = state.firstTimestamp }
    }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "cputop", begin: begin, end: end)
        let duration = Double(max(end &- begin, 1))
        let filter = options.filter
        var perThread: [(index: Int, time: UInt64)] = []
        var perProcess: [Int32: (time: UInt64, threads: Int, container: Int32)] = [:]
        var perContainer: [Int32: UInt64] = [:]
        for (index, time) in cpuTime.enumerated() where time > 0 {
            let thread = state.threads[index]
            guard thread.tid != 0, filter.accepts(thread: Int32(index), in: state) else { continue }
            perThread.append((index, time))
            perProcess[thread.pid, default: (0, 0, thread.container)].time += time
            perProcess[thread.pid]!.threads += 1
            perContainer[thread.container, default: 0] += time
        }
        let reporting = DurationReporting(options: options)
        var threads = ReportTable(Self.tableClasses[0])
        for entry in reporting.limited(perThread.sorted { $0.time > $1.time }) {
            let thread = state.threads[entry.index]
            let seen = (priorities[Int32(entry.index)] ?? [thread.priority]).map(String.init).joined(separator: ", ")
            threads.rows.append([
                .ratio(Double(entry.time) / duration), .process(name: thread.comm, pid: thread.pid, tid: thread.tid),
                .string(state.containers[Int(thread.container)].name),
                .integer(Int64(entry.index < migrations.count ? migrations[entry.index] : 0)), .string("[\(seen)]")
            ])
        }
        var processes = ReportTable(Self.tableClasses[1])
        for (pid, entry) in reporting.limited(perProcess.sorted { ($0.value.time, $1.key) > ($1.value.time, $0.key) }) {
            processes.rows.append([
                .ratio(Double(entry.time) / duration), .process(name: state.processName(pid: pid), pid: pid, tid: nil),
                .string(state.containers[Int(entry.container)].name), .integer(Int64(entry.threads))
            ])
        }
        var containers = ReportTable(Self.tableClasses[2])
        for (index, time) in perContainer.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            let container = state.containers[Int(index)]
            let label = container.pidNamespace != 0 ? "\(container.name) (\(container.pidNamespace))" : container.name
            containers.rows.append([
                .ratio(Double(time) / duration), .string(label), .string(container.runtime), .duration(time)
            ])
        }
        var cpus = ReportTable(Self.tableClasses[3])
        for (cpu, busy) in cpuBusy.enumerated() where filter.accepts(cpu: cpu) {
            cpus.rows.append([.ratio(Double(busy) / duration), .cpu(cpu)])
        }
        report.tables = [threads, processes, containers, cpus]
        return report
    }
}
