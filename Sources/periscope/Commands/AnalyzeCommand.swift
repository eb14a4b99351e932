import ArgumentParser
import Presentation
import Reporting
import Foundation
import KernelTrace
import TraceAnalysis

// The values ArgumentParser's generic defaults would give, spelled out: those defaults go
// through key paths and dynamic casts, and the analyze command's arguments are declared anew on
// every invocation (each first cast scans every protocol conformance of the binary).
extension AnalysisKind: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { rawValue }
}

extension MemoryCount: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { rawValue }
}

/// Progress through a long trace, as a fraction of its time range: LAMI progress lines on
/// standard output with `--lami --output-progress`, else a line on standard error when it is a
/// terminal. Nil when neither applies or the trace's time range is unknown.
final class ProgressReporter {
    private let range: ClosedRange<UInt64>
    private let lami: Bool
    private var shown = false

    init?(source: any EventSource, lami: Bool) {
        guard lami || isatty(STDERR_FILENO) == 1 else { return nil }
        let range: ClosedRange<UInt64>?
        if let directory = source as? PeriscopeTraceReader, directory.metadata.endNs > directory.metadata.startNs {
            range = directory.metadata.startNs...directory.metadata.endNs
        } else if let ctf = source as? CTFTraceSource {
            range = ctf.timeRange()
        } else {
            range = nil
        }
        guard let range else { return nil }
        self.range = range
        self.lami = lami
    }

    func report(_ timestamp: UInt64) {
        let span = Double(max(range.upperBound - range.lowerBound, 1))
        let fraction = min(max(Double(timestamp &- range.lowerBound) / span, 0), 1)
        if lami {
            print(String(format: "%.4f", fraction))
        } else {
            FileHandle.standardError.write(Data(String(format: "\ranalysing: %3.0f %%", fraction * 100).utf8))
            shown = true
        }
    }

    func finish() {
        if lami { print("1.0000") } else if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// `periscope analyze ANALYSIS TRACE`: one analysis over a Periscope trace directory or an
/// LTTng CTF trace.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse a kernel trace per thread, process, container and CPU.",
        discussion: """
            ANALYSIS is one of: \(AnalysisKind.allCases.map(\.rawValue).joined(separator: ", ")).
              cputop     CPU time per thread, process, container and CPU, migrations, priorities
              memtop     pages allocated and freed per thread, process and container (--count events: page events)
              schedlat   wake-up to run (run-queue) latency, per process, container, priority
              syscalls   count, errors, duration per syscall, process and container
              iolatency  block request latency per disk and type, charged to the requester
              iousage    bytes read/written per process, container, file (syscalls) and disk
              irq        hard and soft IRQ handler durations, soft IRQ raise latency
              dstate     uninterruptible (D state) sleeps, their durations and wakers
              periods    user-defined periods (--period), nested, with captures
            TRACE is a directory written by `periscope trace record`, or a CTF trace written by \
            LTTng (the session directory or its kernel/ directory). Both LTTng names \
            (sched_switch prev_tid, syscall_entry_*, irq_softirq_*, kmem_mm_page_*) and ftrace \
            names (prev_pid, raw_syscalls, softirq_*, mm_page_*) are understood.
            Durations are in microseconds; --freq prints bcc-style log2 histograms.
            For Trace Compass, register `periscope analyze ANALYSIS --lami` as an external \
            (LAMI 1.0) analysis (it runs `periscope --mi-version` first); in LAMI mode every \
            error is a LAMI error object on standard output.
            """
    )

    @Argument(help: "The analysis to run.")
    var analysis: AnalysisKind

    @Argument(help: "The trace directory.")
    var traces: [String] = []

    @Option(
        name: .customLong("container"), parsing: .singleValue,
        help: "Only threads of this container (name, id or unique id prefix, or `host`); repeatable.")
    var containers: [String] = []

    @Option(name: .customLong("tid"), parsing: .singleValue, help: "Only this thread or process id; repeatable.")
    var tids: [Int32] = []

    @Option(
        name: .customLong("procname"), parsing: .singleValue, help: "Only threads with this command name; repeatable.")
    var processNames: [String] = []

    @Option(name: .customLong("cpu"), parsing: .singleValue, help: "Only events on this CPU; repeatable.")
    var cpus: [Int] = []

    @Option(
        help:
            "Start of the window from the first event: \(DurationText.forms), or absolute trace-clock nanoseconds (13 digits or more, LAMI)."
    )
    var begin: String?

    @Option(help: "End of the window, like --begin.")
    var end: String?

    @Option(
        help:
            "Leave out durations shorter than this: 50us, 2ms, 1s (plain numbers are microseconds, as in lttng-analyses)."
    )
    var min: String?

    @Option(help: "Leave out durations longer than this.")
    var max: String?

    @Option(help: "Rows per table; with --log, only the N slowest events.")
    var top: Int?

    @Flag(help: "Statistics: count, min, avg, max, stdev, p50/p90/p99 (the default output).")
    var stats = false

    @Flag(help: "Distributions as bcc-style log2 histograms.")
    var freq = false

    @Option(help: "With --freq: N linear buckets between the minimum and the maximum instead of log2.")
    var freqResolution: Int?

    @Flag(help: "The individual events (slowest first with --top).")
    var log = false

    @Flag(name: .customLong("per-container"), help: "One distribution per container (like bcc runqlat --pidnss).")
    var perContainer = false

    @Option(
        help:
            "memtop: count `pages` (2^order per page event, the default) or `events` (one per allocation or free, as lttng-memtop counts)."
    )
    var count: MemoryCount = .pages

    @Option(
        name: .customLong("period"), parsing: .singleValue,
        help: ArgumentHelp(
            "periods: NAME[(PARENT)]:BEGIN_EXPR[:END_EXPR]; repeatable.",
            discussion:
                "Expressions: $evt.$name, $evt.FIELD, $begin.$evt.FIELD, $parent.$begin.$evt.FIELD, ==, !=, <, >, &&, ||, !, \"strings\", numbers."
        ))
    var periods: [String] = []

    @Option(
        name: .customLong("period-captures"), parsing: .singleValue,
        help: "periods: 'NAME: x = $evt.FIELD, ...[: y = $evt.FIELD]' (begin[:end]).")
    var periodCaptures: [String] = []

    @Option(name: .customLong("group-by"), help: "periods: statistics per value of these captures (comma-separated).")
    var groupBy: String?

    @Option(
        name: .customLong("aggregate-by"),
        help: "periods: break these parent periods down into their children (comma-separated).")
    var aggregateBy: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(
        help:
            "Speak LAMI 1.0 (Trace Compass external analyses): JSON results, --metadata, --mi-version, --test-compatibility."
    )
    var lami = false

    @Flag(help: "LAMI: print the analysis's metadata and exit.")
    var metadata = false

    @Flag(name: .customLong("mi-version"), help: "LAMI: print the machine-interface version (1.0) and exit.")
    var miVersion = false

    @Option(name: .customLong("test-compatibility"), help: "LAMI: exit 0 when TRACE can be analysed.")
    var testCompatibility: String?

    @Option(help: "LAMI: at most N rows per table, or `unlimited`.")
    var limit: String?

    @Flag(
        name: .customLong("output-progress"),
        help: "LAMI: print progress lines (fractions of the trace) before the result.")
    var outputProgress = false

    func validate() throws {
        if !miVersion && !metadata && testCompatibility == nil && traces.isEmpty {
            throw ValidationError("give a trace directory")
        }
        if analysis == .periods && periods.isEmpty && !miVersion && !metadata && testCompatibility == nil {
            throw ValidationError("periods needs at least one --period 'NAME:BEGIN_EXPR[:END_EXPR]'")
        }
        if let top, top < 0 { throw ValidationError("--top must be positive") }
        if let freqResolution, freqResolution < 1 || freqResolution > 1000 {
            throw ValidationError("--freq-resolution must be 1...1000")
        }
        _ = try rowLimit()
    }

    /// `--limit N` or `--limit unlimited` (LAMI's spelling of no limit).
    func rowLimit() throws -> Int? {
        guard let limit, limit != "unlimited" else { return nil }
        guard let rows = Int(limit), rows >= 0 else {
            throw ValidationError("--limit must be a number of rows or `unlimited`")
        }
        return rows
    }

    func run() throws {
        if miVersion {
            print("1.0")
            return
        }
        if metadata {
            print(
                ReportRenderer.lamiMetadata(
                    analysis: analysis.rawValue, title: "Periscope \(analysis.rawValue)", description: analysis.title,
                    tableClasses: analysis.tableClasses(options: try analysisOptions())
                ).rendered())
            return
        }
        if let testCompatibility {
            // Compatible: exit 0 and print nothing. Incompatible: the error (a LAMI object in LAMI mode).
            _ = try Self.openTrace(testCompatibility)
            return
        }
        let options = try analysisOptions()
        let periodConfiguration = try self.periodConfiguration()
        for (position, trace) in traces.enumerated() {
            let source = try Self.openTrace(trace)
            defer { printTraceWarnings(source) }
            var report: AnalysisReport
            let reporter = ProgressReporter(source: source, lami: lami && outputProgress)
            do {
                report = try TraceAnalysisRunner.run(
                    analysis, source: source, options: options, periods: periodConfiguration,
                    progress: reporter.map { reporter in { reporter.report($0) } })
            } catch {
                reporter?.finish()
                throw UserFacingError("\(trace): \(error)")
            }
            reporter?.finish()
            if let limit = try rowLimit() {
                report.tables = report.tables.map {
                    var table = $0; table.rows = Array(table.rows.prefix(limit)); return table
                }
            }
            if lami {
                print(ReportRenderer.lami(report).rendered())
            } else if json {
                print(ReportRenderer.json(report).rendered())
            } else {
                if traces.count > 1 { print((position > 0 ? "\n" : "") + "== \(trace)") }
                print(
                    ReportRenderer.text(report, epochOffset: source.traceDescription.epochOffsetNanoseconds),
                    terminator: "")
            }
        }
    }

    /// A Periscope trace directory (it has metadata.json) or a CTF trace.
    static func openTrace(_ path: String) throws -> any EventSource {
        if FileManager.default.fileExists(atPath: TraceDirectoryLayout(root: path).metadataPath) {
            do { return try PeriscopeTraceReader(directory: path) } catch { throw UserFacingError("\(path): \(error)") }
        }
        do { return try CTFTraceSource(path: path) } catch {
            throw UserFacingError(
                "\(path): not a Periscope trace directory (no metadata.json) nor a CTF trace: \(error)")
        }
    }

    func analysisOptions() throws -> AnalysisOptions {
        var options = AnalysisOptions()
        options.filter.containers = Set(containers)
        options.filter.tids = Set(tids)
        options.filter.processNames = Set(processNames)
        options.filter.cpus = Set(cpus)
        options.filter.begin = try begin.map { try Self.timeBound($0, option: "--begin", lami: lami) }
        options.filter.end = try end.map { try Self.timeBound($0, option: "--end", lami: lami) }
        options.filter.minimumDuration = try min.map { try Self.duration($0, option: "--min") }
        options.filter.maximumDuration = try max.map { try Self.duration($0, option: "--max") }
        options.top = top
        options.statistics = stats
        options.frequency = freq || freqResolution != nil
        options.frequencyBuckets = freqResolution
        options.log = log
        options.perContainer = perContainer
        options.memoryCount = count
        if lami { options.statistics = true; options.log = log }
        return options
    }

    func periodConfiguration() throws -> PeriodConfiguration {
        var definitions: [PeriodDefinition] = []
        do {
            for text in periods { definitions.append(try PeriodDefinition(parsing: text)) }
            for text in periodCaptures {
                let name = text.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard let index = definitions.firstIndex(where: { $0.name == name }) else {
                    throw UserFacingError("--period-captures names `\(name)`, which no --period defines")
                }
                try definitions[index].addCaptures(text)
            }
        } catch let error as PeriodSyntaxError {
            throw UserFacingError("\(error)")
        }
        for definition in definitions {
            if let parent = definition.parent, !definitions.contains(where: { $0.name == parent }) {
                throw UserFacingError("period \(definition.name) names parent \(parent), which no --period defines")
            }
        }
        let split: (String?) -> [String] = {
            $0?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        }
        return PeriodConfiguration(definitions: definitions, groupBy: split(groupBy), aggregateBy: split(aggregateBy))
    }

    /// `1.5` / `1.5s` / `200ms` / `30us` / `10ns` from the first event, or absolute nanoseconds:
    /// a bare integer of 13 digits or more, or any bare integer in LAMI mode (LAMI's --begin and
    /// --end are always trace-clock ns).
    static func timeBound(_ text: String, option: String, lami: Bool = false) throws -> AnalysisFilter.TimeBound {
        if text.count >= 13 || lami, let absolute = UInt64(text) { return .absolute(absolute) }
        return .sinceStart(try nanoseconds(text, defaultUnit: 1_000_000_000, option: option))
    }

    static func duration(_ text: String, option: String) throws -> UInt64 {
        try nanoseconds(text, defaultUnit: 1000, option: option)
    }

    static func nanoseconds(_ text: String, defaultUnit: Double, option: String) throws -> UInt64 {
        do {
            return try DurationText.nanoseconds(text, defaultUnitSeconds: defaultUnit / 1e9)
        } catch {
            throw UserFacingError("\(option) \(text): expected a number with an optional unit (ns, us, ms, s, m, h)")
        }
    }
}
