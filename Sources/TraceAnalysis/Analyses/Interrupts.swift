/// Hard and soft IRQ handler durations and frequency; soft IRQ raise-to-entry latency.
public struct Interrupts: KernelEventHandler {
    struct Key: Hashable {
        var isSoft: Bool
        var number: Int
    }

    public static var tableClasses: [ReportTableClass] {
        let statistics = DurationReporting(options: AnalysisOptions()).statisticColumns
        return [
            ReportTableClass(
                name: "hard-irq", title: "Hard IRQ handler duration", columns: [ReportColumn("IRQ", "irq")] + statistics
            ),
            ReportTableClass(
                name: "soft-irq", title: "Soft IRQ handler duration", columns: [ReportColumn("IRQ", "irq")] + statistics
            ),
            ReportTableClass(
                name: "soft-irq-raise", title: "Soft IRQ raise-to-entry latency",
                columns: [ReportColumn("IRQ", "irq")] + statistics),
            ReportTableClass(
                name: "irq-log", title: "IRQ log",
                columns: [
                    ReportColumn("Begin", "timestamp"), ReportColumn("End", "timestamp"),
                    ReportColumn("Duration", "duration"),
                    ReportColumn("CPU", "cpu"), ReportColumn("IRQ", "irq")
                ])
        ]
    }

    let options: AnalysisOptions
    private var durations: [Key: DurationStatistics] = [:]
    private var raiseLatency: [Int: DurationStatistics] = [:]
    private var distributions: [Key: DurationDistribution] = [:]
    private var names: [Key: String] = [:]
    private var log: EventLog<InterruptInterval>
    private var begin: UInt64 = 0
    private var end: UInt64 = 0

    public var eventInterests: KernelEventInterests { .interrupts }

    public init(options: AnalysisOptions) {
        self.options = options
        log = EventLog(options: options) { $0.duration }
    }

    public mutating func interruptHandled(_ interrupt: InterruptInterval, state: KernelState) {
        guard options.filter.accepts(duration: interrupt.duration) else { return }
        let key = Key(isSoft: interrupt.isSoft, number: interrupt.number)
        durations[key, default: DurationStatistics()].add(interrupt.duration)
        if names[key] == nil { names[key] = interrupt.name }
        if interrupt.isSoft, interrupt.raisedAt > 0 {
            raiseLatency[interrupt.number, default: DurationStatistics()].add(interrupt.begin - interrupt.raisedAt)
        }
        if options.frequency {
            distributions[key, default: DurationDistribution(options: options)].add(nanoseconds: interrupt.duration)
        }
        log.add(interrupt)
    }

    public mutating func traceEnded(at time: UInt64, state: KernelState) {
        begin = state.firstTimestamp
        end = time
    }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "irq", begin: begin, end: end)
        let classes = Self.tableClasses
        let reporting = DurationReporting(options: options)
        if options.showsStatistics {
            for (index, soft) in [false, true].enumerated() {
                report.tables.append(
                    ReportTable(
                        classes[index],
                        rows: durations.filter { $0.key.isSoft == soft }.sorted { $0.key.number < $1.key.number }.map {
                            [.irq(hard: !soft, number: $0.key.number, name: names[$0.key] ?? "")]
                                + DurationReporting.cells($0.value)
                        }))
            }
            report.tables.append(
                ReportTable(
                    classes[2],
                    rows: raiseLatency.sorted { $0.key < $1.key }.map {
                        [.irq(hard: false, number: $0.key, name: names[Key(isSoft: true, number: $0.key)] ?? "")]
                            + DurationReporting.cells($0.value)
                    }))
        }
        if options.log {
            report.tables.append(
                ReportTable(
                    classes[3],
                    rows: log.ordered().map {
                        [
                            .timestamp($0.begin), .timestamp($0.end), .duration($0.duration), .cpu($0.cpu),
                            .irq(hard: !$0.isSoft, number: $0.number, name: $0.name)
                        ]
                    }))
        }
        if options.frequency {
            for (key, distribution) in distributions.sorted(by: {
                ($0.key.isSoft ? 1 : 0, $0.key.number) < ($1.key.isSoft ? 1 : 0, $1.key.number)
            }) {
                report.histograms.append(
                    reporting.histogram(
                        title: "\(key.isSoft ? "Soft" : "Hard") IRQ \(key.number) <\(names[key] ?? "")> duration",
                        values: distribution.log2, linear: distribution.linear(buckets: options.frequencyBuckets)))
            }
        }
        return report
    }
}
