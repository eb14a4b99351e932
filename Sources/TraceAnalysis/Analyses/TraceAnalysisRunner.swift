/// An analysis that can say what it found.
protocol ReportingAnalysis: KernelEventHandler {
    func report(state: KernelState) -> AnalysisReport
}

extension CPUTop: ReportingAnalysis {}
extension SchedLatency: ReportingAnalysis {}
extension Syscalls: ReportingAnalysis {}
extension Interrupts: ReportingAnalysis {}
extension MemTop: ReportingAnalysis {}
extension IOLatency: ReportingAnalysis {}
extension IOUsage: ReportingAnalysis {}
extension UninterruptibleSleep: ReportingAnalysis {}
extension PeriodAnalysis: ReportingAnalysis {}

/// The `--period`, `--group-by` and `--aggregate-by` choices of the periods analysis.
public struct PeriodConfiguration: Sendable {
    public var definitions: [PeriodDefinition] = []
    public var groupBy: [String] = []
    public var aggregateBy: [String] = []

    public init(definitions: [PeriodDefinition] = [], groupBy: [String] = [], aggregateBy: [String] = []) {
        self.definitions = definitions
        self.groupBy = groupBy
        self.aggregateBy = aggregateBy
    }
}

/// The analyses `periscope analyze` offers.
public enum AnalysisKind: String, CaseIterable, Sendable {
    case cputop, memtop, schedlat, syscalls, iolatency, iousage, irq, dstate, periods

    public var title: String {
        switch self {
        case .cputop: "CPU usage per thread, process, container and CPU"
        case .memtop: "Pages allocated and freed per thread, process and container"
        case .schedlat: "Scheduling (run-queue) latency"
        case .syscalls: "System call statistics"
        case .iolatency: "Block I/O latency"
        case .iousage: "I/O usage"
        case .irq: "Hard and soft IRQ handler durations"
        case .dstate: "Uninterruptible (D state) sleeps"
        case .periods: "User-defined periods"
        }
    }

    /// Event kinds without which the analysis has nothing to say.
    var requiredKinds: [[KernelEventKind]] {
        switch self {
        case .cputop: [[.schedSwitch]]
        case .memtop: [[.pageAlloc, .pageFree]]
        case .schedlat: [[.schedSwitch], [.schedWakeup, .schedWaking, .schedWakeupNew]]
        case .syscalls, .iousage: [[.syscallEntry], [.syscallExit]]
        case .iolatency: [[.blockIssue, .blockInsert], [.blockComplete]]
        case .irq: [[.irqHandlerEntry, .softirqEntry]]
        case .dstate: [[.schedSwitch], [.schedWakeup, .schedWaking]]
        case .periods: []
        }
    }

    public var tableClasses: [ReportTableClass] { tableClasses(options: AnalysisOptions()) }

    /// The tables the analysis produces with these options (memtop's columns follow `--count`).
    public func tableClasses(options: AnalysisOptions) -> [ReportTableClass] {
        switch self {
        case .cputop: CPUTop.tableClasses
        case .memtop: MemTop.tableClasses(counting: options.memoryCount)
        case .schedlat: SchedLatency.tableClasses
        case .syscalls: Syscalls.tableClasses
        case .iolatency: IOLatency.tableClasses
        case .iousage: IOUsage.tableClasses
        case .irq: Interrupts.tableClasses
        case .dstate: UninterruptibleSleep.tableClasses
        case .periods: PeriodAnalysis.tableClasses
        }
    }
}

/// Runs analyses over an `EventSource`.
public enum TraceAnalysisRunner {
    /// Replays `source` once through the analysis and returns its report, with notes on lost
    /// events and missing event classes.
    /// `progress` is called every million events or so with the timestamp reached.
    public static func run(
        _ kind: AnalysisKind, source: some EventSource, options: AnalysisOptions,
        periods: PeriodConfiguration = PeriodConfiguration(),
        progress: ((UInt64) -> Void)? = nil
    ) throws -> AnalysisReport {
        var report: AnalysisReport
        var present: Set<KernelEventKind>?
        switch kind {
        case .cputop:
            report = try replay(
                CPUTop(options: options), source: source, filter: options.filter, present: &present, progress: progress)
        case .memtop:
            report = try replay(
                MemTop(options: options), source: source, filter: options.filter, present: &present, progress: progress)
        case .schedlat:
            report = try replay(
                SchedLatency(options: options), source: source, filter: options.filter, present: &present,
                progress: progress)
        case .syscalls:
            report = try replay(
                Syscalls(options: options), source: source, filter: options.filter, present: &present,
                progress: progress)
        case .iolatency:
            report = try replay(
                IOLatency(options: options), source: source, filter: options.filter, present: &present,
                progress: progress)
        case .iousage:
            report = try replay(
                IOUsage(options: options), source: source, filter: options.filter, present: &present, progress: progress
            )
        case .irq:
            report = try replay(
                Interrupts(options: options), source: source, filter: options.filter, present: &present,
                progress: progress)
        case .dstate:
            report = try replay(
                UninterruptibleSleep(options: options), source: source, filter: options.filter, present: &present,
                progress: progress)
        case .periods:
            let analysis = PeriodAnalysis(
                options: options, definitions: periods.definitions, groupBy: periods.groupBy,
                aggregateBy: periods.aggregateBy)
            report = try replay(analysis, source: source, filter: options.filter, present: &present, progress: progress)
        }
        // The replayer bound every class at `begin`; a source that never began is bound here.
        let kinds =
            present
            ?? {
                let vocabulary = KernelEventVocabulary(syscallNames: SyscallNameLookup(machine: ""))
                return Set(source.traceDescription.classes.classes.map { vocabulary.binding(for: $0).kind })
            }()
        for alternatives in kind.requiredKinds where !alternatives.contains(where: kinds.contains) {
            report.notes.append(
                "note: the trace has no \(alternatives.map { "\($0)" }.joined(separator: "/")) events; record them for \(kind.rawValue)"
            )
        }
        return report
    }

    static func replay<Analysis: ReportingAnalysis>(
        _ analysis: Analysis, source: some EventSource, filter: AnalysisFilter,
        present: inout Set<KernelEventKind>?, progress: ((UInt64) -> Void)?
    ) throws -> AnalysisReport {
        // A protocol requirement, not a downcast: the first dynamic cast of the process costs a
        // scan of every protocol conformance in the binary.
        let layout = source.traceDirectoryLayout.map(SyscallArgumentLayout.directory) ?? .builtIn
        var replayer = KernelStateReplayer(
            handler: analysis, filter: filter, machine: source.traceDescription.environment["machine"] ?? "",
            argumentLayout: layout)
        replayer.progress = progress
        try source.run(into: &replayer)
        present = replayer.presentKinds
        try filter.checkContainers(in: replayer.state)
        var report = replayer.handler.report(state: replayer.state)
        // The time range is the part analysed: from --begin when it is after the first event.
        if let begin = filter.begin {
            report.begin = max(report.begin, begin.resolve(start: replayer.state.firstTimestamp))
        }
        report.eventCount = replayer.state.eventCount
        // Page headers count overwritten pages; the capture's statistics also count events
        // dropped on full buffers. Both describe the same losses, so the larger is the truth.
        report.lostEvents = max(replayer.state.lostEvents, source.captureLostEventCount)
        if report.lostEvents > 0 {
            report.notes.append(
                "warning: the tracer lost \(report.lostEvents) events; results undercount around those gaps")
        }
        return report
    }
}
