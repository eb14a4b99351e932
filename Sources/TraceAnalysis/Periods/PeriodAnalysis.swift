/// User-defined periods ("Investigating System Performance for DevOps Using Kernel Tracing" (LinuxCon 2016)): begin and end expressions over events, nesting under a
/// parent period, captures, group-by, and the breakdown of a parent into its children.
public struct PeriodAnalysis: KernelEventHandler {
    /// One finished period instance.
    public struct Instance: Sendable {
        public var name: String
        public var begin: UInt64
        public var end: UInt64
        public var parentIdentifier: Int?
        public var identifier: Int
        public var captures: [(String, PeriodValue)]
        public var duration: UInt64 { end - begin }
    }

    struct Open {
        var identifier: Int
        var begin: UInt64
        var beginValues: [String: PeriodValue]
        var parent: Int?
        var captures: [(String, PeriodValue)]
    }

    public static var tableClasses: [ReportTableClass] {
        let statistics = DurationReporting(options: AnalysisOptions()).statisticColumns
        return [
            ReportTableClass(
                name: "period-stats", title: "Period statistics",
                columns: [
                    ReportColumn("Period", "string"), ReportColumn("Group", "string"), ReportColumn("Total", "duration")
                ] + statistics),
            ReportTableClass(
                name: "period-breakdown", title: "Breakdown of parent periods",
                columns: [
                    ReportColumn("Parent", "string"), ReportColumn("Child", "string"), ReportColumn("Count", "number"),
                    ReportColumn("Total", "duration"), ReportColumn("Share of parent time", "ratio")
                ]),
            ReportTableClass(
                name: "period-log", title: "Period log",
                columns: [
                    ReportColumn("Begin", "timestamp"), ReportColumn("End", "timestamp"),
                    ReportColumn("Duration", "duration"),
                    ReportColumn("Period", "string"), ReportColumn("Parent", "string"),
                    ReportColumn("Captures", "string")
                ])
        ]
    }

    public static let groupByKey = "group-by"

    let options: AnalysisOptions
    let definitions: [PeriodDefinition]
    /// `--group-by` capture names, and `--aggregate-by` parent period names.
    public var groupBy: [String] = []
    public var aggregateBy: [String] = []
    private var open: [[Open]]
    private var nextIdentifier = 0
    /// Field names each definition must remember from its begin event.
    private let rememberedFields: [Set<String>]
    private var finished: [Instance] = []
    private var statistics: [String: DurationStatistics] = [:]
    private var distributions: [String: DurationDistribution] = [:]
    private var firstTimestamp: UInt64 = 0
    private var lastTimestamp: UInt64 = 0

    public init(
        options: AnalysisOptions, definitions: [PeriodDefinition], groupBy: [String] = [], aggregateBy: [String] = []
    ) {
        self.options = options
        self.definitions = definitions
        self.groupBy = groupBy
        self.aggregateBy = aggregateBy
        open = Array(repeating: [], count: definitions.count)
        rememberedFields = definitions.map { definition in
            var names = definition.end?.beginFieldNames() ?? []
            for other in definitions where other.parent == definition.name {
                names.formUnion(other.begin.beginFieldNames(parent: true))
                names.formUnion(other.end?.beginFieldNames(parent: true) ?? [])
            }
            names.formUnion(["$name", "tid", "pid", "procname"])
            return names
        }
    }

    public var observesEveryEvent: Bool { true }

    /// Finished instances, for tests and callers.
    public var instances: [Instance] { finished }

    public mutating func observed(_ record: EventRecord, binding: KernelEventBinding, thread: Int32, state: KernelState)
    {
        if firstTimestamp == 0 { firstTimestamp = record.timestamp }
        lastTimestamp = record.timestamp
        var context = PeriodContext(record: record, thread: thread, state: state)
        // Ends first, so `BEGIN` without `END` closes the running instance and opens the next.
        for (index, definition) in definitions.enumerated() where !open[index].isEmpty {
            var still: [Open] = []
            for instance in open[index] {
                context.begin = instance.beginValues
                context.parentBegin = parentValues(of: instance)
                let ends = definition.end.map { $0.isTrue(context) } ?? definition.begin.isTrue(context)
                if ends {
                    close(instance, definition: definition, at: record.timestamp, context: context)
                } else {
                    still.append(instance)
                }
            }
            open[index] = still
        }
        for (index, definition) in definitions.enumerated() {
            var parent: Open?
            if let parentName = definition.parent {
                guard let parentIndex = definitions.firstIndex(where: { $0.name == parentName }),
                    let latest = open[parentIndex].last
                else { continue }
                parent = latest
            }
            context.begin = nil
            context.parentBegin = parent?.beginValues
            guard definition.begin.isTrue(context) else { continue }
            var values: [String: PeriodValue] = [:]
            for name in rememberedFields[index] { values[name] = PeriodExpression.field(name, of: context) }
            let captures = definition.beginCaptures.map { ($0.0, $0.1.evaluate(context)) }
            nextIdentifier += 1
            open[index].append(
                Open(
                    identifier: nextIdentifier, begin: record.timestamp, beginValues: values,
                    parent: parent?.identifier, captures: captures))
        }
    }

    private func parentValues(of instance: Open) -> [String: PeriodValue]? {
        guard let parent = instance.parent else { return nil }
        for instances in open {
            if let found = instances.first(where: { $0.identifier == parent }) { return found.beginValues }
        }
        return nil
    }

    private mutating func close(_ instance: Open, definition: PeriodDefinition, at time: UInt64, context: PeriodContext)
    {
        let duration = time - instance.begin
        guard options.filter.accepts(duration: duration) else { return }
        let captures = instance.captures + definition.endCaptures.map { ($0.0, $0.1.evaluate(context)) }
        finished.append(
            Instance(
                name: definition.name, begin: instance.begin, end: time, parentIdentifier: instance.parent,
                identifier: instance.identifier, captures: captures))
        let key = statisticsKey(definition.name, captures)
        statistics[key, default: DurationStatistics()].add(duration)
        distributions[key, default: DurationDistribution(options: options)].add(nanoseconds: duration)
    }

    private func statisticsKey(_ name: String, _ captures: [(String, PeriodValue)]) -> String {
        let group = groupBy.compactMap { wanted in captures.first { $0.0 == wanted }.map { "\($0.0)=\($0.1)" } }
        return group.isEmpty ? name + "\u{0}" : name + "\u{0}" + group.joined(separator: ", ")
    }

    public func report(state: KernelState) -> AnalysisReport {
        var report = AnalysisReport(analysis: "periods", begin: firstTimestamp, end: lastTimestamp)
        let classes = Self.tableClasses
        let reporting = DurationReporting(options: options)
        let stillOpen = open.reduce(0) { $0 + $1.count }
        if stillOpen > 0 {
            report.notes.append("note: \(stillOpen) period(s) had not ended when the trace did and are left out")
        }
        if options.showsStatistics {
            report.tables.append(
                ReportTable(
                    classes[0],
                    rows: statistics.sorted { $0.key < $1.key }.map { key, statistics in
                        let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
                        return [
                            .string(String(parts[0])), .string(parts.count > 1 ? String(parts[1]) : ""),
                            .duration(statistics.total)
                        ]
                            + DurationReporting.cells(statistics)
                    }))
        }
        if !aggregateBy.isEmpty {
            var byIdentifier: [Int: Instance] = [:]
            for instance in finished { byIdentifier[instance.identifier] = instance }
            var rows: [[ReportValue]] = []
            for parentName in aggregateBy {
                let parents = finished.filter { $0.name == parentName }
                let parentTime = parents.reduce(UInt64(0)) { $0 + $1.duration }
                var children: [String: (count: Int, total: UInt64)] = [:]
                for child in finished where child.parentIdentifier.flatMap({ byIdentifier[$0]?.name }) == parentName {
                    children[child.name, default: (0, 0)].count += 1
                    children[child.name]!.total &+= child.duration  // a corrupt duration must not trap
                }
                for (child, totals) in children.sorted(by: { $0.value.total > $1.value.total }) {
                    rows.append([
                        .string(parentName), .string(child), .integer(Int64(totals.count)), .duration(totals.total),
                        .ratio(parentTime == 0 ? 0 : Double(totals.total) / Double(parentTime))
                    ])
                }
            }
            report.tables.append(ReportTable(classes[1], rows: rows))
        }
        if options.log {
            var names: [Int: String] = [:]
            for instance in finished { names[instance.identifier] = instance.name }
            let ordered =
                options.top.map { top in Array(finished.sorted { $0.duration > $1.duration }.prefix(top)) }
                ?? finished.sorted { $0.begin < $1.begin }
            report.tables.append(
                ReportTable(
                    classes[2],
                    rows: ordered.map { instance in
                        [
                            .timestamp(instance.begin), .timestamp(instance.end), .duration(instance.duration),
                            .string(instance.name),
                            .string(instance.parentIdentifier.flatMap { names[$0] } ?? ""),
                            .string(instance.captures.map { "\($0.0) = \($0.1)" }.joined(separator: ", "))
                        ]
                    }))
        }
        if options.frequency {
            for (key, distribution) in distributions.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
                let group = parts.count > 1 && !parts[1].isEmpty ? " (\(parts[1]))" : ""
                report.histograms.append(
                    reporting.histogram(
                        title: "Period \(parts[0])\(group) duration", values: distribution.log2,
                        linear: distribution.linear(buckets: options.frequencyBuckets)))
            }
        }
        return report
    }
}
