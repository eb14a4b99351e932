/// Pages allocated and freed per thread, process and container ("LTTng: the road to container awareness" (FOSDEM 2018)'s memtop): 2^order
/// pages per page event, or (`--count events`) the events themselves as lttng-memtop counts them.
public struct MemTop: KernelEventHandler {
    public static var tableClasses: [ReportTableClass] { tableClasses(counting: .pages) }

    /// The tables' columns say what they count: pages, or allocation and free events.
    public static func tableClasses(counting count: MemoryCount) -> [ReportTableClass] {
        let amounts =
            count == .pages
            ? [ReportColumn("Allocated", "number", unit: "pages"), ReportColumn("Freed", "number", unit: "pages")]
            : [ReportColumn("Allocations", "number", unit: "events"), ReportColumn("Frees", "number", unit: "events")]
        return [
            ReportTableClass(
                name: "memtop-per-tid", title: "Per-TID memory allocations",
                columns: [ReportColumn("Process", "process"), ReportColumn("Container", "string")] + amounts),
            ReportTableClass(
                name: "memtop-per-process", title: "Per-process memory allocations",
                columns: [ReportColumn("Process", "process"), ReportColumn("Container", "string")] + amounts),
            ReportTableClass(
                name: "memtop-per-container", title: "Per-container memory allocations",
                columns: [ReportColumn("Container", "string"), ReportColumn("Type", "string")] + amounts),
            ReportTableClass(name: "memtop-total", title: "Total memory usage", columns: amounts)
        ]
    }

    let options: AnalysisOptions
    private var allocated: [Int32: UInt64] = [:]
    private var freed: [Int32: UInt64] = [:]
    private var begin: UInt64 = 0
    private var end: UInt64 = 0

    public var eventInterests: KernelEventInterests { .pages }

    public init(options: AnalysisOptions) {
        self.options = options
    }

    public mutating func pagesChanged(at time: UInt64, cpu: Int, thread: Int32, pages: Int, state: KernelState) {
        guard thread >= 0, options.filter.accepts(thread: thread, in: state) else { return }
        let amount = options.memoryCount == .pages ? UInt64(abs(pages)) : 1
        if pages > 0 { allocated[thread, default: 0] += amount } else { freed[thread, default: 0] += amount }
    }

    public mutating func traceEnded(at time: UInt64, state: KernelState) {
        begin = state.firstTimestamp
        end = time
    }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "memtop", begin: begin, end: end)
        let reporting = DurationReporting(options: options)
        let classes = Self.tableClasses(counting: options.memoryCount)
        var perThread: [Int32: (UInt64, UInt64)] = [:]
        for (thread, pages) in allocated { perThread[thread, default: (0, 0)].0 += pages }
        for (thread, pages) in freed { perThread[thread, default: (0, 0)].1 += pages }
        var perProcess: [Int32: (UInt64, UInt64, Int32)] = [:]
        var perContainer: [Int32: (UInt64, UInt64)] = [:]
        for (index, pages) in perThread {
            let thread = state.threads[Int(index)]
            perProcess[thread.pid, default: (0, 0, thread.container)].0 += pages.0
            perProcess[thread.pid]!.1 += pages.1
            perContainer[thread.container, default: (0, 0)].0 += pages.0
            perContainer[thread.container]!.1 += pages.1
        }
        let byAllocations: ((key: Int32, value: (UInt64, UInt64)), (key: Int32, value: (UInt64, UInt64))) -> Bool = {
            ($0.value.0 + $0.value.1, $1.key) > ($1.value.0 + $1.value.1, $0.key)
        }
        report.tables.append(
            ReportTable(
                classes[0],
                rows: reporting.limited(perThread.sorted(by: byAllocations)).map { index, pages in
                    let thread = state.threads[Int(index)]
                    return [
                        .process(name: thread.comm, pid: thread.pid, tid: thread.tid),
                        .string(state.containers[Int(thread.container)].name),
                        .integer(Int64(pages.0)), .integer(Int64(pages.1))
                    ]
                }))
        report.tables.append(
            ReportTable(
                classes[1],
                rows: reporting.limited(
                    perProcess.sorted { ($0.value.0 + $0.value.1, $1.key) > ($1.value.0 + $1.value.1, $0.key) }
                ).map { pid, pages in
                    [
                        .process(name: state.processName(pid: pid), pid: pid, tid: nil),
                        .string(state.containers[Int(pages.2)].name),
                        .integer(Int64(pages.0)), .integer(Int64(pages.1))
                    ]
                }))
        report.tables.append(
            ReportTable(
                classes[2],
                rows: perContainer.sorted(by: byAllocations).map { index, pages in
                    let container = state.containers[Int(index)]
                    return [
                        .string(container.name), .string(container.runtime), .integer(Int64(pages.0)),
                        .integer(Int64(pages.1))
                    ]
                }))
        let total = perThread.values.reduce((UInt64(0), UInt64(0))) { ($0.0 + $1.0, $0.1 + $1.1) }
        report.tables.append(ReportTable(classes[3], rows: [[.integer(Int64(total.0)), .integer(Int64(total.1))]]))
        return report
    }
}
