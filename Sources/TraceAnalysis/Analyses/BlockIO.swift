/// Block request latency per disk and request type, charged to the thread and container that
/// caused the request (`iolatency`).
public struct IOLatency: KernelEventHandler {
    struct Key: Hashable, Comparable {
        var device: UInt64
        var operation: BlockOperation

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.device, lhs.operation) < (rhs.device, rhs.operation) }
    }

    public static var tableClasses: [ReportTableClass] {
        let statistics = DurationReporting(options: AnalysisOptions()).statisticColumns
        return [
            ReportTableClass(
                name: "iolatency-per-disk", title: "Block I/O latency per disk and request type",
                columns: [ReportColumn("Disk", "disk"), ReportColumn("Type", "string"), ReportColumn("Bytes", "size")]
                    + statistics),
            ReportTableClass(
                name: "iolatency-per-container", title: "Block I/O latency per container",
                columns: [
                    ReportColumn("Container", "string"), ReportColumn("Type", "string"), ReportColumn("Bytes", "size")
                ] + statistics),
            ReportTableClass(
                name: "iolatency-log", title: "Block I/O requests",
                columns: [
                    ReportColumn("Issue", "timestamp"), ReportColumn("Complete", "timestamp"),
                    ReportColumn("Latency", "duration"),
                    ReportColumn("Disk", "disk"), ReportColumn("Type", "string"), ReportColumn("Sector", "number"),
                    ReportColumn("Bytes", "size"),
                    ReportColumn("Process", "process"), ReportColumn("Container", "string")
                ])
        ]
    }

    let options: AnalysisOptions
    private var perDisk: [Key: (statistics: DurationStatistics, bytes: UInt64)] = [:]
    private var perContainer: [Key: (statistics: DurationStatistics, bytes: UInt64)] = [:]
    private var distribution: DurationDistribution
    private var containerDistributions: [Int32: DurationDistribution] = [:]
    private var log: EventLog<BlockRequestInterval>
    private var begin: UInt64 = 0
    private var end: UInt64 = 0

    public var eventInterests: KernelEventInterests { .blockRequests }

    public init(options: AnalysisOptions) {
        self.options = options
        distribution = DurationDistribution(options: options)
        log = EventLog(options: options) { $0.duration }
    }

    /// `major,minor` of a kernel `dev_t` as tracepoints record it (major << 20 | minor).
    static func diskName(_ device: UInt64) -> String { "\(device >> 20),\(device & 0xFFFFF)" }

    public mutating func blockRequestCompleted(_ request: BlockRequestInterval, state: KernelState) {
        guard options.filter.accepts(duration: request.duration),
            options.filter.accepts(thread: request.thread, in: state) || !options.filter.filtersThreads
        else { return }
        let container = request.thread >= 0 ? state.threads[Int(request.thread)].container : 0
        perDisk[Key(device: request.device, operation: request.operation), default: (DurationStatistics(), 0)]
            .statistics.add(request.duration)
        perDisk[Key(device: request.device, operation: request.operation)]!.bytes &+= request.bytes
        perContainer[Key(device: UInt64(container), operation: request.operation), default: (DurationStatistics(), 0)]
            .statistics.add(request.duration)
        perContainer[Key(device: UInt64(container), operation: request.operation)]!.bytes &+= request.bytes
        distribution.add(nanoseconds: request.duration)
        if options.perContainer {
            containerDistributions[container, default: DurationDistribution(options: options)].add(
                nanoseconds: request.duration)
        }
        log.add(request)
    }

    public mutating func traceEnded(at time: UInt64, state: KernelState) {
        begin = state.firstTimestamp
        end = time
    }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "iolatency", begin: begin, end: end)
        let classes = Self.tableClasses
        let reporting = DurationReporting(options: options)
        func type(_ operation: BlockOperation) -> ReportValue { .string(operation.rawValue) }
        if options.showsStatistics {
            report.tables.append(
                ReportTable(
                    classes[0],
                    rows: perDisk.sorted { $0.key < $1.key }.map {
                        [.disk(Self.diskName($0.key.device)), type($0.key.operation), .size($0.value.bytes)]
                            + DurationReporting.cells($0.value.statistics)
                    }))
            report.tables.append(
                ReportTable(
                    classes[1],
                    rows: perContainer.sorted { $0.key < $1.key }.map {
                        [
                            .string(state.containers[Int($0.key.device)].name), type($0.key.operation),
                            .size($0.value.bytes)
                        ] + DurationReporting.cells($0.value.statistics)
                    }))
        }
        if options.log {
            report.tables.append(
                ReportTable(
                    classes[2],
                    rows: log.ordered().map { request in
                        let process: ReportValue =
                            request.thread >= 0
                            ? .process(
                                name: state.threads[Int(request.thread)].comm,
                                pid: state.threads[Int(request.thread)].pid, tid: state.threads[Int(request.thread)].tid
                            )
                            : .empty
                        return [
                            .timestamp(request.begin), .timestamp(request.end), .duration(request.duration),
                            .disk(Self.diskName(request.device)),
                            type(request.operation), .integer(Int64(request.sector)), .size(request.bytes), process,
                            .string(state.container(of: request.thread).name)
                        ]
                    }))
        }
        if options.frequency {
            report.histograms.append(
                reporting.histogram(
                    title: "Block I/O latency distribution", values: distribution.log2,
                    linear: distribution.linear(buckets: options.frequencyBuckets)))
            for (index, containerDistribution) in containerDistributions.sorted(by: { $0.key < $1.key }) {
                report.histograms.append(
                    reporting.histogram(
                        title: "container = \(state.containers[Int(index)].name)", values: containerDistribution.log2,
                        linear: containerDistribution.linear(buckets: options.frequencyBuckets)))
            }
        }
        return report
    }
}

/// Bytes read and written per process, container and file from syscalls, and per disk from the
/// block layer (`iousage`).
public struct IOUsage: KernelEventHandler {
    struct FileKey: Hashable {
        var pid: Int32
        var fd: Int64
    }

    public static let tableClasses = [
        ReportTableClass(
            name: "iousage-per-process", title: "Per-process I/O (syscalls)",
            columns: [
                ReportColumn("Process", "process"), ReportColumn("Container", "string"),
                ReportColumn("Read", "size"), ReportColumn("Written", "size")
            ]),
        ReportTableClass(
            name: "iousage-per-container", title: "Per-container I/O (syscalls)",
            columns: [
                ReportColumn("Container", "string"), ReportColumn("Read", "size"), ReportColumn("Written", "size")
            ]),
        ReportTableClass(
            name: "iousage-per-file", title: "Per-file I/O (syscalls)",
            columns: [
                ReportColumn("Process", "process"), ReportColumn("FD", "fd"), ReportColumn("File", "path"),
                ReportColumn("Read", "size"), ReportColumn("Written", "size")
            ]),
        ReportTableClass(
            name: "iousage-per-disk", title: "Per-disk I/O (block requests)",
            columns: [
                ReportColumn("Disk", "disk"), ReportColumn("Read", "size"), ReportColumn("Written", "size"),
                ReportColumn("Discarded", "size"),
                ReportColumn("Requests", "number")
            ])
    ]

    let options: AnalysisOptions
    private var perProcess: [Int32: (read: UInt64, written: UInt64, container: Int32)] = [:]
    private var perFile: [FileKey: (read: UInt64, written: UInt64, name: String?)] = [:]
    private var perDisk: [UInt64: (read: UInt64, written: UInt64, discarded: UInt64, requests: UInt64)] = [:]
    private var readSyscalls: Set<Int32> = []
    private var writeSyscalls: Set<Int32> = []
    private var classified: Set<Int32> = []
    private var begin: UInt64 = 0
    private var end: UInt64 = 0

    public var eventInterests: KernelEventInterests { [.syscalls, .blockRequests] }

    public init(options: AnalysisOptions) {
        self.options = options
    }

    public mutating func syscallEnded(
        at time: UInt64, cpu: Int, thread: Int32, call: SyscallInterval, state: KernelState
    ) {
        if !classified.contains(call.syscall) {
            classified.insert(call.syscall)
            let name = state.syscallNames[Int(call.syscall)]
            if SyscallArguments.reads.contains(name) { readSyscalls.insert(call.syscall) }
            if SyscallArguments.writes.contains(name) { writeSyscalls.insert(call.syscall) }
        }
        let isRead = readSyscalls.contains(call.syscall)
        guard isRead || writeSyscalls.contains(call.syscall), call.returnValue > 0,
            options.filter.accepts(thread: thread, in: state)
        else { return }
        let bytes = UInt64(call.returnValue)
        let threadState = state.threads[Int(thread)]
        if isRead {
            perProcess[threadState.pid, default: (0, 0, threadState.container)].read &+= bytes
        } else {
            perProcess[threadState.pid, default: (0, 0, threadState.container)].written &+= bytes
        }
        if call.fileDescriptor >= 0 {
            let key = FileKey(pid: threadState.pid, fd: call.fileDescriptor)
            var entry = perFile[key] ?? (0, 0, nil)
            if entry.name == nil {
                entry.name = state.fileNames[KernelState.FileKey(pid: threadState.pid, fd: call.fileDescriptor)]
            }
            if isRead { entry.read &+= bytes } else { entry.written &+= bytes }
            perFile[key] = entry
        }
    }

    // Byte sums wrap (&+): sizes come from the trace, and a corrupt one must not trap.
    public mutating func blockRequestCompleted(_ request: BlockRequestInterval, state: KernelState) {
        var entry = perDisk[request.device] ?? (0, 0, 0, 0)
        switch request.operation {
        case .read: entry.read &+= request.bytes
        case .write: entry.written &+= request.bytes
        case .discard: entry.discarded &+= request.bytes
        case .flush, .other: break  // no data moves
        }
        entry.requests += 1
        perDisk[request.device] = entry
    }

    public mutating func traceEnded(at time: UInt64, state: KernelState) {
        begin = state.firstTimestamp
        end = time
    }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "iousage", begin: begin, end: end)
        let reporting = DurationReporting(options: options)
        report.tables.append(
            ReportTable(
                Self.tableClasses[0],
                rows: reporting.limited(
                    perProcess.sorted {
                        ($0.value.read &+ $0.value.written, $1.key) > ($1.value.read &+ $1.value.written, $0.key)
                    }
                ).map {
                    [
                        .process(name: state.processName(pid: $0.key), pid: $0.key, tid: nil),
                        .string(state.containers[Int($0.value.container)].name),
                        .size($0.value.read), .size($0.value.written)
                    ]
                }))
        var perContainer: [Int32: (UInt64, UInt64)] = [:]
        for entry in perProcess.values {
            perContainer[entry.container, default: (0, 0)].0 &+= entry.read
            perContainer[entry.container]!.1 &+= entry.written
        }
        report.tables.append(
            ReportTable(
                Self.tableClasses[1],
                rows: perContainer.sorted { ($0.value.0 &+ $0.value.1, $1.key) > ($1.value.0 &+ $1.value.1, $0.key) }
                    .map {
                        [.string(state.containers[Int($0.key)].name), .size($0.value.0), .size($0.value.1)]
                    }))
        report.tables.append(
            ReportTable(
                Self.tableClasses[2],
                rows: reporting.limited(
                    perFile.sorted {
                        ($0.value.read &+ $0.value.written, $1.key.pid, $1.key.fd) > (
                            $1.value.read &+ $1.value.written, $0.key.pid, $0.key.fd
                        )
                    }
                ).map {
                    [
                        .process(name: state.processName(pid: $0.key.pid), pid: $0.key.pid, tid: nil),
                        .fileDescriptor($0.key.fd),
                        $0.value.name.map { .path($0) } ?? .empty, .size($0.value.read), .size($0.value.written)
                    ]
                }))
        report.tables.append(
            ReportTable(
                Self.tableClasses[3],
                rows: perDisk.sorted { $0.key < $1.key }.map {
                    [
                        .disk(IOLatency.diskName($0.key)), .size($0.value.read), .size($0.value.written),
                        .size($0.value.discarded),
                        .integer(Int64($0.value.requests))
                    ]
                }))
        return report
    }
}
